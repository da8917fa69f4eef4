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
    """max(αz, z) with α = 0.01 by default (seed 001, PyTorch; Keras 3 uses 0.2).
    ``negative_slope`` is Keras 3's name for α."""

    _config = ("alpha",)

    def __init__(self, alpha: float = 0.01, negative_slope: float | None = None):
        from .validation import check_number

        if negative_slope is not None:
            alpha = negative_slope
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


@ACTIVATIONS.register("selu")
class SELU(Activation):
    """λ z for z > 0, λ α (e^z - 1) otherwise (Klambauer et al. 2017's constants)."""

    ALPHA = 1.6732632423543772848170429916717
    SCALE = 1.0507009873554804934193349852946

    def forward(self, z):
        return self.SCALE * np.where(z > 0, z, self.ALPHA * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z, y):
        return np.where(z > 0, self.SCALE, y + self.SCALE * self.ALPHA).astype(z.dtype)


@ACTIVATIONS.register("relu6")
class ReLU6(Activation):
    """min(max(z, 0), 6)."""

    def forward(self, z):
        return np.clip(z, 0.0, 6.0)

    def derivative(self, z, y):
        return ((z > 0) & (z < 6)).astype(z.dtype)


@ACTIVATIONS.register("hard_sigmoid")
class HardSigmoid(Activation):
    """Keras 3's piecewise-linear sigmoid: clip(z / 6 + ½, 0, 1) = relu6(z + 3) / 6."""

    def forward(self, z):
        return np.clip(z / 6.0 + 0.5, 0.0, 1.0)

    def derivative(self, z, y):
        return np.where((z > -3) & (z < 3), 1.0 / 6.0, 0.0).astype(z.dtype)


@ACTIVATIONS.register("softsign")
class Softsign(Activation):
    """z / (1 + |z|)."""

    def forward(self, z):
        return z / (1.0 + np.abs(z))

    def derivative(self, z, y):
        return 1.0 / (1.0 + np.abs(z)) ** 2


@ACTIVATIONS.register("mish")
class Mish(Activation):
    """z tanh(softplus(z)) (Misra 2019)."""

    def forward(self, z):
        return z * np.tanh(np.logaddexp(0.0, z))

    def derivative(self, z, y):
        t = np.tanh(np.logaddexp(0.0, z))
        return t + z * (1.0 - t * t) * _sigmoid(z)  # softplus' = σ


@ACTIVATIONS.register("gelu")
class GELU(Activation):
    """z Φ(z), Φ the standard normal CDF (Hendrycks & Gimpel 2016). With
    ``approximate=True``: ½ z (1 + tanh(√(2/π) (z + 0.044715 z³)))."""

    _config = ("approximate",)
    _C = np.sqrt(2.0 / np.pi)

    def __init__(self, approximate: bool = False):
        self.approximate = bool(approximate)

    def forward(self, z):
        if self.approximate:
            return 0.5 * z * (1.0 + np.tanh(self._C * (z + 0.044715 * z**3)))
        return z * 0.5 * (1.0 + _erf(z / np.sqrt(2.0)))

    def derivative(self, z, y):
        if self.approximate:
            t = np.tanh(self._C * (z + 0.044715 * z**3))
            return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * self._C * (1.0 + 0.134145 * z * z)
        # Φ(z) + z φ(z)
        return 0.5 * (1.0 + _erf(z / np.sqrt(2.0))) + z * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


def _erf(x):
    """The error function to ~1e-14, NumPy only: its Taylor series below 2.5, Laplace's
    continued fraction for erfc above."""
    x = np.asarray(x)
    a = np.abs(x).astype(np.float64)
    out = np.empty_like(a)
    small = a < 2.5
    s = a[small]
    term, total = s.copy(), s.copy()
    for n in range(1, 48):  # erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
        term *= -s * s / n
        total += term / (2 * n + 1)
    out[small] = total * (2.0 / np.sqrt(np.pi))
    b = a[~small]
    fraction = b.copy()
    for k in range(80, 0, -1):  # erfc(x) = e^(-x²)/√π / (x + ½/(x + 1/(x + 3/2/(x + ...))))
        fraction = b + (k / 2.0) / fraction
    out[~small] = 1.0 - np.exp(-b * b) / np.sqrt(np.pi) / fraction
    return (np.sign(x) * out).astype(np.result_type(x, np.float32), copy=False)


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


# Keras's functional spellings: activations.relu(x), activations.gelu(x, approximate=True)
def linear(x):
    return Linear().forward(np.asarray(x))


def sigmoid(x):
    return _sigmoid(np.asarray(x))


def tanh(x):
    return np.tanh(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras's relu: x above ``threshold``, negative_slope (x - threshold) below, capped
    at ``max_value``."""
    x = np.asarray(x)
    y = np.where(x > threshold, x, negative_slope * (x - threshold))
    return y if max_value is None else np.minimum(y, max_value)


def leaky_relu(x, negative_slope=0.01):
    return LeakyReLU(negative_slope).forward(np.asarray(x))


def elu(x, alpha=1.0):
    return ELU(alpha).forward(np.asarray(x))


def softmax(x, axis=-1):
    x = np.moveaxis(np.asarray(x), axis, -1)
    return np.moveaxis(Softmax().forward(x), -1, axis)


def gelu(x, approximate=False):
    return GELU(approximate).forward(np.asarray(x))


def _functional(cls):
    def function(x):
        return cls().forward(np.asarray(x))

    function.__name__ = function.__qualname__ = cls.name
    function.__doc__ = cls.__doc__
    return function


swish = silu = _functional(Swish)
softplus, selu, relu6 = _functional(Softplus), _functional(SELU), _functional(ReLU6)
hard_sigmoid, softsign, mish = _functional(HardSigmoid), _functional(Softsign), _functional(Mish)


def get(identifier) -> Activation:
    """Return an activation from a name, a config dict, an instance or None (linear)."""
    if identifier is None:
        return Linear()
    if callable(identifier) and not isinstance(identifier, Activation):
        # a function of this module, as in Dense(4, activation=activations.relu)
        name = getattr(identifier, "__name__", "")
        if globals().get(name) is not identifier:
            from .errors import ConfigError

            raise ConfigError(f"activation {identifier!r} is a function glassnet does not know "
                              "the derivative of; give a name such as 'relu' or an Activation "
                              "subclass with forward() and derivative()")
        return ACTIVATIONS.get(name)
    return ACTIVATIONS.get(identifier)


def names() -> list[str]:
    return ACTIVATIONS.names()
