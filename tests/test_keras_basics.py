"""Keras 3's tests of activations, regularizers, initializers and to_categorical
(keras/src/activations/activations_test.py, regularizers/regularizers_test.py,
initializers/initializer_test.py, utils/numerical_utils_test.py) through glassnet."""

import math

import numpy as np
import pytest
from glassnet.layers import Dense

from glassnet import DataError, Sequential, activations, initializers, regularizers, utils

_ERF = np.vectorize(math.erf)


def test_selu():
    """activations_test.ActivationsTest.test_selu."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    np.testing.assert_allclose(activations.selu(np.array([1.0, 2.0])), [scale, 2 * scale])
    np.testing.assert_allclose(activations.selu(np.array([-1.0, -2.0])),
                               (np.exp([-1.0, -2.0]) - 1) * scale * alpha)


def test_gelu(rng):
    """ActivationsTest.test_gelu: exact x Φ(x) (erf) and the tanh approximation."""
    x = rng.uniform(-6, 6, (4, 5))
    np.testing.assert_allclose(activations.gelu(x), x * 0.5 * (1 + _ERF(x / np.sqrt(2))),
                               rtol=1e-12, atol=1e-15)
    approx = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(activations.gelu(x, approximate=True), approx, rtol=1e-12)


def test_erf_accuracy():
    x = np.linspace(-9, 9, 20001)
    np.testing.assert_allclose(activations._erf(x), _ERF(x), rtol=0, atol=2e-14)


def test_hard_sigmoid_relu6_softsign_mish(rng):
    """ActivationsTest.test_hard_sigmoid (_ref_hard_sigmoid), test_relu6, test_softsign,
    test_mish."""
    x = rng.uniform(-10, 10, 50)
    np.testing.assert_allclose(activations.hard_sigmoid(x), np.clip(x / 6.0 + 0.5, 0, 1))
    np.testing.assert_allclose(activations.relu6(x), np.minimum(np.maximum(x, 0), 6))
    np.testing.assert_allclose(activations.softsign(x), x / (np.abs(x) + 1))
    np.testing.assert_allclose(activations.mish(x), x * np.tanh(np.log1p(np.exp(x))),
                               rtol=1e-12)


def test_leaky_relu_negative_slope(rng):
    """ActivationsTest.test_leaky_relu (negative_slope 0.01 and 0.3); glassnet's default
    slope stays 0.01 (docs/keras-differences.md)."""
    x = rng.uniform(-1, 1, 20)
    for slope in (0.01, 0.3):
        expected = np.where(x > 0, x, slope * x)
        np.testing.assert_allclose(activations.leaky_relu(x, negative_slope=slope), expected)
        np.testing.assert_allclose(activations.get({"name": "leaky_relu",
                                                    "negative_slope": slope})(x), expected)
    assert activations.get("leaky_relu").negative_slope == 0.01
    assert activations.get({"name": "leaky_relu", "alpha": 0.2}).negative_slope == 0.2


def test_relu_arguments():
    """ActivationsTest.test_relu: negative_slope, max_value, threshold."""
    x = np.array([-3.0, -1.0, 0.5, 2.0, 8.0])
    np.testing.assert_allclose(activations.relu(x), [0, 0, 0.5, 2, 8])
    np.testing.assert_allclose(activations.relu(x, max_value=6.0), [0, 0, 0.5, 2, 6])
    np.testing.assert_allclose(activations.relu(x, threshold=1.0), [0, 0, 0, 2, 8])
    np.testing.assert_allclose(activations.relu(x, negative_slope=0.5),
                               [-1.5, -0.5, 0.5, 2, 8])


def test_functions_as_layer_activations(rng):
    """Dense(4, activation=activations.relu) as a Keras user writes it."""
    layer = Dense(4, activation=activations.relu)
    assert layer.activation.name == "relu"
    assert activations.get(activations.gelu).name == "gelu"
    with pytest.raises(ValueError, match="does not know the derivative"):
        activations.get(lambda x: x)


def test_regularizers():
    """regularizers_test.RegularizersTest: test_l1, test_l2, test_l1_l2, test_get_method."""
    value = np.random.default_rng(0).random((4, 4))
    assert regularizers.L1(0.1)(value) == pytest.approx(0.1 * np.abs(value).sum())
    assert regularizers.L2(0.1)(value) == pytest.approx(0.1 * np.square(value).sum())
    assert regularizers.L1L2(l1=0.1, l2=0.2)(value) == pytest.approx(
        0.1 * np.abs(value).sum() + 0.2 * np.square(value).sum())
    assert isinstance(regularizers.get("l1l2"), regularizers.L1L2)
    assert isinstance(regularizers.get("l1"), regularizers.L1)
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert regularizers.get(None) is None
    with pytest.raises(ValueError):
        regularizers.get("typo")
    # the lower-case spellings of Keras code
    assert regularizers.l2(0.01) == regularizers.L2(0.01)
    assert regularizers.l1(0.02)(value) == pytest.approx(0.02 * np.abs(value).sum())
    reg = regularizers.l1_l2(l1=0.01, l2=0.03)
    assert (reg.l1, reg.l2) == (0.01, 0.03)
    assert Dense(3, kernel_regularizer=regularizers.l2(0.01)).kernel_regularizer.l2 == 0.01


def test_initializers_get():
    """initializer_test: get(None) is None; get('typo') is a ValueError."""
    assert initializers.get(None) is None
    assert isinstance(initializers.get("he_normal"), initializers.HeNormal)
    with pytest.raises(ValueError):
        initializers.get("typo")


@pytest.mark.parametrize("shape,expected", [
    # numerical_utils_test.TestNumericalUtils.test_to_categorical
    ((1,), (1, 5)), ((3,), (3, 5)), ((4, 3), (4, 3, 5)), ((5, 4, 3), (5, 4, 3, 5)),
    ((3, 1), (3, 5)), ((3, 2, 1), (3, 2, 5)),
])
def test_to_categorical(shape, expected, rng):
    labels = rng.integers(0, 5, shape)
    one_hot = utils.to_categorical(labels, 5)
    assert one_hot.shape == expected
    assert np.all(one_hot.sum(axis=-1) == 1)
    assert np.all(np.argmax(one_hot, -1).reshape(labels.shape) == labels)


def test_to_categorical_without_num_classes_and_errors():
    """test_to_categorical_without_num_classes; bad labels are DataErrors."""
    assert utils.to_categorical([0, 2, 5]).shape == (3, 6)
    with pytest.raises(DataError, match="label 3 at position 1 is outside 0..2"):
        utils.to_categorical([0, 3], num_classes=3)
    with pytest.raises(DataError, match="not whole numbers"):
        utils.to_categorical([0.5, 1.0])


def test_to_categorical_trains_with_categorical_crossentropy(rng):
    x = rng.normal(size=(30, 2))
    y = utils.to_categorical((x[:, 0] > 0).astype(int), 2)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("adam", "categorical_crossentropy", ["accuracy"])
    assert len(model.fit(x, y, epochs=2, verbose=0).history["loss"]) == 2
