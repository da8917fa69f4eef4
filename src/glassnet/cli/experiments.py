"""``glassnet compare`` and ``glassnet search``: many trainings on the same data."""

from __future__ import annotations

import json
import os

from ..sanitize import terminal
from .common import UsageError, check_positive, parse_hidden, print_results, result_folder


def _experiment_options(p):
    p.add_argument("--epochs", type=int, help="epochs per model (default: the preset's, or 20)")
    p.add_argument("--batch-size", type=int, help="rows per step")
    p.add_argument("--subsample", type=int, help="training rows to use (quick versions)")
    p.add_argument("--validation-rows", type=int, help="validation rows to use")
    p.add_argument("--mnist", help="path to mnist.npz (else $GLASSNET_DATA or the cache)")
    p.add_argument("--jobs", type=int, default=1, help="trials run in parallel worker "
                   "processes (results do not depend on it)")
    p.add_argument("--out", help="output folder")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--target", help="target column of a CSV")
    p.add_argument("--seed", type=int, default=0)


def add_compare(sub):
    p = sub.add_parser("compare", help="train several models on the same data and compare "
                       "their learning curves",
                       description="Train several configurations on the same data and split "
                       "and report overlaid learning curves, a table of final and best metrics, "
                       "time, size, peak memory and a verdict per model. Models come from "
                       "--preset, --config FILE (JSON or TOML: a list of models) or repeated "
                       "--hidden flags.")
    p.add_argument("data", nargs="?", help="CSV file or built-in dataset (presets use MNIST)")
    p.add_argument("--preset", choices=["capacity", "overfit"], help="capacity: MNIST with "
                   "400, 4000 and 40000 cells; overfit: tiny to large networks, then the "
                   "large one with L2 and dropout")
    p.add_argument("--config", help="JSON or TOML file: {\"models\": [{\"name\": ..., "
                   "\"hidden\": [64, 64], \"dropout\": 0.5, ...}], plus shared settings}")
    p.add_argument("--hidden", action="append", help="a model's hidden layers, e.g. 16 or "
                   "64,64 (repeat for each model)")
    p.add_argument("--activation", default="relu")
    p.add_argument("--optimizer", default="adam")
    p.add_argument("--learning-rate", type=float, default=1e-3)
    _experiment_options(p)
    p.set_defaults(func=cmd_compare)


def data_spec(source, target=None, seed=0, subsample=None, validation_rows=None) -> dict:
    """The data part of a trial spec; the data is loaded once here so a bad file fails
    now, with a clear message, not later in a worker."""
    from ..datasets import load_any

    if source is None:
        raise UsageError("give DATA (a CSV file or built-in dataset) or --preset")
    load_any(source, target)
    spec = {"source": os.path.abspath(source) if os.path.exists(source) else source,
            "split_seed": seed}
    if target is not None:
        spec["target"] = target
    if subsample:
        spec["train_rows"] = subsample
    if validation_rows:
        spec["validation_rows"] = validation_rows
    return spec


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
                              args.validation_rows),
            "activation": args.activation, "seed": args.seed,
            "optimizer": {"name": args.optimizer, "learning_rate": args.learning_rate}}
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


def _inputs(args) -> list:
    """The files a compare or search run reads (its result folder may not hold them)."""
    return [getattr(args, name, None) for name in ("data", "config", "mnist")]


def run_and_report(specs, write, out, overwrite=False, jobs=1, what="experiments", inputs=()):
    """Run the trials and write their report into the result folder ``out`` (which may
    not hold ``inputs``, the files the trials read)."""
    from ..experiments import run_trials

    check_positive("--jobs", jobs)

    def progress(done, total, result):
        print(terminal(f"  [{done}/{total}] {result['name']}: {result['seconds']:.1f} s, "
                       f"{result['verdict']}"), flush=True)

    with result_folder(out, overwrite, what, inputs) as folder:
        results = run_trials(specs, jobs=jobs, progress=progress)
        report = write(folder.temp, results)
        with open(folder.path("results.json"), "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    print_results(folder, report)
    return results


def cmd_compare(args):
    from ..experiments.report import write_compare

    specs = compare_specs(args)
    name = args.preset or "compare"
    print(f"comparing {len(specs)} models ({args.jobs} job{'s' if args.jobs > 1 else ''})")
    run_and_report(specs, lambda out, results: write_compare(
        out, results, f"glassnet compare: {name}"), args.out or os.path.join("runs", name),
        args.overwrite, args.jobs, "compare", _inputs(args))
    return 0


def add_search(sub):
    p = sub.add_parser("search", help="random search over learning rate and weight decay",
                       description="Draw learning rate and weight decay log-uniformly "
                       "(Deep Learning from Scratch, chapter 6), train one model per draw and "
                       "report the best trials and a plot of all of them.")
    p.add_argument("data", help="CSV file or built-in dataset")
    p.add_argument("--trials", type=int, default=20)
    p.add_argument("--lr-range", type=float, nargs=2, default=[1e-6, 1e-1],
                   metavar=("LOW", "HIGH"))
    p.add_argument("--wd-range", type=float, nargs=2, default=[1e-8, 1e-2],
                   metavar=("LOW", "HIGH"), help="weight decay (L2 penalty) range")
    p.add_argument("--hidden", default="100,100")
    p.add_argument("--activation", default="relu")
    p.add_argument("--optimizer", default="sgd")
    _experiment_options(p)
    p.set_defaults(func=cmd_search)


def cmd_search(args):
    from ..experiments import random_specs
    from ..experiments.report import write_search

    base = {"data": data_spec(args.data, args.target, args.seed, args.subsample,
                              args.validation_rows),
            "hidden": parse_hidden(args.hidden), "activation": args.activation,
            "seed": args.seed, "optimizer": {"name": args.optimizer}}
    for key in ("epochs", "batch_size"):
        if getattr(args, key) is not None:
            base[key] = getattr(args, key)
    try:
        specs = random_specs(base, args.trials, tuple(args.lr_range), tuple(args.wd_range),
                             seed=args.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"random search: {len(specs)} trials ({args.jobs} job{'s' if args.jobs > 1 else ''})")
    run_and_report(specs, write_search, args.out or os.path.join("runs", "search"),
                   args.overwrite, args.jobs, "search", _inputs(args))
    return 0
