import numpy as np
import pytest
from glassnet.layers import BatchNormalization, Dense, Dropout

from glassnet import Sequential


def test_dropout_is_inverted_seeded_and_off_at_inference(rng):
    layer = Dropout(0.2, seed=1)
    layer.build(50, rng, "float64")
    x = np.ones((400, 50))
    y = layer.forward(x, training=True)
    assert set(np.unique(y)) == {0.0, 1.25}
    assert (y == 0).mean() == pytest.approx(0.2, abs=0.01)
    assert y.mean() == pytest.approx(1, abs=0.02)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), y)  # same mask
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    again = Dropout(0.2, seed=1)
    again.build(50, rng, "float64")
    np.testing.assert_array_equal(again.forward(x, training=True), y)


def test_batchnorm_training_statistics_and_moving_averages(rng):
    layer = BatchNormalization(momentum=0.9)
    layer.build(3, rng, "float64")
    x = rng.normal(loc=[1.0, -2.0, 5.0], scale=[1.0, 3.0, 0.5], size=(64, 3))
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(0), x.var(0) / (x.var(0) + 1e-3), rtol=1e-10)
    # the moving averages moved inside the training forward pass
    np.testing.assert_allclose(layer.weights[2], 0.1 * x.mean(0))        # 0.9·0 + 0.1·μ
    np.testing.assert_allclose(layer.weights[3], 0.9 + 0.1 * x.var(0))   # 0.9·1 + 0.1·σ²
    # inference uses the moving averages
    expected = (x - layer.weights[2]) / np.sqrt(layer.weights[3] + 1e-3)
    np.testing.assert_allclose(layer.forward(x, training=False), expected)


def test_compute_gradients_does_not_move_batchnorm_statistics(rng):
    model = Sequential([Dense(3), BatchNormalization()], input_dim=2, seed=0)
    before = model.get_weights()
    model.compute_gradients(rng.normal(size=(8, 2)), rng.normal(size=(8, 3)), loss="mse")
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_dense_without_bias(rng):
    model = Sequential([Dense(3, use_bias=False)], input_dim=2, seed=0, dtype="float64")
    assert [w.shape for w in model.get_weights()] == [(2, 3)]
    x = rng.normal(size=(4, 2))
    np.testing.assert_allclose(model.predict(x), x @ model.get_weights()[0])
