"""What a person reads or opens in Excel: coefficient tables, the model as JSON, and
predictions for the rows of a CSV file (matched to the model's inputs by column name).

These need both a model and the data layer's CSV reader, so they live above both.
"""

from __future__ import annotations

import json
import os

import numpy as np

from .errors import DataError
from .files import check_output_file, json_default, write_bytes, write_csv
from .modelfile import FORMAT


def coefficient_tables(model) -> list[dict]:
    """The coefficients of every Dense layer: one row per cell, bias first (seed 000's
    Table 66 layout, docs/seeds.md).

    Each table is a dict with ``layer``, ``header`` (``cell``, ``bias``, then one column
    per input, named) and ``rows``. Inputs of the first layer are named after the
    features (noting a scaling layer before them); output cells after the classes.
    """
    from .layers import Dense, Normalization

    info = model.info or {}
    names = list(info.get("feature_names") or [f"x{i + 1}" for i in range(model.input_dim)])
    tables = []
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    for layer in model.layers:
        if isinstance(layer, Normalization):
            names = [f"{n} ({'standardised' if layer.method == 'standard' else 'min-max'})"
                     for n in names]
            continue
        if not isinstance(layer, Dense):
            continue
        is_output = layer is dense[-1]
        classes = info.get("class_names")
        if is_output and classes and len(classes) == layer.units:
            cells = [str(c) for c in classes]
        else:
            cells = [f"{layer.name}[{j + 1}]" for j in range(layer.units)]
        bias = layer.bias if layer.use_bias else np.zeros(layer.units)
        rows = [[cells[j], float(bias[j]), *(float(v) for v in layer.kernel[:, j])]
                for j in range(layer.units)]
        tables.append({"layer": layer.name, "activation": layer.activation.name,
                       "header": ["cell", "bias", *names], "rows": rows})
        names = cells
    return tables


def export_coefficients(model, folder) -> list[str]:
    """Write one ``coefficients-<layer>.csv`` per Dense layer into ``folder``."""
    paths = []
    for table in coefficient_tables(model):
        path = os.path.join(os.fspath(folder), f"coefficients-{table['layer']}.csv")
        write_csv(path, table["header"], table["rows"])
        paths.append(path)
    return paths


def model_to_json(model) -> str:
    """The whole model (structure, weights by name, info) as readable JSON."""
    weights = {name: w.tolist() for name, w in zip(model.weight_names(), model.weights)}
    return json.dumps({"format": FORMAT, "model": model.get_config(), "weights": weights,
                       "info": model.info}, ensure_ascii=False, indent=1, default=json_default)


def export_json(model, path) -> None:
    write_bytes(path, model_to_json(model).encode("utf-8"))


def read_features(model, path, encoding=None, delimiter=None):
    """Read new rows from a CSV, matching the columns to the training features by name.

    Returns (header, numeric rows, feature matrix). The model's target column may be
    present (it is ignored); any other extra or missing column is an error.
    """
    from .data.csvfile import read_number, read_table

    info = model.info or {}
    expected = info.get("feature_names")
    header, rows, detected = read_table(path, encoding, delimiter)
    if expected is None:
        if len(header) != model.input_dim:
            raise DataError(f"{path}: expected {model.input_dim} columns for this model, found "
                            f"{len(header)}")
        expected = header
    missing = [name for name in expected if name not in header]
    extra = [name for name in header if name not in expected and name != info.get("target_name")]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(map(repr, missing))}")
        if extra:
            parts.append(f"unexpected column(s) {', '.join(map(repr, extra))}")
        raise DataError(f"{path}: {'; '.join(parts)}; the model was trained on columns "
                        f"{', '.join(map(repr, expected))}")
    index = [header.index(name) for name in expected]
    x = np.empty((len(rows), len(index)))
    decimal_comma = detected["delimiter"] == ";"
    for i, (line, row) in enumerate(rows):
        for k, j in enumerate(index):
            x[i, k] = read_number(row[j], decimal_comma,
                                  f"{path}, line {line}, column {header[j]!r}")
    return expected, x


def class_probabilities(model, x) -> np.ndarray:
    """(n, K) class probabilities; a single sigmoid output (two classes, Keras's and
    MLPClassifier's binary network) becomes [1 - p, p]."""
    p = np.asarray(model.predict(x), dtype=np.float64)
    if p.shape[1] == 1:
        p = np.hstack([1.0 - p, p])
    return p


def prediction_table(model, names, x):
    """Header and rows: the inputs, one probability column per class, the prediction."""
    info = model.info or {}
    classes = info.get("class_names")
    p = class_probabilities(model, x) if classes else model.predict(x)
    if classes:
        header = [*names, *(f"p_{c}" for c in classes), "predicted"]
        rows = [[*map(float, xi), *map(float, pi), classes[int(np.argmax(pi))]]
                for xi, pi in zip(x, p)]
    else:
        target = info.get("target_name") or "y"
        outputs = ([f"{target}_predicted"] if p.shape[1] == 1
                   else [f"{target}_{k + 1}_predicted" for k in range(p.shape[1])])
        header = [*names, *outputs]
        rows = [[*map(float, xi), *map(float, pi)] for xi, pi in zip(x, p)]
    return header, rows, p


def predict_csv(model, path, out=None, encoding=None, delimiter=None, overwrite=True):
    """Predict every row of a CSV; write the table to ``out`` when given; return it.

    ``out`` is never the input file; with ``overwrite=False`` an existing ``out`` is
    not replaced either (``ResultsError``).
    """
    if out is not None:
        check_output_file(out, [path], overwrite, "out")
    names, x = read_features(model, path, encoding, delimiter)
    header, rows, p = prediction_table(model, names, x)
    if out is not None:
        write_csv(out, header, rows, overwrite)
    return header, rows, p
