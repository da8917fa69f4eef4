"""glassnet: a see-through neural-network workbench.

Every equation is a readable line of NumPy: layers pair ``forward`` with ``backward``,
gradients can be checked against numerical differentiation, and models train with a
Keras-style API.

>>> import glassnet
>>> from glassnet.layers import Dense
>>> model = glassnet.Sequential([Dense(4, "tanh"), Dense(3, "softmax")], input_dim=2, seed=0)
>>> model.count_params()
27

The folders are the floors of the house, each importing only the ones below it (its
``__init__`` says which): ``base``, ``io`` and ``engine``, then ``training``, ``data``,
``plotting`` and ``report``, and the front ends ``cli``, ``sklearn``, ``experiments`` and
``playground``. The Keras-style names stay where Keras users look for them:
``glassnet.layers``, ``glassnet.optimizers``, ``glassnet.losses`` and so on.
"""

import importlib
import importlib.util
import sys

from .base import utils
from .base import validation as _validation
from .base.errors import ConfigError, DataError, GlassnetError, ModelFileError, ShapeError
from .base.version import __version__  # noqa: F401
from .engine import activations, initializers, layers, losses, optimizers, regularizers
from .engine.gradients import gradient_check, gradient_errors, numerical_gradients
from .engine.layers import Input
from .training import callbacks, metrics
from .training import model as _model_module
from .training.model import Sequential

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
    "export",
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
    "datasets": (".data.builtin", None),
    "Dataset": (".data", "Dataset"),
    "load_csv": (".data", "load_csv"),
    "train_test_split": (".data", "train_test_split"),
    "training_ratio": (".data", "training_ratio"),
    "trace": (".engine.tracing", "trace"),
    "format_trace": (".engine.tracing", "format_trace"),
    "load_model": (".interop.loading", "load_model"),
    "export": (".interop.export", "export"),
    "predict_csv": (".data.exports", "predict_csv"),
    "export_coefficients": (".data.exports", "export_coefficients"),
    "export_json": (".data.exports", "export_json"),
    "ModelSpec": (".training.spec", "ModelSpec"),
    "build_model": (".training.spec", "build_model"),
    "train": (".training.spec", "train"),
}


def _export(model, path, format=None):
    """``Sequential.export``: ``interop.export.export``, imported on first use."""
    from .interop.export import export

    return export(model, path, format)


_model_module.EXPORTERS[:] = [_export]


def _read_table(plan, frame, name):
    """``by_name``'s reader of a DataFrame under a column plan (``data.frames``)."""
    from .data.frames import encode_frame

    return encode_frame(plan, frame, name)


_validation.TABLE_READERS[:] = [_read_table]


def __getattr__(name):
    if name in _LAZY:
        module_name, attribute = _LAZY[name]
        module = importlib.import_module(module_name, __name__)
        value = module if attribute is None else getattr(module, attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


#: Where each module of the flat layout (before the layer folders) lives now. The old
#: paths keep working: ``import glassnet.layers`` (or ``glassnet.model``, or
#: ``glassnet.metrics.confusion``) gives the moved module itself, not a copy.
MOVED = {
    "errors": "base.errors", "validation": "base.validation", "_registry": "base.registry",
    "i18n": "base.i18n", "sanitize": "base.sanitize", "rowops": "base.rowops",
    "utils": "base.utils", "version": "base.version",
    "files": "io.files", "results": "io.results", "modelfile": "io.modelfile",
    "modelcheck": "io.modelcheck", "saving": "io.saving",
    "activations": "engine.activations", "initializers": "engine.initializers",
    "regularizers": "engine.regularizers", "losses": "engine.losses",
    "layers": "engine.layers", "optimizers": "engine.optimizers",
    "gradients": "engine.gradients", "tracing": "engine.tracing",
    "model": "training.model", "fitdata": "training.fitdata", "batches": "training.batches",
    "fallback": "training.fallback", "weights": "training.weights",
    "callbacks": "training.callbacks", "metrics": "training.metrics",
    "progress": "training.progress", "diagnosis": "training.diagnosis",
    "summary": "training.summary", "spec": "training.spec",
    "datasets": "data.builtin", "exports": "data.exports", "demo": "cli.demo",
}


def _moved_to(fullname):
    """``glassnet.<old path>[.<rest>]`` -> ``glassnet.<new path>[.<rest>]``, else None."""
    head, _, rest = fullname.removeprefix(__name__ + ".").partition(".")
    if not fullname.startswith(__name__ + ".") or head not in MOVED:
        return None
    return f"{__name__}.{MOVED[head]}" + (f".{rest}" if rest else "")


class _MovedModules:
    """Finds an old module path and hands back the module at its new one (sys.meta_path)."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if _moved_to(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _MovedModules)

    @staticmethod
    def create_module(spec):
        module = importlib.import_module(_moved_to(spec.name))
        _MovedModules._own_spec = module.__spec__
        return module

    @staticmethod
    def exec_module(module):
        # The import system wrote the old path's spec onto the module; give it back its own.
        module.__spec__ = _MovedModules._own_spec


if not any(isinstance(f, type) and f.__name__ == "_MovedModules" for f in sys.meta_path):
    sys.meta_path.insert(0, _MovedModules)
