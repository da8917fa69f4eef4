import json

import numpy as np
import pytest

from glassnet import activations, losses
from glassnet.base.errors import ConfigError

ALL = ["categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
       "mean_squared_error", "mean_absolute_error", "kl_divergence", "cosine_similarity",
       "huber", "log_cosh", "mean_squared_logarithmic_error", "mean_absolute_percentage_error",
       "poisson", "hinge", "squared_hinge", "multilabel_log_loss", "half_poisson_deviance",
       {"name": "categorical_crossentropy", "from_logits": True, "label_smoothing": 0.1},
       {"name": "binary_crossentropy", "from_logits": True, "label_smoothing": 0.2},
       {"name": "sparse_categorical_crossentropy", "from_logits": True},
       {"name": "huber", "delta": 0.3, "reduction": "sum"},
       {"name": "mse", "reduction": "mean_with_sample_weight"}]


def make_case(name, rng, n=6, k=4):
    logits = rng.normal(size=(n, k))
    if isinstance(name, dict):
        t, y = make_case(name["name"], rng, n, k)
        return t, (logits if name.get("from_logits") else y)
    if name in ("poisson", "mean_squared_logarithmic_error", "half_poisson_deviance"):
        return rng.uniform(0.5, 3.0, (n, k)), rng.uniform(0.5, 3.0, (n, k))
    if name == "mean_absolute_percentage_error":
        return rng.uniform(1.0, 3.0, (n, k)) * rng.choice([-1, 1], (n, k)), logits
    if name in ("hinge", "squared_hinge"):
        return rng.choice([-1.0, 1.0], (n, k)), logits
    if name == "sparse_categorical_crossentropy":
        return rng.integers(0, k, n), activations.get("softmax")(logits)
    if name in ("categorical_crossentropy", "kl_divergence"):
        return np.eye(k)[rng.integers(0, k, n)], activations.get("softmax")(logits)
    if name in ("binary_crossentropy", "multilabel_log_loss"):
        return rng.integers(0, 2, (n, k)).astype(float), activations.get("sigmoid")(logits)
    return rng.normal(size=(n, k)), logits


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", ALL, ids=str)
def test_gradient_matches_numerical(name, weighted, rng):
    loss = losses.get(name)
    t, y = make_case(name, rng)
    w = rng.uniform(0.0, 2.0, y.shape[0]) if weighted else None
    h = 1e-7
    numerical = np.zeros_like(y)
    for idx in np.ndindex(y.shape):
        yp, ym = y.copy(), y.copy()
        yp[idx] += h
        ym[idx] -= h
        numerical[idx] = (loss(t, yp, sample_weight=w) - loss(t, ym, sample_weight=w)) / (2 * h)
    np.testing.assert_allclose(loss.gradient(t, y, sample_weight=w), numerical, rtol=1e-5,
                               atol=1e-8)


def test_values_by_hand():
    t = np.array([[0.0, 1.0, 0.0]])
    z = np.array([[0.2, 0.7, 0.1]])
    assert losses.get("categorical_crossentropy")(t, z) == pytest.approx(-np.log(0.7))
    assert losses.get("sparse_categorical_crossentropy")(np.array([1]), z) == pytest.approx(
        -np.log(0.7))
    assert losses.get("mse")(t, z) == pytest.approx((0.04 + 0.09 + 0.01) / 3)
    assert losses.get("mae")(t, z) == pytest.approx((0.2 + 0.3 + 0.1) / 3)
    assert losses.get("binary_crossentropy")(np.array([[1.0]]), np.array([[0.8]])) == \
        pytest.approx(-np.log(0.8))
    assert losses.get("kl_divergence")(np.array([[0.5, 0.5]]), np.array([[0.25, 0.75]])) == \
        pytest.approx(0.5 * np.log(2) + 0.5 * np.log(0.5 / 0.75))
    assert losses.get("cosine_similarity")(np.array([[1.0, 0.0]]), np.array([[3.0, 0.0]])) == \
        pytest.approx(-1.0)


def test_scikit_learns_multilabel_log_loss_and_half_poisson_deviance_by_hand():
    from sklearn.metrics import mean_poisson_deviance

    t, z = np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.8, 0.4], [0.1, 0.3]])
    # MLPClassifier's binary_log_loss: summed over the labels, averaged over the rows
    summed = -(np.log(0.8) + np.log(0.6) + np.log(0.9) + np.log(0.7)) / 2
    assert losses.get("multilabel_log_loss")(t, z) == pytest.approx(summed, rel=1e-12)
    assert losses.get("binary_crossentropy")(t, z) == pytest.approx(summed / 2, rel=1e-12)
    counts, mean = np.array([[0.0], [2.0], [5.0]]), np.array([[0.5], [2.0], [3.0]])
    assert losses.get("half_poisson_deviance")(counts, mean) == pytest.approx(
        mean_poisson_deviance(counts[:, 0], mean[:, 0]) / 2, rel=1e-12)


@pytest.mark.parametrize("name,activation", [
    ("categorical_crossentropy", "softmax"),
    ("sparse_categorical_crossentropy", "softmax"),
    ("binary_crossentropy", "sigmoid"),
    ("multilabel_log_loss", "sigmoid"),
    ("half_poisson_deviance", "exponential"),
])
def test_fused_loss_and_delta(name, activation, rng):
    """From logits: same value as the unfused loss, and δ = (f(z) - t)/N exactly (divided
    by the outputs too where a sample's loss is their mean)."""
    loss = losses.get(name)
    t, _ = make_case(name, rng)
    logits = rng.normal(size=(6, 4))
    probabilities = activations.get(activation)(logits)
    assert loss.value_from_logits(t, logits) == pytest.approx(loss(t, probabilities), rel=1e-10)
    dense_t = np.eye(4)[t] if t.ndim == 1 else t
    count = 24 if name == "binary_crossentropy" else 6
    np.testing.assert_allclose(loss.fused(t, logits)[2],
                               (probabilities - dense_t) / count, rtol=1e-12)
    # the chain rule through the activation gives the same delta
    chained = activations.get(activation).backward(loss.gradient(t, probabilities), logits,
                                                   probabilities)
    np.testing.assert_allclose(loss.fused(t, logits)[2], chained, rtol=1e-7,
                               atol=1e-12)


@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy",
                                  "binary_crossentropy"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_losses_finite_at_extreme_logits(name, dtype):
    loss = losses.get(name)
    logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=dtype)
    if name == "sparse_categorical_crossentropy":
        t = np.array([1, 1])
    else:
        t = np.array([[0.0, 1.0], [0.0, 1.0]], dtype=dtype)
    value = loss.value_from_logits(t, logits)
    delta = loss.delta_from_logits(t, logits)
    assert np.isfinite(value) and np.isfinite(delta).all()
    # the wrong row costs about 2000 nats (softmax) / 1000 per unit (sigmoid); the right one 0
    expected = 1000.0 if name != "binary_crossentropy" else 500.0
    assert value == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("name", ALL, ids=str)
def test_config_round_trip(name):
    loss = losses.get(name)
    assert losses.get(json.loads(json.dumps(loss.get_config()))) == loss


def test_unknown_loss():
    with pytest.raises(ConfigError, match="unknown loss 'crossentropy'; expected one of"):
        losses.get("crossentropy")


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
@pytest.mark.parametrize("name,activation", [
    ("categorical_crossentropy", "softmax"),
    ("sparse_categorical_crossentropy", "softmax"),
    ("binary_crossentropy", "sigmoid"),
])
def test_fused_delta_with_sample_weights(name, activation, reduction, rng):
    """δ from the fused path = chain rule through the activation, weights and all."""
    loss = losses.get({"name": name, "reduction": reduction})
    t, _ = make_case(name, rng)
    logits = rng.normal(size=(6, 4))
    w = rng.uniform(0.0, 2.0, 6)
    value, probabilities, delta = loss.fused(t, logits, sample_weight=w)
    assert value == pytest.approx(loss(t, probabilities, sample_weight=w), rel=1e-10)
    chained = activations.get(activation).backward(
        loss.gradient(t, probabilities, sample_weight=w), logits, probabilities)
    np.testing.assert_allclose(delta, chained, rtol=1e-7, atol=1e-12)
