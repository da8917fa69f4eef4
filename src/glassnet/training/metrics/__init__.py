"""Metrics reported during training, with Keras's names and numbers.

Every metric is a ``Metric`` object: ``update_state(y_true, y_pred, sample_weight)``
per batch, ``result()`` at the end of an epoch, ``reset_state()`` before the next.
Per-sample quantities (accuracies, errors) are weighted means of a function of each
sample; AUC, precision, recall and F-scores accumulate confusion counts.

``"accuracy"`` resolves from the loss as in Keras: argmax match for (sparse)
categorical cross-entropy, threshold 0.5 for binary cross-entropy; with any other
loss, from the shapes of the labels and outputs (Keras 3's rule).

>>> import numpy as np
>>> name, metric = resolve("accuracy", "categorical_crossentropy")
>>> float(metric(np.eye(2), np.array([[0.9, 0.1], [0.6, 0.4]])))
0.5
"""

from __future__ import annotations

from ...base.errors import ConfigError
from .base import (
    Accuracy,
    AutoAccuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    MeanMetricWrapper,
    Metric,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    choose_accuracy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .confusion import AUC, F1Score, FBetaScore, Precision, Recall, confusion_matrix
from .labels import LABELS, metric_label
from .regression import (
    LOSS_METRICS,
    LossMetric,
    MeanAbsoluteError,
    MeanSquaredError,
    R2Score,
    RootMeanSquaredError,
)

globals().update(LOSS_METRICS)  # metrics.Hinge, metrics.BinaryCrossentropy, ...


class _CompiledF1(F1Score):
    """``metrics=["f1_score"]``: one number per epoch (the macro average), a 0.5
    threshold for a single sigmoid output, class-index labels one-hot encoded."""

    def __init__(self, name="f1_score"):
        super().__init__(average="macro", name=name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        import numpy as np

        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if y_pred.ndim == 2 and y_pred.shape[1] == 1:
            self.threshold = 0.5
            y_true = y_true.reshape(-1, 1)
        elif y_pred.ndim == 2 and (y_true.ndim == 1 or y_true.shape[-1] == 1):
            y_true = np.eye(y_pred.shape[1])[y_true.reshape(-1).astype(np.intp)]
        super().update_state(y_true, y_pred, sample_weight)


#: metric name -> a function making a fresh Metric
METRICS = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "mean_squared_error": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "root_mean_squared_error": RootMeanSquaredError,
    "r2_score": R2Score,
    **{loss: (lambda loss=loss: LossMetric(loss)) for loss in (
        "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "hinge",
        "squared_hinge", "kl_divergence", "poisson", "binary_crossentropy",
        "categorical_crossentropy", "sparse_categorical_crossentropy")},
    "auc": AUC,
    "precision": Precision,
    "recall": Recall,
    "f1_score": _CompiledF1,
}
ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
           "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error"}
_BY_LOSS = {
    "sparse_categorical_crossentropy": SparseCategoricalAccuracy,
    "binary_crossentropy": BinaryAccuracy,
    "categorical_crossentropy": CategoricalAccuracy,
    "kl_divergence": CategoricalAccuracy,
}


def resolve(name, loss_name: str):
    """(display name, fresh Metric) for a metric name, a Metric or a function."""
    if isinstance(name, Metric):
        return name.name, name
    if callable(name):
        metric = MeanMetricWrapper(name)
        return metric.name, metric
    if not isinstance(name, str):
        raise ConfigError(f"a metric must be a name, a Metric or a function, got {name!r}")
    key = name.lower()
    if key in ("accuracy", "acc"):
        factory = _BY_LOSS.get(loss_name, AutoAccuracy)
        return name, factory(name=name)
    if key in ("crossentropy", "cross_entropy"):
        # The data term of the loss alone: comparable between models whatever their
        # penalties (the reported loss, as in Keras, includes L1/L2 terms).
        if "crossentropy" not in loss_name:
            raise ConfigError(f"metric 'crossentropy' needs a cross-entropy loss, got loss "
                              f"{loss_name!r}")
        from ...engine import losses

        loss = losses.get(loss_name)
        return "crossentropy", MeanMetricWrapper(
            lambda t, p: loss.per_sample(*loss.align(t, p)), "crossentropy")
    key = ALIASES.get(key, key)
    if key not in METRICS:
        options = ", ".join(["accuracy", "crossentropy", *METRICS, *ALIASES])
        raise ConfigError(f"unknown metric {name!r}; expected one of: {options}")
    metric = METRICS[key]()
    metric.name = name
    return name, metric


def get(identifier):
    """A fresh Metric from a name (as in ``compile(metrics=[...])``) or a Metric."""
    return resolve(identifier, "")[1]


__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "F1Score", "FBetaScore",
    "LABELS", "METRICS", "LossMetric", "MeanAbsoluteError", "MeanMetricWrapper",
    "MeanSquaredError", "Metric", "Precision", "R2Score", "Recall", "RootMeanSquaredError",
    *LOSS_METRICS,
    "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy",
    "binary_accuracy", "categorical_accuracy", "choose_accuracy", "confusion_matrix", "get",
    "mean_absolute_error", "mean_squared_error", "metric_label", "resolve",
    "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]
