"""Fused optimiser updates: each rule of ``rules.py`` as one pass over flat arrays.

The readable NumPy rules in ``rules.py`` are the reference: one line per equation,
but each line is a pass over every weight (Adam makes about twelve). Here the same
equations run element by element in one loop, so each weight, gradient and state
value is read and written once per step. The loops are compiled by numba when it
is installed; without numba :func:`get` returns None and the optimiser runs the
readable rule instead.

Each loop is written over ``prange``: plain ``range`` in Python and in the one-thread
compilation, numba's parallel range in a second compilation that splits the weights
over numba's threads. Every element's update reads and writes only that element, so
both give the same numbers bit for bit, on any number of threads. :func:`step` takes
the parallel one for arrays of at least :data:`PARALLEL_MIN_SIZE` weights when numba
has more than one thread (opt-in for now: see :data:`PARALLEL_MIN_SIZE`);
``numba.set_num_threads`` (or ``NUMBA_NUM_THREADS``) sets how many.
``tests/test_kernels.py`` checks every kernel equals its rule bit for bit over 1000 steps.

Every kernel updates 1-D arrays in place: ``param`` (the weights), ``grad`` (∂E/∂w)
and the optimiser's state arrays, all of one dtype. ``decay`` is the decoupled
weight decay of this step, η·λ (w ← w - η λ w before the rule, as Keras does).
Scalars are cast to the arrays' dtype by the caller, and complements such as 1 - β
are passed in ready-made (numba would compute ``1 - β`` in float64), so float32 work
stays float32 and runs eight or sixteen lanes at a time.
Keras's formulas (keras/src/optimizers/*.py) are the ones written here.

>>> import numpy as np
>>> w, g = np.array([1.0, 2.0]), np.array([0.5, -0.5])
>>> sgd = get("sgd")
>>> if sgd is None:  # numba not installed: the same equation in NumPy
...     w -= 0.1 * g
... else:
...     sgd(w, g, 0.1, 0.0)
>>> w.tolist()
[0.95, 2.05]
"""

from __future__ import annotations

import math
import os
import threading
import types

import numpy as np

#: compiled kernels by (name, parallel), filled on first use
_COMPILED: dict = {}
_NUMBA = None  # the numba module, False when it cannot be imported
#: weights from which a step runs on every thread numba has; None (the default): never.
#: Measured on 2 cores (2026-12-05): right after the matrix products, OpenBLAS's threads
#: are still spinning, and a parallel Adam step over MNIST's 318 010 weights made the
#: batch-32 epoch 6-17x slower than the one-thread kernel. Until that interference is
#: avoided, the parallel kernels are opt-in: GLASSNET_PARALLEL_MIN_SIZE=131072 (or set
#: this attribute) to try them on a machine with many cores.
PARALLEL_MIN_SIZE = (int(os.environ["GLASSNET_PARALLEL_MIN_SIZE"])
                     if os.environ.get("GLASSNET_PARALLEL_MIN_SIZE", "").isdigit() else None)
#: numba's default threading layer (workqueue) may not be entered by two threads at once:
#: a step that finds it busy (the playground trains pages in threads) runs on one thread
_PARALLEL = threading.Lock()
prange = range  # in Python, and in the one-thread compilation


# Plain SGD and momentum ---------------------------------------------------------------
# Every kernel computes each product and sum in its rule's order (rules.py): w ← w - ηλw
# first, then the step; (a / b) · η where the rule divides, then scales. A product of
# two numbers is the same either way round, but (a + b) + c is not a + (b + c): written
# in the rule's order, the two paths agree to the last bit in float64.
def sgd(param, grad, lr, decay):
    """w ← w - η g."""
    for i in prange(param.size):
        p = param[i]
        param[i] = (p - decay * p) - grad[i] * lr


def sgd_momentum(param, grad, velocity, lr, momentum, decay):
    """v ← μ v - η g;  w ← w + v."""
    for i in prange(param.size):
        v = momentum * velocity[i] - lr * grad[i]
        velocity[i] = v
        p = param[i]
        param[i] = (p - decay * p) + v


def sgd_nesterov(param, grad, velocity, lr, momentum, decay):
    """v ← μ v - η g;  w ← w + μ v - η g."""
    for i in prange(param.size):
        step = lr * grad[i]
        v = momentum * velocity[i] - step
        velocity[i] = v
        p = param[i]
        param[i] = ((p - decay * p) - step) + momentum * v


# Adaptive rates ------------------------------------------------------------------------
def adagrad(param, grad, accumulator, lr, epsilon, decay):
    """G ← G + g²;  w ← w - η g / √(G + ε)."""
    for i in prange(param.size):
        g = grad[i]
        acc = accumulator[i] + g * g
        accumulator[i] = acc
        p = param[i]
        param[i] = (p - decay * p) - (g / np.sqrt(acc + epsilon)) * lr


def rmsprop(param, grad, velocity, average_gradient, momentum_buffer, lr, rho, one_minus_rho,
            momentum, epsilon, centered, use_momentum, decay):
    """v ← ρ v + (1-ρ) g²;  [centered: m ← ρ m + (1-ρ) g, v - m² in the root];
    step = η g / √(v + ε);  [momentum: u ← μ u + step, step = u];  w ← w - step.

    Each product and sum in the readable rule's order (ρ v + (g g)(1-ρ), then
    (g / √(v + ε)) η, the decay subtracted before the step), so the two paths agree
    to the last bit in float64 (tests/test_kernels.py)."""
    for i in prange(param.size):
        g = grad[i]
        v = rho * velocity[i] + (g * g) * one_minus_rho
        velocity[i] = v
        if centered:
            m = rho * average_gradient[i] + g * one_minus_rho
            average_gradient[i] = m
            v = v - m * m
        step = (g / np.sqrt(v + epsilon)) * lr
        if use_momentum:
            step = momentum * momentum_buffer[i] + step
            momentum_buffer[i] = step
        p = param[i]
        param[i] = (p - decay * p) - step


def adadelta(param, grad, accumulated_grad, accumulated_delta, lr, rho, one_minus_rho, epsilon,
             decay):
    """E[g²] ← ρE[g²] + (1-ρ)g²;  Δ = √(E[Δ²]+ε)/√(E[g²]+ε)·g;
    E[Δ²] ← ρE[Δ²] + (1-ρ)Δ²;  w ← w - η Δ."""
    for i in prange(param.size):
        g = grad[i]
        eg = rho * accumulated_grad[i] + (g * g) * one_minus_rho
        accumulated_grad[i] = eg
        delta = np.sqrt(accumulated_delta[i] + epsilon) / np.sqrt(eg + epsilon) * g
        accumulated_delta[i] = rho * accumulated_delta[i] + (delta * delta) * one_minus_rho
        p = param[i]
        param[i] = (p - decay * p) - delta * lr


# The Adam family ---------------------------------------------------------------------
def adam(param, grad, m, v, v_hat, step_size, beta_1, one_minus_b1, beta_2, one_minus_b2,
         epsilon, amsgrad, decay):
    """m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²;  [amsgrad: v̂ ← max(v̂, v)];
    w ← w - η_t m / (√v + ε), with η_t = η √(1-β2^t) / (1-β1^t) given as step_size."""
    for i in prange(param.size):
        g = grad[i]
        mi = beta_1 * m[i] + g * one_minus_b1
        m[i] = mi
        vi = beta_2 * v[i] + (g * g) * one_minus_b2
        v[i] = vi
        if amsgrad:
            vi = max(v_hat[i], vi)
            v_hat[i] = vi
        p = param[i]
        param[i] = (p - decay * p) - (mi / (np.sqrt(vi) + epsilon)) * step_size


def adamax(param, grad, m, u, step_size, beta_1, one_minus_b1, beta_2, epsilon, decay):
    """m ← β1 m + (1-β1) g;  u ← max(β2 u, |g|);  w ← w - η_t m / (u + ε),
    with η_t = η / (1-β1^t) given as step_size."""
    for i in prange(param.size):
        g = grad[i]
        mi = beta_1 * m[i] + g * one_minus_b1
        m[i] = mi
        ui = max(beta_2 * u[i], abs(g))
        u[i] = ui
        p = param[i]
        param[i] = (p - decay * p) - (mi / (ui + epsilon)) * step_size


def nadam(param, grad, m, v, lr, beta_1, one_minus_b1, beta_2, one_minus_b2, epsilon, coef_m,
          coef_g, v_divisor, decay):
    """m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²;
    m̂ = c_m m + c_g g;  v̂ = v / (1-β2^t);  w ← w - η m̂ / (√v̂ + ε).

    Keras's Nadam: c_m = μ_{t+1} / (1 - Π_{i≤t+1} μ_i), c_g = (1 - μ_t) / (1 - Π_{i≤t} μ_i)
    with the momentum schedule μ_t = β1 (1 - ½·0.96^t), computed once per step by
    ``Nadam.coefficients`` (the rule's own), and v_divisor = 1 - β2^t.
    """
    for i in prange(param.size):
        g = grad[i]
        mi = beta_1 * m[i] + g * one_minus_b1
        m[i] = mi
        vi = beta_2 * v[i] + (g * g) * one_minus_b2
        v[i] = vi
        m_hat = coef_m * mi + coef_g * g
        p = param[i]
        param[i] = (p - decay * p) - (m_hat / (np.sqrt(vi / v_divisor) + epsilon)) * lr


# Binding an optimiser's settings and state to its kernel -------------------------------
def _sgd(opt, w, g, state, lr, t, decay, c, parallel=False):
    if not opt.momentum:
        return get("sgd", parallel)(w, g, c(lr), c(decay))
    kernel = get("sgd_nesterov" if opt.nesterov else "sgd_momentum", parallel)
    return kernel(w, g, state["velocity"], c(lr), c(opt.momentum), c(decay))


def _adagrad(opt, w, g, state, lr, t, decay, c, parallel=False):
    get("adagrad", parallel)(w, g, state["accumulator"], c(lr), c(opt.epsilon), c(decay))


def _rmsprop(opt, w, g, state, lr, t, decay, c, parallel=False):
    velocity = state["velocity"]
    kernel = get("rmsprop", parallel)
    kernel(w, g, velocity, state.get("average_gradient", velocity),
           state.get("momentum", velocity), c(lr), c(opt.rho), c(1.0 - opt.rho),
           c(opt.momentum), c(opt.epsilon), bool(opt.centered), bool(opt.momentum), c(decay))


def _adadelta(opt, w, g, state, lr, t, decay, c, parallel=False):
    kernel = get("adadelta", parallel)
    kernel(w, g, state["accumulated_grad"], state["accumulated_delta"], c(lr), c(opt.rho),
           c(1.0 - opt.rho), c(opt.epsilon), c(decay))


def _adam(opt, w, g, state, lr, t, decay, c, parallel=False):
    step_size = lr * math.sqrt(1.0 - opt.beta_2**t) / (1.0 - opt.beta_1**t)  # the rule's
    v = state["v"]
    kernel = get("adam", parallel)
    kernel(w, g, state["m"], v, state.get("v_hat", v), c(step_size), c(opt.beta_1),
           c(1.0 - opt.beta_1), c(opt.beta_2), c(1.0 - opt.beta_2), c(opt.epsilon),
           bool(opt.amsgrad), c(decay))


def _adamax(opt, w, g, state, lr, t, decay, c, parallel=False):
    kernel = get("adamax", parallel)
    kernel(w, g, state["m"], state["u"], c(lr / (1.0 - opt.beta_1**t)), c(opt.beta_1),
           c(1.0 - opt.beta_1), c(opt.beta_2), c(opt.epsilon), c(decay))


def _nadam(opt, w, g, state, lr, t, decay, c, parallel=False):
    # Π_t lives in the state, as in the rule, so both paths save and resume alike
    coef_m, coef_g, product = opt.coefficients(t, float(state["u_product"]))
    state["u_product"][...] = product
    kernel = get("nadam", parallel)
    kernel(w, g, state["m"], state["v"], c(lr), c(opt.beta_1), c(1.0 - opt.beta_1),
           c(opt.beta_2), c(1.0 - opt.beta_2), c(opt.epsilon), c(coef_m), c(coef_g),
           c(1.0 - opt.beta_2**t), c(decay))


BINDINGS = {"sgd": _sgd, "adagrad": _adagrad, "rmsprop": _rmsprop, "adadelta": _adadelta,
            "adam": _adam, "adamw": _adam, "adamax": _adamax, "nadam": _nadam}


def step(optimizer, param, grad, state, learning_rate, t, decay=0.0) -> bool:
    """One fused step of ``optimizer`` over flat arrays; False (nothing done) when its
    kernel is unavailable, so the caller runs the readable rule instead.

    ``state`` is the optimiser's state dict for ``param`` (the rule's own arrays, so
    the two paths can alternate), ``t`` the 1-based step count and ``decay`` η·λ.
    """
    bind = BINDINGS.get(optimizer.name)
    if bind is None or not available():
        return False
    if PARALLEL_MIN_SIZE is not None and param.size >= PARALLEL_MIN_SIZE and \
            numba().get_num_threads() > 1 and \
            _PARALLEL.acquire(blocking=False):
        try:
            bind(optimizer, param, grad, state, learning_rate, t, decay, param.dtype.type,
                 parallel=True)
        finally:
            _PARALLEL.release()
    else:
        bind(optimizer, param, grad, state, learning_rate, t, decay, param.dtype.type)
    return True


KERNELS = {fn.__name__: fn for fn in (sgd, sgd_momentum, sgd_nesterov, adagrad, rmsprop,
                                      adadelta, adam, adamax, nadam)}


def numba():
    """The numba module, or None when it is not installed or does not import."""
    global _NUMBA
    if _NUMBA is None:
        try:
            import numba as module
        except Exception:  # not installed, or built for another NumPy
            module = False
        _NUMBA = module
    return _NUMBA or None


def available() -> bool:
    """True when the fused kernels can run (numba imports)."""
    return numba() is not None


def get(name: str, parallel: bool = False):
    """The compiled kernel ``name`` (a key of :data:`KERNELS`), or None without numba.

    Compiled once per process on first use (and cached on disk by numba) with NumPy's
    error model: a division by zero gives inf/nan as NumPy would instead of raising.
    ``parallel=True``: the same loop over numba's threads (a copy of the function whose
    ``prange`` is numba's, under its own name so the two compilations cache apart).
    """
    key = (name, parallel)
    if key not in _COMPILED:
        nb = numba()
        function = KERNELS[name]
        if nb is not None and parallel:
            function = types.FunctionType(function.__code__, {**function.__globals__,
                                                              "prange": nb.prange},
                                          f"{name}_parallel", function.__defaults__)
            function.__qualname__ = f"{name}_parallel"
        _COMPILED[key] = None if nb is None else nb.njit(
            function, cache=True, error_model="numpy", nogil=True, parallel=parallel)
    return _COMPILED[key]
