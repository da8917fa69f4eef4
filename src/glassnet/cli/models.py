"""Commands on a saved (or hand-typed) model: ``predict``, ``evaluate``, ``gradcheck``
and ``trace``."""

from __future__ import annotations

import json
import os
import sys

import numpy as np

from ..base.i18n import N_, _, ngettext, pad
from ..base.sanitize import one_line, terminal
from .common import (
    UsageError,
    add_column_options,
    add_sheet_option,
    check_positive,
    load_data,
    output_file,
    parse_hidden,
    parse_rows,
    print_matrix,
    sheet_line,
)

#: The XOR network worked out by hand with ReLU cells (docs/seeds.md, seed 003): buy
#: when exactly one of design and quality is good.
XOR_NETWORK = {
    "input_names": ["design", "quality"],
    "layers": [
        {"activation": "relu", "cells": [{"weights": [5, 5], "bias": -5},
                                         {"weights": [-5, -5], "bias": 5}]},
        {"activation": "relu", "cells": [{"weights": [-10, -10], "bias": 10}]},
    ],
}


def _model_and_data(sub, name, data_help, func, **texts):
    p = sub.add_parser(name, **texts)
    p.add_argument("model", help="a .glassnet model file")
    p.add_argument("data", help=data_help)
    p.add_argument("--encoding", help="file encoding (detected by default)")
    add_column_options(p, features=False)
    p.set_defaults(func=func)
    return p


# predict / evaluate -------------------------------------------------------------------------
def add_predict(sub):
    p = _model_and_data(sub, "predict", N_("CSV file with the model's input columns"), cmd_predict,
                        help="class probabilities (or values) for new rows",
                        description="Predict every row of DATA (a CSV with the training "
                        "columns, matched by name; other columns such as IDs and dates are "
                        "kept) and write every column of the file, one probability column "
                        "per class and the predicted class. When DATA has the target column, "
                        "also print the accuracy and the confusion matrix.")
    p.add_argument("--out", help="write the table here (default: print it)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    p.add_argument("--threshold", type=float, metavar="P", help="two classes: predict the "
                   "rarer class of the training data (the one looked for) when its "
                   "probability is at least P (default: the more probable class, P = 0.5); "
                   "the report's threshold table shows what each P finds and misses")


def cmd_predict(args):
    from ..data.exports import predict_csv
    from ..data.pipeline import summary
    from ..interop.loading import load_model

    if args.out:
        output_file(args.out, args.overwrite, [args.data, args.model])
    model = load_model(args.model)
    if args.threshold is not None:
        _check_threshold(args, model)
    result = predict_csv(model, args.data, args.out, encoding=args.encoding,
                         skip_rows=args.skip_rows, overwrite=args.overwrite, sheet=args.sheet,
                         missing=args.missing, threshold=args.threshold)
    if result.detected.get("sheet") and not args.quiet:  # stderr when stdout has the table
        print(sheet_line(result.detected), file=sys.stdout if args.out else sys.stderr)
    line = summary({"missing": result.missing}, cli=True)
    if line and not args.quiet:  # on stderr when stdout carries the table
        print(terminal(line), file=sys.stdout if args.out else sys.stderr)
    if args.out:
        print(terminal(ngettext("{n} prediction written to {file}",
                                "{n} predictions written to {file}", len(result.rows)).format(
                                    n=len(result.rows), file=one_line(args.out))))
    else:
        from ..io.files import csv_text

        # the table as it would be written (the input's delimiter and decimal mark); it
        # is the command's output, as a file would be: -q keeps it
        getattr(args, "data_stream", sys.stdout).write(terminal(csv_text(
            result.header, result.rows, result.dialect["delimiter"],
            result.dialect["decimal"])))
    if result.comparison:  # on stderr when stdout carries the table
        print_comparison(result.comparison, file=sys.stdout if args.out else sys.stderr)
    return 0


def _check_threshold(args, model):
    """--threshold: a probability, for a model of two classes; says which class it is for
    (on stderr when stdout carries the table)."""
    from ..base.i18n import _

    classes = (model.info or {}).get("class_names") or []
    if len(classes) != 2:
        raise UsageError(f"--threshold applies to a model of two classes; {args.model} has "
                         f"{len(classes) or 'none (it predicts numbers)'}")
    if not 0.0 <= args.threshold <= 1.0:
        raise UsageError(f"--threshold must be a probability from 0 to 1, got {args.threshold}")
    positive = (model.info or {}).get("positive_class")
    positive = positive if positive in classes else classes[1]
    print(terminal(_("predicting {name} when its probability is at least {p}").format(
        name=positive, p=f"{args.threshold:g}")), file=sys.stdout if args.out else sys.stderr)


def print_comparison(c, file=None):
    """The predictions against the file's target column."""
    from ..base.i18n import _
    from ..report.measures import classification_sentence, regression_sentence, unit_note

    where = _("compared with column {name} on {rows} rows").format(name=repr(c["target"]),
                                                                  rows=c["rows"])
    if "accuracy" not in c:
        unit, note = unit_note(c["target"])
        print(terminal(f"{where}: {regression_sentence(c, unit)}. {note}"), file=file)
        return
    if c["accuracy"] is None:
        print(terminal(f"{where}: " + _("accuracy n/a")), file=file)
    else:
        print(terminal(f"{where}: {classification_sentence(c)[0]}"), file=file)
    if c["unknown_classes"]:
        print(terminal(_("rows with classes the model does not know were left out: "
                         "{classes}").format(classes=", ".join(c["unknown_classes"]))),
              file=file)
    print_matrix(c["classes"], c["confusion_matrix"], file=file)


def add_evaluate(sub):
    _model_and_data(sub, "evaluate", N_("CSV file with the input columns and the target column"),
                    cmd_evaluate, help="loss, accuracy and confusion matrix on labelled rows",
                    description="Score a saved model on rows whose answers are known: DATA "
                    "is a CSV with the model's input columns (matched by name) and its target "
                    "column. Prints the loss and the metrics the model was trained with and, "
                    "for classes, the confusion matrix.")


def cmd_evaluate(args):
    from ..base.i18n import _, ngettext
    from ..data import Dataset, load_csv
    from ..data.exports import input_plan
    from ..data.pipeline import summary
    from ..interop.loading import load_model
    from ..plotting.evaluation import history_units
    from ..report.measures import (
        amount,
        classification_sentence,
        measure,
        regression_sentence,
        unit_note,
    )
    from ..training.metrics import LABELS

    model = load_model(args.model)
    info = model.info or {}
    target = info.get("target_name")
    if target is None:
        raise UsageError(f"{args.model} does not record its target column; it was not "
                         "trained on a dataset")
    if not model.compiled:
        raise UsageError(f"{args.model} has no loss saved with it; cannot evaluate")
    task = "classification" if info.get("class_names") else "regression"
    data = load_csv(args.data, target=target, encoding=args.encoding, task=task,
                    max_classes=max(100, len(info.get("class_names") or [])),
                    skip_rows=args.skip_rows, plan=input_plan(model), sheet=args.sheet,
                    missing=args.missing)
    if data.info.get("sheet"):
        print(sheet_line(data.info))
    line = summary(data.info, cli=True)
    if line and not args.quiet:
        print(terminal(line))
    if task == "classification":
        reference = Dataset(data.features, data.labels, data.feature_names,
                            info["class_names"], target)
        data = data.aligned_to(reference)
    results = model.evaluate(data, return_dict=True)
    units = history_units(model, target)
    print(terminal(ngettext("{n} row", "{n} rows", len(data)).format(n=len(data)) + ": " +
                   ", ".join(f"{_(LABELS[k]) if k in LABELS else k.replace('_', ' ')} "
                             f"{amount(v, units.get(k))}" for k, v in results.items())))
    (measured,) = measure(model, [(_("these rows"), data)])
    if task == "regression":
        unit, note = unit_note(target)
        print(terminal(regression_sentence(measured.values, unit) + ". " + note))
        return 0
    classes = info["class_names"]
    positive = info.get("positive_class")
    print(terminal(classification_sentence(
        measured.values, classes.index(positive) if positive in classes else None)[0] + "."))
    print(terminal(_("each class: precision, recall, F1, rows")))
    for row in measured.values["per_class"]:
        print(terminal(f"  {row['class']}: {row['precision']:.3f}, {row['recall']:.3f}, "
                       f"{row['f1']:.3f}, {row['support']}"))
    print_matrix(classes, measured.values["matrix"].tolist())
    return 0


# gradcheck ------------------------------------------------------------------------------------
def add_gradcheck(sub):
    p = sub.add_parser("gradcheck", help="compare backprop with numerical differentiation",
                       description="Compute every gradient twice, by backprop and by central "
                       "differences, in float64, and print the relative error per layer "
                       "(below 1e-7 when backprop is right). Exit status 1 if it is not.")
    p.add_argument("data", nargs="?", default="sample2", help="CSV or built-in dataset "
                   "(default sample2)")
    p.add_argument("--target", help="target column of a CSV")
    p.add_argument("--model", help="check a saved model instead of a new one")
    p.add_argument("--hidden", default="4,3", help="units (neurons) in each hidden layer of "
                   "the new model (default 4,3)")
    p.add_argument("--activation", default="tanh", help="hidden activation of the new model "
                   "(default tanh)")
    p.add_argument("--rows", type=int, default=32, help="rows used (default 32)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the new model's "
                   "weights (default 0)")
    p.add_argument("--scale", choices=["standard", "minmax", "none"], default="standard",
                   help="input scaling of the new model, as train does (default standard; "
                   "with none, inputs in the thousands saturate the units and leave "
                   "nothing to check)")
    add_column_options(p)
    p.set_defaults(func=cmd_gradcheck)


def cmd_gradcheck(args):
    from ..engine import losses
    from ..engine.gradients import gradient_errors
    from ..interop.loading import load_model
    from ..training.model import Sequential
    from ..training.spec import ModelSpec, build_model

    check_positive("--rows", args.rows)
    data = load_data(args.data, args.target, features=args.features, ignore=args.ignore,
                     id=args.id, skip_rows=args.skip_rows, sheet=args.sheet,
                     missing=args.missing, task=args.task,
                     missing_indicator=args.missing_indicator)
    rows = data.subset(slice(0, args.rows))
    if args.model:
        saved = load_model(args.model)
        config = saved.get_config()
        config["dtype"] = "float64"
        model = Sequential.from_config(config)
        model.set_weights(saved.get_weights())
        loss = saved.loss if saved.compiled else None
    else:
        # Biases drawn at random, so no gradient is zero by symmetry.
        spec = ModelSpec(hidden=parse_hidden(args.hidden), activation=args.activation,
                         kernel_initializer="auto", bias_initializer="normal",
                         scale=args.scale, seed=args.seed, dtype="float64")
        model = build_model(spec, rows)
        loss = model.loss
    if loss is None:
        loss = losses.get("categorical_crossentropy" if data.is_classification
                          else "mean_squared_error")
    table = gradient_errors(model, rows.features, rows.targets_for(loss, model.output_dim),
                           loss=loss)
    print(terminal(_("gradient check on {n} rows of {data}, loss {loss}, float64").format(
        n=len(rows), data=one_line(args.data), loss=loss.name)))
    print(pad(_("layer"), 24) + pad(_("weight"), 10) + pad(_("shape"), 12)
          + pad(_("relative error"), 16, ">") + pad(_("max abs error"), 16, ">"))
    for row in table:
        error = f"{row['relative_error']:.2e}" if row["checked"] else _("both 0")
        print(f"{row['layer']:<24}{row['weight']:<10}{str(row['shape']):<12}"
              f"{error:>16}{row['max_abs_error']:>16.2e}")
    return _gradcheck_verdict(table, rows.features)


def _gradcheck_verdict(table, x) -> int:
    """PASS only when every weight array was compared and agrees; gradients that are
    zero by both methods checked nothing, and the verdict says so (exit status 1)."""
    checked = [r for r in table if r["checked"]]
    worst = max((r["relative_error"] for r in checked), default=0.0)
    zero = [f"{r['layer']} {r['weight']}" for r in table if not r["checked"]]
    ok = worst < 1e-7
    if checked and not zero:
        print((_("maximum relative error {error}: PASS (threshold 1e-7)") if ok else
               _("maximum relative error {error}: FAIL (threshold 1e-7)")).format(
                   error=f"{worst:.2e}"))
    elif checked:
        print((_("maximum relative error {error} on the other {checked} of {total} weight "
                 "arrays (threshold 1e-7)") if ok else
               _("maximum relative error {error} on the other {checked} of {total} weight "
                 "arrays: FAIL (threshold 1e-7)")).format(
                   error=f"{worst:.2e}", checked=len(checked), total=len(table)))
    if zero:
        largest = float(np.abs(x).max()) if x.size else 0.0
        hint = (_("the inputs reach {largest}, which saturates the units: scale them "
                  "(--scale standard, as train does)").format(largest=f"{largest:,.0f}")
                if largest > 10 else
                _("the units may be saturated or dead: try other --rows or --seed"))
        print(terminal(_("NOT CHECKED: {weights}: backprop and central differences both "
                         "give gradients of 0, so the comparison tested nothing; {hint}")
                       .format(weights=", ".join(zero), hint=hint)))
    return 0 if checked and not zero and ok else 1


# trace ----------------------------------------------------------------------------------------
def add_trace(sub):
    p = sub.add_parser("trace", help="every unit's weighted sum and activation for given "
                       "input rows, as tables",
                       description="Print, for each input row, each layer and each unit "
                       "(neuron): "
                       "inputs × weights + bias = weighted sum -> activation. The weights come "
                       "from a model file or a small JSON file typed by hand; "
                       "'--weights xor' is the XOR network built by hand with ReLU units.")
    p.add_argument("model", nargs="?", help="a .glassnet model file")
    p.add_argument("--weights", help="JSON file with hand-typed weights, or 'xor'")
    p.add_argument("--input", help="rows like '1,1;0,1;1,0;0,0' or a CSV file (required)")
    add_sheet_option(p)
    p.add_argument("--show-example", action="store_true", help="print the JSON format of "
                   "hand-typed weights (the XOR network) and exit")
    p.set_defaults(func=cmd_trace)


def model_from_weights(spec, source):
    """A float64 model from hand-typed weights: ``{"layers": [{"activation": ...,
    "cells": [{"weights": [...], "bias": ...}]}]}`` (or ``kernel``/``bias`` arrays)."""
    from ..engine.layers import Dense
    from ..training.model import Sequential

    try:
        layers, weights = [], []
        n_inputs = None
        for i, layer in enumerate(spec["layers"]):
            if "cells" in layer:
                kernel = np.array([cell["weights"] for cell in layer["cells"]], float).T
                bias = np.array([cell.get("bias", 0.0) for cell in layer["cells"]], float)
            else:
                kernel = np.array(layer["kernel"], float)
                bias = np.array(layer.get("bias", np.zeros(kernel.shape[1])), float)
            if n_inputs is None:
                n_inputs = kernel.shape[0]
            layers.append(Dense(kernel.shape[1], layer.get("activation", "linear"),
                                name=layer.get("name", f"layer {i + 1}")))
            weights += [kernel, bias]
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise UsageError(f"{source}: expected {{'layers': [{{'activation': ..., 'cells': "
                         f"[{{'weights': [...], 'bias': ...}}]}}]}} ({exc})") from None
    model = Sequential(layers, input_dim=n_inputs, dtype="float64")
    model.set_weights(weights)
    model.info["feature_names"] = spec.get("input_names")
    return model


def _table_rows(model, path, sheet=None):
    """The model's inputs for every row of a CSV (by column name, encoded as in training,
    ID and other columns left aside), labelled by line and ID."""
    from ..data.csvfile import read_table
    from ..data.pipeline import encode_rows

    plan = model.info["columns"]
    header, rows, detected = read_table(path, skip_rows=None, sheet=sheet)
    x, rows, _report = encode_rows(plan, header, rows, path, detected["delimiter"] == ";")
    ids = [header.index(n) for n in plan.get("id", []) if n in header]
    labels = [f"line {line}" + "".join(f", {header[j]} {row[j].strip()}" for j in ids)
              for line, row in rows]
    return x, labels


def cmd_trace(args):
    from ..engine.tracing import format_trace, trace
    from ..interop.loading import load_model

    if args.show_example:
        print(json.dumps(XOR_NETWORK, indent=1))
        return 0
    if bool(args.model) == bool(args.weights):
        raise UsageError("give a model file or --weights FILE (one of them)")
    if not args.input:
        raise UsageError("--input is required: rows like '1,1;0,1' or a CSV file")
    if args.weights in ("xor", "seed003"):  # "seed003": the name before docs/seeds.md
        model = model_from_weights(XOR_NETWORK, "xor")
    elif args.weights:
        try:
            with open(args.weights, encoding="utf-8") as f:
                spec = json.load(f)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{args.weights}: not valid JSON ({exc})") from None
        model = model_from_weights(spec, args.weights)
    else:
        model = load_model(args.model)
    names = (model.info or {}).get("feature_names") or [f"x{i + 1}" for i in
                                                         range(model.input_dim)]
    if os.path.isfile(args.input) and (model.info or {}).get("columns"):
        rows, labels = _table_rows(model, args.input, args.sheet)
    else:
        rows = parse_rows(args.input, model.input_dim, sheet=args.sheet)
        labels = [", ".join(f"{n}={v:g}" for n, v in zip(names, row)) for row in rows]
    print(format_trace(trace(model, rows), row_labels=labels), end="")
    return 0
