"""The loss contract: per-sample values, Keras's reductions, label alignment.

``Loss`` holds what every loss shares; ``_Elementwise`` is the family that averages
an elementwise e(t, y) over each sample's outputs (MSE, MAE, Huber, hinge, ...).
"""

from __future__ import annotations

import numpy as np

from ...base.errors import ConfigError, ShapeError
from ...base.registry import Configurable, Registry
from ...base.rowops import row_sum

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _epsilon(dtype) -> float:
    # Keras clips probabilities to [1e-7, 1 - 1e-7]; in float64 we can go much closer.
    return 1e-7 if np.dtype(dtype) == np.float32 else 1e-15


class Loss(Configurable):
    """Base class. Subclasses implement ``per_sample`` and ``sample_gradient``."""

    #: output activation this loss fuses with, or None
    fused_activation: str | None = None
    #: True when targets are class indices instead of arrays shaped like the output
    sparse_targets = False
    from_logits = False
    _config = ("reduction",)

    def __init__(self, reduction="sum_over_batch_size"):
        if reduction not in REDUCTIONS:
            raise ConfigError(f"Invalid value for argument `reduction`: expected one of "
                              f"{', '.join(map(repr, REDUCTIONS))}, got {reduction!r}")
        self.reduction = None if reduction == "none" else reduction

    # The value ---------------------------------------------------------------------
    def __call__(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = self.align(y_true, y_pred)
        return self.reduce(self.per_sample(y_true, y_pred), sample_weight)

    def per_sample(self, y_true, y_pred):
        raise NotImplementedError

    def reduce(self, values, sample_weight=None):
        """Σ w l / N (or the configured reduction) over the last (sample) axis."""
        n = values.shape[-1]
        w = _row_weights(sample_weight, n)
        if w is not None:
            values = values * w
        if self.reduction is None:
            return values
        total = row_sum(values) if values.ndim else values
        if self.reduction == "sum":
            return total
        if self.reduction == "mean_with_sample_weight" and w is not None:
            divisor = float(np.sum(sample_weight))
            return total / divisor if divisor else total * 0.0
        return total / n

    def _row_scale(self, sample_weight, n):
        """∂E/∂l_n for each sample: w_n / N (or the reduction's divisor), shape (N, 1)."""
        if self.reduction is None:
            raise ConfigError("a loss with reduction=None gives one value per sample; its "
                              "gradient needs a scalar loss (use 'sum_over_batch_size')")
        w = _row_weights(sample_weight, n)
        if self.reduction == "sum":
            divisor = 1.0
        elif self.reduction == "mean_with_sample_weight" and w is not None:
            divisor = float(np.sum(sample_weight)) or np.inf
        else:
            divisor = n
        return 1.0 / divisor if w is None else (w / divisor)[:, None]

    # The gradient ------------------------------------------------------------------
    def gradient(self, y_true, y_pred, sample_weight=None):
        """∂E/∂y_pred of the reduced loss E."""
        y_true, y_pred = self.align(y_true, y_pred)
        return self.sample_gradient(y_true, y_pred) * self._row_scale(sample_weight,
                                                                       y_pred.shape[-2])

    def sample_gradient(self, y_true, y_pred):
        """∂l_n/∂y_n: the gradient of each sample's loss with respect to its outputs."""
        raise NotImplementedError

    # Fused path (only for losses with a fused_activation) ---------------------------
    def fuses_with(self, activation_name) -> bool:
        """True when an output layer ending in this activation hands us its logits."""
        if self.fused_activation is None:
            return False
        return activation_name == ("linear" if self.from_logits else self.fused_activation)

    def value_from_logits(self, y_true, logits, sample_weight=None):
        y_true, logits = self.align(y_true, logits)
        return self.reduce(self.per_sample_from_logits(y_true, logits), sample_weight)

    def per_sample_from_logits(self, y_true, logits):
        raise NotImplementedError

    def delta_from_logits(self, y_true, logits, sample_weight=None):
        """∂E/∂logits = (f(logits) - t) / N: seed 000's δ2 = z - t, averaged."""
        return self.fused(y_true, logits, sample_weight)[2]

    def fused(self, y_true, logits, sample_weight=None):
        """(loss, model output, δ = ∂E/∂logits) in one pass, as Deep Learning from
        Scratch's SoftmaxWithLoss: nothing is exponentiated twice."""
        raise NotImplementedError

    # Shapes ------------------------------------------------------------------------
    def align(self, y_true, y_pred):
        """Keras's squeeze-or-expand: (n,) labels with (n, 1) outputs; else same shape."""
        y_pred = np.asarray(y_pred)
        y_true = np.asarray(y_true, dtype=y_pred.dtype if y_pred.dtype.kind == "f" else None)
        if y_true.ndim == 1 and y_pred.ndim >= 2 and y_pred.shape[-1] == 1:
            y_true = y_true[:, None]
        elif y_true.ndim == 2 and y_pred.ndim == 1 and y_true.shape[-1] == 1:
            y_true = y_true[:, 0]
        if y_true.shape != y_pred.shape[y_pred.ndim - y_true.ndim:]:
            raise ShapeError(f"y_true and y_pred must have the same shape for loss "
                             f"{self.name!r}, got y_true.shape={y_true.shape}, "
                             f"y_pred.shape={y_pred.shape}")
        return y_true, y_pred

    def check_targets(self, y_true, output_dim: int, name="y"):
        """Raise ShapeError if targets cannot go with an output of ``output_dim`` units."""
        if y_true.ndim != 2 or y_true.shape[1] != output_dim:
            raise ShapeError(
                f"{name} for loss {self.name!r} must have shape (n_samples, {output_dim}) "
                f"to match the output layer, got shape {y_true.shape}"
                + (" (class labels? use sparse_categorical_crossentropy or one-hot encode them)"
                   if y_true.ndim == 1 else "")
            )
        return y_true


def _row_weights(sample_weight, n):
    """Sample weights as an array of shape (N,), or None; (N, 1) and scalars accepted."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    if w.ndim == 0:
        return np.full(n, float(w))
    if w.shape != (n,):
        raise ShapeError(f"sample_weight must have one value per sample ({n},), got shape "
                         f"{w.shape}")
    return w


LOSSES = Registry("loss", Loss)

class _Elementwise(Loss):
    """Losses that average an elementwise e(t, y) over the outputs of each sample:
    l_n = mean_k e(t_nk, y_nk), so ∂l_n/∂y_nk = e'(t_nk, y_nk) / K."""

    def per_sample(self, y_true, y_pred):
        return self.elementwise(y_true, y_pred).mean(axis=-1)

    def sample_gradient(self, y_true, y_pred):
        return self.derivative(y_true, y_pred) / y_pred.shape[-1]
