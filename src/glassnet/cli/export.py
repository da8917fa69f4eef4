"""``glassnet export``: a trained model out to ONNX or Keras."""

from __future__ import annotations

from ..base.i18n import _
from ..base.sanitize import one_line, terminal


def add_export(sub):
    p = sub.add_parser("export", help="write a model as ONNX (with the table's preprocessing) "
                       "or as a Keras .keras file",
                       description="Write MODEL for other tools. --to onnx: one ONNX graph "
                       "from the sheet's raw columns (one input per column, blanks as NaN or "
                       "empty text) to the predicted label and probabilities or value, with "
                       "the blank-cell fills, text levels, scaling and network inside; run it "
                       "with onnxruntime. --to keras: the network alone as a .keras file "
                       "(input scaling folded into the first layer) for keras.saving.load_model.")
    p.add_argument("model", help="a .glassnet (or .keras) model file")
    p.add_argument("--to", choices=("onnx", "keras"), help="the format (default: from the "
                   "--out file's extension, .onnx or .keras)")
    p.add_argument("--out", required=True, help="the file to write (.onnx or .keras)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    p.set_defaults(func=cmd_export)


def cmd_export(args):
    from ..interop.export import export
    from ..interop.loading import load_model
    from .common import output_file

    output_file(args.out, args.overwrite, inputs=[args.model])
    model = load_model(args.model, compile=False)
    notes = export(model, args.out, args.to)
    if not args.quiet:
        for note in notes:
            print(terminal(note))
        print(terminal(_("model written to {path}").format(path=one_line(args.out))))
    return 0
