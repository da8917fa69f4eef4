"""Metrics reported during training: per-sample values, averaged over an epoch.

``"accuracy"`` resolves from the loss as in Keras: argmax match for (sparse)
categorical cross-entropy, threshold 0.5 for binary cross-entropy.

>>> import numpy as np
>>> name, fn = resolve("accuracy", "categorical_crossentropy")
>>> fn(np.eye(2), np.array([[0.9, 0.1], [0.6, 0.4]])).tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError
from .i18n import N_, _


def categorical_accuracy(y_true, y_pred):
    return (y_pred.argmax(axis=-1) == y_true.argmax(axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    return (y_pred.argmax(axis=-1) == y_true).astype(np.float64)


def binary_accuracy(y_true, y_pred):
    return ((y_pred > 0.5) == (y_true > 0.5)).mean(axis=-1)


def mean_squared_error(y_true, y_pred):
    return ((y_pred - y_true) ** 2).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    return np.abs(y_pred - y_true).mean(axis=-1)


METRICS = {
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "binary_accuracy": binary_accuracy,
    "mean_squared_error": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
}
ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error"}


def resolve(name, loss_name: str):
    """(display name, function(y_true, y_pred) -> per-sample values) for a metric name."""
    if callable(name):
        return getattr(name, "__name__", "metric"), name
    if not isinstance(name, str):
        raise ConfigError(f"a metric must be a name or a function, got {name!r}")
    key = name.lower()
    if key in ("accuracy", "acc"):
        if loss_name == "sparse_categorical_crossentropy":
            return "accuracy", sparse_categorical_accuracy
        if loss_name == "binary_crossentropy":
            return "accuracy", binary_accuracy
        if loss_name in ("categorical_crossentropy", "kl_divergence"):
            return "accuracy", categorical_accuracy
        raise ConfigError(
            f"metric 'accuracy' needs a classification loss, got loss {loss_name!r}; "
            "use 'mse' or 'mae' for regression"
        )
    if key in ("crossentropy", "cross_entropy"):
        # The data term of the loss alone: comparable between models whatever their
        # penalties (the reported loss, as in Keras, includes L1/L2 terms).
        if "crossentropy" not in loss_name:
            raise ConfigError(f"metric 'crossentropy' needs a cross-entropy loss, got loss "
                              f"{loss_name!r}")
        from . import losses

        return "crossentropy", losses.get(loss_name).per_sample
    key = ALIASES.get(key, key)
    if key not in METRICS:
        options = ", ".join(["accuracy", "crossentropy", *METRICS, *ALIASES])
        raise ConfigError(f"unknown metric {name!r}; expected one of: {options}")
    return name, METRICS[key]


LABELS = {"loss": N_("loss"), "accuracy": N_("accuracy"), "crossentropy": N_("cross-entropy"),
          "mae": N_("mean absolute error"), "mse": N_("mean squared error")}


def metric_label(key: str) -> str:
    """A history key in words, in the current language.

    >>> metric_label("val_accuracy")
    'validation accuracy'
    """
    name = key.removeprefix("val_")
    text = _(LABELS[name]) if name in LABELS else name.replace("_", " ")
    if key.startswith("val_"):
        return _("validation {metric}").format(metric=text)
    return _("training {metric}").format(metric=text)
