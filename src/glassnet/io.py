"""Model files: one zip holding ``config.json`` and ``weights.npz``. Never pickle.

A ``.glassnet`` file (any name works) contains:

- ``config.json``: format and glassnet version, the model's layer config, the compile
  settings, the name, shape and dtype of every weight, and the model's ``info``
  (feature and class names, preprocessing, training settings);
- ``weights.npz``: the weights as plain arrays, read with ``allow_pickle=False``;
- ``optimizer.npz`` (optional): the optimiser's state, to resume training.

Writes go to a temporary file in the same folder, flushed to disk and then renamed
over the target, so a crash or a full disk never leaves half a model behind.
"""

from __future__ import annotations

import io as _io
import json
import os
import tempfile
import zipfile

import numpy as np

from .errors import DataError

FORMAT = "glassnet-model"
FORMAT_VERSION = 1
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def atomic_write(path, write) -> None:
    """Call ``write(file)`` on a temporary file, then rename it to ``path``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DataError(f"cannot write {path}: folder {folder} does not exist")
    handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _npz_bytes(arrays: dict) -> bytes:
    buffer = _io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _weight_entries(model):
    return [{"name": name, "shape": list(w.shape), "dtype": str(w.dtype)}
            for name, w in zip(model.weight_names(), model.weights)]


def save_model(model, path, include_optimizer=True) -> None:
    """Write ``model`` to ``path`` (atomically)."""
    from . import __version__

    model._require_built("save()")
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "glassnet_version": __version__,
        "model": model.get_config(),
        "compile": _compile_config(model),
        "weights": _weight_entries(model),
        "info": model.info,
        # Generator states, so that training resumed from the file draws the same
        # shuffles and dropout masks as training that never stopped.
        "random_state": model.get_random_state(),
    }
    weights = {f"w{i}": w for i, w in enumerate(model.weights)}
    state = None
    if include_optimizer and model.optimizer is not None and model.optimizer.state is not None:
        state = {k.replace("/", "__"): np.asarray(v)
                 for k, v in model.optimizer.get_state().items()}
    text = json.dumps(config, ensure_ascii=False, indent=1, default=_json_default)

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("config.json", text)
            z.writestr("weights.npz", _npz_bytes(weights))
            if state:
                z.writestr("optimizer.npz", _npz_bytes(state))

    atomic_write(path, write)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in a model file")


def _compile_config(model):
    if not model.compiled:
        return None
    return {
        "optimizer": model.optimizer.get_config(),
        "loss": model.loss.get_config(),
        "metrics": [name for name, _ in model.metrics],
    }


def _read_npz(z, member, path):
    try:
        with np.load(_io.BytesIO(z.read(member)), allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except ValueError as exc:  # object arrays need pickle: refuse them
        raise DataError(f"{path}: {member} holds something other than plain arrays "
                        f"({exc}); refusing to load it") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"{path}: {member} is damaged ({exc})") from None


def load_model(path, compile=True):
    """Read a model written by ``save_model``; every check fails with DataError."""
    from .model import Sequential

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DataError(f"model file {path} does not exist")
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(
            f"{path} is not a glassnet model file (expected a zip archive: {exc})") from None
    with z:
        names = set(z.namelist())
        for required in ("config.json", "weights.npz"):
            if required not in names:
                raise DataError(f"{path} is not a glassnet model file: it has no {required}")
        info = z.getinfo("config.json")
        if info.file_size > MAX_CONFIG_BYTES:
            raise DataError(f"{path}: config.json is {info.file_size} bytes, more than a model "
                            "config can be")
        try:
            config = json.loads(z.read("config.json").decode("utf-8"))
        except (ValueError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise DataError(f"{path}: config.json is damaged or not JSON ({exc})") from None
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            found = config.get("format") if isinstance(config, dict) else None
            raise DataError(f"{path}: config.json does not describe a glassnet model "
                            f"(format {found!r}, expected {FORMAT!r})")
        if config.get("format_version", 0) > FORMAT_VERSION:
            raise DataError(f"{path} uses model format {config['format_version']}; this glassnet "
                            f"reads up to {FORMAT_VERSION}: upgrade glassnet")
        weights = _read_npz(z, "weights.npz", path)
        state = _read_npz(z, "optimizer.npz", path) if "optimizer.npz" in names else None

    try:
        model = Sequential.from_config(config["model"])
    except (ValueError, TypeError, KeyError) as exc:
        raise DataError(f"{path}: the model config is not valid: {exc}") from None
    if not model.built:
        raise DataError(f"{path}: the model config has no input_dim")
    expected = _weight_entries(model)
    if [e["name"] for e in expected] != [e["name"] for e in config.get("weights", [])]:
        raise DataError(f"{path}: the weights listed in config.json do not match the layers "
                        "described there")
    arrays = []
    for i, entry in enumerate(expected):
        key = f"w{i}"
        if key not in weights:
            raise DataError(f"{path}: weights.npz has no array for {entry['name']}")
        array = weights[key]
        if list(array.shape) != entry["shape"]:
            raise DataError(f"{path}: weight {entry['name']} must have shape "
                            f"{tuple(entry['shape'])} for this architecture, got {array.shape}")
        if array.dtype.kind != "f" or not np.isfinite(array).all():
            raise DataError(f"{path}: weight {entry['name']} must hold finite floats")
        arrays.append(array)
    if len(weights) != len(expected):
        raise DataError(f"{path}: weights.npz holds {len(weights)} arrays, the architecture "
                        f"needs {len(expected)}")
    model.set_weights(arrays)
    model.info = config.get("info") or {}
    if config.get("random_state"):
        try:
            model.set_random_state(config["random_state"])
        except (ValueError, TypeError, KeyError) as exc:
            raise DataError(f"{path}: the saved random state is not valid: {exc}") from None
    if compile and config.get("compile"):
        c = config["compile"]
        try:
            model.compile(c["optimizer"], c["loss"], c.get("metrics"))
            if state is not None:
                model.optimizer.set_state({k.replace("__", "/"): v for k, v in state.items()},
                                          model._trainable_weights())
        except (ValueError, TypeError, KeyError) as exc:
            raise DataError(f"{path}: the compile settings are not valid: {exc}") from None
    return model


def save_weights(model, path) -> None:
    """Only the weights, as an ``.npz`` (atomically)."""
    arrays = {f"w{i}": w for i, w in enumerate(model.weights)}
    atomic_write(path, lambda f: f.write(_npz_bytes(arrays)))


# Exports a person can read ------------------------------------------------------------
def _csv_bytes(header, rows) -> bytes:
    import csv

    buffer = _io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # UTF-8 with a BOM: Excel (Japanese Excel too) then shows 体長, 鯛, ... intact.
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(path, header, rows) -> None:
    """Write a CSV for Excel (UTF-8 with BOM), atomically."""
    data = _csv_bytes(header, rows)
    atomic_write(path, lambda f: f.write(data))


def coefficient_tables(model) -> list[dict]:
    """Seed 000's Table 66 for every Dense layer: one row per cell, bias first.

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
    weights = {e["name"]: w.tolist() for e, w in zip(_weight_entries(model), model.weights)}
    return json.dumps({"format": FORMAT, "model": model.get_config(), "weights": weights,
                       "info": model.info}, ensure_ascii=False, indent=1, default=_json_default)


def export_json(model, path) -> None:
    data = model_to_json(model).encode("utf-8")
    atomic_write(path, lambda f: f.write(data))


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


def prediction_table(model, names, x, ids=None, id_names=(), truth=None, inputs=True):
    """Header and rows: the IDs (when given), the inputs (unless ``inputs`` is False),
    the true target (``truth``: (name, texts), when given), one probability column per
    class and the predicted class (or the predicted values)."""
    p = model.predict(x)
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
        write_csv(os.path.join(folder, "split.csv"), header, rows)
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
        header, rows, _ = prediction_table(model, test.feature_names, test.features, ids,
                                           id_names, (test.target_name, test.label_text()),
                                           inputs=not wide)
        write_csv(os.path.join(folder, "test-predictions.csv"), header, rows)
        paths["test_predictions"] = os.path.join(folder, "test-predictions.csv")
        if wide:
            note += (f" test-predictions.csv leaves out the {test.features.shape[1]} "
                     "inputs; the rows are identified by "
                     f"{'row number' if id_names == ['row'] else ', '.join(id_names)}.")
    return paths, note.strip()


def _output_columns(model, p):
    """Names and values of the prediction columns for probabilities/values ``p``."""
    info = model.info or {}
    classes = info.get("class_names")
    if classes:
        return ([f"p_{c}" for c in classes] + ["predicted"],
                [[*map(float, pi), classes[int(np.argmax(pi))]] for pi in p])
    target = info.get("target_name") or "y"
    names = ([f"{target}_predicted"] if p.shape[1] == 1
             else [f"{target}_{k + 1}_predicted" for k in range(p.shape[1])])
    return names, [list(map(float, pi)) for pi in p]


class Predictions:
    """What ``predict_csv`` returns: the output ``header`` and ``rows``, the
    ``probabilities`` (or values), and ``comparison`` with the file's target column
    when it has one (None otherwise)."""

    def __init__(self, header, rows, probabilities, comparison):
        self.header, self.rows = header, rows
        self.probabilities, self.comparison = probabilities, comparison


def predict_csv(model, path, out=None, encoding=None, delimiter=None, skip_rows=0):
    """Predict every row of a CSV; write the table to ``out`` when given; return it.

    Every column of the file is kept as written (IDs, dates, notes...); the model's
    input columns are found by name and encoded as in training (a category the model
    has not seen is an error naming it). Then come one probability column per class
    and the predicted class (or the predicted values). When the file holds the target
    column, the predictions are compared with it (accuracy and confusion matrix, or
    mean absolute and root mean squared error).
    """
    from .data import columns
    from .data.csvfile import read_table

    path = os.fspath(path)
    header, rows, detected = read_table(path, encoding, delimiter, skip_rows)
    plan = input_plan(model, header)
    x = columns.encode(plan, header, rows, path, detected["delimiter"] == ";")
    p = model.predict(x)
    names, outputs = _output_columns(model, p)
    taken = set(header)
    names = [_unique(name, taken) for name in names]
    table = [[*(cell.strip() for cell in row), *values] for (_, row), values in zip(rows, outputs)]
    comparison = compare_with_target(model, header, rows, p, path)
    if out is not None:
        write_csv(out, [*header, *names], table)
    return Predictions([*header, *names], table, p, comparison)


def _unique(name, taken):
    candidate, k = name, 2
    while candidate in taken:
        candidate, k = f"{name} ({k})", k + 1
    taken.add(candidate)
    return candidate


def compare_with_target(model, header, rows, p, path):
    """Accuracy and confusion matrix (classes), or MAE and RMSE (numbers), against the
    file's target column, when it has one; rows with an empty target are left out."""
    from .data.columns import is_missing, parse_number

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
        predicted = np.argmax(p, axis=1)
        matrix = np.zeros((len(classes), len(classes)), dtype=int)
        for i, k in rows_known:
            matrix[k, predicted[i]] += 1
        total = int(matrix.sum())
        return {"target": target, "rows": total,
                "accuracy": float(np.trace(matrix) / total) if total else None,
                "confusion_matrix": matrix.tolist(), "classes": list(classes),
                "unknown_classes": unknown}
    try:
        truth = np.array([[parse_number(t, False)] for _, t in known])
    except ValueError:
        raise DataError(f"{path}, column {target!r}: the target of this model is numeric, "
                        "found text") from None
    if not len(known):
        return None
    error = p[[i for i, _ in known], :1] - truth
    return {"target": target, "rows": len(known), "mae": float(np.abs(error).mean()),
            "rmse": float(np.sqrt((error ** 2).mean()))}


def _number_text(text):
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if np.isfinite(value) and value == int(value) else text
