"""Activation functions, each with its derivative written right under it.

``forward(alpha)`` maps a cell's weighted sum α (the seed's "input sum") to its output
y = f(α). ``derivative(alpha, y)`` returns f'(α) elementwise, given both α and the
already computed y so that sigmoid and tanh can reuse their output. ``backward``
applies the chain rule: δ = ∂E/∂y ⊙ f'(α) (seed 001: δ1 = (W2ᵀδ2) ⊙ f1'(z1), where
its z1 is our α). Softmax is the exception: its Jacobian is not diagonal, so it
overrides ``backward``. The symbol z is kept for what seed 000 calls z: the softmax
output, the class probabilities.

>>> import numpy as np
>>> sig = get("sigmoid")
>>> float(sig(np.array(0.0)))
0.5
>>> float(sig.derivative(np.array(0.0), sig(np.array(0.0))))
0.25
"""

from __future__ import annotations

import numpy as np

from ._registry import Configurable, Registry
from .rowops import row_max, row_sum


class Activation(Configurable):
    """Base class: y = f(α) and its derivative f'(α)."""

    def __call__(self, alpha: np.ndarray) -> np.ndarray:
        return self.forward(alpha)

    def forward(self, alpha: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, alpha: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_y: np.ndarray, alpha: np.ndarray, y: np.ndarray) -> np.ndarray:
        """δ = ∂E/∂y ⊙ f'(α)."""
        return grad_y * self.derivative(alpha, y)


ACTIVATIONS = Registry("activation", Activation)


def _sigmoid(alpha):
    # σ(α) = 1 / (1 + e^-α), written as exp(-log(1 + e^-α)) so it never overflows
    # and keeps full relative precision for very negative α.
    return np.exp(-np.logaddexp(0.0, -alpha))


@ACTIVATIONS.register("linear", "identity")
class Linear(Activation):
    def forward(self, alpha):
        return alpha

    def derivative(self, alpha, y):
        return np.ones_like(alpha)

    def backward(self, grad_y, alpha, y):
        return grad_y


@ACTIVATIONS.register("sigmoid", "logistic")
class Sigmoid(Activation):
    def forward(self, alpha):
        return _sigmoid(alpha)

    def derivative(self, alpha, y):
        return y * (1.0 - y)  # σ'(α) = σ(α)(1 - σ(α))  (seed 000)


@ACTIVATIONS.register("tanh")
class Tanh(Activation):
    def forward(self, alpha):
        return np.tanh(alpha)

    def derivative(self, alpha, y):
        return 1.0 - y * y  # tanh'(α) = 1 - tanh²(α)


@ACTIVATIONS.register("relu")
class ReLU(Activation):
    def forward(self, alpha):
        return np.maximum(alpha, 0.0)

    def derivative(self, alpha, y):
        return (alpha > 0).astype(alpha.dtype)  # 1 if α > 0 else 0 (0 at the kink, as Keras)

    def backward(self, grad_y, alpha, y):
        return np.where(alpha > 0, grad_y, 0.0).astype(grad_y.dtype, copy=False)


@ACTIVATIONS.register("leaky_relu")
class LeakyReLU(Activation):
    """max(s·α, α) with negative slope s (0.01 as seed 001 and PyTorch; Keras 3's
    function uses 0.2). ``alpha`` is accepted as the Keras 2 name of the slope."""

    _config = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01, alpha=None):
        from .validation import check_number

        if alpha is not None:
            negative_slope = alpha
        self.negative_slope = check_number("negative_slope", negative_slope, minimum=0.0)

    def forward(self, alpha):
        return np.where(alpha > 0, alpha, self.negative_slope * alpha)  # max(s·α, α)

    def derivative(self, alpha, y):
        return np.where(alpha > 0, 1.0, self.negative_slope).astype(alpha.dtype)


@ACTIVATIONS.register("swish", "silu")
class Swish(Activation):
    def forward(self, alpha):
        return alpha * _sigmoid(alpha)  # α σ(α)

    def derivative(self, alpha, y):
        s = _sigmoid(alpha)
        return s * (1.0 + alpha * (1.0 - s))  # σ + α σ (1 - σ)


@ACTIVATIONS.register("elu")
class ELU(Activation):
    """α if α > 0, else a·(e^α - 1), with a = ``alpha`` (Keras's name for it)."""

    _config = ("alpha",)

    def __init__(self, alpha: float = 1.0):
        from .validation import check_number

        self.alpha = check_number("alpha", alpha, minimum=0.0)

    def forward(self, alpha):
        a = self.alpha
        return np.where(alpha > 0, alpha, a * np.expm1(np.minimum(alpha, 0.0)))

    def derivative(self, alpha, y):
        return np.where(alpha > 0, 1.0, y + self.alpha).astype(alpha.dtype)  # a e^α = y + a


@ACTIVATIONS.register("softplus")
class Softplus(Activation):
    def forward(self, alpha):
        return np.logaddexp(0.0, alpha)  # log(1 + e^α)

    def derivative(self, alpha, y):
        return _sigmoid(alpha)


def log_softmax(alpha: np.ndarray) -> np.ndarray:
    """log S(α)_k = α_k - log Σ_l e^{α_l}, by log-sum-exp so no e^α overflows."""
    shifted = alpha - row_max(alpha, keepdims=True)
    return shifted - np.log(row_sum(np.exp(shifted), keepdims=True))


@ACTIVATIONS.register("softmax")
class Softmax(Activation):
    """z_k = S(α)_k = e^{α_k} / Σ_l e^{α_l} over the last axis (the classes)."""

    def forward(self, alpha):
        e = np.exp(alpha - row_max(alpha, keepdims=True))
        e /= row_sum(e, keepdims=True)
        return e

    def derivative(self, alpha, y):
        raise NotImplementedError("softmax has a full Jacobian; use backward()")

    def backward(self, grad_y, alpha, y):
        # ∂z_l/∂α_k = z_l(δ_lk - z_k) (seed 000, where the output's α is β), so
        # δ = z ⊙ (∂E/∂z - Σ_l ∂E/∂z_l z_l)
        return y * (grad_y - row_sum(grad_y * y, keepdims=True))


def get(identifier) -> Activation:
    """Return an activation from a name, a config dict, an instance or None (linear)."""
    if identifier is None:
        return Linear()
    return ACTIVATIONS.get(identifier)


def names() -> list[str]:
    return ACTIVATIONS.names()
