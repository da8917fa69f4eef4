"""Loss functions: the mean over samples of a per-sample loss, and its gradient.

Each loss computes ``per_sample(t, y)`` (shape ``(..., N)``; leading axes are allowed
so numerical differentiation can evaluate many perturbed networks at once), the mean
``__call__(t, y)``, and ``gradient(t, y) = ∂E/∂y`` of the mean. ``t`` is the target,
``y`` the network's output (for classifiers: seed 000's z, the class probabilities).
An optional ``sample_weight`` (one weight per row) weights each row's loss; the mean
still divides by the N rows, as Keras's default reduction does.

Cross-entropies are fused with their natural output activation: when the output
layer ends in that activation (``fuses_with``), the model hands the loss the *logits*
(the output layer's weighted sum α) instead of probabilities. ``value_from_logits``
then uses log-sum-exp, so logits of ±1000 stay finite, and ``fused`` returns the
probabilities, the loss and seed 000's δ2 = z - t (divided by N, because E is a mean)
in one pass.

>>> import numpy as np
>>> cce = get("categorical_crossentropy")
>>> t = np.array([[0.0, 1.0]])
>>> float(cce.value_from_logits(t, np.array([[0.0, 0.0]])))  # -log 0.5
0.6931471805599453
>>> cce.delta_from_logits(t, np.array([[1000.0, -1000.0]])).tolist()
[[1.0, -1.0]]
"""

from __future__ import annotations

import numpy as np

from . import activations
from ._registry import Configurable, Registry
from .errors import ShapeError
from .rowops import row_sum


def _epsilon(dtype) -> float:
    # Keras clips probabilities to [1e-7, 1 - 1e-7]; in float64 we can go much closer.
    return 1e-7 if np.dtype(dtype) == np.float32 else 1e-15


class Loss(Configurable):
    """Base class. Subclasses implement ``per_sample`` and ``gradient``."""

    #: output activation this loss fuses with, or None
    fused_activation: str | None = None
    #: True when targets are class indices instead of arrays shaped like the output
    sparse_targets = False

    def __call__(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        return _mean(self.per_sample(y_true, y_pred), sample_weight)

    def per_sample(self, y_true, y_pred):
        raise NotImplementedError

    def gradient(self, y_true, y_pred, sample_weight=None):
        """∂E/∂y_pred of the mean loss E."""
        raise NotImplementedError

    def fuses_with(self, activation_name) -> bool:
        """True when an output layer ending in ``activation_name`` can hand this loss
        its logits (softmax + cross-entropy, sigmoid + binary cross-entropy)."""
        return self.fused_activation is not None and activation_name == self.fused_activation

    # Fused path (only for losses with a fused_activation) ---------------------------
    def per_sample_from_logits(self, y_true, logits):
        raise NotImplementedError

    def value_from_logits(self, y_true, logits, sample_weight=None):
        return _mean(self.per_sample_from_logits(y_true, logits), sample_weight)

    def delta_from_logits(self, y_true, logits, sample_weight=None):
        """∂E/∂logits = (f(logits) - t) / N: seed 000's δ2 = z - t, averaged."""
        return self.fused(y_true, logits, sample_weight)[2]

    def fused(self, y_true, logits, sample_weight=None):
        """(mean loss, probabilities, δ = ∂E/∂logits) in one pass, as Deep Learning from
        Scratch's SoftmaxWithLoss: nothing is exponentiated twice."""
        raise NotImplementedError

    # helpers ---------------------------------------------------------------------
    def _dense_targets(self, y_true, y_pred):
        return y_true

    def _count(self, y_pred):
        """Number of terms the mean runs over for a gradient: N (samples)."""
        return y_pred.shape[-2]

    def check_targets(self, y_true, output_dim: int, name="y"):
        """Raise ShapeError if targets cannot go with an output of ``output_dim`` units."""
        if y_true.ndim != 2 or y_true.shape[1] != output_dim:
            raise ShapeError(
                f"{name} for loss {self.name!r} must have shape (n_samples, {output_dim}) "
                f"to match the output layer, got shape {y_true.shape}"
                + (" (class labels? use sparse_categorical_crossentropy or one-hot encode them)"
                   if y_true.ndim == 1 else "")
            )


def _mean(per_sample, sample_weight=None):
    """(1/N) Σn w_n l_n over the last axis (w = 1 without sample weights)."""
    if sample_weight is not None:
        per_sample = per_sample * sample_weight
    return row_sum(per_sample) / per_sample.shape[-1]


def _weighted(gradient, sample_weight):
    """A per-row weight scales that row's gradient."""
    if sample_weight is not None:
        gradient *= np.asarray(sample_weight, dtype=gradient.dtype).reshape(-1, 1)
    return gradient


LOSSES = Registry("loss", Loss)


@LOSSES.register("categorical_crossentropy", "cce")
class CategoricalCrossentropy(Loss):
    """E = -(1/N) Σn Σk t_nk log z_nk  (seed 000)."""

    fused_activation = "softmax"

    def per_sample(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        return -row_sum(y_true * np.log(np.clip(y_pred, eps, 1.0)))

    def gradient(self, y_true, y_pred, sample_weight=None):
        eps = _epsilon(y_pred.dtype)
        return _weighted(-y_true / np.clip(y_pred, eps, 1.0) / self._count(y_pred),
                         sample_weight)

    def per_sample_from_logits(self, y_true, logits):
        return -row_sum(self._dense_targets(y_true, logits) * activations.log_softmax(logits))

    def fused(self, y_true, logits, sample_weight=None):
        t = self._dense_targets(y_true, logits)
        log_z = activations.log_softmax(logits)  # log z_k by log-sum-exp: finite at ±1000
        n = logits.shape[-2]
        if sample_weight is None:
            loss = -(t * log_z).sum() / n  # E = -(1/N) Σn Σk t_nk log z_nk
        else:
            loss = _mean(-row_sum(t * log_z), sample_weight)
        z = np.exp(log_z)
        delta = z - t  # δ2 = z - t (seed 000)
        delta /= n
        return loss, z, _weighted(delta, sample_weight)


@LOSSES.register("sparse_categorical_crossentropy", "scce")
class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer class labels 0..K-1 as targets."""

    sparse_targets = True

    def _dense_targets(self, y_true, y_pred):
        classes = np.arange(y_pred.shape[-1])
        return (np.asarray(y_true)[:, None] == classes).astype(y_pred.dtype)

    def per_sample(self, y_true, y_pred):
        return super().per_sample(self._dense_targets(y_true, y_pred), y_pred)

    def gradient(self, y_true, y_pred, sample_weight=None):
        return super().gradient(self._dense_targets(y_true, y_pred), y_pred, sample_weight)

    def check_targets(self, y_true, output_dim, name="y"):
        if y_true.ndim != 1:
            raise ShapeError(
                f"{name} for loss 'sparse_categorical_crossentropy' must be a 1-D array of "
                f"class indices, got shape {y_true.shape}"
            )
        bad = (y_true < 0) | (y_true >= output_dim) | (y_true != np.floor(y_true))
        if bad.any():
            i = int(np.argmax(bad))
            raise ShapeError(
                f"{name}[{i}] must be a class index in 0..{output_dim - 1}, got {y_true[i]}"
            )


@LOSSES.register("binary_crossentropy", "bce")
class BinaryCrossentropy(Loss):
    """E = -(1/N) Σn mean_k [t log z + (1 - t) log(1 - z)], fused with sigmoid."""

    fused_activation = "sigmoid"

    def per_sample(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        p = np.clip(y_pred, eps, 1.0 - eps)
        return -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p)).mean(axis=-1)

    def gradient(self, y_true, y_pred, sample_weight=None):
        eps = _epsilon(y_pred.dtype)
        p = np.clip(y_pred, eps, 1.0 - eps)
        return _weighted((p - y_true) / (p * (1.0 - p)) / self._count(y_pred), sample_weight)

    def per_sample_from_logits(self, y_true, logits):
        # -[t log σ(α) + (1-t) log(1-σ(α))] = max(α, 0) - α t + log(1 + e^-|α|)
        a = logits
        return (np.maximum(a, 0.0) - a * y_true + np.log1p(np.exp(-np.abs(a)))).mean(axis=-1)

    def fused(self, y_true, logits, sample_weight=None):
        loss = self.value_from_logits(y_true, logits, sample_weight)
        p = activations.get("sigmoid").forward(logits)
        delta = p - y_true  # δ = σ(α) - t
        delta /= self._count(logits)
        return loss, p, _weighted(delta, sample_weight)

    def _count(self, y_pred):
        return y_pred.shape[-2] * y_pred.shape[-1]  # mean over samples and outputs


@LOSSES.register("mean_squared_error", "mse")
class MeanSquaredError(Loss):
    """E = (1/N) Σn mean_k (y - t)²."""

    def per_sample(self, y_true, y_pred):
        return ((y_pred - y_true) ** 2).mean(axis=-1)

    def gradient(self, y_true, y_pred, sample_weight=None):
        return _weighted(2.0 * (y_pred - y_true) / self._count(y_pred), sample_weight)

    def _count(self, y_pred):
        return y_pred.shape[-2] * y_pred.shape[-1]


@LOSSES.register("mean_absolute_error", "mae")
class MeanAbsoluteError(MeanSquaredError):
    """E = (1/N) Σn mean_k |y - t|."""

    def per_sample(self, y_true, y_pred):
        return np.abs(y_pred - y_true).mean(axis=-1)

    def gradient(self, y_true, y_pred, sample_weight=None):
        return _weighted(np.sign(y_pred - y_true) / self._count(y_pred), sample_weight)


@LOSSES.register("kl_divergence", "kld", "kullback_leibler_divergence")
class KLDivergence(Loss):
    """E = (1/N) Σn Σk t log(t / y), with t and y clipped to [ε, 1] as Keras does."""

    def per_sample(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        t = np.clip(y_true, eps, 1.0)
        return (t * np.log(t / np.clip(y_pred, eps, 1.0))).sum(axis=-1)

    def gradient(self, y_true, y_pred, sample_weight=None):
        eps = _epsilon(y_pred.dtype)
        t = np.clip(y_true, eps, 1.0)
        inside = (y_pred >= eps) & (y_pred <= 1.0)
        return _weighted(np.where(inside, -t / np.clip(y_pred, eps, 1.0), 0.0)
                         / self._count(y_pred), sample_weight)


@LOSSES.register("cosine_similarity")
class CosineSimilarity(Loss):
    """E = -(1/N) Σn cos(t_n, y_n): 0 is orthogonal, -1 is the same direction (Keras)."""

    def per_sample(self, y_true, y_pred):
        return -(_unit(y_true) * _unit(y_pred)).sum(axis=-1)

    def gradient(self, y_true, y_pred, sample_weight=None):
        # ∂/∂y [-(t̂ · y)/|y|] = -(t̂ - (t̂ · ŷ) ŷ) / |y|
        norm = np.sqrt(np.maximum((y_pred * y_pred).sum(axis=-1, keepdims=True), 1e-12))
        t_hat, y_hat = _unit(y_true), y_pred / norm
        cos = (t_hat * y_hat).sum(axis=-1, keepdims=True)
        return _weighted(-(t_hat - cos * y_hat) / norm / self._count(y_pred), sample_weight)


def _unit(x):
    return x / np.sqrt(np.maximum((x * x).sum(axis=-1, keepdims=True), 1e-12))


def get(identifier) -> Loss:
    """Return a loss from a name, a config dict or an instance."""
    return LOSSES.get(identifier)


def names() -> list[str]:
    return LOSSES.names()
