"""What a person reads or opens in Excel: coefficient tables, the model as JSON, and
predictions for the rows of a CSV file (matched to the model's inputs by column name).

These need both a model and the data layer's CSV reader, so they live above both.
"""

from __future__ import annotations

import json
import os

import numpy as np

from ..base.errors import ConfigError, DataError
from ..io.files import check_output_file, json_default, output_dialect, write_bytes, write_csv
from ..io.modelfile import FORMAT
from ..training.metrics import confusion_matrix


def coefficient_tables(model) -> list[dict]:
    """The coefficients of every Dense layer: one row per cell, bias first (seed 000's
    Table 66 layout, docs/seeds.md).

    Each table is a dict with ``layer``, ``header`` (``cell``, ``bias``, then one column
    per input, named) and ``rows``. Inputs of the first layer are named after the
    features (noting a scaling layer before them); output cells after the classes.
    Weights keep the model's number type (float32 by default), so a CSV shows the
    digits they have (``0.1234567``, not ``0.12345670163631439``).
    """
    from ..engine.layers import Dense, Normalization

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
        rows = [[cells[j], bias[j], *layer.kernel[:, j]] for j in range(layer.units)]
        tables.append({"layer": layer.name, "activation": layer.activation.name,
                       "header": ["cell", "bias", *names], "rows": rows})
        names = cells
    return tables


def export_coefficients(model, folder, dialect=None) -> list[str]:
    """Write one ``coefficients-<layer>.csv`` per Dense layer into ``folder``, in
    ``dialect`` (``files.output_dialect``: the training file's conventions)."""
    paths = []
    for table in coefficient_tables(model):
        path = os.path.join(os.fspath(folder), f"coefficients-{table['layer']}.csv")
        write_csv(path, table["header"], table["rows"], dialect=dialect)
        paths.append(path)
    return paths


def model_to_json(model) -> str:
    """The whole model (structure, weights by name, info) as readable JSON."""
    weights = {name: w.tolist() for name, w in zip(model.weight_names(), model.weights)}
    return json.dumps({"format": FORMAT, "model": model.get_config(), "weights": weights,
                       "info": model.info}, ensure_ascii=False, indent=1, default=json_default)


def export_json(model, path) -> None:
    write_bytes(path, model_to_json(model).encode("utf-8"))


def input_plan(model, header=None) -> dict:
    """The model's column plan (``model.info["columns"]``), or one made from its feature
    names (all numeric) for models trained on arrays or before plans existed."""
    info = model.info or {}
    if info.get("columns"):
        return info["columns"]
    names = info.get("feature_names")
    if names is None:
        if header is None or len(header) != model.input_dim:
            raise DataError(f"expected {model.input_dim} columns for this model, found "
                            f"{len(header or [])}")
        names = header
    return {"inputs": [{"name": n, "kind": "number"} for n in names], "id": [],
            "target": info.get("target_name")}


def class_probabilities(model, x) -> np.ndarray:
    """(n, K) class probabilities; a single sigmoid output (two classes, Keras's and
    MLPClassifier's binary network) becomes [1 - p, p]."""
    p = np.asarray(model.predict(x), dtype=np.float64)
    if p.shape[1] == 1:
        p = np.hstack([1.0 - p, p])
    return p


def _predict(model, x):
    """Class probabilities (both columns for one logistic output) or predicted values,
    in the model's own number type (float32 by default), so a file shows its digits."""
    p = np.asarray(model.predict(x))
    if (model.info or {}).get("class_names") and p.shape[1] == 1:
        p = np.hstack([1 - p, p])
    return p


def prediction_table(model, names, x, ids=None, id_names=(), truth=None, inputs=True):
    """Header and rows: the IDs (when given), the inputs (unless ``inputs`` is False),
    the true target (``truth``: (name, texts), when given), one probability column per
    class and the predicted class (or the predicted values)."""
    p = _predict(model, x)
    ids = np.empty((len(x), 0), dtype=object) if ids is None else ids
    header, outputs = _output_columns(model, p)
    shown = x if inputs else np.empty((len(x), 0))
    true_name, true = truth if truth is not None else (None, [()] * len(x))
    rows = [[*idv, *map(float, xi), *([t] if truth is not None else []), *out]
            for idv, xi, t, out in zip(ids, shown, true, outputs)]
    return ([*id_names, *(names if inputs else []), *([true_name] if truth else []),
             *header], rows, p)


#: Inputs beyond this many are left out of test-predictions.csv (IDs and row numbers
#: identify the rows); a split written as data may not outgrow the input file.
MAX_TABLE_INPUTS = 50
SPLIT_LIMIT_WITHOUT_FILE = 5 * 1024 * 1024
SPLIT_ALWAYS_WRITTEN = 1024 * 1024


def export_split(folder, model, train, test, mode="auto") -> tuple[dict, str]:
    """Write the train/test split and the test predictions into ``folder``.

    ``mode``: "data" writes train.csv and test.csv (features and target); "rows" writes
    split.csv (part, row number, line in the file, IDs); "auto" writes the data unless
    it would be larger than the input file (5 MB for built-in data) and than 1 MB,
    else the rows.
    Returns the paths written and a sentence saying what was written and why.
    Every file is written in the training file's conventions (delimiter, decimal mark,
    encoding: ``files.output_dialect``).
    """
    folder = os.fspath(folder)
    if mode not in ("auto", "data", "rows"):
        raise DataError(f"split files must be 'auto', 'data' or 'rows', got {mode!r}")
    paths = {}
    estimate = 12 * (train.features.size + test.features.size)  # ~12 bytes a number
    source = train.source if train.source and os.path.isfile(train.source) else None
    limit = os.path.getsize(source) if source else SPLIT_LIMIT_WITHOUT_FILE
    note = ""
    if mode == "data" or (mode == "auto" and estimate <= max(limit, SPLIT_ALWAYS_WRITTEN)):
        for name, part in (("train", train), ("test", test)):
            if len(part) or name == "train":
                part.to_csv(os.path.join(folder, f"{name}.csv"))
                paths[name] = os.path.join(folder, f"{name}.csv")
    else:
        header = ["part", "row", *(["line"] if train.lines is not None else []),
                  *train.id_names]
        rows = []
        for name, part, start in (("train", train, 0), ("test", test, len(train))):
            for i in range(len(part)):
                rows.append([name, start + i + 1,
                             *([int(part.lines[i])] if part.lines is not None else []),
                             *(part.ids[i] if part.ids is not None else [])])
        write_csv(os.path.join(folder, "split.csv"), header, rows,
                  dialect=output_dialect(train.info))
        paths["split"] = os.path.join(folder, "split.csv")
        note = (f"The split is saved as row numbers in split.csv: train.csv and test.csv "
                f"would take about {estimate / 1e6:.0f} MB, more than the "
                f"{'input file' if source else 'limit'} ({limit / 1e6:.1f} MB).")
    if len(test):
        wide = test.features.shape[1] > MAX_TABLE_INPUTS
        ids, id_names = test.ids, list(test.id_names)
        if wide and ids is None:
            ids = np.arange(len(train) + 1, len(train) + len(test) + 1)[:, None]
            id_names = ["row"]
        truth = (test.label_text() if test.is_classification
                 else list(test.labels[:, 0]))  # numbers, written with the file's mark
        header, rows, _ = prediction_table(model, test.feature_names, test.features, ids,
                                           id_names, (test.target_name, truth),
                                           inputs=not wide)
        write_csv(os.path.join(folder, "test-predictions.csv"), header, rows,
                  dialect=output_dialect(train.info))
        paths["test_predictions"] = os.path.join(folder, "test-predictions.csv")
        if wide:
            note += (f" test-predictions.csv leaves out the {test.features.shape[1]} "
                     "inputs; the rows are identified by "
                     f"{'row number' if id_names == ['row'] else ', '.join(id_names)}.")
    return paths, note.strip()


def decide(model, p, threshold=None) -> np.ndarray:
    """Each row's predicted class index: the most probable class, or, with a
    ``threshold`` (two classes only), the positive class (``model.info["positive_class"]``,
    the rarer one in training; else the second) when its probability reaches it."""
    if threshold is None:
        return np.argmax(p, axis=1)
    classes = (model.info or {}).get("class_names") or []
    if len(classes) != 2:
        raise ConfigError(f"threshold applies to a model of two classes; this one has "
                          f"{len(classes) or 'none (a numeric target)'}")
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"threshold must be a probability from 0 to 1, got {threshold}")
    name = (model.info or {}).get("positive_class")
    positive = classes.index(name) if name in classes else 1
    return np.where(p[:, positive] >= threshold, positive, 1 - positive)


def _output_columns(model, p, threshold=None):
    """Names and values of the prediction columns for probabilities/values ``p``."""
    info = model.info or {}
    classes = info.get("class_names")
    if classes:
        chosen = decide(model, p, threshold)
        return ([f"p_{c}" for c in classes] + ["predicted"],
                [[*pi, classes[int(k)]] for pi, k in zip(p, chosen)])
    target = info.get("target_name") or "y"
    names = ([f"{target}_predicted"] if p.shape[1] == 1
             else [f"{target}_{k + 1}_predicted" for k in range(p.shape[1])])
    return names, [list(pi) for pi in p]  # the model's number type, for its digits


class Predictions:
    """What ``predict_csv`` returns: the output ``header`` and ``rows``, the
    ``probabilities`` (or values), ``comparison`` with the file's target column
    when it has one (None otherwise), and what was ``detected`` reading the file
    (encoding, delimiter; a workbook's sheet)."""

    def __init__(self, header, rows, probabilities, comparison, detected=None):
        self.header, self.rows = header, rows
        self.probabilities, self.comparison = probabilities, comparison
        self.detected = detected or {}


def predict_csv(model, path, out=None, encoding=None, delimiter=None, skip_rows=None,
                overwrite=True, sheet=None, missing=None, threshold=None):
    """Predict every row of a CSV; write the table to ``out`` when given; return it.

    Every column of the file is kept exactly as written (IDs, dates, notes...); the
    table is written in the file's conventions (its delimiter and decimal mark, in
    UTF-8 with a BOM: ``files.output_dialect``; a workbook's predictions are a CSV with
    commas and points), the predictions in the shortest digits that read back as the
    same float32; the model's
    input columns are found by name and encoded as in training (a category the model
    has not seen is an error naming it). Then come one probability column per class
    and the predicted class (or the predicted values). When the file holds the target
    column, the predictions are compared with it (accuracy and confusion matrix, or
    mean absolute and root mean squared error). ``threshold`` (two classes): the
    positive class's probability from which it is predicted (see ``decide``).
    ``skip_rows``: lines above the header;
    None skips a title row when there is one. ``out`` is never the input file; with
    ``overwrite=False`` an existing ``out`` is not replaced either (``ResultsError``).
    ``missing``: what blank input cells get (default: the rule the model was trained
    with, filling with its training rows' values; ``"drop"`` leaves those rows out);
    ``result.missing`` counts them.
    """
    from .csvfile import read_table
    from .pipeline import encode_rows

    path = os.fspath(path)
    if out is not None:
        from .workbook import EXTENSIONS

        if os.fspath(out).lower().endswith(EXTENSIONS):
            raise DataError(f"out {out}: predictions are written as a CSV file, which Excel "
                            "opens; give the file a .csv name")
        check_output_file(out, [path], overwrite, "out")
    header, rows, detected = read_table(path, encoding, delimiter, skip_rows=skip_rows,
                                        sheet=sheet)
    plan = input_plan(model, header)
    x, rows, blanks = encode_rows(plan, header, rows, path, detected["delimiter"] == ";",
                                  missing)
    p = _predict(model, x)
    names, outputs = _output_columns(model, p, threshold)
    taken = set(header)
    names = [_unique(name, taken) for name in names]
    table = [[*row, *values] for (_, row), values in zip(rows, outputs)]
    comparison = compare_with_target(model, header, rows, p, path,
                                     detected["delimiter"] == ";", threshold)
    dialect = output_dialect(detected)
    if out is not None:
        dialect["encoding"] = write_csv(out, [*header, *names], table, overwrite, dialect)
    result = Predictions([*header, *names], table, p, comparison, detected)
    result.dialect = dialect
    result.missing = blanks
    return result


def _unique(name, taken):
    candidate, k = name, 2
    while candidate in taken:
        candidate, k = f"{name} ({k})", k + 1
    taken.add(candidate)
    return candidate


def compare_with_target(model, header, rows, p, path, decimal_comma=False, threshold=None):
    """Accuracy and confusion matrix (classes), or MAE and RMSE (numbers), against the
    file's target column, when it has one; rows with an empty target are left out."""
    from .cells import column_decimal_comma, is_missing, read_number

    info = model.info or {}
    target = info.get("target_name")
    if target not in header:
        return None
    j = header.index(target)
    known = [(i, row[j].strip()) for i, (_, row) in enumerate(rows) if not is_missing(row[j])]
    classes = info.get("class_names")
    if classes:
        index = {c: k for k, c in enumerate(classes)}
        for _, text in known:  # integer labels written as 1.0 still name class "1"
            if text not in index and _number_text(text) in index:
                index[text] = index[_number_text(text)]
        rows_known = [(i, index[t]) for i, t in known if t in index]
        unknown = sorted({t for _, t in known if t not in index})
        predicted = decide(model, p, threshold)
        matrix = confusion_matrix([k for _, k in rows_known],
                                  [predicted[i] for i, _ in rows_known], len(classes))
        total = int(matrix.sum())
        out = {"target": target, "rows": total,
               "accuracy": float(np.trace(matrix) / total) if total else None,
               "confusion_matrix": matrix.tolist(), "classes": list(classes),
               "unknown_classes": unknown}
        if total:
            from ..training import measures

            labels = np.array([k for _, k in rows_known])
            values = measures.classification(labels, predicted[[i for i, _ in rows_known]],
                                             list(classes))
            out.update({k: values[k] for k in ("balanced_accuracy", "majority_class",
                                               "majority_rate", "per_class")})
        return out
    mark = column_decimal_comma([t for _, t in known], decimal_comma)
    truth = np.array([[read_number(t, mark, f"{path}, line {rows[i][0]}, column {target!r}")]
                      for i, t in known]).reshape(-1, 1)
    if not len(known):
        return None
    from ..training import measures

    return {"target": target, **measures.regression(truth, p[[i for i, _ in known], :1])}


def _number_text(text):
    from .cells import parse_number

    try:
        value = parse_number(text)
    except ValueError:
        return text
    return str(int(value)) if np.isfinite(value) and value == int(value) else text
