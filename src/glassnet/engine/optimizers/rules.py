"""The optimisers, in order of increasing complexity, each one published update rule.

Symbols: w weight, g gradient, η learning rate, t step count (1-based).
Defaults and names follow Keras. Each rule's formula is in its docstring; the code
computes it in place, using ``buf`` for intermediates (see ``base.py``).
"""

from __future__ import annotations

import math

import numpy as np

from ...base.errors import ConfigError
from ...base.validation import check_number
from .base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("sgd")
class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum.

    Plain: w ← w - η g (seed 000's update a ← a - lr ∂E/∂a; with a batch of all the rows
    it is batch gradient descent). Momentum μ (Keras form): v ← μ v - η g; w ← w + v.
    Nesterov: w ← w + μ v - η g.
    """

    _config = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum = check_number("momentum", momentum, minimum=0.0, maximum=1.0)
        self.nesterov = bool(nesterov)

    def init_state(self, w):
        return {"velocity": np.zeros_like(w)} if self.momentum else {}

    def _step(self, w, g, state, lr, t, buf):
        np.multiply(g, lr, out=buf)  # η g
        if not self.momentum:
            w -= buf  # w ← w - η g
            return
        v = state["velocity"]
        v *= self.momentum
        v -= buf  # v ← μ v - η g
        if self.nesterov:
            w -= buf
            np.multiply(v, self.momentum, out=buf)
            w += buf  # w ← w + μ v - η g
        else:
            w += v  # w ← w + v


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    """G ← G + g²; w ← w - η g / √(G + ε)   (seed 001), G starting at 0.1 as in Keras."""

    _config = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = check_number(
            "initial_accumulator_value", initial_accumulator_value, minimum=0.0)
        self.epsilon = check_number("epsilon", epsilon, minimum=0.0)

    def init_state(self, w):
        return {"accumulator": np.full_like(w, self.initial_accumulator_value)}

    def _step(self, w, g, state, lr, t, buf):
        G = state["accumulator"]
        np.multiply(g, g, out=buf)
        G += buf  # G ← G + g²
        np.add(G, self.epsilon, out=buf)
        np.sqrt(buf, out=buf)
        np.divide(g, buf, out=buf)
        buf *= lr
        w -= buf  # w ← w - η g / √(G + ε)


@OPTIMIZERS.register("rmsprop")
class RMSprop(Optimizer):
    """v ← ρ v + (1-ρ) g²; w ← w - η g / √(v + ε)  (Keras's form).

    centered: also m ← ρ m + (1-ρ) g and divide by √(v - m² + ε).
    momentum μ: u ← μ u + η g / √(...); w ← w - u.
    """

    _config = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = check_number("rho", rho, minimum=0.0, maximum=1.0)
        self.momentum = check_number("momentum", momentum, minimum=0.0, maximum=1.0)
        self.epsilon = check_number("epsilon", epsilon, minimum=0.0)
        self.centered = bool(centered)

    def init_state(self, w):
        state = {"velocity": np.zeros_like(w)}
        if self.centered:
            state["average_gradient"] = np.zeros_like(w)
        if self.momentum:
            state["momentum"] = np.zeros_like(w)
        return state

    def _step(self, w, g, state, lr, t, buf):
        v = state["velocity"]
        _second_moment(v, g, self.rho, buf)  # v ← ρ v + (1-ρ) g²
        if self.centered:
            m = state["average_gradient"]
            m *= self.rho
            np.multiply(g, 1.0 - self.rho, out=buf)
            m += buf  # m ← ρ m + (1-ρ) g
            np.multiply(m, m, out=buf)
            np.subtract(v, buf, out=buf)  # v - m²
        else:
            np.copyto(buf, v)
        buf += self.epsilon
        np.sqrt(buf, out=buf)
        np.divide(g, buf, out=buf)
        buf *= lr  # η g / √(v + ε)
        if self.momentum:
            u = state["momentum"]
            u *= self.momentum
            u += buf
            w -= u
        else:
            w -= buf


@OPTIMIZERS.register("adadelta")
class Adadelta(Optimizer):
    """Zeiler (2012): E[g²] ← ρE[g²] + (1-ρ)g²; Δ = √(E[Δ²]+ε)/√(E[g²]+ε) · g;
    E[Δ²] ← ρE[Δ²] + (1-ρ)Δ²; w ← w - η Δ."""

    _config = ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = check_number("rho", rho, minimum=0.0, maximum=1.0)
        self.epsilon = check_number("epsilon", epsilon, minimum=0.0)

    def init_state(self, w):
        return {"accumulated_grad": np.zeros_like(w), "accumulated_delta": np.zeros_like(w),
                "delta": np.zeros_like(w)}

    def _step(self, w, g, state, lr, t, buf):
        eg, ed, delta = state["accumulated_grad"], state["accumulated_delta"], state["delta"]
        _second_moment(eg, g, self.rho, buf)  # E[g²] ← ρE[g²] + (1-ρ)g²
        np.add(ed, self.epsilon, out=delta)
        np.sqrt(delta, out=delta)
        np.add(eg, self.epsilon, out=buf)
        np.sqrt(buf, out=buf)
        delta /= buf
        delta *= g  # Δ = √(E[Δ²]+ε)/√(E[g²]+ε) · g
        ed *= self.rho
        np.multiply(delta, delta, out=buf)
        buf *= 1.0 - self.rho
        ed += buf  # E[Δ²] ← ρE[Δ²] + (1-ρ)Δ²
        np.multiply(delta, lr, out=buf)
        w -= buf


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    """Kingma & Ba (2015), with bias correction folded into the step size:

    m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²;
    η_t = η √(1-β2^t) / (1-β1^t);  w ← w - η_t m / (√v + ε).

    amsgrad: v̂ ← max(v̂, v) replaces v in the step.
    """

    _config = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = check_number("beta_1", beta_1, minimum=0.0, maximum=1.0,
                                   exclusive_maximum=True)
        self.beta_2 = check_number("beta_2", beta_2, minimum=0.0, maximum=1.0,
                                   exclusive_maximum=True)
        self.epsilon = check_number("epsilon", epsilon, minimum=0.0)
        self.amsgrad = bool(amsgrad)

    def init_state(self, w):
        state = {"m": np.zeros_like(w), "v": np.zeros_like(w)}
        if self.amsgrad:
            state["v_hat"] = np.zeros_like(w)
        return state

    def _step(self, w, g, state, lr, t, buf):
        m, v = state["m"], state["v"]
        _first_moment(m, g, self.beta_1, buf)  # m ← β1 m + (1-β1) g
        _second_moment(v, g, self.beta_2, buf)  # v ← β2 v + (1-β2) g²
        if self.amsgrad:
            np.maximum(state["v_hat"], v, out=state["v_hat"])
            v = state["v_hat"]
        # a Python float, so a float32 model steps in float32 (NumPy's float64 scalar
        # would promote the product)
        step_size = lr * math.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        np.sqrt(v, out=buf)
        buf += self.epsilon
        np.divide(m, buf, out=buf)
        buf *= step_size
        w -= buf  # w ← w - η_t m / (√v + ε)


@OPTIMIZERS.register("adamw")
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): w ← w - η λ w, then Adam."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, **kwargs):
        if weight_decay is None:  # Keras raises too: AdamW without decay is Adam
            raise ConfigError("Argument `weight_decay` must be a float. Received: "
                              "weight_decay=None")
        super().__init__(learning_rate, weight_decay=weight_decay, **kwargs)


class _AdamFamily(Optimizer):
    """Shared constructor of Adamax and Nadam: β1, β2, ε with Keras's checks."""

    _config = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = check_number("beta_1", beta_1, minimum=0.0, maximum=1.0,
                                   exclusive_maximum=True)
        self.beta_2 = check_number("beta_2", beta_2, minimum=0.0, maximum=1.0,
                                   exclusive_maximum=True)
        self.epsilon = check_number("epsilon", epsilon, minimum=0.0)


@OPTIMIZERS.register("adamax")
class Adamax(_AdamFamily):
    """Adam with the infinity norm (Kingma & Ba 2015, section 7):

    m ← β1 m + (1-β1) g;  u ← max(β2 u, |g|);  w ← w - η m / ((1-β1^t)(u + ε)).
    """

    def init_state(self, w):
        return {"m": np.zeros_like(w), "u": np.zeros_like(w)}

    def _step(self, w, g, state, lr, t, buf):
        m, u = state["m"], state["u"]
        _first_moment(m, g, self.beta_1, buf)  # m ← β1 m + (1-β1) g
        u *= self.beta_2
        np.maximum(u, np.abs(g, out=buf), out=u)  # u ← max(β2 u, |g|)
        np.add(u, self.epsilon, out=buf)
        np.divide(m, buf, out=buf)
        buf *= lr / (1.0 - self.beta_1**t)
        w -= buf  # w ← w - η m / ((1-β1^t)(u + ε))


@OPTIMIZERS.register("nadam")
class Nadam(_AdamFamily):
    """Adam with Nesterov momentum (Dozat 2016), in Keras's form with a momentum
    schedule u_t = β1 (1 - ½ 0.96^t) and Π_t = u_1 ⋯ u_t:

    m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²;
    m̂ = u_{t+1} m / (1 - Π_t u_{t+1}) + (1 - u_t) g / (1 - Π_t);  v̂ = v / (1 - β2^t);
    w ← w - η m̂ / (√v̂ + ε).
    """

    def init_state(self, w):
        # Π_t is one number shared by every weight; each keeps a copy so it is saved
        # with the rest of the state
        return {"m": np.zeros_like(w), "v": np.zeros_like(w),
                "u_product": np.ones((), dtype=w.dtype)}

    def momentum(self, t):
        """Keras's momentum schedule: u_t = β1 (1 - ½ 0.96^t)."""
        return self.beta_1 * (1.0 - 0.5 * 0.96**t)

    def coefficients(self, t, u_product):
        """The scalars of step t, given Π_{t-1} = u_1 ⋯ u_{t-1}: (c_m, c_g, Π_t) with
        m̂ = c_m m + c_g g. The one place of the schedule: the rule below and the fused
        kernel (``kernels.py``) both take their numbers from here.

        >>> c_m, c_g, product = Nadam(beta_1=0.9).coefficients(1, 1.0)
        >>> round(c_g, 12), round(product, 4)  # (1 - u_1) / (1 - Π_1) = 1;  Π_1 = u_1
        (1.0, 0.468)
        """
        u_t, u_next = self.momentum(t), self.momentum(t + 1)
        product = u_product * u_t  # Π_t = Π_{t-1} u_t
        return u_next / (1.0 - product * u_next), (1.0 - u_t) / (1.0 - product), product

    def _step(self, w, g, state, lr, t, buf):
        m, v = state["m"], state["v"]
        coef_m, coef_g, product = self.coefficients(t, float(state["u_product"]))
        state["u_product"][...] = product
        _first_moment(m, g, self.beta_1, buf)  # m ← β1 m + (1-β1) g
        _second_moment(v, g, self.beta_2, buf)  # v ← β2 v + (1-β2) g²
        np.divide(v, 1.0 - self.beta_2**t, out=buf)
        np.sqrt(buf, out=buf)
        buf += self.epsilon  # √v̂ + ε
        # (the one temporary array of the step: m̂ needs a second scratch array)
        m_hat = m * coef_m + g * coef_g  # m̂ = c_m m + c_g g
        m_hat /= buf
        m_hat *= lr
        w -= m_hat  # w ← w - η m̂ / (√v̂ + ε)


def _first_moment(m, g, beta, buf):
    """m ← β m + (1-β) g, in place (``buf`` is scratch)."""
    m *= beta
    np.multiply(g, 1.0 - beta, out=buf)
    m += buf


def _second_moment(v, g, beta, buf):
    """v ← β v + (1-β) g², in place (``buf`` is scratch)."""
    v *= beta
    np.multiply(g, g, out=buf)
    buf *= 1.0 - beta
    v += buf
