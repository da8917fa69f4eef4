"""``glassnet train``: a CSV file or a built-in dataset to a result folder (model,
history, coefficient tables, split, figures and one report)."""

from __future__ import annotations

import math
import os
import time

from ..base.i18n import _
from ..training.progress import Interrupt, RunProgress
from .common import (
    UsageError,
    add_column_options,
    load_data,
    parse_batch,
    parse_hidden,
    print_results,
    print_table_notes,
    result_folder,
)


def add_train(sub):
    p = sub.add_parser("train", help="train a network on a CSV file or a built-in dataset",
                       description="Train a neural network to predict one column of a table "
                       "from the others, and write into --out the saved model, the loss per "
                       "epoch, the learnt weights as tables, the figures and report.html (open "
                       "it in a browser). Without options the network is small: one hidden "
                       "layer of 2 sigmoid units (neurons), trained by SGD with learning rate "
                       "0.5 for 1000 epochs in batches of 100 rows; --hidden, --activation, "
                       "--optimizer and --epochs change that.")
    p.add_argument("data", help="CSV file (first line = column names), a built-in dataset "
                   "name (see 'glassnet datasets'), or images: mnist (from $GLASSNET_DATA, "
                   "the cache or a download), an .npz file in the Keras MNIST layout, or a "
                   "folder of IDX files")
    p.add_argument("--target", help="column to predict, by name or index (default: the last)")
    p.add_argument("--out", default=None, help="output folder (default runs/<data name>)")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    g = p.add_argument_group("model")
    g.add_argument("--hidden", help="units (neurons) in each hidden layer: 2, "
                   "or 64,64 for two layers (default 2; 0 for none)")
    g.add_argument("--activation", help="hidden activation (default sigmoid)")
    g.add_argument("--output", help="output activation: auto (softmax for "
                   "classes, linear for numbers) or a name")
    g.add_argument("--loss", help="auto (categorical cross-entropy or mean "
                   "squared error) or a loss name")
    g.add_argument("--init", help="initial kernel weights (default "
                   "uniform: Keras's U(-0.05, 0.05); 'auto' picks He or Glorot)")
    g.add_argument("--scale", choices=["standard", "minmax", "none"],
                   help="feature scaling fitted on the training rows (default standard)")
    g.add_argument("--l1", type=float, help="L1 penalty on kernels")
    g.add_argument("--l2", type=float, help="L2 penalty on kernels")
    g.add_argument("--dropout", type=float, help="dropout rate after each hidden "
                   "layer")
    g.add_argument("--batch-norm", action="store_true", help="batch normalisation after each "
                   "hidden layer")
    g.add_argument("--class-weight", metavar="WEIGHTS", help="how much each class's rows "
                   "count in the loss: balanced (rare classes count more: n / (classes × "
                   "rows of the class)) or JSON such as '{\"陽性\": 10}' (other classes 1)")
    g.add_argument("--dtype", choices=["float32", "float64"],
                   help="number precision of weights and arithmetic (default float32; float64 "
                   "is slower and more exact)")
    t = p.add_argument_group("training")
    t.add_argument("--optimizer", help="sgd, adam, rmsprop, adagrad, adadelta, "
                   "adamw (default sgd)")
    t.add_argument("--learning-rate", "--lr", type=float, default=None,
                   help="learning rate (default 0.5 for sgd, else the optimiser's default)")
    t.add_argument("--momentum", type=float, help="SGD momentum")
    t.add_argument("--nesterov", action="store_true", help="Nesterov momentum")
    t.add_argument("--epochs", type=int, help="passes over the training rows "
                   "(default 1000)")
    t.add_argument("--batch-size", help="rows per step, or 'full' for batch "
                   "gradient descent (default 100)")
    t.add_argument("--gradient", choices=["analytic", "numerical"],
                   help="backprop, or numerical differentiation of every weight")
    t.add_argument("--early-stopping", type=int, default=None, metavar="PATIENCE",
                   help="stop when the validation loss has not improved for PATIENCE epochs, "
                   "keeping the best weights")
    t.add_argument("--seed", type=int, help="random seed of the initial weights, "
                   "the shuffling and --test-split: the same seed gives the same numbers "
                   "(default 0)")
    s = p.add_argument_group("data split")
    s.add_argument("--training-ratio", type=float, default=1.0, help="the first fraction of "
                   "rows trains, the rest tests, in file order (default 1: all rows train)")
    s.add_argument("--test-split", type=float, default=0.0, help="hold out this random "
                   "fraction as test data (used as validation data too)")
    s.add_argument("--stratify", action="store_true", help="keep class shares in --test-split")
    s.add_argument("--validation", metavar="FILE", help="a CSV with the same columns to "
                   "validate on")
    s.add_argument("--max-classes", type=int, default=None, metavar="N",
                   help="most distinct labels a class column may have (default 100); more "
                   "usually means an ID or free-text column")
    s.add_argument("--encoding", help="file encoding (detected by default)")
    s.add_argument("--split-files", default="auto", choices=["auto", "data", "rows"],
                   help="how the split is saved: train.csv and test.csv (data), row numbers "
                   "in split.csv (rows), or data unless larger than the input (auto)")
    add_column_options(p)
    p.add_argument("--no-figures", action="store_true", help="skip the figures (faster)")
    p.add_argument("--verbose", type=int, default=0, choices=[0, 1, 2],
                   help="training progress: 0 none, 1 bar, 2 a line per epoch")
    p.set_defaults(func=cmd_train)


def model_spec(**options):
    """The ModelSpec of the train command's options; an option not given (None) takes
    ModelSpec's default, so the defaults live in one place. ``batch_size=None`` given
    means the full batch ('full')."""
    from ..training.spec import ModelSpec

    default = ModelSpec()
    given = {k: v for k, v in options.items() if v is not None or k == "batch_size"}
    names = {"output": "output_activation", "init": "kernel_initializer"}
    optimizer = given.pop("optimizer", None)
    learning_rate = given.pop("learning_rate", None)
    momentum, nesterov = given.pop("momentum", None), given.pop("nesterov", None)
    if optimizer or learning_rate is not None or momentum or nesterov:
        config = {"name": optimizer or default.optimizer["name"]}
        if learning_rate is None and config["name"] == default.optimizer["name"]:
            learning_rate = default.optimizer.get("learning_rate")  # the Keras program's 0.5
        if learning_rate is not None:
            config["learning_rate"] = learning_rate
        if momentum or nesterov:
            if config["name"] != "sgd":
                raise UsageError(_("--momentum and --nesterov go with --optimizer sgd"))
            config.update(momentum=momentum or 0.0, nesterov=bool(nesterov))
        given["optimizer"] = config
    if given.get("class_weight") is not None:
        from ..training.balance import parse_class_weight

        given["class_weight"] = parse_class_weight(given["class_weight"])
    return ModelSpec.from_dict({**default.to_dict(),
                                **{names.get(k, k): v for k, v in given.items()}})


def split(data, training_ratio=1.0, test_split=0.0, stratify=False, seed=0):
    """(train, test): the first rows in file order, or a random (stratified) part;
    image data without either option keep their own test images."""
    from ..data import train_test_split
    from ..data import training_ratio as first_rows

    test_rows = data.info.get("test_rows")
    if test_rows and training_ratio == 1.0 and not test_split:
        n = len(data) - test_rows
        return data.subset(slice(0, n)), data.subset(slice(n, None))
    if test_split:
        if training_ratio != 1.0:
            raise UsageError(_("use either --training-ratio or --test-split, not both"))
        return train_test_split(data, test_split, stratify=stratify, seed=seed)
    return first_rows(data, training_ratio)


def validation_file(path, data, encoding=None, skip_rows=None):
    """A second CSV (or workbook: its first sheet) with the training columns (encoded as
    the training file's, text columns included), its classes in the training order."""
    from ..data import load_csv

    validation = load_csv(path, target=data.target_name, encoding=encoding,
                          skip_rows=skip_rows, plan=data.info.get("columns"), fill=False,
                          task="classification" if data.is_classification else "regression")
    if validation.feature_names != data.feature_names:
        raise UsageError(f"{path}: columns {validation.feature_names} differ from the training "
                         f"columns {data.feature_names}")
    return validation.aligned_to(data)


def _counted(train, test):
    """``train`` whose info counts the cells filled in the training and test rows."""
    filled = dict((train.info.get("missing") or {}).get("filled") or {})
    for name, n in ((test.info.get("missing") or {}).get("filled") or {}).items():
        filled[name] = filled.get(name, 0) + n
    if not filled:
        return train
    counted = train.subset(slice(0, 0))
    counted.info = {**train.info, "missing": {**train.info["missing"], "filled": filled}}
    return counted


def cmd_train(args):
    import warnings

    from ..data.pipeline import fit_missing
    from ..training import callbacks
    from ..training.spec import build_model, fit_model
    from ..training.trainer import DivergedWarning

    if args.epochs is not None and args.epochs < 1:
        raise UsageError(_("{rule}, got {value}").format(
            rule=_("{name} must be >= {bound}").format(name="--epochs", bound=1),
            value=args.epochs))
    batch = {} if args.batch_size is None else {"batch_size": parse_batch(args.batch_size)}
    spec = model_spec(
        hidden=None if args.hidden is None else parse_hidden(args.hidden),
        activation=args.activation, output=args.output, loss=args.loss, init=args.init,
        scale=args.scale, l1=args.l1, l2=args.l2, dropout=args.dropout,
        batch_norm=args.batch_norm or None, dtype=args.dtype, optimizer=args.optimizer,
        learning_rate=args.learning_rate, momentum=args.momentum,
        nesterov=args.nesterov or None, epochs=args.epochs, gradient=args.gradient,
        early_stopping=args.early_stopping, seed=args.seed, class_weight=args.class_weight,
        **batch)
    if args.max_classes is not None and args.max_classes < 2:
        raise UsageError(f"--max-classes must be at least 2 (a class task has two or more "
                         f"classes), got {args.max_classes}")
    data = load_data(args.data, args.target, args.encoding, args.missing, args.max_classes,
                     args.features, args.ignore, args.id, args.skip_rows, args.sheet,
                     args.task, args.missing_indicator, fill=False)
    train, test = split(data, args.training_ratio, args.test_split, args.stratify, spec.seed)
    extra = validation_file(args.validation, data, args.encoding) if args.validation else None
    train, test, extra = fit_missing(train, test, extra)  # fills from the training rows only
    print_table_notes(_counted(train, test), args.quiet)
    validation = extra if args.validation else test if len(test) else None
    model = build_model(spec, train)
    out = args.out or os.path.join("runs", os.path.splitext(os.path.basename(args.data))[0])
    recorder = callbacks.Recorder(every="epoch")
    shown = [] if args.quiet or args.verbose else [
        RunProgress(spec.epochs, steps=math.ceil(len(train) / (spec.batch_size or len(train))))]
    # Ctrl-C: say at once what happens; the step in progress finishes, then the results
    # are written; a second Ctrl-C skips the figures and report but keeps the model.
    with result_folder(out, args.overwrite, "train", [args.data, args.validation]) as folder, \
            Interrupt(announce=_("Stopping after this step, then writing the results. Press "
                                 "Ctrl-C again to skip the figures and the report (the model "
                                 "is kept)."), raise_again=False) as stop:
        started = time.perf_counter()
        with warnings.catch_warnings():  # printed below, once, with the summary
            warnings.simplefilter("ignore", DivergedWarning)
            history = fit_model(model, spec, train, validation, callbacks=[recorder, *shown],
                                verbose=args.verbose)
        seconds = time.perf_counter() - started
        settings = {"data": args.data, "target": train.target_name,
                    "training_ratio": args.training_ratio, "test_split": args.test_split,
                    "stratify": args.stratify, "validation": args.validation,
                    "encoding": args.encoding, "missing": args.missing or "error",
                    "task": args.task or "auto",
                    **({"sheet": data.info["sheet"]} if data.info.get("sheet") else {}),
                    **spec.to_dict(),
                    "learning_rate": model.optimizer.learning_rate}
        model.info["training"] = {**model.info.get("training", {}), "seconds": round(seconds, 3),
                                  "stop_reason": history.stop_reason}
        paths = _write_results(stop, folder, model, train, test, history, recorder, settings,
                               seconds, not args.no_figures,
                               f"glassnet: {os.path.basename(args.data)}", args.split_files)
    interrupted = stop.requested
    if not args.quiet:
        _print_summary(history, seconds, folder, paths, interrupted,
                       (model, train, test) if history.epoch else None)
    return 130 if interrupted else 0


def _write_results(stop, folder, model, train, test, history, recorder, settings, seconds,
                   figures, title, split="auto") -> dict:
    """write_run; a Ctrl-C while it runs leaves the saved model (and what else is done)."""
    stop.raise_again = True  # from here on a second Ctrl-C interrupts the writing
    if not history.epoch:
        return _model_only(folder, model, _("Stopped within the first epoch: the model is "
                                            "saved; there is no report."))
    try:
        if stop.presses >= 2:  # it came during the last step: skip the slow figures
            figures = False
        from ..report import write_run

        return write_run(folder.temp, model, train, test, history, recorder, settings,
                         seconds, figures=figures, title=title, split=split)
    except KeyboardInterrupt:
        return _model_only(folder, model, _("Interrupted while writing: the model is saved; "
                                            "the report and figures are left out."))


def _model_only(folder, model, note) -> dict:
    path = folder.path("model.glassnet")
    if not os.path.exists(path):
        model.save(path)
    os.write(2, (note + "\n").encode("utf-8", "replace"))  # also safe inside a handler
    return {"model": path}


def _print_summary(history, seconds, folder, paths, interrupted, run=None):
    """Losses and metrics of the last epoch (in the target's units), then the measures
    of the finished model on the test data, as the report's headline says them."""
    from ..base.sanitize import terminal
    from ..plotting.evaluation import history_units
    from ..report import measures
    from ..training.metrics import metric_label

    units = history_units(run[0], run[1].target_name) if run else {}
    last = {k: v[-1] for k, v in history.history.items() if k not in ("epoch_time",
                                                                       "learning_rate")}
    summary = ", ".join(f"{metric_label(k)} {measures.amount(v, units.get(k.removeprefix('val_')))}"
                        for k, v in last.items())
    print(terminal(_("trained {epochs} epochs in {seconds} s: {summary}").format(
        epochs=len(history.epoch), seconds=f"{seconds:.2f}", summary=summary)))
    if run is not None:
        model, train, test = run
        positive = None
        if train.is_classification and train.n_classes == 2:
            from ..training.measures import positive_class

            positive = positive_class(train.labels)
        unit = None if train.is_classification else measures.unit_note(train.target_name)[0]
        said = measures.headline(measures.run_parts(model, train, test), unit, positive)
        if said:
            print(terminal(said[0]))
    if interrupted:
        print(_("interrupted: the results so far are saved"))
    elif history.stop_reason == "diverged":
        from ..training.diagnosis import divergence

        print(divergence(history.with_extras(), history.params.get("first_loss")))
    elif history.stop_reason:
        print(_("stopped early: {reason}").format(reason=history.stop_reason.replace("_", " ")))
    print_results(folder, paths.get("report"))
