"""Training: the model (``Sequential``), the ``Trainer`` that fits it, batches,
callbacks, metrics, progress, the verdict on learning curves (``diagnosis``), and
``ModelSpec``, the one description every front end builds its networks from.

May import: base, io, engine.
"""

# ``glassnet.training`` was one module (now ``trainer``) before the layer folders; the
# names it offered stay reachable from here.
_FROM_TRAINER = ("Trainer", "DivergedWarning", "NonFiniteLossWarning")


def __getattr__(name):
    if name in _FROM_TRAINER:
        import importlib

        return getattr(importlib.import_module(".trainer", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
