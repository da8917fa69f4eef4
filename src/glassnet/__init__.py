"""glassnet: a see-through neural-network workbench.

Every equation is a readable line of NumPy: layers pair ``forward`` with ``backward``,
gradients can be checked against numerical differentiation, and models train with a
Keras-style API.

>>> import glassnet
>>> from glassnet.layers import Dense
>>> model = glassnet.Sequential([Dense(4, "tanh"), Dense(3, "softmax")], input_dim=2, seed=0)
>>> model.count_params()
27
"""

from . import (
    activations,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
    utils,
)
from .errors import ConfigError, DataError, GlassnetError, ModelFileError, ShapeError
from .gradients import gradient_check, gradient_errors, numerical_gradients
from .layers import Input
from .model import Sequential
from .version import __version__  # noqa: F401

__all__ = [
    "ConfigError",
    "Dataset",
    "ModelSpec",
    "build_model",
    "train",
    "DataError",
    "GlassnetError",
    "Input",
    "ModelFileError",
    "Sequential",
    "ShapeError",
    "activations",
    "callbacks",
    "datasets",
    "metrics",
    "optimizers",
    "format_trace",
    "gradient_check",
    "gradient_errors",
    "initializers",
    "layers",
    "load_model",
    "load_csv",
    "predict_csv",
    "export_coefficients",
    "export_json",
    "train_test_split",
    "training_ratio",
    "losses",
    "numerical_gradients",
    "regularizers",
    "trace",
    "utils",
]

# Data, files and traces load on first use (they need csv, zipfile, dataclasses, ...),
# which keeps `import glassnet` fast: the attribute is looked up here the first time.
_LAZY = {
    "datasets": (".datasets", None),
    "Dataset": (".data", "Dataset"),
    "load_csv": (".data", "load_csv"),
    "train_test_split": (".data", "train_test_split"),
    "training_ratio": (".data", "training_ratio"),
    "trace": (".tracing", "trace"),
    "format_trace": (".tracing", "format_trace"),
    "load_model": (".model", "load_model"),
    "predict_csv": (".exports", "predict_csv"),
    "export_coefficients": (".exports", "export_coefficients"),
    "export_json": (".exports", "export_json"),
    "ModelSpec": (".spec", "ModelSpec"),
    "build_model": (".spec", "build_model"),
    "train": (".spec", "train"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module_name, attribute = _LAZY[name]
        module = importlib.import_module(module_name, __name__)
        value = module if attribute is None else getattr(module, attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")
