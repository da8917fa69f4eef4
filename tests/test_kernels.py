"""The fused optimiser kernels against the readable NumPy rules they replace."""

import numpy as np
import pytest
from glassnet.optimizers import kernels

from glassnet import optimizers

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")

#: every optimiser and variant with a kernel: (name, settings)
CASES = [
    ("sgd", {"learning_rate": 0.05}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
    ("adagrad", {"learning_rate": 0.05}),
    ("rmsprop", {"learning_rate": 0.01}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.9}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.5}),
    ("adadelta", {"learning_rate": 1.0}),
    ("adam", {"learning_rate": 0.01}),
    ("adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("adamw", {"learning_rate": 0.01, "weight_decay": 0.05}),
    ("adamax", {"learning_rate": 0.01}),
    ("nadam", {"learning_rate": 0.01}),
]
CASES = [case for case in CASES if case[0] in optimizers.names()]


def _ids(case):
    name, settings = case
    return "-".join([name, *(k for k in settings if k != "learning_rate")])


def run_both(name, settings, dtype, steps=1000, size=257):
    """w after ``steps`` steps of the readable rule and of the kernel, same gradients."""
    rng = np.random.default_rng(7)
    w0 = rng.standard_normal(size).astype(dtype)
    rule, fused = optimizers.get(dict(settings, name=name)), optimizers.get(
        dict(settings, name=name))
    w_rule, w_fused = w0.copy(), w0.copy()
    fused.build([w_fused])
    for t in range(1, steps + 1):
        # gradients that change sign and scale, with some exact zeros
        g = (rng.standard_normal(size) * rng.choice([0.0, 0.1, 1.0, 10.0], size)).astype(dtype)
        rule.apply([w_rule], [g])
        decay = fused.learning_rate * (fused.weight_decay or 0.0)
        assert kernels.step(fused, w_fused, g, fused.state[0], fused.learning_rate, t, decay)
        fused.iterations = t
    return w0, w_rule, w_fused, rule, fused


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_kernel_equals_rule_bit_for_bit(case, dtype):
    """Each kernel computes every product and sum in its rule's order, so after 1000
    steps the weights and every state array are the rule's to the last bit (a kernel
    that reassociates one sum, e.g. w - (ηλw + step) for (w - ηλw) - step, drifts by
    hundreds of ulps and float64 training parity with Keras loses digits)."""
    w0, w_rule, w_fused, rule, fused = run_both(*case, dtype)
    assert w_fused.dtype == dtype
    assert np.abs(w_rule - w0).max() > 1e-2  # the weights did move
    np.testing.assert_array_equal(w_fused, w_rule)
    for key, value in rule.state[0].items():  # and the state arrays agree too
        if key != "delta":  # Adadelta's rule keeps Δ as scratch; the kernel needs none
            np.testing.assert_array_equal(fused.state[0][key], value, err_msg=key)


def test_kernel_writes_in_place_and_follows_the_formula():
    # one Adam step from zero state, by hand: m = 0.1 g, v = 0.001 g²,
    # η_1 = η √0.001 / 0.1, w ← w - η_1 m / (√v + ε) = w - η g / (|g| + ε / √0.001)
    w, g = np.array([1.0, -2.0, 0.5]), np.array([0.5, -3.0, 0.0])
    opt = optimizers.Adam(0.1)
    opt.build([w])
    kept = w
    kernels.step(opt, w, g, opt.state[0], 0.1, 1)
    assert kept is w
    expected = [1.0 - 0.1 * 0.5 / (0.5 + 1e-7 / 0.001**0.5),
                -2.0 + 0.1 * 3.0 / (3.0 + 1e-7 / 0.001**0.5), 0.5]
    np.testing.assert_allclose(w, expected, rtol=1e-12)


def test_nadam_coefficients_follow_keras():
    # keras/src/optimizers/nadam.py, first step: μ_1 = β1 (1 - ½ 0.96), μ_2 likewise,
    # c_m = μ_2 / (1 - μ_1 μ_2), c_g = (1 - μ_1) / (1 - μ_1)  (= 1)
    b1, b2 = 0.9, 0.999
    u1, u2 = b1 * (1 - 0.5 * 0.96), b1 * (1 - 0.5 * 0.96**2)
    nadam = optimizers.Nadam(beta_1=b1, beta_2=b2)
    coef_m, coef_g, product = nadam.coefficients(1, 1.0)
    assert (coef_m, coef_g, product) == pytest.approx((u2 / (1 - u1 * u2), 1.0, u1))
    # second step: Π_2 = μ_1 μ_2, c_m = μ_3 / (1 - Π_2 μ_3), c_g = (1 - μ_2) / (1 - Π_2)
    u3 = b1 * (1 - 0.5 * 0.96**3)
    assert nadam.coefficients(2, u1) == pytest.approx(
        (u3 / (1 - u1 * u2 * u3), (1 - u2) / (1 - u1 * u2), u1 * u2))


def test_adamax_kernel_by_hand():
    # keras/src/optimizers/adamax.py: m ← m + (g - m)(1-β1); u ← max(β2 u, |g|);
    # w ← w - η m / ((1 - β1^t)(u + ε)); two steps, by hand
    adamax = kernels.get("adamax")
    w, m, u = np.array([1.0]), np.zeros(1), np.zeros(1)
    for t, g in enumerate([0.5, -2.0], start=1):
        adamax(w, np.array([g]), m, u, 0.1 / (1 - 0.9**t), 0.9, 0.1, 0.999, 1e-7, 0.0)
    m1, u1 = 0.05, 0.5
    w1 = 1.0 - 0.1 * m1 / (0.1 * (u1 + 1e-7))
    m2, u2 = m1 + 0.1 * (-2.0 - m1), 2.0
    w2 = w1 - 0.1 * m2 / ((1 - 0.81) * (u2 + 1e-7))
    assert w[0] == pytest.approx(w2, rel=1e-12)


def test_unavailable_kernel_reports_false(monkeypatch):
    monkeypatch.setattr(kernels, "_NUMBA", False)
    w = np.ones(3)
    opt = optimizers.SGD(0.1)
    assert kernels.step(opt, w, np.ones(3), {}, 0.1, 1) is False
    assert w.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_parallel_kernel_equals_the_one_thread_kernel_bit_for_bit(case):
    """Every weight's update touches only that weight: splitting the loop over threads
    changes no number (same seed, same numbers, any thread count)."""
    name, settings = case
    rng = np.random.default_rng(11)
    w0 = rng.standard_normal(4099).astype("float32")
    runs = []
    for parallel in (False, True):
        opt = optimizers.get(dict(settings, name=name))
        w = w0.copy()
        opt.build([w])
        bind = kernels.BINDINGS[opt.name]
        draw = np.random.default_rng(5)
        for t in range(1, 31):
            g = draw.standard_normal(w.size).astype("float32")
            bind(opt, w, g, opt.state[0], opt.learning_rate, t,
                 opt.learning_rate * (opt.weight_decay or 0.0), w.dtype.type, parallel=parallel)
        runs.append(w)
    assert np.abs(runs[0] - w0).max() > 1e-3
    np.testing.assert_array_equal(runs[1], runs[0])


def test_large_steps_take_the_parallel_kernel_when_numba_has_threads(monkeypatch):
    used = []
    monkeypatch.setattr(kernels, "PARALLEL_MIN_SIZE", 1000)
    real = kernels.get
    monkeypatch.setattr(kernels, "get", lambda name, parallel=False: used.append(parallel)
                        or real(name, parallel))
    opt = optimizers.get("adam")
    for size in (999, 1000):
        w = np.ones(size)
        opt = optimizers.get("adam")
        opt.build([w])
        kernels.step(opt, w, np.ones(size), opt.state[0], 0.1, 1)
    threads = kernels.numba().get_num_threads()
    assert used == [False, threads > 1]
