"""Backprop against central differences, float64, relative error < 1e-7 (seed 001)."""

import zlib

import numpy as np
import pytest
from glassnet.layers import Activation, BatchNormalization, Dense, Dropout

import glassnet
from glassnet import Sequential, gradient_check

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "swish", "elu", "softplus",
               "softmax"]
INITIALIZERS = ["uniform", "normal", "zeros", "ones", "glorot_uniform", "glorot_normal",
                "he_uniform", "he_normal"]
# Each loss with the output activation it is used with.
LOSS_OUTPUTS = {
    "categorical_crossentropy": "softmax",
    "sparse_categorical_crossentropy": "softmax",
    "kl_divergence": "softmax",
    "binary_crossentropy": "sigmoid",
    "mean_squared_error": "linear",
    "mean_absolute_error": "linear",
    "cosine_similarity": "linear",
}


def targets(loss, n, k, rng):
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, k, n)
    if loss in ("categorical_crossentropy", "kl_divergence"):
        return np.eye(k)[rng.integers(0, k, n)]
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.normal(size=(n, k))


@pytest.mark.parametrize("initializer", INITIALIZERS)
@pytest.mark.parametrize("loss", list(LOSS_OUTPUTS))
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_every_activation_loss_initializer(hidden, loss, initializer):
    rng = np.random.default_rng(zlib.crc32(f"{hidden}-{loss}-{initializer}".encode()))
    model = Sequential([
        Dense(4, hidden, kernel_initializer=initializer, bias_initializer="normal"),
        Dense(3, LOSS_OUTPUTS[loss], kernel_initializer="glorot_uniform",
              bias_initializer="normal"),
    ], input_dim=3, seed=1, dtype="float64")
    # An odd number of rows: an MAE bias gradient, Σ sign(y - t) / N, is then never
    # exactly zero, where central differences would only compare rounding noise.
    x = rng.normal(size=(11, 3))
    y = targets(loss, 11, 3, rng)
    assert gradient_check(model, x, y, loss=loss) < 1e-7


@pytest.mark.parametrize("output", ACTIVATIONS)
def test_every_output_activation_unfused(output, rng):
    """Output activations through the general chain rule (MSE: nothing is fused)."""
    model = Sequential([Dense(4, "tanh"), Dense(3, output, bias_initializer="normal")],
                       input_dim=2, seed=2, dtype="float64")
    x, y = rng.normal(size=(7, 2)), rng.normal(size=(7, 3))
    assert gradient_check(model, x, y, loss="mse") < 1e-7


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_networks_of_one_to_four_layers(depth, rng):
    layers = [Dense(5, act, bias_initializer="normal")
              for act in ["tanh", "swish", "sigmoid"][: depth - 1]]
    layers.append(Dense(4, "softmax"))
    model = Sequential(layers, input_dim=3, seed=3, dtype="float64")
    x = rng.normal(size=(12, 3))
    y = np.eye(4)[rng.integers(0, 4, 12)]
    assert gradient_check(model, x, y, loss="categorical_crossentropy") < 1e-7


def test_regularization_layers_and_penalties(rng):
    model = Sequential([
        Dense(6, "relu", kernel_regularizer={"name": "l1_l2", "l1": 0.01, "l2": 0.02},
              bias_regularizer="l2"),
        BatchNormalization(),
        Dropout(0.3),
        Dense(5, "elu", kernel_regularizer="l1"),
        Activation("tanh"),
        Dense(3),
        Activation("softmax"),
    ], input_dim=4, seed=4, dtype="float64")
    x = rng.normal(size=(16, 4))
    y = rng.integers(0, 3, 16)
    assert gradient_check(model, x, y, loss="sparse_categorical_crossentropy") < 1e-7


def test_batchnorm_without_scale_or_center(rng):
    model = Sequential([Dense(5, "tanh"), BatchNormalization(center=False, scale=False),
                        Dense(2, "sigmoid")], input_dim=3, seed=5, dtype="float64")
    x, y = rng.normal(size=(9, 3)), rng.integers(0, 2, (9, 2)).astype(float)
    errors = glassnet.gradient_errors(model, x, y, loss="binary_crossentropy")
    assert {row["weight"] for row in errors if row["layer"] == "batch_normalization"} == set()
    assert max(row["relative_error"] for row in errors) < 1e-7


def test_numerical_gradients_match_naive_loop(rng):
    """The vectorised, chunked central differences equal a plain one-at-a-time loop."""
    model = Sequential([Dense(3, "sigmoid"), Dense(2, "softmax")], input_dim=2, seed=6,
                       dtype="float64")
    x, y = rng.normal(size=(5, 2)), np.eye(2)[[0, 1, 1, 0, 1]]
    loss = glassnet.losses.get("categorical_crossentropy")
    fast = glassnet.numerical_gradients(model, x, y, loss, epsilon=1e-5, chunk_elements=7)
    h = 1e-5
    for w, g in zip(model.weights, fast):
        for idx in np.ndindex(w.shape):
            old = w[idx]
            w[idx] = old + h
            plus = loss(y, model.predict(x))
            w[idx] = old - h
            minus = loss(y, model.predict(x))
            w[idx] = old
            assert g[idx] == pytest.approx((plus - minus) / (2 * h), rel=1e-9, abs=1e-12)


def test_a_wrong_backward_is_caught(rng, monkeypatch):
    """The check is not vacuous: break the sigmoid derivative and it fails."""
    model = Sequential([Dense(3, "sigmoid"), Dense(2, "softmax")], input_dim=2, seed=7,
                       dtype="float64")
    x, y = rng.normal(size=(6, 2)), np.eye(2)[[0, 1, 1, 0, 1, 0]]
    monkeypatch.setattr(glassnet.activations.Sigmoid, "derivative",
                        lambda self, z, s: s * (1.0 - s) * 1.01)
    assert gradient_check(model, x, y, loss="categorical_crossentropy") > 1e-3


def test_gradient_list_is_aligned_with_weights(rng):
    model = Sequential([Dense(3, "relu"), BatchNormalization(), Dense(2)], input_dim=2, seed=8)
    grads = model.compute_gradients(rng.normal(size=(4, 2)), rng.normal(size=(4, 2)),
                                    loss="mse")
    assert [g.shape for g in grads] == [w.shape for w in model.get_weights()]
    assert not grads[4].any() and not grads[5].any()  # moving mean / variance: not trainable
