"""``glassnet explain``: why each row got its answer, and which columns mattered."""

from __future__ import annotations

import os

import numpy as np

from ..base.i18n import _
from ..base.sanitize import terminal
from .common import UsageError, add_column_options, check_positive, print_results, result_folder

#: rows explained when --rows is not given
DEFAULT_ROWS = 20


def add_explain(sub):
    p = sub.add_parser(
        "explain", help="why each row got its answer (contributions of each input column) "
        "and which columns mattered",
        description="Explain the predictions of a saved model for rows of DATA: each input "
        "column's contribution (its Shapley value) to each row's output, written to "
        "contributions.csv with one waterfall figure per row; a text column counts as one "
        "column. The contributions are measured against background rows (a sample of the "
        "training rows saved in the model by 'glassnet train', or --background) and add up "
        "exactly: base + contributions = output. When DATA has the target column, the "
        "permutation importance of each column is written too (importance.csv).")
    p.add_argument("model", help="a .glassnet model file")
    p.add_argument("data", help="CSV file with the model's input columns (and, for "
                   "importance, its target column)")
    p.add_argument("--rows", help="rows to explain, counted from 1 under the header: 1-20 or "
                   "3,5,9-12 (default: the first 20)")
    p.add_argument("--class", dest="class_name", metavar="NAME", help="explain the "
                   "probability of this class (default: each row's predicted class)")
    p.add_argument("--background", metavar="FILE", help="CSV of training rows to measure "
                   "against (default: the sample saved in the model)")
    p.add_argument("--background-rows", type=int, default=100, metavar="N",
                   help="rows of --background used, drawn at random with --seed (default 100)")
    p.add_argument("--repeats", type=int, default=5, metavar="N",
                   help="shuffles of each column for the importance (default 5)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the background sample, "
                   "the sampled estimate (more than 12 input columns) and the shuffles "
                   "(default 0)")
    p.add_argument("--encoding", help="file encoding (detected by default)")
    add_column_options(p, features=False)
    p.add_argument("--out", help="folder for the results (default runs/explain-<data>)")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--no-figures", action="store_true", help="write the tables only")
    p.set_defaults(func=cmd_explain)


def cmd_explain(args):
    from ..explain import background_rows
    from ..explain.players import describe_background
    from ..explain.sheet import pick_rows, read_sheet
    from ..report.explain import write_explanation
    from ..training.model import load_model

    check_positive("--background-rows", args.background_rows)
    check_positive("--repeats", args.repeats)
    model = load_model(args.model)
    sheet = read_sheet(model, args.data, args.encoding, args.skip_rows, args.sheet)
    picks = (pick_rows(sheet, args.rows) if args.rows else
             np.arange(min(DEFAULT_ROWS, len(sheet))))
    background, note = None, None
    if args.background:
        rows = read_sheet(model, args.background, args.encoding).x
        background = background_rows(rows, args.background_rows, args.seed)
        note = describe_background(len(background), len(rows), args.seed)
    elif not (model.info or {}).get("background"):
        raise UsageError(f"{args.model} has no background rows saved with it (it was not "
                         "written by 'glassnet train'); give the training file with "
                         "--background FILE")
    out = args.out or os.path.join("runs", "explain-" + os.path.splitext(
        os.path.basename(args.data))[0])
    inputs = [args.model, args.data, args.background]
    with result_folder(out, args.overwrite, "explain", inputs) as folder:
        done = write_explanation(folder.temp, model, sheet, picks, background, note,
                                 args.class_name, args.seed, args.repeats,
                                 not args.no_figures)
    print(terminal(_("explained {n} of {all} rows: contributions.csv").format(
        n=len(picks), all=sheet.total)))
    if not args.rows and len(sheet) > len(picks):
        print(terminal(_("(the first {n} rows; choose others with --rows)").format(
            n=len(picks))))
    for sentence in done["about"][:1]:
        print(terminal(sentence))
    if done["importance"] is not None:
        ranked = done["importance"]
        from ..explain.importance import readable

        top = "; ".join(f"{ranked.names[i]} {readable(ranked.mean[i])}"
                        for i in ranked.order[:5])
        print(terminal(_("importance ({measure}): {top}").format(measure=ranked.measure(),
                                                                  top=top)))
        for sentence in ranked.summary():
            print(terminal(sentence))
    print_results(folder)
    return 0
