"""Regression and hinge losses: each an elementwise e(t, y) averaged over the outputs,
with its derivative e' right under it."""

from __future__ import annotations

import numpy as np

from .base import LOSSES, Loss, _Elementwise, _epsilon


@LOSSES.register("mean_squared_error", "mse")
class MeanSquaredError(_Elementwise):
    """e = (y - t)²."""

    def elementwise(self, t, y):
        return (y - t) ** 2

    def derivative(self, t, y):
        return 2.0 * (y - t)


@LOSSES.register("mean_absolute_error", "mae")
class MeanAbsoluteError(_Elementwise):
    """e = |y - t|."""

    def elementwise(self, t, y):
        return np.abs(y - t)

    def derivative(self, t, y):
        return np.sign(y - t)


@LOSSES.register("huber", "huber_loss")
class Huber(_Elementwise):
    """e = ½ (y - t)² where |y - t| <= δ, else δ |y - t| - ½ δ²."""

    _config = ("delta", "reduction")

    def __init__(self, delta=1.0, reduction="sum_over_batch_size"):
        from ...base.validation import check_number

        super().__init__(reduction)
        self.delta = float(check_number("delta", delta, minimum=0.0, exclusive_minimum=True))

    def elementwise(self, t, y):
        error = np.abs(y - t)
        return np.where(error <= self.delta, 0.5 * error**2,
                        self.delta * error - 0.5 * self.delta**2)

    def derivative(self, t, y):
        return np.clip(y - t, -self.delta, self.delta)  # the error, capped at ±δ


@LOSSES.register("log_cosh", "logcosh")
class LogCosh(_Elementwise):
    """e = log cosh(y - t), computed as x + softplus(-2x) - log 2 so it never overflows."""

    def elementwise(self, t, y):
        x = y - t
        return x + np.logaddexp(0.0, -2.0 * x) - np.log(2.0)

    def derivative(self, t, y):
        return np.tanh(y - t)


@LOSSES.register("mean_squared_logarithmic_error", "msle")
class MeanSquaredLogarithmicError(_Elementwise):
    """e = (log(max(y, ε) + 1) - log(max(t, ε) + 1))²."""

    def _logs(self, t, y):
        eps = _epsilon(y.dtype)
        return np.log1p(np.maximum(y, eps)), np.log1p(np.maximum(t, eps))

    def elementwise(self, t, y):
        log_y, log_t = self._logs(t, y)
        return (log_y - log_t) ** 2

    def derivative(self, t, y):
        log_y, log_t = self._logs(t, y)
        return np.where(y > _epsilon(y.dtype), 2.0 * (log_y - log_t) / (1.0 + y), 0.0)


@LOSSES.register("mean_absolute_percentage_error", "mape")
class MeanAbsolutePercentageError(_Elementwise):
    """e = 100 |t - y| / max(|t|, ε)."""

    def elementwise(self, t, y):
        return 100.0 * np.abs((t - y) / np.maximum(np.abs(t), _epsilon(y.dtype)))

    def derivative(self, t, y):
        return 100.0 * np.sign(y - t) / np.maximum(np.abs(t), _epsilon(y.dtype))


def _hinge_labels(t):
    """Keras's rule: labels that are all 0 or 1 become -1 or 1."""
    return 2.0 * t - 1.0 if np.all((t == 0) | (t == 1)) else t


@LOSSES.register("hinge")
class Hinge(_Elementwise):
    """e = max(1 - t y, 0), with labels t in {-1, 1} (0/1 labels are converted)."""

    def elementwise(self, t, y):
        return np.maximum(1.0 - _hinge_labels(t) * y, 0.0)

    def derivative(self, t, y):
        t = _hinge_labels(t)
        return np.where(1.0 - t * y > 0, -t, 0.0)


@LOSSES.register("squared_hinge")
class SquaredHinge(_Elementwise):
    """e = max(1 - t y, 0)², with labels t in {-1, 1} (0/1 labels are converted)."""

    def elementwise(self, t, y):
        return np.maximum(1.0 - _hinge_labels(t) * y, 0.0) ** 2

    def derivative(self, t, y):
        t = _hinge_labels(t)
        return -2.0 * t * np.maximum(1.0 - t * y, 0.0)


@LOSSES.register("cosine_similarity")
class CosineSimilarity(Loss):
    """E = -(1/N) Σn cos(t_n, y_n): 0 is orthogonal, -1 is the same direction (Keras)."""

    def per_sample(self, y_true, y_pred):
        return -(_unit(y_true) * _unit(y_pred)).sum(axis=-1)

    def sample_gradient(self, y_true, y_pred):
        # ∂/∂y [-(t̂ · y)/|y|] = -(t̂ - (t̂ · ŷ) ŷ) / |y|
        norm = np.sqrt(np.maximum((y_pred * y_pred).sum(axis=-1, keepdims=True), 1e-12))
        t_hat, y_hat = _unit(y_true), y_pred / norm
        cos = (t_hat * y_hat).sum(axis=-1, keepdims=True)
        return -(t_hat - cos * y_hat) / norm


def _unit(x):
    return x / np.sqrt(np.maximum((x * x).sum(axis=-1, keepdims=True), 1e-12))
