"""Seed 002's two experiments, as lists of trial specs.

- ``capacity``: MNIST, Dense(400 | 4000 | 40000, relu) + Dense(10, softmax), 20 epochs.
  The seed reports validation accuracy 0.983 for all three: more cells, slower, not
  better.
- ``overfit`` (after TensorFlow's over- and under-fitting tutorial): Tiny (16), Small
  (16-16), Medium (64 × 3), Large (512 × 4), then Large with L2, with Dropout, with
  both, on a small MNIST subset where Large visibly over-fits.

``subsample`` and ``epochs`` make quick versions; ``path`` points at mnist.npz.
"""

from __future__ import annotations

from ..base.errors import ConfigError


def _mnist(path, train_rows, validation_rows):
    data = {"source": "mnist", "split_seed": 0}
    if path:
        data["path"] = str(path)
    if train_rows:
        data["train_rows"] = int(train_rows)
    if validation_rows:
        data["validation_rows"] = int(validation_rows)
    return data


def capacity(subsample=None, epochs=20, path=None, validation_rows=None, batch_size=128):
    data = _mnist(path, subsample, validation_rows)
    return [{"name": f"Dense({units})", "data": data, "hidden": [units], "activation": "relu",
             "scale": "none", "optimizer": {"name": "adam", "learning_rate": 1e-3},
             "epochs": epochs, "batch_size": batch_size, "seed": 0}
            for units in (400, 4000, 40000)]


def overfit(subsample=1000, epochs=60, path=None, validation_rows=5000, batch_size=64):
    data = _mnist(path, subsample, validation_rows)
    base = {"data": data, "activation": "relu", "scale": "none", "epochs": epochs,
            "batch_size": batch_size, "optimizer": {"name": "adam", "learning_rate": 1e-3},
            "seed": 0}
    large = [512] * 4
    return [
        {**base, "name": "Tiny (16)", "hidden": [16]},
        {**base, "name": "Small (16-16)", "hidden": [16, 16]},
        {**base, "name": "Medium (64x3)", "hidden": [64] * 3},
        {**base, "name": "Large (512x4)", "hidden": large},
        {**base, "name": "Large + L2", "hidden": large, "l2": 1e-3},
        {**base, "name": "Large + Dropout", "hidden": large, "dropout": 0.5},
        {**base, "name": "Large + L2 + Dropout", "hidden": large, "l2": 1e-3, "dropout": 0.5},
    ]


PRESETS = {"capacity": capacity, "overfit": overfit}


def preset(name, **options):
    if name not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; presets are: {', '.join(PRESETS)}")
    return PRESETS[name](**{k: v for k, v in options.items() if v is not None})
