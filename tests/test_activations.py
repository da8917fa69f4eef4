import json

import numpy as np
import pytest

from glassnet import activations
from glassnet.base.errors import ConfigError

ALL = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "swish", "elu", "softplus", "softmax",
       "gelu", {"name": "gelu", "approximate": True}, "selu", "relu6", "mish", "hard_sigmoid",
       "softsign"]
KINKS = (0.0, -3.0, 3.0, 6.0)  # relu, hard_sigmoid, relu6


def away_from_kinks(z):
    for kink in KINKS:
        z[np.abs(z - kink) < 1e-3] += 0.01
    return z


def numerical_jvp(act, z, grad_y, h=1e-6):
    """∂/∂z of Σ grad_y · f(z), by central differences, one element at a time."""
    out = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += h
        zm[idx] -= h
        out[idx] = ((grad_y * act(zp)).sum() - (grad_y * act(zm)).sum()) / (2 * h)
    return out


@pytest.mark.parametrize("name", ALL, ids=str)
def test_backward_matches_numerical_derivative(name, rng):
    act = activations.get(name)
    z = away_from_kinks(rng.normal(scale=3.0, size=(5, 4)))
    grad_y = rng.normal(size=z.shape)
    analytic = act.backward(grad_y, z, act(z))
    np.testing.assert_allclose(analytic, numerical_jvp(act, z, grad_y), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", [n for n in ALL if n != "softmax"], ids=str)
def test_derivative_is_elementwise_fprime(name, rng):
    act = activations.get(name)
    z = away_from_kinks(rng.normal(scale=3.0, size=40))
    h = 1e-6
    expected = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z, act(z)), expected, rtol=1e-6, atol=1e-9)


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    assert activations.get("relu")(z).tolist() == [0.0, 0.0, 3.0]
    assert activations.get("leaky_relu")(z).tolist() == [-0.02, 0.0, 3.0]
    np.testing.assert_allclose(activations.get("sigmoid")(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(activations.get("swish")(z), z / (1 + np.exp(-z)))
    np.testing.assert_allclose(activations.get("elu")(z), [np.exp(-2) - 1, 0, 3])
    np.testing.assert_allclose(activations.get("softplus")(z), np.log1p(np.exp(z)))
    s = activations.get("softmax")(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(s, np.exp([[1, 2, 3]]) / np.exp([1, 2, 3]).sum())


def test_extreme_inputs_stay_finite():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    for name in ALL:
        y = activations.get(name)(z)
        assert np.isfinite(y).all(), name
    sig = activations.get("sigmoid")(np.array([-800.0, -40.0]))
    assert sig[1] == pytest.approx(np.exp(-40.0), rel=1e-12)  # no cancellation to 0


@pytest.mark.parametrize("name", ALL, ids=str)
def test_config_round_trip_through_json(name):
    act = activations.get({"name": "leaky_relu", "alpha": 0.2} if name == "leaky_relu" else name)
    again = activations.get(json.loads(json.dumps(act.get_config())))
    assert again == act
    z = np.linspace(-3, 3, 7)
    np.testing.assert_array_equal(again(z), act(z))


def test_aliases_and_errors():
    assert activations.get("silu").name == "swish"
    assert activations.get(None).name == "linear"
    with pytest.raises(ConfigError, match="unknown activation 'relux'.*expected one of"):
        activations.get("relux")
    with pytest.raises(ConfigError, match="negative_slope must be >= 0, got -1"):
        activations.get({"name": "leaky_relu", "alpha": -1})
    with pytest.raises(ValueError, match="must be a name"):
        activations.get(3)


@pytest.mark.parametrize("shape", [(7,), (300, 5), (40, 3, 4), (64, 10), (2, 300, 2), (3, 1)])
def test_row_operations_match_numpy(shape, rng):
    from glassnet.base.rowops import row_max, row_sum

    a = rng.normal(size=shape)
    np.testing.assert_allclose(row_sum(a), a.sum(axis=-1), rtol=1e-12)
    np.testing.assert_array_equal(row_max(a), a.max(axis=-1))
    assert row_sum(a, keepdims=True).shape == shape[:-1] + (1,)
    assert row_max(a, keepdims=True).shape == shape[:-1] + (1,)
