"""Commands on a saved (or hand-typed) model: ``predict``, ``evaluate``, ``gradcheck``
and ``trace``."""

from __future__ import annotations

import json
import sys

import numpy as np

from ..base.i18n import N_
from ..base.sanitize import terminal
from .common import (
    UsageError,
    add_column_options,
    load_data,
    output_file,
    parse_hidden,
    parse_rows,
    print_matrix,
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


def cmd_predict(args):
    from ..data.exports import predict_csv
    from ..interop.loading import load_model

    if args.out:
        output_file(args.out, args.overwrite, [args.data, args.model])
    model = load_model(args.model)
    result = predict_csv(model, args.data, args.out, encoding=args.encoding,
                         skip_rows=args.skip_rows, overwrite=args.overwrite)
    if args.out:
        print(terminal(f"{len(result.rows)} predictions written to {args.out}"))
    else:
        from ..io.files import csv_bytes

        table = csv_bytes(result.header, [[f"{v:.6g}" if isinstance(v, float) else v
                                           for v in row] for row in result.rows])
        # the table is the command's output, as a file would be: -q keeps it
        getattr(args, "data_stream", sys.stdout).write(terminal(table.decode("utf-8-sig")))
    if result.comparison:  # on stderr when stdout carries the table
        print_comparison(result.comparison, file=sys.stdout if args.out else sys.stderr)
    return 0


def print_comparison(c, file=None):
    """The predictions against the file's target column."""
    if "accuracy" not in c:
        print(terminal(f"compared with column {c['target']!r} on {c['rows']} rows: mean "
                       f"absolute error {c['mae']:.4g}, root mean squared error "
                       f"{c['rmse']:.4g}"), file=file)
        return
    accuracy = "n/a" if c["accuracy"] is None else f"{c['accuracy']:.4f}"
    print(terminal(f"compared with column {c['target']!r} on {c['rows']} rows: accuracy "
                   f"{accuracy}"), file=file)
    if c["unknown_classes"]:
        print(terminal("rows with classes the model does not know were left out: "
                       f"{', '.join(c['unknown_classes'])}"), file=file)
    print_matrix(c["classes"], c["confusion_matrix"], file=file)


def add_evaluate(sub):
    _model_and_data(sub, "evaluate", N_("CSV file with the input columns and the target column"),
                    cmd_evaluate, help="loss, accuracy and confusion matrix on labelled rows",
                    description="Score a saved model on rows whose answers are known: DATA "
                    "is a CSV with the model's input columns (matched by name) and its target "
                    "column. Prints the loss and the metrics the model was trained with and, "
                    "for classes, the confusion matrix.")


def cmd_evaluate(args):
    from ..data import Dataset, load_csv
    from ..data.exports import input_plan
    from ..interop.loading import load_model
    from ..training.metrics import confusion_matrix

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
                    skip_rows=args.skip_rows, plan=input_plan(model))
    if task == "classification":
        reference = Dataset(data.features, data.labels, data.feature_names,
                            info["class_names"], target)
        data = data.aligned_to(reference)
    results = model.evaluate(data, return_dict=True)
    print(f"{len(data)} rows: " + ", ".join(f"{k} {v:.4g}" for k, v in results.items()))
    if task == "classification":
        from ..plotting.grid import class_probabilities

        predicted = class_probabilities(model, data.features).argmax(axis=1)
        matrix = confusion_matrix(data.labels, predicted, len(info["class_names"]))
        print_matrix(info["class_names"], matrix.tolist())
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
    add_column_options(p)
    p.set_defaults(func=cmd_gradcheck)


def cmd_gradcheck(args):
    from ..engine import losses
    from ..engine.gradients import gradient_errors
    from ..interop.loading import load_model
    from ..training.model import Sequential
    from ..training.spec import ModelSpec, build_model

    data = load_data(args.data, args.target, features=args.features, ignore=args.ignore,
                     id=args.id, skip_rows=args.skip_rows)
    rows = data.subset(slice(0, max(1, args.rows)))
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
                         kernel_initializer="auto", bias_initializer="normal", scale="none",
                         seed=args.seed, dtype="float64")
        model = build_model(spec, rows)
        loss = model.loss
    if loss is None:
        loss = losses.get("categorical_crossentropy" if data.is_classification
                          else "mean_squared_error")
    table = gradient_errors(model, rows.features, rows.targets_for(loss, model.output_dim),
                           loss=loss)
    print(f"gradient check on {len(rows)} rows of {args.data}, loss {loss.name}, float64")
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
    rows = parse_rows(args.input, model.input_dim)
    names = (model.info or {}).get("feature_names") or [f"x{i + 1}" for i in
                                                         range(model.input_dim)]
    labels = [", ".join(f"{n}={v:g}" for n, v in zip(names, row)) for row in rows]
    print(format_trace(trace(model, rows), row_labels=labels), end="")
    return 0
