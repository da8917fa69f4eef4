"""Activation functions, each with its derivative written right under it.

``forward(z)`` maps a pre-activation (the seed's "input sum" α) to the cell's output
y = f(z). ``derivative(z, y)`` returns f'(z) elementwise, given both z and the
already computed y so that sigmoid and tanh can reuse their output. ``backward``
applies the chain rule: δ_z = δ_y ⊙ f'(z) (seed 001: δ1 = (W2ᵀδ2) ⊙ f1'(z1)).
Softmax is the exception: its Jacobian is not diagonal, so it overrides ``backward``.

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
    """Base class: y = f(z) and its derivative f'(z)."""

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.forward(z)

    def forward(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """δ_z = δ_y ⊙ f'(z)."""
        return grad_y * self.derivative(z, y)


ACTIVATIONS = Registry("activation", Activation)


def _sigmoid(z):
    # σ(z) = 1 / (1 + e^-z), written as exp(-log(1 + e^-z)) so it never overflows
    # and keeps full relative precision for very negative z.
    return np.exp(-np.logaddexp(0.0, -z))


@ACTIVATIONS.register("linear", "identity")
class Linear(Activation):
    def forward(self, z):
        return z

    def derivative(self, z, y):
        return np.ones_like(z)

    def backward(self, grad_y, z, y):
        return grad_y


@ACTIVATIONS.register("sigmoid", "logistic")
class Sigmoid(Activation):
    def forward(self, z):
        return _sigmoid(z)

    def derivative(self, z, y):
        return y * (1.0 - y)  # σ'(z) = σ(z)(1 - σ(z))  (seed 000)


@ACTIVATIONS.register("tanh")
class Tanh(Activation):
    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z, y):
        return 1.0 - y * y  # tanh'(z) = 1 - tanh²(z)


@ACTIVATIONS.register("relu")
class ReLU(Activation):
    def forward(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z, y):
        return (z > 0).astype(z.dtype)  # 1 if z > 0 else 0 (0 at the kink, as Keras)

    def backward(self, grad_y, z, y):
        return np.where(z > 0, grad_y, 0.0).astype(grad_y.dtype, copy=False)


@ACTIVATIONS.register("leaky_relu")
class LeakyReLU(Activation):
    _config = ("alpha",)

    def __init__(self, alpha: float = 0.01):
        from .validation import check_number

        self.alpha = check_number("alpha", alpha, minimum=0.0)

    def forward(self, z):
        return np.where(z > 0, z, self.alpha * z)  # max(αz, z)

    def derivative(self, z, y):
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)


@ACTIVATIONS.register("swish", "silu")
class Swish(Activation):
    def forward(self, z):
        return z * _sigmoid(z)  # z σ(z)

    def derivative(self, z, y):
        s = _sigmoid(z)
        return s * (1.0 + z * (1.0 - s))  # σ + z σ (1 - σ)


@ACTIVATIONS.register("elu")
class ELU(Activation):
    _config = ("alpha",)

    def __init__(self, alpha: float = 1.0):
        from .validation import check_number

        self.alpha = check_number("alpha", alpha, minimum=0.0)

    def forward(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z, y):
        return np.where(z > 0, 1.0, y + self.alpha).astype(z.dtype)  # α e^z = y + α


@ACTIVATIONS.register("softplus")
class Softplus(Activation):
    def forward(self, z):
        return np.logaddexp(0.0, z)  # log(1 + e^z)

    def derivative(self, z, y):
        return _sigmoid(z)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log S(z)_k = z_k - log Σ_l e^{z_l}, by log-sum-exp so no e^z overflows."""
    shifted = z - row_max(z, keepdims=True)
    return shifted - np.log(row_sum(np.exp(shifted), keepdims=True))


@ACTIVATIONS.register("softmax")
class Softmax(Activation):
    """S(z)_k = e^{z_k} / Σ_l e^{z_l} over the last axis (the classes)."""

    def forward(self, z):
        e = np.exp(z - row_max(z, keepdims=True))
        e /= row_sum(e, keepdims=True)
        return e

    def derivative(self, z, y):
        raise NotImplementedError("softmax has a full Jacobian; use backward()")

    def backward(self, grad_y, z, y):
        # ∂z_l/∂β_k = z_l(δ_lk - z_k) (seed 000), so δ_β = y ⊙ (δ_y - Σ_l δ_y,l y_l)
        return y * (grad_y - row_sum(grad_y * y, keepdims=True))


def get(identifier) -> Activation:
    """Return an activation from a name, a config dict, an instance or None (linear)."""
    if identifier is None:
        return Linear()
    return ACTIVATIONS.get(identifier)


def names() -> list[str]:
    return ACTIVATIONS.names()
