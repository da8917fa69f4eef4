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
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
)
from .data import Dataset, load_csv, train_test_split, training_ratio
from .errors import ConfigError, DataError, GlassnetError, ShapeError
from .gradients import gradient_check, gradient_errors, numerical_gradients
from .model import Sequential
from .trace import format_trace, trace

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Dataset",
    "DataError",
    "GlassnetError",
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
]

# Model files need zipfile and tempfile; they load on first use to keep
# `import glassnet` fast.
_LAZY = {"load_model": ".io", "predict_csv": ".io", "export_coefficients": ".io",
         "export_json": ".io"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")
