"""Probabilistic losses: cross-entropies (fused with softmax / sigmoid), KL divergence,
Poisson."""

from __future__ import annotations

import numpy as np

from ...base.errors import ConfigError, ShapeError
from ...base.rowops import row_sum
from .. import activations
from .base import LOSSES, Loss, _Elementwise, _epsilon


class _CrossEntropy(Loss):
    """Shared constructor: ``from_logits``, ``label_smoothing`` and ``reduction``."""

    _config = ("from_logits", "label_smoothing", "reduction")

    def __init__(self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size"):
        from ...base.validation import check_number

        super().__init__(reduction)
        if not isinstance(from_logits, bool):
            raise ConfigError(f"from_logits must be True or False, got {from_logits!r}")
        self.from_logits = from_logits
        self.label_smoothing = float(check_number("label_smoothing", label_smoothing,
                                                  minimum=0.0, maximum=1.0))

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return self.per_sample_from_logits(y_true, y_pred)
        return self.per_sample_from_probabilities(y_true, y_pred)

    def sample_gradient(self, y_true, y_pred):
        if self.from_logits:
            return self.fused(y_true, y_pred, reduce=False)[2]
        return self.probability_gradient(y_true, y_pred)


@LOSSES.register("categorical_crossentropy", "cce")
class CategoricalCrossentropy(_CrossEntropy):
    """E = -(1/N) Σn Σk t_nk log z_nk  (seed 000).

    Predictions are first divided by their row sum, as Keras does, so outputs that do
    not sum to 1 are read as unnormalised probabilities. ``label_smoothing`` ε uses
    t (1 - ε) + ε / K.
    """

    fused_activation = "softmax"

    def _smooth(self, t, k):
        return t * (1.0 - self.label_smoothing) + self.label_smoothing / k \
            if self.label_smoothing else t

    def per_sample_from_probabilities(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        p = np.clip(y_pred / row_sum(y_pred, keepdims=True), eps, 1.0 - eps)  # renormalise
        return -row_sum(self._dense(y_true, y_pred) * np.log(p))

    def probability_gradient(self, y_true, y_pred):
        # l = -Σk t_k log p_k with p = y / Σy: ∂l/∂y_j = (g_j - Σk g_k p_k) / Σy,
        # g_k = -t_k / p_k where p_k is not clipped (0 where it is)
        eps = _epsilon(y_pred.dtype)
        total = row_sum(y_pred, keepdims=True)
        p = y_pred / total
        inside = (p >= eps) & (p <= 1.0 - eps)
        g = np.where(inside, -self._dense(y_true, y_pred) / np.clip(p, eps, 1.0), 0.0)
        return (g - row_sum(g * p, keepdims=True)) / total

    def per_sample_from_logits(self, y_true, logits):
        return -row_sum(self._dense(y_true, logits) * activations.log_softmax(logits))

    def fused(self, y_true, logits, sample_weight=None, reduce=True):
        t = self._dense(y_true, logits)
        log_z = activations.log_softmax(logits)  # log z_k by log-sum-exp: finite at ±1000
        n = logits.shape[-2]
        z = np.exp(log_z)
        delta = z - t  # δ2 = z - t (seed 000)
        if not reduce:
            return None, z, delta
        if sample_weight is None and self.reduction == "sum_over_batch_size":
            loss = -(t * log_z).sum() / n  # E = -(1/N) Σn Σk t_nk log z_nk
            delta /= n
        else:
            loss = self.reduce(-row_sum(t * log_z), sample_weight)
            delta *= self._row_scale(sample_weight, n)
        return loss, (logits if self.from_logits else z), delta

    def _dense(self, y_true, y_pred):
        return self._smooth(y_true, y_pred.shape[-1])


@LOSSES.register("sparse_categorical_crossentropy", "scce")
class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer class labels 0..K-1 as targets."""

    sparse_targets = True
    _config = ("from_logits", "reduction")

    def __init__(self, from_logits=False, reduction="sum_over_batch_size"):
        super().__init__(from_logits, 0.0, reduction)

    def _dense(self, y_true, y_pred):
        classes = np.arange(y_pred.shape[-1])
        return (np.asarray(y_true)[:, None] == classes).astype(y_pred.dtype)

    def align(self, y_true, y_pred):
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if y_true.ndim == 2 and y_true.shape[-1] == 1:
            y_true = y_true[:, 0]  # labels shaped (n, 1), as keras.datasets ship them
        if y_true.ndim != 1 or y_true.shape[0] != y_pred.shape[-2]:
            raise ShapeError(f"y_true for loss 'sparse_categorical_crossentropy' must be "
                             f"{y_pred.shape[-2]} class indices, shape ({y_pred.shape[-2]},) "
                             f"or ({y_pred.shape[-2]}, 1), got shape {y_true.shape}")
        return y_true, y_pred

    def check_targets(self, y_true, output_dim, name="y"):
        if y_true.ndim == 2 and y_true.shape[1] == 1:
            y_true = y_true[:, 0]
        if y_true.ndim != 1:
            raise ShapeError(
                f"{name} for loss 'sparse_categorical_crossentropy' must be a 1-D array of "
                f"class indices (or shape (n, 1)), got shape {y_true.shape}"
            )
        bad = (y_true < 0) | (y_true >= output_dim) | (y_true != np.floor(y_true))
        if bad.any():
            i = int(np.argmax(bad))
            raise ShapeError(
                f"{name}[{i}] must be a class index in 0..{output_dim - 1}, got {y_true[i]}"
            )
        return y_true


@LOSSES.register("binary_crossentropy", "bce")
class BinaryCrossentropy(_CrossEntropy):
    """E = -(1/N) Σn mean_k [t log z + (1 - t) log(1 - z)], fused with sigmoid.

    ``label_smoothing`` ε uses t (1 - ε) + ε / 2.
    """

    fused_activation = "sigmoid"

    def _smooth(self, t):
        return t * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing \
            if self.label_smoothing else t

    def _over_outputs(self, values):
        """A sample's loss from its outputs' terms: Keras's mean over the outputs."""
        return values.mean(axis=-1)

    def _outputs_divisor(self, k: int) -> int:
        """∂(per-sample loss)/∂(one output's term): 1 / k for the mean."""
        return k

    def per_sample_from_probabilities(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        p = np.clip(y_pred, eps, 1.0 - eps)
        t = self._smooth(y_true)
        return self._over_outputs(-(t * np.log(p) + (1.0 - t) * np.log1p(-p)))

    def probability_gradient(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        p = np.clip(y_pred, eps, 1.0 - eps)
        return (p - self._smooth(y_true)) / (p * (1.0 - p)) \
            / self._outputs_divisor(y_pred.shape[-1])

    def per_sample_from_logits(self, y_true, logits):
        # -[t log σ(z) + (1-t) log(1-σ(z))] = max(z, 0) - z t + log(1 + e^-|z|)
        z, t = logits, self._smooth(y_true)
        return self._over_outputs(np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z))))

    def fused(self, y_true, logits, sample_weight=None, reduce=True):
        p = activations.get("sigmoid").forward(logits)
        delta = p - self._smooth(y_true)  # δ = σ(z) - t
        delta /= self._outputs_divisor(logits.shape[-1])
        if not reduce:
            return None, p, delta
        loss = self.reduce(self.per_sample_from_logits(y_true, logits), sample_weight)
        delta *= self._row_scale(sample_weight, logits.shape[-2])
        return loss, (logits if self.from_logits else p), delta


@LOSSES.register("multilabel_log_loss")
class MultilabelLogLoss(BinaryCrossentropy):
    """scikit-learn's log-loss of multilabel rows: the binary cross-entropies of a row's
    labels summed, not averaged as Keras's ``binary_crossentropy`` does.

    E = -(1/N) Σn Σk [t log z + (1 - t) log(1 - z)]  (MLPClassifier's ``binary_log_loss``)

    >>> import numpy as np
    >>> t, z = np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]])
    >>> round(float(MultilabelLogLoss().value_from_logits(t, z)), 6)  # 2 log 2
    1.386294
    """

    def _over_outputs(self, values):
        return values.sum(axis=-1)

    def _outputs_divisor(self, k: int) -> int:
        return 1


@LOSSES.register("kl_divergence", "kld", "kullback_leibler_divergence")
class KLDivergence(Loss):
    """E = (1/N) Σn Σk t log(t / y), with t and y clipped to [ε, 1] as Keras does."""

    def per_sample(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        t = np.clip(y_true, eps, 1.0)
        return (t * np.log(t / np.clip(y_pred, eps, 1.0))).sum(axis=-1)

    def sample_gradient(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        t = np.clip(y_true, eps, 1.0)
        inside = (y_pred >= eps) & (y_pred <= 1.0)
        return np.where(inside, -t / np.clip(y_pred, eps, 1.0), 0.0)


@LOSSES.register("half_poisson_deviance")
class HalfPoissonDeviance(Loss):
    """MLPRegressor's Poisson loss: half the Poisson deviance, summed over the outputs,
    fused with an exponential output (the log link).

    l_n = Σk [t log(t / y) - t + y]   (0 at y = t; t log t is 0 at t = 0)

    Fused with e^α its gradient is the canonical δ = y - t, as seed 000's z - t.
    """

    fused_activation = "exponential"

    def per_sample(self, y_true, y_pred):
        eps = _epsilon(y_pred.dtype)
        return (_xlogy(y_true, y_true / np.maximum(y_pred, eps)) - y_true + y_pred).sum(axis=-1)

    def sample_gradient(self, y_true, y_pred):
        return 1.0 - y_true / np.maximum(y_pred, _epsilon(y_pred.dtype))

    def per_sample_from_logits(self, y_true, logits):
        # with y = e^α: t log t - t α - t + e^α
        return (_xlogy(y_true, y_true) - y_true * logits - y_true
                + np.exp(logits)).sum(axis=-1)

    def fused(self, y_true, logits, sample_weight=None, reduce=True):
        y = np.exp(logits)
        delta = y - y_true  # δ = e^α - t
        if not reduce:
            return None, y, delta
        loss = self.reduce(self.per_sample_from_logits(y_true, logits), sample_weight)
        delta *= self._row_scale(sample_weight, logits.shape[-2])
        return loss, y, delta


def _xlogy(x, y):
    """x log y, with 0 where x is 0 (as scipy.special.xlogy)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y)))


@LOSSES.register("poisson")
class Poisson(_Elementwise):
    """e = y - t log(y + ε): the negative log-likelihood of counts t with mean y."""

    def elementwise(self, t, y):
        return y - t * np.log(y + _epsilon(y.dtype))

    def derivative(self, t, y):
        return 1.0 - t / (y + _epsilon(y.dtype))
