"""Each optimiser's step against its formula, computed by hand in plain Python."""

import json
import math

import numpy as np
import pytest

from glassnet import ConfigError, optimizers

W0 = [1.0, -2.0]
GRADS = [[0.5, -0.1], [0.2, 0.3], [-0.4, 0.05]]


def run(opt):
    w = np.array(W0)
    for g in GRADS:
        opt.apply([w], [np.array(g)])
    return w


def expected(update):
    """Apply a per-element update rule (w, g, state, t) -> w over GRADS."""
    out = []
    for i, w in enumerate(W0):
        state = {}
        for t, g in enumerate(GRADS, start=1):
            w = update(w, g[i], state, t)
        out.append(w)
    return out


def test_sgd_plain():
    lr = 0.5
    assert run(optimizers.SGD(lr)).tolist() == pytest.approx(
        expected(lambda w, g, s, t: w - lr * g), abs=1e-15)


def test_sgd_momentum_and_nesterov():
    lr, mu = 0.1, 0.9

    def momentum(w, g, s, t):
        s["v"] = mu * s.get("v", 0.0) - lr * g
        return w + s["v"]

    def nesterov(w, g, s, t):
        s["v"] = mu * s.get("v", 0.0) - lr * g
        return w + mu * s["v"] - lr * g

    assert run(optimizers.SGD(lr, momentum=mu)).tolist() == pytest.approx(expected(momentum))
    assert run(optimizers.SGD(lr, momentum=mu, nesterov=True)).tolist() == pytest.approx(
        expected(nesterov))


def test_adagrad():
    lr, eps = 0.1, 1e-7

    def rule(w, g, s, t):
        s["G"] = s.get("G", 0.1) + g * g
        return w - lr * g / math.sqrt(s["G"] + eps)

    assert run(optimizers.Adagrad(lr)).tolist() == pytest.approx(expected(rule), rel=1e-12)


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop(centered, momentum):
    lr, rho, eps = 0.01, 0.9, 1e-7

    def rule(w, g, s, t):
        s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        denominator = s["v"]
        if centered:
            s["m"] = rho * s.get("m", 0.0) + (1 - rho) * g
            denominator -= s["m"] ** 2
        step = lr * g / math.sqrt(denominator + eps)
        if momentum:
            s["u"] = momentum * s.get("u", 0.0) + step
            step = s["u"]
        return w - step

    opt = optimizers.RMSprop(lr, rho=rho, momentum=momentum, centered=centered)
    assert run(opt).tolist() == pytest.approx(expected(rule), rel=1e-12)


def test_adadelta():
    lr, rho, eps = 1.0, 0.95, 1e-6

    def rule(w, g, s, t):
        s["eg"] = rho * s.get("eg", 0.0) + (1 - rho) * g * g
        delta = math.sqrt(s.get("ed", 0.0) + eps) / math.sqrt(s["eg"] + eps) * g
        s["ed"] = rho * s.get("ed", 0.0) + (1 - rho) * delta * delta
        return w - lr * delta

    assert run(optimizers.Adadelta(lr, rho=rho, epsilon=eps)).tolist() == pytest.approx(
        expected(rule), rel=1e-12)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_bias_corrected(amsgrad):
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7

    def rule(w, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        v = s["v"]
        if amsgrad:
            s["vmax"] = max(s.get("vmax", 0.0), v)
            v = s["vmax"]
        # Kingma & Ba, section 2: α_t = α √(1-β2^t)/(1-β1^t), ε̂ outside the root
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        return w - alpha * s["m"] / (math.sqrt(v) + eps)

    assert run(optimizers.Adam(lr, amsgrad=amsgrad)).tolist() == pytest.approx(
        expected(rule), rel=1e-12)


def test_adamax():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-7

    def rule(w, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["u"] = max(b2 * s.get("u", 0.0), abs(g))
        return w - lr * s["m"] / ((1 - b1**t) * (s["u"] + eps))

    assert run(optimizers.Adamax(lr)).tolist() == pytest.approx(expected(rule))


def test_nadam():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-7

    def rule(w, g, s, t):
        u_t, u_next = b1 * (1 - 0.5 * 0.96**t), b1 * (1 - 0.5 * 0.96 ** (t + 1))
        s["prod"] = s.get("prod", 1.0) * u_t
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat = u_next * s["m"] / (1 - s["prod"] * u_next) + (1 - u_t) * g / (1 - s["prod"])
        return w - lr * m_hat / (math.sqrt(s["v"] / (1 - b2**t)) + eps)

    assert run(optimizers.Nadam(lr)).tolist() == pytest.approx(expected(rule))


def test_adam_first_step_is_lr_times_sign():
    w = np.array([1.0, -2.0])
    optimizers.Adam(0.1, epsilon=0.0).apply([w], [np.array([3.0, -0.001])])
    np.testing.assert_allclose(w, [0.9, -1.9])  # m̂/√v̂ = sign(g) at t = 1


def test_adamw_decays_weights_first():
    lr, wd, b1, b2, eps = 0.01, 0.1, 0.9, 0.999, 1e-7

    def rule(w, g, s, t):
        w = w - lr * wd * w
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        return w - alpha * s["m"] / (math.sqrt(s["v"]) + eps)

    assert run(optimizers.AdamW(lr, weight_decay=wd)).tolist() == pytest.approx(
        expected(rule), rel=1e-12)


def test_keras2_lr_and_decay_arguments():
    """Seed 000's SGD(lr=0.5, decay=...) means lr / (1 + decay · iterations)."""
    opt = optimizers.SGD(lr=0.5, decay=0.1)
    rates = []
    w = np.zeros(1)
    for _ in range(3):
        rates.append(opt.learning_rate)
        opt.apply([w], [np.ones(1)])
    assert rates == pytest.approx([0.5, 0.5 / 1.1, 0.5 / 1.2])
    assert w[0] == pytest.approx(-sum(rates))


def test_schedules():
    s = optimizers.ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5)
    assert s(10) == pytest.approx(0.5) and s(5) == pytest.approx(0.5**0.5)
    assert optimizers.ExponentialDecay(1.0, 10, 0.5, staircase=True)(15) == pytest.approx(0.5)
    assert optimizers.InverseTimeDecay(1.0, 2, 1.0)(4) == pytest.approx(1 / 3)
    assert optimizers.StepDecay(1.0, drop_every=3, factor=0.1)(7) == pytest.approx(0.01)
    c = optimizers.CosineDecay(1.0, decay_steps=100, alpha=0.1)
    assert c(0) == pytest.approx(1.0) and c(50) == pytest.approx(0.55) and c(500) == \
        pytest.approx(0.1)
    opt = optimizers.SGD(learning_rate=optimizers.StepDecay(0.4, drop_every=1, factor=0.5))
    w = np.zeros(1)
    for _ in range(3):
        opt.apply([w], [np.ones(1)])
    assert w[0] == pytest.approx(-(0.4 + 0.2 + 0.1))


def test_gradient_clipping():
    g = [np.array([3.0, 4.0]), np.array([12.0])]
    w = [np.zeros(2), np.zeros(1)]
    optimizers.SGD(1.0, clipnorm=1.0).apply(w, g)
    np.testing.assert_allclose(w[0], [-0.6, -0.8])
    np.testing.assert_allclose(w[1], [-1.0])
    w = [np.zeros(2), np.zeros(1)]
    optimizers.SGD(1.0, clipvalue=3.5).apply(w, g)
    np.testing.assert_allclose(w[0], [-3.0, -3.5])
    w = [np.zeros(2), np.zeros(1)]
    optimizers.SGD(1.0, global_clipnorm=6.5).apply(w, g)  # global norm 13 -> halve
    np.testing.assert_allclose(np.concatenate(w), [-1.5, -2.0, -6.0])


@pytest.mark.parametrize("clip", [{"clipnorm": 1.0}, {"global_clipnorm": 1.0},
                                  {"clipvalue": 1.0}])
def test_gradients_inside_the_clip_are_untouched(clip):
    """A gradient of norm 0.5 (elements 0.3, 0.4) under a limit of 1 is not scaled up."""
    w = [np.zeros(2)]
    optimizers.SGD(1.0, **clip).apply(w, [np.array([0.3, 0.4])])
    np.testing.assert_allclose(w[0], [-0.3, -0.4])
    w = [np.zeros(2)]  # exactly at the limit: unchanged too
    optimizers.SGD(1.0, **clip).apply(w, [np.array([0.6, 0.8])])
    np.testing.assert_allclose(w[0], [-0.6, -0.8])


@pytest.mark.parametrize("name", optimizers.names())
def test_config_round_trip_and_state(name):
    opt = optimizers.get(name)
    again = optimizers.get(json.loads(json.dumps(opt.get_config())))
    assert type(again) is type(opt) and again.get_config() == opt.get_config()
    w1, w2 = np.array([0.3, -0.2]), np.array([0.3, -0.2])
    opt.apply([w1], [np.array([0.1, 0.2])])
    again.set_state(opt.get_state(), [w2])
    w2[...] = w1
    opt.apply([w1], [np.array([0.3, -0.1])])
    again.apply([w2], [np.array([0.3, -0.1])])
    np.testing.assert_array_equal(w1, w2)


def test_schedule_config_round_trip():
    opt = optimizers.Adam(optimizers.CosineDecay(0.01, 100))
    again = optimizers.get(json.loads(json.dumps(opt.get_config())))
    assert again.learning_rate == opt.learning_rate == pytest.approx(0.01)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="learning_rate must be >= 0, got -0.1"):
        optimizers.SGD(-0.1)
    with pytest.raises(ConfigError, match="momentum must be <= 1, got 2"):
        optimizers.SGD(momentum=2)
    with pytest.raises(ConfigError, match="unknown optimizer 'adamm'"):
        optimizers.get("adamm")
    with pytest.raises(ConfigError, match="Only one of `clipnorm`, `clipvalue` and"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def _flat_and_separate(shapes, rng):
    """The same starting weights twice: views into one flat array, and separate arrays."""
    size = sum(int(np.prod(s)) for s in shapes)
    flat, flat_grad = rng.standard_normal(size), np.zeros(size)
    views, grad_views, start = [], [], 0
    for s in shapes:
        n = int(np.prod(s))
        views.append(flat[start:start + n].reshape(s))
        grad_views.append(flat_grad[start:start + n].reshape(s))
        start += n
    return flat, views, grad_views, [v.copy() for v in views]


@pytest.mark.parametrize("size", ["small", "large"])  # the rule over the flat array / kernel
@pytest.mark.parametrize("name", optimizers.names())
def test_flat_layout_updates_like_separate_arrays(name, size):
    rng = np.random.default_rng(3)
    shapes = [(3, 4), (4,)] if size == "small" else [(120, 150), (150,)]
    flat, views, grad_views, separate = _flat_and_separate(shapes, rng)
    on_flat, apart = optimizers.get(name), optimizers.get(name)
    for _ in range(50):
        for g in grad_views:
            g[...] = rng.standard_normal(g.shape)
        on_flat.apply(views, grad_views)
        apart.apply(separate, [g.copy() for g in grad_views])
    assert on_flat._flat is flat  # the flat path did run
    for w, expected in zip(views, separate):
        np.testing.assert_allclose(w, expected, rtol=1e-6, atol=1e-9)
    # the per-weight state is a view of the flat state: saving sees the same numbers
    # (Adadelta's rule keeps its Δ as scratch in the state; the kernel needs no scratch)
    for key, value in apart.get_state().items():
        if key.endswith("/delta"):
            continue
        np.testing.assert_allclose(on_flat.get_state()[key], value, rtol=1e-6, atol=1e-9)
