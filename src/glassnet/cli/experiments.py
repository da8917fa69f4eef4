"""``glassnet compare`` and ``glassnet search``: many trainings on the same data."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import warnings

from ..base.i18n import _, ngettext
from ..base.sanitize import one_line, terminal
from .common import (
    UsageError,
    add_column_options,
    check_positive,
    column_options,
    parse_hidden,
    print_table_notes,
)


def _experiment_options(p):
    add_column_options(p)
    p.add_argument("--epochs", type=int, help="epochs per model (default: the preset's, or 20)")
    p.add_argument("--batch-size", type=int, help="rows per step (default: the preset's, or "
                   "32)")
    p.add_argument("--subsample", type=int, help="training rows to use (quick versions)")
    p.add_argument("--validation-rows", type=int, help="validation rows to use")
    p.add_argument("--mnist", help="path to mnist.npz (else $GLASSNET_DATA or the cache)")
    p.add_argument("--jobs", type=int, default=1, help="trials run at once, in worker "
                   "processes (with --scheduler local: the cluster's workers); results do "
                   "not depend on it")
    p.add_argument("--scheduler", default=os.environ.get("GLASSNET_SCHEDULER") or None,
                   metavar="ADDRESS", help="run the trials on a Dask cluster: 'local' starts "
                   "one on this machine, tcp://host:8786 uses a running one (default: "
                   "$GLASSNET_SCHEDULER; needs pip install 'glassnet[cluster]')")
    p.add_argument("--resume", metavar="DIR", help="finish the sweep in DIR (a folder an "
                   "earlier, stopped run left): finished trials are not run again, the "
                   "settings come from DIR")
    p.add_argument("--out", help="output folder (also where the sweep's journal is kept "
                   "while it runs)")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier sweep in "
                   "--out (only a folder glassnet's compare or search wrote)")
    p.add_argument("--target", help="target column of a CSV")
    p.add_argument("--seed", type=int, default=0, help="random seed of the split, the "
                   "initial weights and the shuffling (default 0)")
    p.add_argument("--class-weight", metavar="WEIGHTS", help="how much each class's rows "
                   "count in the loss: balanced or JSON such as '{\"陽性\": 10}' (as train's)")
    p.add_argument("--metric", default="auto", choices=["auto", "accuracy", "balanced_accuracy",
                                                        "f1", "roc_auc", "log_loss", "r2",
                                                        "mae", "loss"],
                   help="what ranks the models, on the validation rows: auto is balanced "
                   "accuracy when the rarest class has under 20 %% of the rows, else the best "
                   "validation accuracy (classes) or loss (numbers)")


def add_compare(sub):
    p = sub.add_parser("compare", help="train several models on the same data and compare "
                       "their learning curves",
                       description="Train several configurations on the same data and split "
                       "and report overlaid learning curves, a table of final and best metrics, "
                       "time, size, peak memory and a verdict per model. Models come from "
                       "--preset, --config FILE (JSON or TOML: a list of models) or repeated "
                       "--hidden flags.")
    p.add_argument("data", nargs="?", help="CSV file or built-in dataset (presets use MNIST; "
                   "not needed with --resume)")
    p.add_argument("--preset", choices=["capacity", "overfit"], help="capacity: MNIST with "
                   "400, 4000 and 40000 units; overfit: tiny to large networks, then the "
                   "large one with L2 and dropout")
    p.add_argument("--config", help="JSON or TOML file: {\"models\": [{\"name\": ..., "
                   "\"hidden\": [64, 64], \"dropout\": 0.5, ...}], plus shared settings}")
    p.add_argument("--hidden", action="append", help="a model's hidden layers, e.g. 16 or "
                   "64,64 (repeat for each model)")
    p.add_argument("--activation", default="relu", help="hidden activation of every model "
                   "(default relu)")
    p.add_argument("--optimizer", default="adam", help="optimiser of every model: sgd, adam, "
                   "rmsprop, adagrad, adadelta, adamw (default adam)")
    p.add_argument("--learning-rate", type=float, default=1e-3, help="learning rate of every "
                   "model (default 0.001)")
    _experiment_options(p)
    p.set_defaults(func=cmd_compare)


def data_spec(source, target=None, seed=0, subsample=None, validation_rows=None,
              columns=None) -> dict:
    """The data part of a trial spec; the data is loaded once here so a bad file fails
    now, with a clear message, not later in a worker. ``columns``: load_csv's column
    options (features, ignore, id, skip_rows, sheet)."""
    from ..data.builtin import load_any

    if source is None:
        raise UsageError("give DATA (a CSV file or built-in dataset) or --preset")
    print_table_notes(load_any(source, target, **(columns or {})), columns=False)
    spec = {"source": os.path.abspath(source) if os.path.exists(source) else source,
            "split_seed": seed}
    if columns:
        spec["columns"] = columns
    if target is not None:
        spec["target"] = target
    if subsample:
        spec["train_rows"] = subsample
    if validation_rows:
        spec["validation_rows"] = validation_rows
    return spec


def _scoring(args) -> dict:
    """The trial keys of --class-weight and --metric (left out when not given, so the
    journal of an earlier sweep still matches its trials)."""
    from ..training.balance import parse_class_weight

    out = {}
    if args.class_weight:
        out["class_weight"] = parse_class_weight(args.class_weight)
    if args.metric != "auto":
        out["metric"] = args.metric
    return out


def _columns(args) -> dict:
    return column_options(args.features, args.ignore, args.id, args.skip_rows, args.sheet,
                          args.missing, args.missing_indicator, args.task)


def read_config(path):
    """(shared settings, list of model dicts) from a JSON or TOML file."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        if path.endswith(".toml"):
            import tomllib

            config = tomllib.loads(raw.decode("utf-8"))
        else:
            config = json.loads(raw.decode("utf-8"))
    except ImportError:
        raise UsageError("TOML needs Python 3.11 or newer; use a JSON file") from None
    except ValueError as exc:
        raise UsageError(f"{path}: not valid {'TOML' if path.endswith('.toml') else 'JSON'} "
                         f"({exc})") from None
    except RecursionError:
        config = None
    from ..experiments.plan import MAX_DEPTH, depth

    if config is None or depth(config) > MAX_DEPTH:
        raise UsageError(f"{path}: lists and tables nested deeper than {MAX_DEPTH} levels; "
                         "a --config file holds a list of models, each a flat table")
    models = config.get("models") if isinstance(config, dict) else config
    if not isinstance(models, list) or not models or not all(isinstance(m, dict)
                                                             for m in models):
        raise UsageError(f"{path}: expected a list of models under 'models'")
    shared = ({k: v for k, v in config.items() if k != "models"} if isinstance(config, dict)
              else {})
    return shared, models


def compare_specs(args) -> list[dict]:
    from ..experiments import preset

    if args.preset:
        if args.config or args.hidden:
            raise UsageError("--preset cannot be combined with --config or --hidden")
        specs = preset(args.preset, subsample=args.subsample, epochs=args.epochs,
                       path=args.mnist, validation_rows=args.validation_rows,
                       batch_size=args.batch_size)
        if args.mnist is None:
            from ..data.mnist import load_mnist

            load_mnist(download_missing=True)  # a clear error now if MNIST is nowhere
        return specs
    base = {"data": data_spec(args.data, args.target, args.seed, args.subsample,
                              args.validation_rows, _columns(args)),
            "activation": args.activation, "seed": args.seed,
            "optimizer": {"name": args.optimizer, "learning_rate": args.learning_rate},
            **_scoring(args)}
    for key in ("epochs", "batch_size"):
        if getattr(args, key) is not None:
            base[key] = getattr(args, key)
    if args.config:
        shared, models = read_config(args.config)
        return [{**base, **shared, **m, "name": m.get("name") or f"model {i + 1}"}
                for i, m in enumerate(models)]
    if not args.hidden:
        raise UsageError("give models with --hidden (repeatable), --config FILE or --preset")
    return [{**base, "name": f"hidden {h}", "hidden": parse_hidden(h)} for h in args.hidden]


def run_and_report(plan, out, args):
    """Run (or resume) the sweep ``plan`` in the folder ``out``, printing its progress."""
    from ..experiments import describe
    from ..experiments.plan import run_experiment

    check_positive("--jobs", args.jobs)
    for option in ("epochs", "batch_size", "subsample", "validation_rows"):
        check_positive("--" + option.replace("_", "-"), getattr(args, option, None))
    if args.resume and args.overwrite:
        raise UsageError("--resume finishes a sweep, --overwrite starts one afresh: give one")
    if args.scheduler and args.scheduler != "local":
        engine = _("Dask cluster at {address}").format(address=args.scheduler)
    elif args.scheduler:
        engine = ngettext("{n} worker on a local Dask cluster",
                          "{n} workers on a local Dask cluster", args.jobs).format(n=args.jobs)
    else:
        engine = ngettext("{n} worker", "{n} workers", args.jobs).format(n=args.jobs)
    start = (_("resuming the sweep in {folder} ({engine})") if args.resume else
             _("running the sweep in {folder} ({engine})"))
    print(terminal(start.format(folder=one_line(out), engine=one_line(engine))), flush=True)

    from ..experiments.journal import JournalWarning

    def progress(status):
        print(terminal("  " + describe(status)), flush=True)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", JournalWarning)
            warnings.showwarning = _show_journal_warning
            results, report = run_experiment(plan, out, jobs=args.jobs,
                                             scheduler=args.scheduler,
                                             resume=bool(args.resume), overwrite=args.overwrite,
                                             progress=progress, inputs=_inputs(args))
    except KeyboardInterrupt:
        print(terminal(_("glassnet: stopped; the finished trials are kept in {folder}: finish "
                         "the sweep with `{command}`").format(
                             folder=one_line(out),
                             command=f"glassnet {args.command} --resume {one_line(out)}")),
              file=sys.stderr)
        raise
    print(terminal(_("results in {folder}").format(folder=one_line(os.path.abspath(out)))))
    print(terminal(_("report: {path}").format(path=one_line(os.path.abspath(report)))))
    return results


def _show_journal_warning(message, category, *args, **kwargs):
    """A skipped journal record (or any warning) as one 'warning:' line on stderr."""
    print(terminal(f"warning: {message}"), file=sys.stderr, flush=True)


def _inputs(args) -> list:
    """The files a compare or search run reads (its result folder may not hold them)."""
    return [p for p in (getattr(args, name, None) for name in ("data", "config", "mnist"))
            if p and os.path.exists(p)]


def _out(args, name):
    if args.resume:
        if args.out and os.path.abspath(args.out) != os.path.abspath(args.resume):
            raise UsageError("--resume DIR continues in DIR; leave out --out or give the same "
                             "folder")
        return args.resume
    return args.out or os.path.join("runs", name)


def cmd_compare(args):
    from ..experiments.plan import compare_plan

    name = args.preset or "compare"
    given = args.data or args.preset or args.config or args.hidden
    plan = None
    if given or not args.resume:
        specs = compare_specs(args)
        plan = compare_plan(specs, f"glassnet compare: {name}")
        print(ngettext("comparing {n} model", "comparing {n} models", len(specs)).format(
            n=len(specs)))
    run_and_report(plan, _out(args, name), args)
    return 0


def add_search(sub):
    p = sub.add_parser("search", help="search learning rate and L2 penalty (random, grid "
                       "or TPE)",
                       description="Try learning rates and L2 penalties (random: drawn "
                       "log-uniformly, as in Deep Learning from Scratch, chapter 6; grid: a "
                       "log-spaced grid; tpe: proposed by Optuna from the trials before), train "
                       "one model per trial and report the best trials, the score against each "
                       "setting and a sortable table of every trial. The network differs from "
                       "train's on purpose, as in that chapter: two hidden layers of 100 ReLU "
                       "units, plain SGD, batches of 32, 20 epochs, big enough to over-fit and "
                       "trained by an optimiser whose result hangs on the learning rate. Give "
                       "--hidden, --activation, --optimizer, --epochs and --batch-size to search "
                       "around your own train settings instead.")
    p.add_argument("data", nargs="?", help="CSV file or built-in dataset (not needed with "
                   "--resume)")
    p.add_argument("--trials", type=int, default=20, help="how many models to train, each "
                   "with its own learning rate and L2 penalty (default 20)")
    p.add_argument("--sampler", choices=["random", "grid", "tpe"], default="random",
                   help="how trials are chosen (tpe needs pip install 'glassnet[tune]')")
    p.add_argument("--prune", action="store_true", help="stop hopeless trials early: after "
                   "a fifth of the epochs, a trial whose best score so far is below the median "
                   "of the first 5 trials at the same epoch stops (median rule)")
    p.add_argument("--lr-range", type=float, nargs=2, default=[1e-6, 1e-1],
                   metavar=("LOW", "HIGH"), help="learning rates to try, on a log scale "
                   "(default 1e-6 0.1)")
    p.add_argument("--l2-range", type=float, nargs=2, metavar=("LOW", "HIGH"),
                   help="L2 penalties to try (the l2 of train --l2: λ in λ Σ w² over the "
                   "kernels), on a log scale (default 1e-8 0.01)")
    # its old name, which said weight decay (a different, decoupled update in Keras)
    p.add_argument("--wd-range", type=float, nargs=2, help=argparse.SUPPRESS)
    p.add_argument("--hidden", default="100,100", help="units (neurons) in each hidden "
                   "layer of every trial (default 100,100)")
    p.add_argument("--activation", default="relu", help="hidden activation of every trial "
                   "(default relu)")
    p.add_argument("--optimizer", default="sgd", help="optimiser of every trial (default sgd: "
                   "plain SGD is where the learning rate matters most)")
    _experiment_options(p)
    p.set_defaults(func=cmd_search)


def _l2_range(args) -> list[float]:
    from ..experiments.search import L2_RANGE

    if args.wd_range is None:
        return list(args.l2_range or L2_RANGE)
    if args.l2_range is not None:
        raise UsageError("give --l2-range only (--wd-range is its old name)")
    print(_("note: --wd-range is now called --l2-range (it sets the L2 penalty); the old "
            "name will be removed"), file=sys.stderr)
    return list(args.wd_range)


def cmd_search(args):
    from ..experiments.plan import search_plan
    from ..experiments.search import MAX_TRIALS

    plan = None
    if args.data or not args.resume:
        base = {"data": data_spec(args.data, args.target, args.seed, args.subsample,
                                  args.validation_rows, _columns(args)),
                "hidden": parse_hidden(args.hidden), "activation": args.activation,
                "seed": args.seed, "optimizer": {"name": args.optimizer}, **_scoring(args)}
        for key in ("epochs", "batch_size"):
            if getattr(args, key) is not None:
                base[key] = getattr(args, key)
        check_positive("--trials", args.trials)
        if args.trials > MAX_TRIALS:
            raise UsageError(f"--trials must be at most {MAX_TRIALS}, got {args.trials} (each "
                             "trial trains a model; a search of more is not one run)")
        l2 = _l2_range(args)
        for option, values in (("--lr-range", args.lr_range),
                               ("--wd-range" if args.wd_range else "--l2-range", l2)):
            low, high = values
            if not (0 < low < high and math.isfinite(high)):
                raise UsageError(f"{option} must be two numbers LOW HIGH with 0 < LOW < HIGH < "
                                 f"infinity, got {low:g} {high:g}")
        plan = search_plan(base, f"glassnet search ({args.sampler})", sampler=args.sampler,
                           trials=args.trials, learning_rate=list(args.lr_range),
                           l2=l2, seed=args.seed, prune=args.prune)
        said = (ngettext("{sampler} search: {n} trial, hopeless ones stopped early (median "
                         "rule)", "{sampler} search: {n} trials, hopeless ones stopped early "
                         "(median rule)", args.trials) if args.prune else
                ngettext("{sampler} search: {n} trial", "{sampler} search: {n} trials",
                         args.trials))
        print(said.format(sampler=args.sampler, n=args.trials))
    run_and_report(plan, _out(args, "search"), args)
    return 0
