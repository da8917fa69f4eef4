"""A model to the contents of its file and back (``modelfile`` holds the container).

``Sequential.save`` and ``glassnet.load_model`` use these; nothing here imports the
model class, so the model can import this module and not the other way round.
"""

from __future__ import annotations

import os

import numpy as np

from ..base.errors import ConfigError, ModelFileError
from .files import write_bytes
from .modelfile import npz_bytes

#: what each kind of file is called, and what is in it
SUFFIXES = {"model": (".glassnet", "a glassnet model file (a zip of config.json and "
                      "weights.npz)"),
            "weights": (".npz", "the weights alone, as a NumPy .npz of plain arrays")}
_KERAS = (".keras", ".h5", ".hdf5")


def check_path(path, kind="model") -> None:
    """ConfigError unless ``path`` ends in the suffix of its kind of file.

    A name Keras uses (``.keras``, ``.h5``) is refused instead of silently holding a
    glassnet file that Keras cannot open.
    """
    suffix, what = SUFFIXES[kind]
    name = os.fspath(path)
    if os.path.isdir(name):  # the clearer fault, even for a folder called x.glassnet
        raise ConfigError(f"cannot write {name}: it is a folder; give a file name ending in "
                          f"{suffix!r}")
    if str(name).lower().endswith(suffix):
        return
    hint = ""
    if str(name).lower().endswith(_KERAS):
        hint = (" glassnet does not write Keras's .keras/.h5 formats (they need h5py); its own "
                "files never hold code and load with glassnet.load_model.")
    extension = os.path.splitext(str(name))[1]
    got = f"got {extension!r}" if extension else "got a name without an extension"
    raise ConfigError(f"{name!s}: the file name must end in {suffix!r} for {what}; "
                      f"{got}.{hint}")


def weight_entries(model) -> list[dict]:
    """Name, shape and dtype of every weight, in ``get_weights()`` order."""
    return [{"name": name, "shape": list(w.shape), "dtype": str(w.dtype)}
            for name, w in zip(model.weight_names(), model.weights)]


def file_config(model) -> dict:
    """Everything but the arrays: structure, compile settings, weight list, ``info`` and
    the generator states (so training resumed from the file draws the same shuffles and
    dropout masks as training that never stopped)."""
    from ..base.version import __version__

    compiled = None
    if model.compiled:
        compiled = {"optimizer": model.optimizer.get_config(), "loss": model.loss.get_config(),
                    "metrics": [name for name, _ in model.metrics]}
    return {"glassnet_version": __version__, "model": model.get_config(), "compile": compiled,
            "weights": weight_entries(model), "info": model.info,
            "random_state": model.get_random_state()}


def optimizer_state(model) -> dict | None:
    optimizer = model.optimizer
    if optimizer is None or optimizer.state is None:
        return None
    return optimizer.get_state()


def write_weights(path, weights) -> None:
    """The weight arrays alone, ``w0``, ``w1``, ... in an ``.npz`` (atomic)."""
    write_bytes(path, npz_bytes({f"w{i}": w for i, w in enumerate(weights)}))


#: what a hostile or damaged config raises while layers, generators and optimisers are
#: built from it; ``load_model`` turns each into a ModelFileError naming the file
FAULTS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError,
          RecursionError)


def invalid(path, message) -> ModelFileError:
    return ModelFileError(f"{path}: {message}")


def restore(model, path, config, weights, state, compile=True) -> None:
    """Fill a freshly built model from a file's contents; DataError naming the file
    when the arrays do not fit the architecture described in it."""
    expected = weight_entries(model)
    listed = config.get("weights", [])
    if [e["name"] for e in expected] != [e.get("name") for e in listed if isinstance(e, dict)]:
        raise invalid(path, "the weights listed in config.json do not match the layers "
                      "described there")
    if len(weights) != len(expected):
        raise invalid(path, f"weights.npz holds {len(weights)} arrays, the architecture needs "
                      f"{len(expected)}")
    for entry, array in zip(expected, weights):
        if list(array.shape) != entry["shape"]:
            raise invalid(path, f"weight {entry['name']} must have shape {tuple(entry['shape'])}"
                          f" for this architecture, got {array.shape}")
        if array.dtype.kind != "f" or not np.isfinite(array).all():
            raise invalid(path, f"weight {entry['name']} must hold finite floats")
    model.set_weights(list(weights))
    model.info = config.get("info") or {}
    if config.get("random_state"):
        try:
            model.set_random_state(config["random_state"])
        except FAULTS as exc:
            raise invalid(path, f"the saved random state is not valid: {exc}") from None
    if compile and config.get("compile"):
        c = config["compile"]
        try:
            model.compile(c["optimizer"], c["loss"], c.get("metrics"))
            if state is not None:
                model.optimizer.set_state(state, model._trainable)
        except FAULTS as exc:
            raise invalid(path, f"the compile settings are not valid: {exc}") from None
