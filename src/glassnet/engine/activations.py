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

from ..base.registry import Configurable, Registry
from ..base.rowops import row_max, row_sum


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
    """max(α, 0). Keras's options: below ``threshold`` the slope is ``negative_slope``
    (y = s (α - θ)), and ``max_value`` caps y."""

    _config = ("max_value", "negative_slope", "threshold")

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0):
        from ..base.validation import check_number

        if max_value is not None:
            check_number("max_value", max_value, minimum=0.0)
        self.max_value = max_value
        self.negative_slope = check_number("negative_slope", negative_slope, minimum=0.0)
        self.threshold = check_number("threshold", threshold)
        self._plain = max_value is None and negative_slope == 0 and threshold == 0

    def forward(self, alpha):
        if self._plain:
            return np.maximum(alpha, 0.0)
        y = np.where(alpha > self.threshold, alpha, self.negative_slope * (alpha - self.threshold))
        return y if self.max_value is None else np.minimum(y, self.max_value)

    def derivative(self, alpha, y):
        if self._plain:
            return (alpha > 0).astype(alpha.dtype)  # 1 if α > 0 else 0 (0 at the kink, as Keras)
        slope = np.where(alpha > self.threshold, 1.0, self.negative_slope)
        if self.max_value is not None:
            slope = np.where(y < self.max_value, slope, 0.0)
        return slope.astype(alpha.dtype)

    def backward(self, grad_y, alpha, y):
        if not self._plain:
            return grad_y * self.derivative(alpha, y)
        # δ = ∂E/∂y where α > 0, else 0: one multiply by the mask (np.where with a
        # Python 0.0 is several times slower)
        return grad_y * (alpha > 0)

    def get_config(self):  # only what differs from plain max(α, 0)
        defaults = {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}
        return {"name": self.name, **{k: getattr(self, k) for k, v in defaults.items()
                                      if getattr(self, k) != v}}


@ACTIVATIONS.register("leaky_relu")
class LeakyReLU(Activation):
    """max(s·α, α) with negative slope s (0.01 as seed 001 and PyTorch; Keras 3's
    function uses 0.2). ``alpha`` is accepted as the Keras 2 name of the slope."""

    _config = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01, alpha=None):
        from ..base.validation import check_number

        if alpha is not None:
            negative_slope = alpha
        self.negative_slope = check_number("negative_slope", negative_slope, minimum=0.0)

    def forward(self, alpha):
        return np.where(alpha > 0, alpha, self.negative_slope * alpha)  # max(s·α, α)

    def derivative(self, alpha, y):
        slope = (alpha > 0).astype(alpha.dtype)  # 1 where α > 0, else s
        slope *= 1.0 - self.negative_slope
        slope += self.negative_slope
        return slope


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
        from ..base.validation import check_number

        self.alpha = check_number("alpha", alpha, minimum=0.0)

    def forward(self, alpha):
        a = self.alpha
        return np.where(alpha > 0, alpha, a * np.expm1(np.minimum(alpha, 0.0)))

    def derivative(self, alpha, y):
        return np.where(alpha > 0, 1.0, y + self.alpha).astype(alpha.dtype)  # a e^α = y + a


@ACTIVATIONS.register("exponential")
class Exponential(Activation):
    """e^α: the mean of counts under a log link (MLPRegressor's output for Poisson)."""

    def forward(self, alpha):
        return np.exp(alpha)

    def derivative(self, alpha, y):
        return y  # (e^α)' = e^α


@ACTIVATIONS.register("softplus")
class Softplus(Activation):
    def forward(self, alpha):
        return np.logaddexp(0.0, alpha)  # log(1 + e^α)

    def derivative(self, alpha, y):
        return _sigmoid(alpha)


@ACTIVATIONS.register("selu")
class SELU(Activation):
    """λ α for α > 0, else λ a (e^α - 1): Klambauer et al. (2017)'s λ = SCALE, a = ALPHA."""

    ALPHA = 1.6732632423543772848170429916717
    SCALE = 1.0507009873554804934193349852946

    def forward(self, alpha):
        negative = self.ALPHA * np.expm1(np.minimum(alpha, 0.0))
        return self.SCALE * np.where(alpha > 0, alpha, negative)

    def derivative(self, alpha, y):
        return np.where(alpha > 0, self.SCALE, y + self.SCALE * self.ALPHA).astype(alpha.dtype)


@ACTIVATIONS.register("relu6")
class ReLU6(Activation):
    """min(max(alpha, 0), 6)."""

    def forward(self, alpha):
        return np.clip(alpha, 0.0, 6.0)

    def derivative(self, alpha, y):
        return ((alpha > 0) & (alpha < 6)).astype(alpha.dtype)


@ACTIVATIONS.register("hard_sigmoid")
class HardSigmoid(Activation):
    """Keras 3's piecewise-linear sigmoid: clip(alpha / 6 + ½, 0, 1) = relu6(alpha + 3) / 6."""

    def forward(self, alpha):
        return np.clip(alpha / 6.0 + 0.5, 0.0, 1.0)

    def derivative(self, alpha, y):
        return np.where((alpha > -3) & (alpha < 3), 1.0 / 6.0, 0.0).astype(alpha.dtype)


@ACTIVATIONS.register("softsign")
class Softsign(Activation):
    """alpha / (1 + |alpha|)."""

    def forward(self, alpha):
        return alpha / (1.0 + np.abs(alpha))

    def derivative(self, alpha, y):
        return 1.0 / (1.0 + np.abs(alpha)) ** 2


@ACTIVATIONS.register("mish")
class Mish(Activation):
    """alpha tanh(softplus(alpha)) (Misra 2019)."""

    def forward(self, alpha):
        return alpha * np.tanh(np.logaddexp(0.0, alpha))

    def derivative(self, alpha, y):
        t = np.tanh(np.logaddexp(0.0, alpha))
        return t + alpha * (1.0 - t * t) * _sigmoid(alpha)  # softplus' = σ


@ACTIVATIONS.register("gelu")
class GELU(Activation):
    """alpha Φ(alpha), Φ the standard normal CDF (Hendrycks & Gimpel 2016). With
    ``approximate=True``: ½ alpha (1 + tanh(√(2/π) (alpha + 0.044715 z³)))."""

    _config = ("approximate",)
    _C = np.sqrt(2.0 / np.pi)

    def __init__(self, approximate: bool = False):
        self.approximate = bool(approximate)

    def forward(self, alpha):
        if self.approximate:
            return 0.5 * alpha * (1.0 + np.tanh(self._C * (alpha + 0.044715 * alpha**3)))
        return alpha * 0.5 * (1.0 + _erf(alpha / np.sqrt(2.0)))

    def derivative(self, alpha, y):
        if self.approximate:
            t = np.tanh(self._C * (alpha + 0.044715 * alpha**3))
            inner = self._C * (1.0 + 0.134145 * alpha * alpha)  # d/dα of the tanh argument
            return 0.5 * (1.0 + t) + 0.5 * alpha * (1.0 - t * t) * inner
        density = np.exp(-0.5 * alpha * alpha) / np.sqrt(2 * np.pi)  # φ(α)
        return 0.5 * (1.0 + _erf(alpha / np.sqrt(2.0))) + alpha * density  # Φ(α) + α φ(α)


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
    return ReLU(max_value, negative_slope, threshold).forward(np.asarray(x))


def leaky_relu(x, negative_slope=0.01):
    return LeakyReLU(negative_slope).forward(np.asarray(x))


def elu(x, alpha=1.0):
    return ELU(alpha).forward(np.asarray(x))


def softmax(x, axis=-1):
    """Softmax over ``axis``: one axis, or a tuple normalised jointly (as Keras)."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


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
            from ..base.errors import ConfigError

            raise ConfigError(f"activation {identifier!r} is a function glassnet does not know "
                              "the derivative of; give a name such as 'relu' or an Activation "
                              "subclass with forward() and derivative()")
        return ACTIVATIONS.get(name)
    return ACTIVATIONS.get(identifier)


def names() -> list[str]:
    return ACTIVATIONS.names()
