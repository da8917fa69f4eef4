"""One door for model files: glassnet's own ``.glassnet`` and Keras's ``.keras``."""

from __future__ import annotations

import os

from ..base.errors import ModelFileError

#: Keras's optimiser settings glassnet's optimisers share (the rest keep glassnet's
#: defaults, which are Keras's)
_OPTIMIZER_KEYS = ("learning_rate", "beta_1", "beta_2", "epsilon", "momentum", "nesterov",
                   "rho", "amsgrad", "weight_decay")


def load_model(path, compile=True):
    """A ``Sequential`` from a glassnet model file or a Keras ``.keras`` file.

    A Keras model arrives with its weights, its layers' names, feature names ``x1``,
    ``x2``, ... and, when its optimiser and loss are ones glassnet has, compiled with
    them; otherwise uncompiled (``compile()`` it before training further).
    """
    name = os.fspath(path).lower()
    if name.endswith((".h5", ".hdf5")):
        raise ModelFileError(f"{os.fspath(path)}: Keras's legacy HDF5 format is not read; "
                             "open the model in Keras and save it as model.keras")
    if not name.endswith(".keras"):
        from ..training.model import load_model as load_glassnet

        return load_glassnet(path, compile=compile)
    from .keras_file import read

    model, compile_config = read(path)
    model.info.update(feature_names=[f"x{i + 1}" for i in range(model.input_dim)],
                      source=f"Keras file {os.path.basename(os.fspath(path))}")
    if compile and isinstance(compile_config, dict):
        _compile(model, compile_config)
    return model


def _compile(model, config) -> None:
    """Compile with Keras's optimiser and loss when glassnet has both; else leave the
    model uncompiled (predicting and tracing need no compile)."""
    from ..base.errors import GlassnetError
    from ..engine import losses, optimizers

    optimizer, loss = config.get("optimizer"), config.get("loss")
    if not isinstance(loss, str) or not isinstance(optimizer, dict):
        return
    settings = optimizer.get("config") or {}
    kept = {k: settings[k] for k in _OPTIMIZER_KEYS
            if isinstance(settings.get(k), (int, float, bool))}
    try:
        built = optimizers.get({"name": optimizer.get("class_name"), **kept})
        model.compile(built, losses.get(loss))
    except (GlassnetError, TypeError, ValueError, KeyError):
        return
