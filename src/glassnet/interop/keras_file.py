"""Keras 3's ``.keras`` files, read and written with ``h5py`` only.

A ``.keras`` file is a zip of ``config.json`` (the model as Keras serialises it),
``metadata.json`` and ``model.weights.h5`` (each layer's arrays under
``layers/<name>/vars/0, 1, ...`` in Keras's weight order, which glassnet's layers share:
Dense kernel, bias; BatchNormalization gamma, beta, moving mean, moving variance).
Only a ``Sequential`` of Dense, Activation, ReLU, LeakyReLU, Softmax, Dropout,
BatchNormalization and Normalization layers crosses, both ways; anything else is refused
with a message naming the layer. Nothing in the file is executed: the config is read as
JSON, the weights as arrays.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np

from ..base.errors import ConfigError, ModelFileError
from ..io.files import write_bytes

#: Keras activation names glassnet computes the same way (Keras's string defaults:
#: leaky_relu with slope 0.2, gelu exact)
ACTIVATIONS = {"linear": "linear", "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh",
               "softmax": "softmax", "elu": "elu", "selu": "selu", "softplus": "softplus",
               "softsign": "softsign", "swish": "swish", "silu": "swish", "gelu": "gelu",
               "relu6": "relu6", "hard_sigmoid": "hard_sigmoid", "mish": "mish",
               "leaky_relu": "leaky_relu"}
KERAS_DEFAULTS = {"leaky_relu": {"negative_slope": 0.2}, "gelu": {"approximate": False}}
#: the largest config.json and weights file read (a model of our users' size is far below)
MAX_CONFIG = 16 * 1024 * 1024
MAX_WEIGHTS = 2 * 1024 ** 3


def h5py():
    try:
        import h5py
    except ImportError:
        raise ConfigError("reading and writing .keras files needs h5py: "
                          "pip install 'glassnet[keras]'") from None
    return h5py


# Reading -------------------------------------------------------------------------------
def read(path):
    """(Sequential, compile settings or None) from a ``.keras`` file; ModelFileError
    naming the file and the layer for anything glassnet cannot represent exactly."""
    from ..training.model import Sequential

    config, blob = _contents(path)
    if config.get("class_name") != "Sequential":
        raise ModelFileError(f"{path}: holds a Keras {config.get('class_name')!r} model; "
                             "glassnet opens Keras Sequential models only")
    body = config.get("config") or {}
    entries = body.get("layers")
    if not isinstance(entries, list) or not entries:
        raise ModelFileError(f"{path}: the Keras config lists no layers")
    dtype = _dtype(body.get("dtype"))
    shape, layers, names = None, [], []
    for entry in entries:
        kind = entry.get("class_name") if isinstance(entry, dict) else None
        cfg = entry.get("config", {}) if isinstance(entry, dict) else {}
        if kind == "InputLayer":
            shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
            continue
        layers.append(_layer_in(path, kind, cfg))
        names.append(cfg.get("name"))
        if shape is None:
            shape = (entry.get("build_config") or {}).get("input_shape")
    if shape is None:
        shape = (body.get("build_input_shape") or
                 (config.get("build_config") or {}).get("input_shape"))
    if not shape or len(shape) != 2 or not isinstance(shape[1], int):
        raise ModelFileError(f"{path}: the Keras model has no input shape of one row of "
                             f"features (got {shape!r}); build it on (None, n) inputs")
    model = Sequential(layers, input_dim=shape[1], dtype=dtype, name=body.get("name"))
    _read_weights(path, blob, model, names)
    return model, config.get("compile_config")


def _contents(path):
    name = os.fspath(path)
    try:
        archive = zipfile.ZipFile(name)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelFileError(f"{name}: not a Keras .keras file (a zip): {exc}") from None
    with archive:
        entries = {i.filename: i for i in archive.infolist()}
        for needed in ("config.json", "model.weights.h5"):
            if needed not in entries:
                raise ModelFileError(f"{name}: a .keras file holds {needed}; this one does not")
        if entries["config.json"].file_size > MAX_CONFIG or \
                entries["model.weights.h5"].file_size > MAX_WEIGHTS:
            raise ModelFileError(f"{name}: config.json or model.weights.h5 is larger than "
                                 "glassnet reads")
        try:
            config = json.loads(archive.read("config.json").decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise ModelFileError(f"{name}: config.json is not valid JSON: {exc}") from None
        blob = archive.read("model.weights.h5")
    if not isinstance(config, dict):
        raise ModelFileError(f"{name}: config.json does not describe a model")
    return config, blob


def _dtype(policy):
    if isinstance(policy, dict):
        policy = (policy.get("config") or {}).get("name")
    return "float64" if policy == "float64" else "float32"


def _activation_in(path, layer, value):
    if value is None:
        return "linear"
    if not isinstance(value, str) or value not in ACTIVATIONS:
        raise ModelFileError(f"{path}: layer {layer!r} uses the activation {value!r}, which "
                             f"glassnet does not compute; known: {', '.join(sorted(ACTIVATIONS))}")
    name = ACTIVATIONS[value]
    return {"name": name, **KERAS_DEFAULTS[name]} if name in KERAS_DEFAULTS else name


def _layer_in(path, kind, cfg):
    from ..engine import layers as L

    name = cfg.get("name")
    if kind == "Dense":
        return L.Dense(cfg["units"], _activation_in(path, name, cfg.get("activation")),
                       use_bias=bool(cfg.get("use_bias", True)), name=name)
    if kind == "Activation":
        return L.Activation(_activation_in(path, name, cfg.get("activation")), name=name)
    if kind == "Dropout":
        return L.Dropout(cfg.get("rate", 0.0), name=name)
    if kind == "ReLU":
        return L.ReLU(cfg.get("max_value"), cfg.get("negative_slope", 0.0),
                      cfg.get("threshold", 0.0), name=name)
    if kind == "LeakyReLU":
        return L.LeakyReLU(cfg.get("negative_slope", cfg.get("alpha", 0.3)), name=name)
    if kind == "Softmax" and cfg.get("axis", -1) in (-1, 1):
        return L.Softmax(name=name)
    if kind == "BatchNormalization" and cfg.get("axis", -1) in (-1, 1, [-1], [1]):
        return L.BatchNormalization(cfg.get("momentum", 0.99), cfg.get("epsilon", 1e-3),
                                    bool(cfg.get("center", True)), bool(cfg.get("scale", True)),
                                    name=name)
    if kind == "Normalization" and cfg.get("axis", -1) in (-1, [-1], 1, [1]) \
            and not cfg.get("invert"):
        return L.Normalization("standard", name=name)
    raise ModelFileError(f"{path}: layer {name!r} is a Keras {kind}, which glassnet does not "
                         "represent; it opens Sequential models of Dense, Activation, ReLU, "
                         "LeakyReLU, Softmax, Dropout, BatchNormalization and Normalization "
                         "layers")


def _read_weights(path, blob, model, names):
    h5 = h5py()
    try:
        with h5.File(io.BytesIO(blob), "r") as f:
            arrays = []
            for layer, name in zip(model.layers, names):
                group = f.get(f"layers/{name}/vars")
                found = [] if group is None else [np.asarray(group[str(i)])
                                                  for i in range(len(group))]
                if type(layer).__name__ == "Normalization":
                    found = _normalization_in(path, name, found)
                arrays.extend(_check(path, name, layer, found))
    except (OSError, KeyError, ValueError) as exc:
        raise ModelFileError(f"{path}: model.weights.h5 cannot be read: {exc}") from None
    model.set_weights(arrays)


def _normalization_in(path, name, found):
    """Keras keeps mean, variance (and a count); glassnet offset = mean, scale = √var."""
    if len(found) < 2:
        raise ModelFileError(f"{path}: layer {name!r} (Normalization) has no mean and variance")
    mean, var = found[0].reshape(-1), found[1].reshape(-1)
    return [mean, np.maximum(np.sqrt(var), 1e-7)]  # Keras divides by max(√var, 1e-7)


def _check(path, name, layer, found):
    wanted = [w.shape for w in layer.weights]
    got = [a.shape for a in found]
    if got != wanted:
        raise ModelFileError(f"{path}: layer {name!r} has weights of shapes {got}, the layer "
                             f"described in config.json needs {wanted}")
    for array in found:
        if array.dtype.kind != "f" or not np.isfinite(array).all():
            raise ModelFileError(f"{path}: layer {name!r} holds weights that are not finite "
                                 "floats")
    return found


# Writing -------------------------------------------------------------------------------
def write(model, path) -> list[str]:
    """Write ``model`` as a ``.keras`` file; return notes on what was changed to fit
    Keras (input scaling folded into the first Dense layer)."""
    from ..base.version import __version__

    layers, arrays, notes = keras_layers(model)
    dtype = str(model.dtype)
    config = {"module": "keras", "class_name": "Sequential", "registered_name": None,
              "config": {"name": model.name, "trainable": True, "dtype": dtype,
                         "layers": [{"module": "keras.layers", "class_name": "InputLayer",
                                     "config": {"batch_shape": [None, model.input_dim],
                                                "dtype": dtype, "sparse": False,
                                                "name": "input_layer"},
                                     "registered_name": None}] + layers},
              "build_config": {"input_shape": [None, model.input_dim]}}
    metadata = {"keras_version": "3.0.0", "date_saved": "",
                "written_by": f"glassnet {__version__}"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("config.json", json.dumps(config, ensure_ascii=False))
        archive.writestr("model.weights.h5", _weights_h5(layers, arrays, model.name))
    write_bytes(path, buffer.getvalue())
    return notes


def _weights_h5(layers, arrays, model_name) -> bytes:
    h5 = h5py()
    buffer = io.BytesIO()
    with h5.File(buffer, "w") as f:
        group = f.create_group("layers")
        for layer, weights in zip(layers, arrays):
            name = layer["config"]["name"]
            vars_ = group.create_group(name).create_group("vars")
            vars_.attrs["name"] = name
            for i, w in enumerate(weights):
                vars_.create_dataset(str(i), data=w)
        f.create_group("vars").attrs["name"] = model_name
    return buffer.getvalue()


def keras_layers(model):
    """(Keras layer configs, their arrays, notes) for a glassnet Sequential."""
    out, arrays, notes = [], [], []
    pending = None  # a Normalization waiting for the Dense layer it folds into
    for layer in model.layers:
        kind = type(layer).__name__
        weights = [np.asarray(w) for w in layer.weights]
        if kind == "Normalization":
            pending = layer
            continue
        if pending is not None:
            if kind != "Dense":
                raise ConfigError(f"layer {pending.name!r} (input scaling) is followed by "
                                  f"{layer.name!r}, not a Dense layer it could be folded into")
            weights = _fold(pending, weights, layer.use_bias)
            notes.append(f"the input scaling of layer {pending.name!r} is folded into the "
                         f"first Dense layer {layer.name!r}")
            pending = None
        if kind == "Flatten":
            continue
        for config, w in _layer_out(layer, kind, weights):
            out.append({"module": "keras.layers", "class_name": config.pop("class_name"),
                        "config": config, "registered_name": None})
            arrays.append(w)
    if pending is not None:
        raise ConfigError(f"layer {pending.name!r} (input scaling) is the last layer; "
                          "nothing to fold it into")
    return out, arrays, notes


def _fold(norm, weights, use_bias):
    """(x - o)/s · W + b = x · (W / s) + (b - (o / s) · W), in float64."""
    offset, scale = (np.asarray(w, np.float64) for w in norm.weights)
    kernel = np.asarray(weights[0], np.float64)
    bias = np.asarray(weights[1], np.float64) if use_bias else np.zeros(kernel.shape[1])
    if not use_bias and np.any(offset):
        raise ConfigError(f"layer {norm.name!r} shifts the inputs and the next Dense layer "
                          "has no bias to take the shift")
    dtype = weights[0].dtype
    folded = [(kernel / scale[:, None]).astype(dtype)]
    if use_bias:
        folded.append((bias - (offset / scale) @ kernel).astype(dtype))
    return folded


def _activation_out(activation):
    """(Keras activation string, extra layer config or None)."""
    config = activation.get_config()
    name = config.pop("name") if isinstance(config, dict) else config
    params = config if isinstance(config, dict) else {}
    if name == "leaky_relu":
        return "linear", {"class_name": "LeakyReLU",
                          "negative_slope": params.get("negative_slope", 0.01)}
    if name == "relu" and params:
        return "linear", {"class_name": "ReLU", "max_value": params.get("max_value"),
                          "negative_slope": params.get("negative_slope", 0.0),
                          "threshold": params.get("threshold", 0.0)}
    if name == "gelu" and params.get("approximate"):
        raise ConfigError("Keras's 'gelu' activation string is the exact GELU; this model "
                          "uses the tanh approximation, which a .keras file cannot say")
    if name not in ACTIVATIONS.values() or (name in KERAS_DEFAULTS and params and
                                            params != KERAS_DEFAULTS[name]):
        raise ConfigError(f"the activation {name!r} with {params} has no Keras equivalent")
    return name, None


def _layer_out(layer, kind, weights):
    name = layer.name
    if kind in ("Dense", "Activation"):
        act, extra = _activation_out(layer.activation)
        if kind == "Dense":
            first = {"class_name": "Dense", "name": name, "trainable": layer.trainable,
                     "units": layer.units, "activation": act, "use_bias": layer.use_bias}
        else:
            first = {"class_name": "Activation", "name": name, "activation": act}
        done = [(first, weights)]
        if extra is not None:
            done.append(({**extra, "name": f"{name}_activation"}, []))
        return done
    if kind in ("ReLU", "LeakyReLU", "Softmax"):
        return [({"class_name": kind, "name": name, **{k: v for k, v in layer.get_config()
                                                         .items() if k != "name"}}, weights)]
    if kind == "Dropout":
        return [({"class_name": "Dropout", "name": name, "rate": layer.rate}, weights)]
    if kind == "BatchNormalization":
        return [({"class_name": "BatchNormalization", "name": name, "axis": -1,
                  "momentum": layer.momentum, "epsilon": layer.epsilon,
                  "center": layer.center, "scale": layer.scale}, weights)]
    raise ConfigError(f"layer {name!r} is a {kind}, which has no Keras equivalent here")
