"""``glassnet datasets`` (list or export the built-in data) and ``glassnet demo``."""

from __future__ import annotations

import os

from ..base.i18n import _
from ..base.sanitize import one_line
from .common import UsageError, output_file, print_results, result_folder


def add_datasets(sub):
    p = sub.add_parser("datasets", help="list the built-in datasets or export one to CSV",
                       description="'glassnet datasets' (or 'datasets list') prints the "
                       "datasets that come with glassnet, one line each; their names work "
                       "wherever a command takes DATA. 'glassnet datasets export NAME FILE' "
                       "writes one as a CSV file, to open in Excel or to start a sheet of "
                       "your own from.")
    p.add_argument("action", nargs="?", default="list", choices=["list", "export"],
                   help="list: print the built-in datasets (the default); export: write "
                   "dataset NAME to the CSV file FILE")
    p.add_argument("name", nargs="?", help="dataset to export")
    p.add_argument("file", nargs="?", help="CSV file to write")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    p.add_argument("--n-samples", type=int, help="rows (teaching sets)")
    p.add_argument("--noise", type=float, help="noise (moons, circles, spiral)")
    p.add_argument("--seed", type=int, help="seed (teaching sets)")
    p.set_defaults(func=cmd_datasets)


def cmd_datasets(args):
    from ..data import builtin as datasets

    if args.action == "list":
        for name, text in datasets.describe().items():
            print(f"{name:<10} {_(text)}")
        return 0
    if not args.name or not args.file:
        raise UsageError("usage: glassnet datasets export NAME FILE")
    params = {k: v for k, v in (("n_samples", args.n_samples), ("noise", args.noise),
                                ("seed", args.seed)) if v is not None}
    output_file(args.file, args.overwrite, option="FILE")
    data = datasets.export(args.name, args.file, args.overwrite, **params)
    print(_("wrote {n} rows of {name} to {file}").format(n=len(data), name=args.name,
                                                         file=one_line(args.file)))
    return 0


def add_demo(sub):
    p = sub.add_parser("demo", help="a first look: one small network trained three ways on "
                       "built-in data, with a report",
                       description="Train a 2-2-5 network (2 inputs, 2 sigmoid units, 5 softmax "
                       "outputs, one per class) "
                       "on the built-in sample2 data three ways — backprop and numerical "
                       "differentiation with gradient descent, and mini-batch SGD as Keras — "
                       "compare them, predict class probabilities on a 5 × 5 grid, repeat on "
                       "sample3 (twice the spread), and write everything with one report.")
    p.add_argument("--out", default=os.path.join("runs", "demo"), help="output folder "
                   "(default runs/demo)")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--epochs", type=int, default=1000, help="passes over the data of each "
                   "training (default 1000)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args):
    from .demo import run_demo

    if args.epochs < 1:
        raise UsageError(f"--epochs must be >= 1, got {args.epochs}")
    with result_folder(args.out, args.overwrite, "demo") as folder:
        report = run_demo(folder.temp, epochs=args.epochs)
    print_results(folder, report)
    return 0
