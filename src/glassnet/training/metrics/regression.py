"""Keras's error metrics: the mean and root mean squared error, the mean absolute error,
R², and every loss as a metric (its mean over the samples, as Keras reports it).

>>> import numpy as np
>>> float(RootMeanSquaredError()(np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]])))
1.5811388300841898
"""

from __future__ import annotations

import warnings

import numpy as np

from ...base.errors import ConfigError, ShapeError
from .base import MeanMetricWrapper, Metric, _align, mean_absolute_error, mean_squared_error


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name)


class RootMeanSquaredError(MeanMetricWrapper):
    """√(Σ w (y - t)² / Σ w) over every output of every batch seen."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(lambda t, p: np.square(np.subtract(*_align(t, p)[::-1])), name)

    def result(self):
        return float(np.sqrt(super().result()))


class LossMetric(MeanMetricWrapper):
    """A loss averaged over the samples seen (``metrics=["binary_crossentropy"]``):
    each sample's loss, weighted by the sample weights, without penalties."""

    def __init__(self, loss, name=None, dtype=None):
        from ...engine import losses

        self.loss = losses.get(loss)
        super().__init__(lambda t, p: self.loss.per_sample(*self.loss.align(t, p)),
                         name or self.loss.name)

    def get_config(self):
        return {"name": self.name, "loss": self.loss.get_config()}


class R2Score(Metric):
    """Coefficient of determination 1 - SS_res / SS_tot per output (Keras's ``R2Score``):
    ``class_aggregation`` "uniform_average" (mean over outputs),
    "variance_weighted_average" or None (one score per output); ``num_regressors`` p > 0
    gives the adjusted R² 1 - (1 - R²)(n - 1)/(n - p - 1)."""

    def __init__(self, class_aggregation="uniform_average", num_regressors=0,
                 name="r2_score", dtype=None):
        if class_aggregation not in ("uniform_average", "variance_weighted_average", None):
            raise ConfigError("Invalid value for argument `class_aggregation`. Expected one of "
                              "{'uniform_average', 'variance_weighted_average', None}. "
                              f"Received: class_aggregation={class_aggregation}")
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise ConfigError("Invalid value for argument `num_regressors`. Expected a value "
                              f">= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        super().__init__(name)

    def reset_state(self):
        self.sums = None  # Σ w t, Σ w t², Σ w (t - y)², Σ w per output
        self.num_samples = 0

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _align(y_true, y_pred)
        if y_true.ndim != 2 or y_pred.ndim != 2:
            raise ShapeError("R2Score expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={y_pred.shape} and "
                             f"y_true.shape={y_true.shape}.")
        t, y = y_true.astype(np.float64), y_pred.astype(np.float64)
        w = np.ones(()) if sample_weight is None else np.asarray(sample_weight, np.float64)
        w = np.broadcast_to(w[:, None] if w.ndim == 1 else w, t.shape)
        sums = np.stack([(w * t).sum(0), (w * t * t).sum(0), (w * (t - y) ** 2).sum(0),
                         w.sum(0)])
        self.sums = sums if self.sums is None else self.sums + sums
        self.num_samples += t.size

    def result(self):
        if self.sums is None:
            return 0.0
        total, squares, residual, count = self.sums
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = squares - total * (total / count)  # SS_tot = Σ w t² - (Σ w t)² / Σ w
            raw = 1.0 - residual / spread
        raw = np.where(np.isinf(raw), 0.0, raw)  # a constant target: 0, as Keras
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (spread * raw).sum() / spread.sum()
        else:
            return raw.tolist()
        n, p = self.num_samples, self.num_regressors
        if p and p >= n - 1:
            warnings.warn("More independent predictors than datapoints in adjusted R2 score. "
                          "Falling back to standard R2 score.", stacklevel=2)
        elif p:
            score = 1.0 - (1.0 - score) * (n - 1) / (n - p - 1)
        return float(score)

    def get_config(self):
        return {"name": self.name, "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


def _loss_metric(class_name, loss):
    """A Keras metric class (``metrics.Hinge()``, ...) that is a loss averaged."""

    def __init__(self, name=None, dtype=None, **kwargs):
        LossMetric.__init__(self, {"name": loss, **kwargs} if kwargs else loss, name)

    def get_config(self):  # the loss's own options (from_logits, ...), as Keras
        options = {k: v for k, v in self.loss.get_config().items()
                   if k not in ("name", "reduction")}
        return {"name": self.name, **options}

    return type(class_name, (LossMetric,), {"__init__": __init__, "get_config": get_config,
                                            "__doc__": f"Keras's ``{class_name}`` metric."})


#: Keras's metric classes that are losses averaged over the samples
LOSS_METRICS = {name: _loss_metric(name, loss) for name, loss in (
    ("MeanAbsolutePercentageError", "mean_absolute_percentage_error"),
    ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error"),
    ("Hinge", "hinge"), ("SquaredHinge", "squared_hinge"), ("KLDivergence", "kl_divergence"),
    ("Poisson", "poisson"), ("BinaryCrossentropy", "binary_crossentropy"),
    ("CategoricalCrossentropy", "categorical_crossentropy"),
    ("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"),
    ("LogCoshError", "log_cosh"))}
