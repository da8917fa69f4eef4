"""The subcommands. Heavy imports (matplotlib, the report) happen inside them."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np

from . import UsageError

SEED003_WEIGHTS = {
    "input_names": ["design", "quality"],
    "layers": [
        {"activation": "relu", "cells": [{"weights": [5, 5], "bias": -5},
                                         {"weights": [-5, -5], "bias": 5}]},
        {"activation": "relu", "cells": [{"weights": [-10, -10], "bias": 10}]},
    ],
}


# Shared helpers ---------------------------------------------------------------------------
def load_data(source, target=None, encoding=None, missing="error"):
    """A built-in dataset name or a CSV path -> Dataset."""
    from ..datasets import load_any

    return load_any(source, target, encoding, missing)


def prepare_out_dir(path, overwrite):
    """Check the output folder before any work; results go to a temporary sibling."""
    path = os.path.abspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"--out {path} exists and is not a folder")
    if os.path.isdir(path) and os.listdir(path) and not overwrite:
        raise UsageError(f"--out {path} already holds results; choose another folder or pass "
                         "--overwrite")
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    return path, tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.partial-", dir=parent)


def publish(temp, final):
    """Move the finished results into place (replacing old ones only at the very end)."""
    old = None
    if os.path.exists(final):
        old = f"{final}.old-{os.getpid()}"
        os.replace(final, old)
    os.replace(temp, final)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def parse_hidden(text):
    if text.strip() in ("", "0", "none"):
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(f"--hidden must be cell counts like 2 or 64,64, got {text!r}") from None
    if any(s < 1 for s in sizes):
        raise UsageError(f"--hidden cell counts must be >= 1, got {text!r}")
    return sizes


def parse_batch(text):
    if text in ("full", "none", "all"):
        return None
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"--batch-size must be a number or 'full', got {text!r}") from None
    if value < 1:
        raise UsageError(f"--batch-size must be >= 1 or 'full', got {text!r}")
    return value


def parse_rows(text, n_inputs):
    """'1,1;0,1' or a CSV file -> (n, n_inputs) array."""
    if os.path.exists(text):
        from ..data.csvfile import read_table

        header, rows, _ = read_table(text)
        values = [[cell for cell in row] for _, row in rows]
    else:
        values = [row.split(",") for row in text.replace(" ", "").split(";") if row]
    try:
        array = np.array([[float(v) for v in row] for row in values])
    except ValueError:
        raise UsageError(f"--input must be numbers like '1,1;0,1' or a CSV file, got "
                         f"{text!r}") from None
    if array.ndim != 2 or array.shape[1] != n_inputs:
        raise UsageError(f"--input rows must have {n_inputs} values each, got {text!r}")
    return array


# train ------------------------------------------------------------------------------------
def add_train(sub):
    p = sub.add_parser("train", help="train a network on a CSV file or a built-in dataset",
                       description="Train a feed-forward network and write the model, history, "
                       "coefficient tables, split, figures and report.html into --out. "
                       "Defaults reproduce seed 000's Keras program: 2 sigmoid cells, "
                       "'uniform' initial weights, SGD lr 0.5, 1000 epochs, batch 100.")
    p.add_argument("data", help="CSV file (first line = column names) or a built-in dataset "
                   "name (see 'glassnet datasets')")
    p.add_argument("--target", help="column to predict, by name or index (default: the last)")
    p.add_argument("--out", default=None, help="output folder (default runs/<data name>)")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    g = p.add_argument_group("model")
    g.add_argument("--hidden", default="2", help="hidden cells per layer: 2, or 64,64 "
                   "(default 2; 0 for none)")
    g.add_argument("--activation", default="sigmoid", help="hidden activation (default sigmoid)")
    g.add_argument("--output", default="auto", help="output activation: auto (softmax for "
                   "classes, linear for numbers) or a name")
    g.add_argument("--loss", default="auto", help="auto (categorical cross-entropy or MSE) "
                   "or a loss name")
    g.add_argument("--init", default="uniform", help="kernel initialiser (default uniform, "
                   "Keras's U(-0.05, 0.05) as in seed 000)")
    g.add_argument("--scale", default="standard", choices=["standard", "minmax", "none"],
                   help="feature scaling fitted on the training rows (default standard)")
    g.add_argument("--l1", type=float, default=0.0, help="L1 penalty on kernels")
    g.add_argument("--l2", type=float, default=0.0, help="L2 penalty on kernels")
    g.add_argument("--dropout", type=float, default=0.0, help="dropout rate after each hidden "
                   "layer")
    g.add_argument("--batch-norm", action="store_true", help="batch normalisation after each "
                   "hidden layer")
    g.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    t = p.add_argument_group("training")
    t.add_argument("--optimizer", default="sgd", help="sgd, adam, rmsprop, adagrad, adadelta, "
                   "adamw (default sgd)")
    t.add_argument("--learning-rate", "--lr", type=float, default=None,
                   help="learning rate (default 0.5 for sgd, else the optimiser's default)")
    t.add_argument("--momentum", type=float, default=0.0, help="SGD momentum")
    t.add_argument("--nesterov", action="store_true", help="Nesterov momentum")
    t.add_argument("--epochs", type=int, default=1000)
    t.add_argument("--batch-size", default="100", help="rows per step, or 'full' for batch "
                   "gradient descent (default 100)")
    t.add_argument("--gradient", default="analytic", choices=["analytic", "numerical"],
                   help="backprop, or seed 000's numerical differentiation")
    t.add_argument("--early-stopping", type=int, default=None, metavar="PATIENCE",
                   help="stop when the validation loss has not improved for PATIENCE epochs, "
                   "keeping the best weights")
    t.add_argument("--seed", type=int, default=0)
    s = p.add_argument_group("data split")
    s.add_argument("--training-ratio", type=float, default=1.0, help="seed 000's TrainingRatio:"
                   " the first fraction of rows trains, the rest tests (default 1)")
    s.add_argument("--test-split", type=float, default=0.0, help="hold out this random "
                   "fraction as test data (used as validation data too)")
    s.add_argument("--stratify", action="store_true", help="keep class shares in --test-split")
    s.add_argument("--validation", metavar="FILE", help="a CSV with the same columns to "
                   "validate on")
    s.add_argument("--missing", default="error", choices=["error", "drop", "mean"],
                   help="what to do with empty cells")
    s.add_argument("--encoding", help="file encoding (detected by default)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures (faster)")
    p.add_argument("--verbose", type=int, default=0, choices=[0, 1, 2],
                   help="training progress: 0 none, 1 bar, 2 a line per epoch")
    p.set_defaults(func=cmd_train)


def build_model(args, data):
    from .. import Sequential, optimizers
    from ..layers import BatchNormalization, Dense, Dropout, Normalization

    layers = []
    if args.scale != "none":
        layers.append(Normalization(args.scale))
    regularizer = ({"name": "l1_l2", "l1": args.l1, "l2": args.l2} if args.l1 or args.l2
                   else None)
    for units in parse_hidden(args.hidden):
        layers.append(Dense(units, args.activation, kernel_initializer=args.init,
                            kernel_regularizer=regularizer))
        if args.batch_norm:
            layers.append(BatchNormalization())
        if args.dropout:
            layers.append(Dropout(args.dropout))
    if data.is_classification:
        output, loss = "softmax", "categorical_crossentropy"
        units = data.n_classes
    else:
        output, loss = "linear", "mean_squared_error"
        units = data.labels.shape[1]
    output = output if args.output == "auto" else args.output
    loss = loss if args.loss == "auto" else args.loss
    layers.append(Dense(units, output, kernel_initializer=args.init,
                        kernel_regularizer=regularizer))
    model = Sequential(layers, seed=args.seed, dtype=args.dtype)
    rate = args.learning_rate
    if rate is None and args.optimizer == "sgd":
        rate = 0.5
    config = {"name": args.optimizer}
    if rate is not None:
        config["learning_rate"] = rate
    if args.momentum or args.nesterov:
        if args.optimizer != "sgd":
            raise UsageError("--momentum and --nesterov go with --optimizer sgd")
        config.update(momentum=args.momentum, nesterov=args.nesterov)
    metrics = ["accuracy"] if data.is_classification else ["mae"]
    model.compile(optimizers.get(config), loss, metrics)
    return model


def split(args, data):
    from ..data import train_test_split, training_ratio

    train, test = training_ratio(data, args.training_ratio)
    if args.test_split:
        if args.training_ratio != 1.0:
            raise UsageError("use either --training-ratio or --test-split, not both")
        train, test = train_test_split(data, args.test_split, stratify=args.stratify,
                                       seed=args.seed)
    return train, test


def cmd_train(args):
    from .. import callbacks
    from ..data import load_csv
    from ..report import write_run

    data = load_data(args.data, args.target, args.encoding, args.missing)
    out = args.out or os.path.join("runs", os.path.splitext(os.path.basename(args.data))[0])
    if args.epochs < 1:
        raise UsageError(f"--epochs must be >= 1, got {args.epochs}")
    batch_size = parse_batch(args.batch_size)
    train, test = split(args, data)
    validation = None
    if args.validation:
        validation = load_csv(args.validation, target=data.target_name, encoding=args.encoding)
        if validation.feature_names != data.feature_names:
            raise UsageError(f"{args.validation}: columns {validation.feature_names} differ "
                             f"from the training columns {data.feature_names}")
        validation = _align_classes(validation, data, args.validation)
    elif len(test):
        validation = test
    model = build_model(args, train)
    args.learning_rate = model.optimizer.learning_rate  # report the rate actually used
    if args.scale != "none":
        model.layers[0].adapt(train.features)  # fitted on the training rows only
    model.build(train.features.shape[1])
    final, temp = prepare_out_dir(out, args.overwrite)
    try:
        recorder = callbacks.Recorder(every="epoch")
        cbs = [recorder]
        if args.early_stopping is not None:
            cbs.append(callbacks.EarlyStopping(
                monitor="val_loss" if validation is not None else "loss",
                patience=args.early_stopping, restore_best_weights=True))
        target = _target_scaling(args, model, train)
        started = time.perf_counter()
        history = model.fit(_scaled(train, target), epochs=args.epochs, batch_size=batch_size,
                            validation_data=_scaled(validation, target), verbose=args.verbose,
                            gradient=args.gradient, callbacks=cbs)
        seconds = time.perf_counter() - started
        if target is not None:
            _unscale(model, history, target)
        settings = {key.replace("_", "-"): value for key, value in vars(args).items()
                    if key not in ("func", "command")}
        model.info["training"] = {**settings, "seconds": round(seconds, 3),
                                  "stop_reason": history.stop_reason}
        paths = write_run(temp, model, train, test, history, recorder, settings, seconds,
                          figures=not args.no_figures,
                          title=f"glassnet: {os.path.basename(args.data)}")
        publish(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    last = {k: v[-1] for k, v in history.history.items() if k not in ("epoch_time",
                                                                       "learning_rate")}
    summary = ", ".join(f"{k} {v:.4g}" for k, v in last.items())
    print(f"trained {len(history.epoch)} epochs in {seconds:.2f} s: {summary}")
    if history.stop_reason:
        print(f"stopped early: {history.stop_reason.replace('_', ' ')}")
    print(f"results in {final}")
    print(f"report: {os.path.join(final, os.path.basename(paths['report']))}")
    return 0


def _target_scaling(args, model, train):
    """(mean, std) to standardise a numeric target with, or None.

    A network learns a target in the hundreds (seed 002's 500 and 1000) badly from
    small initial weights; trained on the standardised target, its linear output layer
    is afterwards rescaled exactly (kernel·σ, bias·σ + μ), so the saved model predicts
    in the file's own units.
    """
    from ..layers import Dense

    last = model.layers[-1]
    if (train.is_classification or args.scale == "none" or not isinstance(last, Dense)
            or last.activation.name != "linear"):
        return None
    mean, std = train.labels.mean(axis=0), train.labels.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def _scaled(part, target):
    if part is None or target is None:
        return part
    import dataclasses

    return dataclasses.replace(part, labels=(part.labels - target[0]) / target[1])


def _unscale(model, history, target):
    """Fold the target scaling into the output layer; report the history in the
    target's own units where that is exact (one target column, no penalties)."""
    mean, std = target
    last = model.layers[-1]
    last.kernel[...] *= std.astype(last.kernel.dtype)
    if last.use_bias:
        last.bias[...] = last.bias * std + mean
    model.info["target_scaling"] = {"mean": mean.tolist(), "std": std.tolist()}
    if std.size != 1:
        model.info["target_scaling"]["note"] = "losses in standardised units"
        return
    s = float(std[0])
    power = {"mean_squared_error": 2, "mean_absolute_error": 1}.get(model.loss.name)
    for key, values in history.history.items():
        name = key.removeprefix("val_")
        factor = None
        if name == "loss" and power and not model._penalized:
            factor = s ** power
        elif name in ("mae", "mean_absolute_error"):
            factor = s
        elif name in ("mse", "mean_squared_error"):
            factor = s * s
        if factor is not None:
            values[:] = [v * factor for v in values]


def _align_classes(part, data, source):
    """Re-index a second file's class labels into the training file's class order."""
    if not data.is_classification:
        return part
    unknown = sorted(set(part.class_names) - set(data.class_names))
    if unknown:
        raise UsageError(f"{source}: class(es) {', '.join(unknown)} do not occur in the "
                         "training data")
    mapping = np.array([data.class_names.index(c) for c in part.class_names])
    part.labels = mapping[part.labels]
    part.class_names = list(data.class_names)
    return part


# predict / evaluate -------------------------------------------------------------------------
def _model_and_data(sub, name, data_help, func, **texts):
    p = sub.add_parser(name, **texts)
    p.add_argument("model", help="a .glassnet model file")
    p.add_argument("data", help=data_help)
    p.add_argument("--encoding", help="file encoding (detected by default)")
    p.set_defaults(func=func)
    return p


def add_predict(sub):
    p = _model_and_data(sub, "predict", "CSV file with the model's input columns", cmd_predict,
                        help="class probabilities (or values) for new rows",
                        description="Predict every row of DATA (a CSV with the training "
                        "columns, matched by name) and write the inputs, one probability "
                        "column per class and the predicted class.")
    p.add_argument("--out", help="write the table here (default: print it)")


def cmd_predict(args):
    from .. import load_model
    from ..exports import predict_csv

    model = load_model(args.model)
    if args.out and os.path.isdir(args.out):
        raise UsageError(f"--out {args.out} is a folder; give a file name")
    header, rows, _ = predict_csv(model, args.data, args.out, encoding=args.encoding)
    if args.out:
        print(f"{len(rows)} predictions written to {args.out}")
    else:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[f"{v:.6g}" if isinstance(v, float) else v for v in row]
                          for row in rows])
    return 0


def add_evaluate(sub):
    _model_and_data(sub, "evaluate", "CSV file with the input columns and the target column",
                    cmd_evaluate, help="loss, accuracy and confusion matrix on labelled rows")


def cmd_evaluate(args):
    from .. import load_model
    from ..data import load_csv
    from ..report import confusion_matrix

    model = load_model(args.model)
    info = model.info or {}
    target = info.get("target_name")
    if target is None:
        raise UsageError(f"{args.model} does not record its target column; it was not "
                         "trained on a dataset")
    task = "classification" if info.get("class_names") else "regression"
    data = load_csv(args.data, target=target, encoding=args.encoding, task=task)
    names = info.get("feature_names")
    if names and data.feature_names != names:
        order = [data.feature_names.index(n) if n in data.feature_names else None
                 for n in names]
        if None in order or len(data.feature_names) != len(names):
            raise UsageError(f"{args.data}: columns {data.feature_names} do not match the "
                             f"model's inputs {names}")
        data.features, data.feature_names = data.features[:, order], list(names)
    if task == "classification":
        from ..data import Dataset

        reference = Dataset(data.features, data.labels, names, info["class_names"], target)
        data = _align_classes(data, reference, args.data)
    if not model.compiled:
        raise UsageError(f"{args.model} has no loss saved with it; cannot evaluate")
    results = model.evaluate(data, return_dict=True)
    print(f"{len(data)} rows: " + ", ".join(f"{k} {v:.4g}" for k, v in results.items()))
    if task == "classification":
        from ..plotting.grid import class_probabilities

        predicted = class_probabilities(model, data.features).argmax(axis=1)
        matrix = confusion_matrix(data.labels, predicted, len(info["class_names"]))
        width = max(6, *(len(c) + 1 for c in info["class_names"]))
        print("confusion matrix (rows: true class, columns: predicted class)")
        print(" " * width + "".join(f"{c:>{width}}" for c in info["class_names"]))
        for c, row in zip(info["class_names"], matrix):
            print(f"{c:>{width}}" + "".join(f"{v:>{width}}" for v in row))
    return 0


# gradcheck ------------------------------------------------------------------------------------
def add_gradcheck(sub):
    p = sub.add_parser("gradcheck", help="compare backprop with numerical differentiation",
                       description="Compute every gradient twice, by backprop and by central "
                       "differences, in float64, and print the relative error per layer "
                       "(seed 001: below 1e-7). Exit status 1 if it is not.")
    p.add_argument("data", nargs="?", default="sample2", help="CSV or built-in dataset "
                   "(default sample2)")
    p.add_argument("--target", help="target column of a CSV")
    p.add_argument("--model", help="check a saved model instead of a new one")
    p.add_argument("--hidden", default="4,3", help="hidden cells of the new model (default 4,3)")
    p.add_argument("--activation", default="tanh")
    p.add_argument("--rows", type=int, default=32, help="rows used (default 32)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_gradcheck)


def cmd_gradcheck(args):
    from .. import Sequential, gradient_errors, load_model
    from ..layers import Dense

    data = load_data(args.data, args.target)
    if args.model:
        saved = load_model(args.model)
        config = saved.get_config()
        config["dtype"] = "float64"
        model = Sequential.from_config(config)
        model.set_weights(saved.get_weights())
        loss = saved.loss.name if saved.compiled else None
    else:
        layers = [Dense(u, args.activation, bias_initializer="normal")
                  for u in parse_hidden(args.hidden)]
        output = "softmax" if data.is_classification else "linear"
        units = data.n_classes if data.is_classification else data.labels.shape[1]
        layers.append(Dense(units, output, bias_initializer="normal"))
        model = Sequential(layers, input_dim=data.features.shape[1], seed=args.seed,
                           dtype="float64")
        loss = None
    loss = loss or ("categorical_crossentropy" if data.is_classification
                    else "mean_squared_error")
    rows = data.subset(slice(0, max(1, args.rows)))
    from .. import losses

    y = rows.targets_for(losses.get(loss))
    table = gradient_errors(model, rows.features, y, loss=loss)
    print(f"gradient check on {len(rows)} rows of {args.data}, loss {loss}, float64")
    print(f"{'layer':<24}{'weight':<10}{'shape':<12}{'relative error':>16}{'max abs error':>16}")
    for row in table:
        print(f"{row['layer']:<24}{row['weight']:<10}{str(row['shape']):<12}"
              f"{row['relative_error']:>16.2e}{row['max_abs_error']:>16.2e}")
    worst = max(r["relative_error"] for r in table)
    ok = worst < 1e-7
    print(f"maximum relative error {worst:.2e}: {'PASS' if ok else 'FAIL'} (threshold 1e-7)")
    return 0 if ok else 1


# trace ----------------------------------------------------------------------------------------
def add_trace(sub):
    p = sub.add_parser("trace", help="seed 003's tables: every cell's weighted sum and "
                       "activation for given input rows",
                       description="Print, for each input row, each layer and each cell: "
                       "inputs × weights + bias = weighted sum -> activation. The weights come "
                       "from a model file or a small JSON file typed by hand; "
                       "'--weights seed003' is the XOR network of seed 003.")
    p.add_argument("model", nargs="?", help="a .glassnet model file")
    p.add_argument("--weights", help="JSON file with hand-typed weights, or 'seed003'")
    p.add_argument("--input", help="rows like '1,1;0,1;1,0;0,0' or a CSV file (required)")
    p.add_argument("--show-example", action="store_true", help="print the seed003 JSON "
                   "format and exit")
    p.set_defaults(func=cmd_trace)


def model_from_weights(spec, source):
    from .. import Sequential
    from ..layers import Dense

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


def cmd_trace(args):
    from .. import format_trace, load_model, trace

    if args.show_example:
        print(json.dumps(SEED003_WEIGHTS, indent=1))
        return 0
    if bool(args.model) == bool(args.weights):
        raise UsageError("give a model file or --weights FILE (one of them)")
    if not args.input:
        raise UsageError("--input is required: rows like '1,1;0,1' or a CSV file")
    if args.weights == "seed003":
        model = model_from_weights(SEED003_WEIGHTS, "seed003")
    elif args.weights:
        try:
            with open(args.weights, encoding="utf-8") as f:
                spec = json.load(f)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{args.weights}: not valid JSON ({exc})") from None
        model = model_from_weights(spec, args.weights)
    else:
        model = load_model(args.model)
    rows = parse_rows(args.input, model.input_dim)
    names = (model.info or {}).get("feature_names") or [f"x{i + 1}" for i in
                                                         range(model.input_dim)]
    labels = [", ".join(f"{n}={v:g}" for n, v in zip(names, row)) for row in rows]
    print(format_trace(trace(model, rows), row_labels=labels), end="")
    return 0


# datasets / demo ------------------------------------------------------------------------------
def add_datasets(sub):
    p = sub.add_parser("datasets", help="list the built-in datasets or export one to CSV")
    p.add_argument("action", nargs="?", default="list", choices=["list", "export"])
    p.add_argument("name", nargs="?", help="dataset to export")
    p.add_argument("file", nargs="?", help="CSV file to write")
    p.add_argument("--n-samples", type=int, help="rows (teaching sets)")
    p.add_argument("--noise", type=float, help="noise (moons, circles, spiral)")
    p.add_argument("--seed", type=int, help="seed (teaching sets)")
    p.set_defaults(func=cmd_datasets)


def cmd_datasets(args):
    from .. import datasets

    if args.action == "list":
        for name, text in datasets.describe().items():
            print(f"{name:<10} {text}")
        return 0
    if not args.name or not args.file:
        raise UsageError("usage: glassnet datasets export NAME FILE")
    params = {k: v for k, v in (("n_samples", args.n_samples), ("noise", args.noise),
                                ("seed", args.seed)) if v is not None}
    if os.path.isdir(args.file):
        raise UsageError(f"{args.file} is a folder; give a file name")
    data = datasets.export(args.name, args.file, **params)
    print(f"wrote {len(data)} rows of {args.name} to {args.file}")
    return 0


def add_demo(sub):
    p = sub.add_parser("demo", help="seed 000 end to end on sample2 and sample3",
                       description="Train seed 000's network on the built-in sample2 data "
                       "with analytic and numerical gradients (batch GD, lr 0.5) and Keras-"
                       "style mini-batch SGD, compare them, predict Table 67's grid, repeat on "
                       "sample3, and write everything with one report.")
    p.add_argument("--out", default=os.path.join("runs", "demo"))
    p.add_argument("--epochs", type=int, default=1000)
    p.set_defaults(func=cmd_demo)


def cmd_demo(args):
    from ..demo import run_demo

    if args.epochs < 1:
        raise UsageError(f"--epochs must be >= 1, got {args.epochs}")
    final, temp = prepare_out_dir(args.out, overwrite=True)
    try:
        report = run_demo(temp, epochs=args.epochs)
        publish(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    print(f"results in {final}")
    print(f"report: {os.path.join(final, os.path.basename(report))}")
    return 0


# compare / search ---------------------------------------------------------------------------
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
                       "their learning curves (seed 002)",
                       description="Train several configurations on the same data and split "
                       "and report overlaid learning curves, a table of final and best metrics, "
                       "time, size, peak memory and a verdict per model. Models come from "
                       "--preset, --config FILE (JSON or TOML: a list of models) or repeated "
                       "--hidden flags.")
    p.add_argument("data", nargs="?", help="CSV file or built-in dataset (presets use MNIST)")
    p.add_argument("--preset", choices=["capacity", "overfit"], help="seed 002's experiments")
    p.add_argument("--config", help="JSON or TOML file: {\"models\": [{\"name\": ..., "
                   "\"hidden\": [64, 64], \"dropout\": 0.5, ...}], plus shared settings}")
    p.add_argument("--hidden", action="append", help="a model's hidden layers, e.g. 16 or "
                   "64,64 (repeat for each model)")
    p.add_argument("--activation", default="relu")
    p.add_argument("--optimizer", default="adam")
    p.add_argument("--learning-rate", type=float, default=1e-3)
    _experiment_options(p)
    p.set_defaults(func=cmd_compare)


def _data_spec(args):
    if args.data is None:
        raise UsageError("give DATA (a CSV file or built-in dataset) or --preset")
    from ..datasets import load_any

    load_any(args.data, args.target)  # fail now, with a clear message, not in a worker
    spec = {"source": os.path.abspath(args.data) if os.path.exists(args.data) else args.data,
            "split_seed": args.seed}
    if args.target is not None:
        spec["target"] = args.target
    if args.subsample:
        spec["train_rows"] = args.subsample
    if args.validation_rows:
        spec["validation_rows"] = args.validation_rows
    return spec


def _read_config(path):
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
    shared = {k: v for k, v in config.items() if k != "models"} if isinstance(config,
                                                                                dict) else {}
    return shared, models


def compare_specs(args):
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
    data = _data_spec(args)
    base = {"data": data, "activation": args.activation, "epochs": args.epochs or 20,
            "batch_size": args.batch_size or 32, "seed": args.seed,
            "optimizer": {"name": args.optimizer, "learning_rate": args.learning_rate}}
    if args.config:
        shared, models = _read_config(args.config)
        return [{**base, **shared, **m, "name": m.get("name") or f"model {i + 1}"}
                for i, m in enumerate(models)]
    if not args.hidden:
        raise UsageError("give models with --hidden (repeatable), --config FILE or --preset")
    return [{**base, "name": f"hidden {h}", "hidden": parse_hidden(h)} for h in args.hidden]


def _run_and_report(args, specs, write, title):
    from ..experiments import run_trials

    if args.jobs < 1:
        raise UsageError(f"--jobs must be >= 1, got {args.jobs}")
    out = args.out or os.path.join("runs", title)
    final, temp = prepare_out_dir(out, args.overwrite)

    def progress(done, total, result):
        print(f"  [{done}/{total}] {result['name']}: {result['seconds']:.1f} s, "
              f"{result['verdict']}", flush=True)

    try:
        results = run_trials(specs, jobs=args.jobs, progress=progress)
        report = write(temp, results)
        with open(os.path.join(temp, "results.json"), "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
        publish(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    print(f"results in {final}")
    print(f"report: {os.path.join(final, os.path.basename(report))}")
    return results


def cmd_compare(args):
    from ..experiments.report import write_compare

    specs = compare_specs(args)
    name = args.preset or "compare"
    print(f"comparing {len(specs)} models ({args.jobs} job{'s' if args.jobs > 1 else ''})")
    _run_and_report(args, specs, lambda out, results: write_compare(
        out, results, f"glassnet compare: {name}"), name)
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

    base = {"data": _data_spec(args), "hidden": parse_hidden(args.hidden),
            "activation": args.activation, "epochs": args.epochs or 20,
            "batch_size": args.batch_size or 32, "seed": args.seed,
            "optimizer": {"name": args.optimizer}}
    try:
        specs = random_specs(base, args.trials, tuple(args.lr_range), tuple(args.wd_range),
                             seed=args.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"random search: {len(specs)} trials ({args.jobs} job{'s' if args.jobs > 1 else ''})")
    _run_and_report(args, specs, write_search, "search")
    return 0
