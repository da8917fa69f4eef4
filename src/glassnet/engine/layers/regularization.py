"""Dropout and BatchNormalization: layers that behave differently while training."""

from __future__ import annotations

import numpy as np

from ...base.validation import check_number
from .. import initializers
from .base import LAYERS, Layer


@LAYERS.register("Dropout")
class Dropout(Layer):
    """Inverted dropout: while training, zero each value with probability ``rate``
    and scale the survivors by 1/(1 - rate); at inference, do nothing.

    The mask comes from the model's seeded generator (or from ``seed``), so the same
    seed gives the same masks. A forward pass with explicit weights (numerical
    differentiation) reuses the mask of the last one, so it sees the network backprop saw.

    >>> import numpy as np
    >>> layer = Dropout(0.5, seed=0)
    >>> layer.build(4, np.random.default_rng(0), "float64")
    >>> y = layer.forward(np.ones((1000, 4)), training=True)
    >>> sorted(set(y.ravel().tolist()))
    [0.0, 2.0]
    """

    def __init__(self, rate, seed=None, name=None):
        super().__init__(name)
        self.rate = check_number("rate", rate, minimum=0.0, maximum=1.0, exclusive_maximum=True)
        if seed is not None:
            seed = check_number("seed", seed, minimum=0, integer=True)
        self.seed = seed
        self._mask = None

    def build(self, input_dim, rng, dtype):
        super().build(input_dim, rng, dtype)
        self._rng = np.random.default_rng(self.seed) if self.seed is not None else rng.spawn(1)[0]

    def forward(self, x, training=False, weights=None):
        if not training or self.rate == 0.0:
            if weights is None:
                self._mask = None
            return x
        if weights is None:  # a new mask; explicit weights replay the last one
            keep = 1.0 - self.rate
            self._mask = (self._rng.random(x.shape, dtype=np.float64) < keep).astype(x.dtype)
            self._mask /= x.dtype.type(keep)
        return x if self._mask is None else x * self._mask

    def backward(self, grad_output, input_grad=True):
        return grad_output if self._mask is None else grad_output * self._mask

    def get_config(self):
        return {"name": self.name, "rate": self.rate, "seed": self.seed}


@LAYERS.register("BatchNormalization", "batch_normalization")
class BatchNormalization(Layer):
    """Batch normalisation (seed 001): y = γ (x - μ_B) / √(σ²_B + ε) + β.

    While training, μ_B and σ²_B are the batch mean and (biased) variance of each
    feature, and the moving averages move toward them by ``1 - momentum`` after each
    step (Keras's convention), inside the training forward pass; at inference the moving
    averages are used.
    Weights in Keras order: gamma (if ``scale``), beta (if ``center``), moving_mean,
    moving_variance (the last two are not trainable); without ``scale`` γ is 1, without
    ``center`` β is 0, and they are not weights at all, as in Keras. A frozen layer
    (``trainable = False``) normalises with its moving averages even while training,
    as Keras's does.
    """

    def __init__(self, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 gamma_initializer="ones", beta_initializer="zeros", name=None):
        super().__init__(name)
        self.momentum = check_number("momentum", momentum, minimum=0.0, maximum=1.0)
        self.epsilon = check_number("epsilon", epsilon, minimum=0.0, exclusive_minimum=True)
        self.center, self.scale = bool(center), bool(scale)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_initializer = initializers.get(beta_initializer)

    @property
    def weight_names(self):
        return (("gamma",) * self.scale + ("beta",) * self.center
                + ("moving_mean", "moving_variance"))

    def create_weights(self, rng):
        n = (self.input_dim,)
        weights = []
        if self.scale:
            weights.append(self.gamma_initializer(n, rng, self.dtype))
        if self.center:
            weights.append(self.beta_initializer(n, rng, self.dtype))
        weights += [np.zeros(n, self.dtype), np.ones(n, self.dtype)]
        self.weight_trainable = [True] * (self.scale + self.center) + [False, False]
        return weights

    def _named(self, weights):
        """{name: array} of the given (or own) weights; γ = 1 and β = 0 when absent."""
        named = dict(zip(self.weight_names, self.weights if weights is None else weights))
        named.setdefault("gamma", 1.0)
        named.setdefault("beta", 0.0)
        return named

    def forward(self, x, training=False, weights=None):
        w = self._named(weights)
        training = training and not self._frozen
        if training:
            mean = x.mean(axis=-2, keepdims=True)  # μ_B over the samples of the batch
            var = x.var(axis=-2, keepdims=True)  # σ²_B (biased, as Keras)
        else:
            mean, var = w["moving_mean"], w["moving_variance"]
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        x_hat = (x - mean) * inv_std  # x̂ = (x - μ) / √(σ² + ε)
        if weights is None:
            self._x_hat, self._inv_std, self._training = x_hat, inv_std, training
            if training:  # moving averages step toward the batch's: m ← m·p + μ_B·(1 - p)
                p = self.dtype.type(self.momentum)
                w["moving_mean"] *= p
                w["moving_mean"] += (1 - p) * mean[0]
                w["moving_variance"] *= p
                w["moving_variance"] += (1 - p) * var[0]
        return w["gamma"] * x_hat + w["beta"]  # y = γ x̂ + β

    def backward(self, grad_output, input_grad=True):
        x_hat = self._x_hat
        grads = dict(zip(self.weight_names, self.grads))
        if grads.get("gamma") is not None:
            (grad_output * x_hat).sum(axis=0, out=grads["gamma"])  # ∂E/∂γ = Σ δ x̂
        if grads.get("beta") is not None:
            grad_output.sum(axis=0, out=grads["beta"])  # ∂E/∂β = Σ δ
        if not input_grad:
            return None
        grad_x_hat = grad_output * self._named(None)["gamma"]
        if not self._training:
            return grad_x_hat * self._inv_std
        # Through μ_B and σ²_B: ∂E/∂x = (1/N)(1/σ)(N ĝ - Σ ĝ - x̂ Σ ĝ x̂), ĝ = ∂E/∂x̂
        n = grad_output.shape[0]
        return (self._inv_std / n) * (
            n * grad_x_hat
            - grad_x_hat.sum(axis=0)
            - x_hat * (grad_x_hat * x_hat).sum(axis=0)
        )

    def get_config(self):
        return {
            "name": self.name,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "gamma_initializer": self.gamma_initializer.get_config(),
            "beta_initializer": self.beta_initializer.get_config(),
        }
