"""From the page's JSON setup to glassnet objects: data, split, spec, model, view.

Everything the page sends is checked here and every mistake becomes a ``ConfigError``
or ``DataError`` whose message names the field, what was expected and what came, so
the server can answer 400 with it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..base.errors import ConfigError, DataError
from . import frames

#: built-in datasets the page offers, with the size/noise parameters each takes
BUILTIN_PARAMS = {
    "sample2": {}, "sample3": {}, "xor": {}, "steps": {},
    "moons": {"size": "n_samples", "noise": "noise"},
    "circles": {"size": "n_samples", "noise": "noise"},
    "spiral": {"size": "n_samples", "noise": "noise"},
    "blobs": {"size": "n_samples", "noise": "spread"},
}
MAX_BUILTIN_ROWS = 5000
#: The page's cost limits, checked before anything is built: the weights a page trains
#: and draws live (a 2 x 1024 network on 784 inputs is 1.9 million), hidden layers,
#: and the weights whose gradient a clicked row checks by central differences (two
#: forward passes each)
MAX_WEIGHTS = 2_000_000
MAX_LAYERS = 16
MAX_GRADCHECK_WEIGHTS = 20_000
#: an upload with more columns than this is refused (the page lists every column)
MAX_UPLOAD_COLUMNS = 5000


def _field(obj, key, kind, what, default=None):
    value = obj.get(key, default) if isinstance(obj, dict) else default
    if value is None:
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"{what}.{key} must be {kind.__name__}, got {value!r}")
    return value


# Data ----------------------------------------------------------------------------------
def describe_csv(name: str, raw: bytes, sheet=None) -> dict:
    """Columns of an uploaded CSV (or of a workbook's ``sheet``) and whether each one is
    all numbers; for a workbook also its sheets, for a menu. A workbook's first sheet
    that holds a table is described when no sheet is named (a cover sheet is passed)."""
    from ..data.cells import Cells, is_missing
    from ..data.csvfile import read_table
    from ..data.workbook import is_workbook, sheet_names

    if sheet is not None and not isinstance(sheet, str):
        raise ConfigError(f"the sheet must be a sheet's name, got {sheet!r}")
    try:
        header, rows, detected = read_table(name, raw=raw, sheet=sheet)
    except DataError:
        if sheet is not None or not is_workbook(name, raw[:8]):
            raise
        for other in sheet_names(name, raw)[1:]:
            try:
                header, rows, detected = read_table(name, raw=raw, sheet=other)
                break
            except DataError:
                continue
        else:
            raise
    if len(header) > MAX_UPLOAD_COLUMNS:
        raise DataError(f"{name}: {len(header)} columns, more than the playground's limit "
                        f"of {MAX_UPLOAD_COLUMNS}")
    cells = Cells(rows[:2000], detected["delimiter"] == ";")
    numeric = [bool(rows) and not any(np.isnan(v) and not is_missing(c)
                                      for v, c in zip(cells.parsed(j), cells.raw[j]))
               for j in range(len(header))]
    return {"name": name, "columns": header, "numeric": numeric, "rows": len(rows),
            "inputs": _default_inputs(header, cells), "encoding": detected["encoding"],
            "delimiter": detected["delimiter"], "sheet": detected.get("sheet"),
            "sheets": detected.get("sheets")}


def _default_inputs(header, cells) -> list[bool]:
    """Which columns the command line takes as inputs by default, as the page's ticks:
    numbers and text columns (one-hot), never an ID column (番号, row numbers) or a
    date; a column the command line would refuse (a stray word, 1,234円) stays unticked."""
    from ..data.cells import is_missing
    from ..data.columns import _kind

    kinds = []
    for j, name in enumerate(header):
        values = cells.numbers(j)
        texts = cells.raw[j] if values is not None else [c for c in cells.raw[j]
                                                          if not is_missing(c)]
        kinds.append(_kind(name, texts, cells.decimal_comma, first=j == 0, values=values))
    return [kind in ("number", "category") for kind in kinds]


def load_data(state: dict, upload):
    """(all data, mask of the training rows) for the page's ``data`` and ``split``."""
    from ..data import builtin as datasets
    from ..data import load_csv

    if not isinstance(state, dict):
        raise ConfigError(f"the setup must be a JSON object, got {type(state).__name__}")
    spec = state.get("data")
    if not isinstance(spec, dict):
        raise ConfigError("setup.data must be an object like {\"source\": \"builtin\", "
                          "\"name\": \"sample2\"}")
    source = spec.get("source")
    if source == "builtin":
        name = spec.get("name")
        if name not in BUILTIN_PARAMS:
            raise ConfigError(f"setup.data.name must be one of {', '.join(BUILTIN_PARAMS)}, "
                              f"got {name!r}")
        params = {}
        for key, arg in BUILTIN_PARAMS[name].items():
            value = _field(spec, key, float if key == "noise" else int, "setup.data")
            if value is not None:
                params[arg] = value
        if params.get("n_samples", 0) > MAX_BUILTIN_ROWS:
            raise ConfigError(f"setup.data.size must be at most {MAX_BUILTIN_ROWS}, got "
                              f"{params['n_samples']}")
        data = datasets.load(name, **params)
    elif source == "upload":
        if upload is None:
            raise DataError("no CSV uploaded in this page yet: drop a file first")
        features = spec.get("features")
        if features is not None and (not isinstance(features, list) or not features):
            raise ConfigError(f"setup.data.features must be a non-empty list of column names, "
                              f"got {features!r}")
        task = spec.get("task", "auto")
        sheet = spec.get("sheet")
        if sheet is not None and not isinstance(sheet, str):
            raise ConfigError(f"setup.data.sheet must be a sheet's name, got {sheet!r}")
        missing = spec.get("missing", "error")
        data = load_csv(upload[0], target=spec.get("target", -1), features=features,
                        missing=missing, task=task, raw=upload[1],
                        missing_indicator=spec.get("missing_indicator") is True,
                        fill=missing not in ("mean", "median", "most-frequent"), sheet=sheet)
    else:
        raise ConfigError(f"setup.data.source must be 'builtin' or 'upload', got {source!r}")

    split = state.get("split") or {}
    share = _field(split, "validation", float, "setup.split", 0.0)
    method = split.get("method", "ratio")
    if not 0.0 <= share < 1.0:
        raise ConfigError(f"setup.split.validation must be in [0, 1), got {share}")
    train_rows = split_rows(data, share, method, _field(split, "seed", int, "setup.split", 0))
    mask = np.zeros(len(data), dtype=bool)
    mask[train_rows] = True
    return _filled(data, mask), mask


def _filled(data, mask):
    """``data`` with blank cells filled by values fitted on the training rows (``mask``)
    only, as the command line does; the fitted plan is what the model saves."""
    from ..data import pipeline

    plan = data.info.get("columns")
    if not plan or plan.get("missing") not in pipeline.FILL_RULES:
        return data
    plan = pipeline.fit_fills(plan, data.features[mask])
    filled = data.subset(slice(None))
    filled.features, counts = pipeline.fill(plan, data.features, where=data.source)
    filled.info = {**data.info, "columns": plan,
                   "missing": {**data.info.get("missing", {}), "filled": counts}}
    return filled


def split_rows(data, share, method, seed):
    """Indices of the training rows: seed 000's first rows, or a random (stratified) draw."""
    from ..data import Dataset, train_test_split

    n = len(data)
    if share == 0.0:
        return np.arange(n)
    if method == "ratio":  # seed 000's TrainingRatio: the first rows train
        n_train = int(round(n * (1.0 - share)))
        if n_train == 0 or n_train == n:
            raise ConfigError(f"setup.split.validation={share} leaves an empty part out of "
                              f"{n} rows")
        return np.arange(n_train)
    if method != "random":
        raise ConfigError(f"setup.split.method must be 'ratio' or 'random', got {method!r}")
    # glassnet's own split on the row numbers, so the page knows which rows went where
    numbered = Dataset(np.arange(n, dtype=np.float64)[:, None], data.labels, ["row"],
                       data.class_names)
    train, _ = train_test_split(numbered, share, stratify=data.is_classification, seed=seed)
    return train.features[:, 0].astype(np.intp)


# Model ---------------------------------------------------------------------------------
def model_spec(state: dict):
    from ..training.spec import ModelSpec

    if not isinstance(state, dict):
        raise ConfigError(f"the setup must be a JSON object, got {type(state).__name__}")
    spec = state.get("spec")
    if not isinstance(spec, dict):
        raise ConfigError("setup.spec must be an object (the model spec)")
    spec = ModelSpec.from_dict(spec)
    if len(spec.layers()) > MAX_LAYERS:
        raise ConfigError(f"setup.spec.hidden has {len(spec.hidden)} layers; the playground "
                          f"draws at most {MAX_LAYERS}")
    return spec


def check_cost(spec, data) -> int:
    """The weight count of ``spec`` on ``data``, or ConfigError naming the limit."""
    from ..training.cost import check_cost as check
    from ..training.spec import output_of

    return check(spec, data.features.shape[1], output_of(spec, data)[0], MAX_WEIGHTS,
                 " the playground trains and draws live")


@dataclasses.dataclass
class Prepared:
    """Training arrays in the form the loss wants, and a numeric target's scaling
    (mean, std): while the page trains, the model learns the standardised target, as
    ``glassnet.spec.fit_model`` does; frames and downloads fold it back."""

    loss: object
    scaling: tuple | None
    x: np.ndarray = None
    y: np.ndarray = None
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    outputs: int | None = None  # output cells: one 0/1 column for a single logistic output
    w: np.ndarray | None = None  # each training row's weight (the spec's class_weight)

    def targets(self, part, rows=slice(None)):
        y = part.targets_for(self.loss, self.outputs)[rows]
        if self.scaling is not None:
            y = (y - self.scaling[0]) / self.scaling[1]
        return y

    def row(self, data, i):
        return data.features[i], self.targets(data, [i])[0]

    def unscale(self, values):
        """Predictions of the standardised model in the target's own units."""
        if self.scaling is None:
            return values
        return values * self.scaling[1] + self.scaling[0]

    def unscale_logs(self, model, logs: dict) -> dict:
        """Epoch results in the target's units where that is exact (as fit_model does)."""
        if self.scaling is None:
            return logs
        from ..training.units import in_units, unit_factors

        return in_units(logs, unit_factors(model, np.asarray(self.scaling[1])))


def build(spec, train, validation=None):
    """A compiled model for ``spec`` on ``train``, and its prepared training arrays."""
    from ..training.spec import build_model, target_scaling

    model = build_model(spec, train)
    model.info.update(feature_names=list(train.feature_names), class_names=train.class_names,
                      target_name=train.target_name)
    prepared = Prepared(model.loss, target_scaling(spec, model, train),
                        outputs=model.output_dim)
    prepared.x, prepared.y = train.features, prepared.targets(train)
    if train.is_classification:  # as fit_model weighs the rows
        from ..training.balance import row_weights

        prepared.w = row_weights(spec.class_weight, train)
    if validation is not None and len(validation):
        prepared.x_val, prepared.y_val = validation.features, prepared.targets(validation)
    return model, prepared


def view_for(view, data, strict=True) -> dict:
    """The plane to draw: two feature indices, the values of the others, the limits.

    With ``strict=False`` (a new setup, whose data the page has not seen yet) feature
    indices beyond the data's are brought into range and other values dropped."""
    n = data.features.shape[1]
    view = view if isinstance(view, dict) else {}
    first, second = frames.measured_pair(data.features)  # not 0/1 indicators (産地=秋田)
    x, y = _field(view, "x", int, "view", first), _field(view, "y", int, "view", second)
    if not strict:
        x, y = min(max(x, 0), n - 1), min(max(y, 0), n - 1)
        if x == y and n > 1:
            y = 1 if x == 0 else 0
        fixed = view.get("fixed")
        view = {"fixed": fixed} if isinstance(fixed, list) and len(fixed) == n else {}
    for key, value in (("x", x), ("y", y)):
        if not 0 <= value < n:
            raise ConfigError(f"view.{key} must be a feature index from 0 to {n - 1}, "
                              f"got {value}")
    out = frames.default_view(data.features, x, y)
    fixed = view.get("fixed")
    if fixed is not None:
        if (not isinstance(fixed, list) or len(fixed) != n
                or not all(isinstance(v, (int, float)) and np.isfinite(v) for v in fixed)):
            raise ConfigError(f"view.fixed must be a list of {n} finite numbers (one per "
                              f"feature), got {fixed!r}")
        out["fixed"] = [float(v) for v in fixed]
    return out


def confusion(model, part) -> dict:
    """Confusion matrix of ``part`` (at most 5000 rows)."""
    from ..plotting.grid import class_probabilities
    from ..training.metrics import confusion_matrix

    rows = part.features[:5000]
    predicted = class_probabilities(model, rows).argmax(axis=1)
    matrix = confusion_matrix(part.labels[:5000], predicted, part.n_classes)
    return {"matrix": matrix.tolist(), "rows": int(rows.shape[0])}


def gradient_table(model, x, target) -> list[dict]:
    """Backprop against central differences for one row, on a float64 copy."""
    from ..engine.gradients import relative_error
    from ..training.model import Sequential

    config = model.get_config()
    config["dtype"] = "float64"
    copy = Sequential.from_config(config)
    copy.build(model.input_dim)
    copy.set_weights([w.astype(np.float64) for w in model.get_weights()])
    copy.compile("sgd", model.loss.get_config())
    x = np.asarray(x, dtype=np.float64).reshape(1, -1)
    t = np.asarray(target)
    t = t.reshape(1) if model.loss.sparse_targets else t.reshape(1, -1)
    state = copy.get_random_state()
    analytic = copy.compute_gradients(x, t, method="analytic")
    numerical = copy.compute_gradients(x, t, method="numerical", _draw_noise=False)
    copy.set_random_state(state)
    trainable = [t for layer in copy.layers for t in layer.weight_trainable]
    rows = []
    for name, a, n, t in zip(copy.weight_names(), analytic, numerical, trainable):
        if t:
            rows.append({"weight": name, "analytic": a.ravel()[:50].tolist(),
                         "numerical": n.ravel()[:50].tolist(),
                         "relative_error": relative_error(a, n), "size": int(a.size)})
    return rows


def describe(data, is_train, model, spec, view) -> dict:
    """What the page needs once per setup: names, points, the network's shape."""
    dense = frames.dense_layers(model)
    n = len(data)
    shown = np.arange(n) if n <= 3000 else np.linspace(0, n - 1, 3000).astype(int)
    return {
        "features": data.feature_names,
        "target": data.target_name,
        "classes": data.class_names,
        "task": "classification" if data.is_classification else "regression",
        "rows": {"train": int(is_train.sum()), "validation": int((~is_train).sum())},
        "points": {"index": shown.tolist(), "x": data.features[shown].tolist(),
                   "label": (data.labels[shown].tolist() if data.is_classification
                             else data.labels[shown, 0].tolist()),
                   "train": is_train[shown].tolist()},
        "means": data.features.mean(axis=0).tolist(),
        "low": data.features.min(axis=0).tolist(),
        "high": data.features.max(axis=0).tolist(),
        "layers": [{"name": layer.name, "units": layer.units,
                    "activation": layer.activation.name} for _, layer in dense],
        "loss": model.loss.name,
        "params": model.count_params(),
        "view": view,
        "spec": spec.to_dict(),
    }


def export_copy(model, prepared, history: dict):
    """A copy of ``model`` for download, in the target's own units, with ``history`` as
    its ``History``."""
    from ..engine import optimizers
    from ..training.callbacks import History
    from ..training.model import Sequential
    from ..training.spec import fold_target_scaling

    copy = Sequential.from_config(model.get_config())
    copy.build(model.input_dim)
    copy.set_weights(model.get_weights())
    copy.compile(optimizers.get(model.optimizer.get_config()), model.loss.get_config(),
                 [name for name, _ in model.metrics])
    copy.info = json_copy(model.info)
    if prepared.scaling is not None:
        fold_target_scaling(copy, *prepared.scaling)
    record = History()
    record.history = {k: list(v) for k, v in history.items()}
    record.epoch = list(range(len(history.get("loss", []))))
    copy.history = record
    return copy


def json_copy(value):
    import json

    return json.loads(json.dumps(value, default=lambda v: v.tolist()))
