"""Every field of a model file's ``config.json``, checked before a model is built.

``modelfile.read`` calls :func:`check_config` on the parsed JSON: types, ranges and
lengths of every field glassnet reads back, and an upper bound on what building the
described layers would allocate (no more than the weights the file lists, which
``modelfile`` has bounded by the file's own size). Every fault is a
``ModelFileError`` naming the file and the field.
"""

from __future__ import annotations

import math

from ..base.errors import ModelFileError

FORMAT = "glassnet-model"
FORMAT_VERSION = 1
MAX_CONFIG_BYTES = 16 * 1024 * 1024
MAX_LAYERS = 1000
MAX_UNITS = 10**7
MAX_NAME = MAX_CONFIG_BYTES  # the file is bounded; names only need to be texts
DTYPES = ("float32", "float64")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


class _Checker:
    def __init__(self, path):
        self.path = path

    def fail(self, field, expected, value, found=None):
        raise ModelFileError(f"{self.path}: config.json field {field} must be {expected}, "
                             f"got {found or _short(value)}")

    def dict(self, field, value, optional=False):
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            self.fail(field, "an object", value)
        return value

    def list(self, field, value, most, optional=False):
        if value is None and optional:
            return None
        if not isinstance(value, list):
            self.fail(field, "a list", value)
        if len(value) > most:
            self.fail(field, f"a list of at most {most} items", value, f"{len(value)} items")
        return value

    def int(self, field, value, low, high):
        if not _is_int(value) or not low <= value <= high:
            self.fail(field, f"an integer from {low} to {high}", value)
        return value

    def text(self, field, value, optional=False):
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > MAX_NAME:
            self.fail(field, f"a text of at most {MAX_NAME} characters", value)
        return value

    def names(self, field, value, length):
        self.list(field, value, MAX_UNITS, optional=True)
        if value is None:
            return
        for i, name in enumerate(value):
            self.text(f"{field}[{i}]", name)
        if length is not None and len(value) != length:
            each = "input" if "feature" in field else "output"
            self.fail(field, f"{length} names (one per {each})", value, f"{len(value)} names")

    def numbers(self, field, value, length):
        self.list(field, value, MAX_UNITS)
        if len(value) != length or not all(isinstance(v, (int, float)) and not isinstance(
                v, bool) and math.isfinite(v) for v in value):
            self.fail(field, f"{length} finite numbers", value)


def _short(value) -> str:
    text = repr(value)
    return f"{text[:60]}... ({_kind(value)})" if len(text) > 60 else f"{text} ({_kind(value)})"


def check_config(config, path) -> None:
    """Raise ModelFileError unless ``config`` is a sound glassnet model config."""
    c = _Checker(path)
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        found = config.get("format") if isinstance(config, dict) else None
        raise ModelFileError(f"{path}: config.json does not describe a glassnet model "
                             f"(format {_short(found)}, expected {FORMAT!r})")
    version = config.get("format_version")
    c.int("format_version", version, 1, 10**6)
    if version > FORMAT_VERSION:
        raise ModelFileError(f"{path} uses model format {version}; this glassnet reads up to "
                             f"{FORMAT_VERSION}: upgrade glassnet")
    model = c.dict("model", config.get("model"))
    layers = c.list("model.layers", model.get("layers"), MAX_LAYERS)
    width = c.int("model.input_dim", model.get("input_dim"), 1, MAX_UNITS)
    if model.get("dtype", "float32") not in DTYPES:
        c.fail("model.dtype", " or ".join(DTYPES), model.get("dtype"))
    built = 0  # a lower bound of the weights that building these layers allocates
    for i, layer in enumerate(layers):
        layer = c.dict(f"model.layers[{i}]", layer)
        c.text(f"model.layers[{i}].class_name", layer.get("class_name"))
        settings = c.dict(f"model.layers[{i}].config", layer.get("config"))
        if "units" in settings:
            units = c.int(f"model.layers[{i}].config.units", settings["units"], 1, MAX_UNITS)
            built += width * units
            width = units
    listed = 0
    for i, entry in enumerate(c.list("weights", config.get("weights"), 8 * MAX_LAYERS)):
        entry = c.dict(f"weights[{i}]", entry)
        c.text(f"weights[{i}].name", entry.get("name"))
        shape = c.list(f"weights[{i}].shape", entry.get("shape"), 4)
        for n in shape:
            c.int(f"weights[{i}].shape", n, 0, MAX_UNITS)
        if entry.get("dtype") not in DTYPES:
            c.fail(f"weights[{i}].dtype", " or ".join(DTYPES), entry.get("dtype"))
        listed += math.prod(shape)
    if built > listed:
        raise ModelFileError(f"{path}: the layers in config.json need at least {built} "
                             f"weights, the file lists {listed}")
    _check_compile(c, config.get("compile"))
    _check_info(c, c.dict("info", config.get("info"), optional=True), model["input_dim"],
                width)
    c.dict("random_state", config.get("random_state"), optional=True)


def _check_compile(c, compiled) -> None:
    if compiled is None:
        return
    compiled = c.dict("compile", compiled)
    for key in ("optimizer", "loss"):
        value = compiled.get(key)
        if not isinstance(value, (str, dict)):
            c.fail(f"compile.{key}", "a name or an object", value)
    for i, name in enumerate(c.list("compile.metrics", compiled.get("metrics"), 100,
                                    optional=True) or []):
        if not isinstance(name, (str, dict)):
            c.fail(f"compile.metrics[{i}]", "a name", name)


def _check_info(c, info, inputs, outputs) -> None:
    """The fields of ``model.info`` glassnet reads back: names and target scaling (one
    class name per output, or two names for one logistic output)."""
    c.names("info.feature_names", info.get("feature_names"), inputs)
    _unique(c, "info.feature_names", info.get("feature_names") or [])
    classes = info.get("class_names")
    binary = outputs == 1 and isinstance(classes, list) and len(classes) == 2
    c.names("info.class_names", classes, 2 if binary else outputs)  # one logistic output
    c.text("info.target_name", info.get("target_name"), optional=True)
    for key in ("training", "spec", "preprocessing"):
        c.dict(f"info.{key}", info.get(key), optional=True)
    scaling = c.dict("info.target_scaling", info.get("target_scaling"), optional=True)
    for key in ("mean", "std"):
        if scaling:
            c.numbers(f"info.target_scaling.{key}", scaling.get(key), outputs)
    if info.get("columns") is not None:
        _check_columns(c, info["columns"], inputs, info.get("feature_names"))


#: the missing-cell rules and fills of ``glassnet.data.pipeline`` (this floor cannot import
#: it; tests/test_modelfile.py checks the two agree)
MISSING_RULES = ("error", "drop", "mean", "median", "most-frequent")
FILL_RULES = ("mean", "median", "most-frequent")
MISSING_LEVEL = "(missing)"


def _unique(c, field, names):
    seen = set()
    for i, name in enumerate(names):
        if name in seen:
            c.fail(field, "names that are all different", names,
                   f"{name!r} twice (at {names.index(name)} and {i})")
        seen.add(name)


def _check_columns(c, plan, inputs, feature_names) -> None:
    """The column plan (``info.columns``): how the table's columns become the network's
    inputs. Checked with the weights' rigour, since predict encodes new rows by it: kinds,
    levels (different texts), names (no column twice), fills, and that it makes exactly
    the model's inputs, named as ``info.feature_names`` names them."""
    f = "info.columns"
    plan = c.dict(f, plan)
    columns = c.list(f"{f}.inputs", plan.get("inputs"), MAX_UNITS)
    if not columns:
        c.fail(f"{f}.inputs", "a non-empty list", columns)
    names, width = [], 0
    for k, column in enumerate(columns):
        g = f"{f}.inputs[{k}]"
        column = c.dict(g, column)
        name = c.text(f"{g}.name", column.get("name"))
        kind = column.get("kind")
        if kind not in ("number", "category"):
            c.fail(f"{g}.kind", "'number' or 'category'", kind)
        levels = column.get("levels")
        if kind == "category":
            c.list(f"{g}.levels", levels, MAX_UNITS)
            if not levels:
                c.fail(f"{g}.levels", "a non-empty list of texts", levels)
            for i, level in enumerate(levels):
                c.text(f"{g}.levels[{i}]", level)
            _unique(c, f"{g}.levels", levels)
            names += [f"{name}={level}" for level in levels]
        elif levels is not None:
            c.fail(f"{g}.levels", "absent for a number column", levels)
        else:
            names.append(name)
        indicator = column.get("indicator", False)
        if not isinstance(indicator, bool) or indicator and kind != "number":
            c.fail(f"{g}.indicator", "true or false (true only for a number column)",
                   indicator)
        if indicator:
            names.append(f"{name} {MISSING_LEVEL}")
        fills = c.dict(f"{g}.fill", column.get("fill"), optional=True)
        for key, value in fills.items():
            ok = (value in levels if kind == "category" else isinstance(value, (int, float))
                  and not isinstance(value, bool) and math.isfinite(value))
            if key not in FILL_RULES or not ok:
                c.fail(f"{g}.fill.{key}", "one of the column's levels" if kind == "category"
                       else "a finite number", value)
        width = len(names)
    _unique(c, f"{f}.inputs names", [col["name"] for col in columns])
    if width != inputs:
        c.fail(f"{f}.inputs", f"columns making the model's {inputs} inputs", columns,
               f"columns making {width}")
    if feature_names is not None and names != feature_names:
        first = next(i for i, (a, b) in enumerate(zip(names, feature_names)) if a != b)
        c.fail(f"{f}.inputs", "columns named as info.feature_names names the inputs", columns,
               f"input {first + 1} named {names[first]!r} by the plan and "
               f"{feature_names[first]!r} by info.feature_names")
    if plan.get("missing", "error") not in MISSING_RULES:
        c.fail(f"{f}.missing", " or ".join(MISSING_RULES), plan.get("missing"))
    for key in ("id", "ignored"):
        for i, name in enumerate(c.list(f"{f}.{key}", plan.get(key), MAX_UNITS,
                                        optional=True) or []):
            c.text(f"{f}.{key}[{i}]", name)
    c.text(f"{f}.target", plan.get("target"), optional=True)


def check_columns(plan, path, inputs) -> dict:
    """A column plan (``model.info["columns"]``) checked as a model file's is, making
    ``inputs`` network inputs; a fault is a ModelFileError naming ``path`` and the field."""
    _check_columns(_Checker(path), plan, inputs, None)
    return plan
