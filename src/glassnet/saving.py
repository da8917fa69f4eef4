"""A model to the contents of its file and back (``modelfile`` holds the container).

``Sequential.save`` and ``glassnet.load_model`` use these; nothing here imports the
model class, so the model can import this module and not the other way round.
"""

from __future__ import annotations

import numpy as np

from .errors import DataError
from .files import write_bytes
from .modelfile import npz_bytes


def weight_entries(model) -> list[dict]:
    """Name, shape and dtype of every weight, in ``get_weights()`` order."""
    return [{"name": name, "shape": list(w.shape), "dtype": str(w.dtype)}
            for name, w in zip(model.weight_names(), model.weights)]


def file_config(model) -> dict:
    """Everything but the arrays: structure, compile settings, weight list, ``info`` and
    the generator states (so training resumed from the file draws the same shuffles and
    dropout masks as training that never stopped)."""
    from .version import __version__

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


def invalid(path, message) -> DataError:
    return DataError(f"{path}: {message}")


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
        except (ValueError, TypeError, KeyError) as exc:
            raise invalid(path, f"the saved random state is not valid: {exc}") from None
    if compile and config.get("compile"):
        c = config["compile"]
        try:
            model.compile(c["optimizer"], c["loss"], c.get("metrics"))
            if state is not None:
                model.optimizer.set_state(state, model._trainable)
        except (ValueError, TypeError, KeyError) as exc:
            raise invalid(path, f"the compile settings are not valid: {exc}") from None
