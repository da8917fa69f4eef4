import json

import numpy as np
import pytest
from glassnet.layers import Activation, BatchNormalization, Dense, Dropout

import glassnet
from glassnet import ConfigError, DataError, Sequential, ShapeError


def seed000_model(**kwargs):
    return Sequential([Dense(2, "sigmoid", kernel_initializer="uniform"),
                       Dense(5, "softmax", kernel_initializer="uniform")], input_dim=2, **kwargs)


def test_keras_weight_layout_and_predict_by_hand(rng):
    model = seed000_model(seed=0, dtype="float64")
    kernel1, bias1, kernel2, bias2 = model.get_weights()
    assert kernel1.shape == (2, 2) and bias1.shape == (2,)
    assert kernel2.shape == (2, 5) and bias2.shape == (5,)
    assert np.abs(kernel1).max() <= 0.05 and not bias1.any()  # "uniform", zeros
    x = rng.normal(size=(4, 2))
    hidden = 1 / (1 + np.exp(-(x @ kernel1 + bias1)))
    logits = hidden @ kernel2 + bias2
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-12)


def test_same_seed_same_weights_different_seed_different():
    a, b, c = seed000_model(seed=3), seed000_model(seed=3), seed000_model(seed=4)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_float32_stays_float32(rng):
    model = seed000_model(seed=0)
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model.predict(rng.normal(size=(3, 2))).dtype == np.float32


def test_lazy_build_on_first_data(rng):
    model = Sequential([Dense(3, "relu"), Dense(1)])
    assert not model.built
    assert model.predict(rng.normal(size=(2, 4))).shape == (2, 1)
    assert model.input_dim == 4 and model.count_params() == 4 * 3 + 3 + 3 + 1


def test_predict_in_batches_equals_one_pass(rng):
    model = Sequential([Dense(7, "tanh"), BatchNormalization(), Dense(3, "softmax")],
                       input_dim=5, seed=1)
    x = rng.normal(size=(103, 5))
    np.testing.assert_allclose(model.predict(x, batch_size=10), model.predict(x), rtol=1e-6)


def test_set_weights_round_trip_and_errors():
    model = seed000_model(seed=0)
    new = [np.full(w.shape, i + 1.0) for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    for a, b in zip(model.get_weights(), new):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ShapeError, match=r"expects 4 arrays with shapes .* got 3"):
        model.set_weights(new[:3])
    with pytest.raises(ShapeError, match=r"weights\[2\] \(dense_1.kernel\) must have shape "
                                         r"\(2, 5\), got \(5, 2\)"):
        model.set_weights([new[0], new[1], new[2].T, new[3]])
    with pytest.raises(TypeError, match="expects a list of arrays"):
        model.set_weights(np.zeros(3))
    with pytest.raises(DataError, match=r"weights\[0\] must contain only finite numbers"):
        model.set_weights([np.full((2, 2), np.nan), *new[1:]])
    np.testing.assert_array_equal(model.get_weights()[0], new[0])  # nothing half-written


def test_input_errors_say_expected_and_received():
    model = seed000_model(seed=0)
    with pytest.raises(ShapeError, match=r"x must have 2 features .* got shape \(3, 3\)"):
        model.predict(np.zeros((3, 3)))
    with pytest.raises(ShapeError, match="must be 2-dimensional"):
        model.predict(np.zeros(3))
    with pytest.raises(DataError, match=r"finite numbers, got nan at index \[1, 0\]"):
        model.predict([[0, 0], [np.nan, 1]])
    with pytest.raises(DataError, match="must be numeric"):
        model.predict([["a", "b"]])
    with pytest.raises(ShapeError, match=r"must have shape \(n_samples, 5\)"):
        model.compute_gradients(np.zeros((2, 2)), np.zeros((2, 3)), loss="mse")
    with pytest.raises(ShapeError, match="class labels"):
        model.compute_gradients(np.zeros((2, 2)), np.array([0, 1]),
                                loss="categorical_crossentropy")
    with pytest.raises(ShapeError, match=r"y\[1\] must be a class index in 0..4, got 7"):
        model.compute_gradients(np.zeros((2, 2)), np.array([0, 7]),
                                loss="sparse_categorical_crossentropy")


def test_bad_construction_arguments():
    with pytest.raises(ConfigError, match="units must be >= 1, got 0"):
        Dense(0)
    with pytest.raises(ConfigError, match="units must be an integer, got 2.5"):
        Dense(2.5)
    with pytest.raises(ConfigError, match="unknown activation 'sigmod'"):
        Dense(2, "sigmod")
    with pytest.raises(ConfigError, match="unknown initializer 'xavier'"):
        Dense(2, kernel_initializer="xavier")
    with pytest.raises(ConfigError, match="dtype must be one of 'float32', 'float64', got 'int8'"):
        Sequential([Dense(1)], dtype="int8")
    with pytest.raises(ConfigError, match="rate must be < 1"):
        Dropout(1.0)
    with pytest.raises(ConfigError, match="no loss given"):
        seed000_model(seed=0).compute_gradients(np.zeros((1, 2)), np.zeros((1, 5)))
    with pytest.raises(ConfigError, match="the model has no layers"):
        Sequential(input_dim=3)
    with pytest.raises(TypeError, match="Only instances of"):
        Sequential(["dense"])


def test_summary_lists_layers_shapes_and_params():
    text = seed000_model(seed=0).summary(print_fn=None)
    assert "dense (Dense)" in text and "dense_1 (Dense)" in text
    assert "(None, 2)" in text and "(None, 5)" in text
    assert "Total params: 21" in text and "sigmoid" in text and "softmax" in text


def test_config_round_trips_through_json(rng):
    model = Sequential([
        Dense(4, {"name": "leaky_relu", "alpha": 0.1}, kernel_initializer="he_normal",
              kernel_regularizer={"name": "l1_l2", "l1": 0.01, "l2": 0.001}),
        BatchNormalization(momentum=0.9),
        Dropout(0.25, seed=3),
        Dense(3, use_bias=False),
        Activation("softmax"),
    ], input_dim=3, seed=5, dtype="float64", name="roundtrip")
    config = json.loads(model.to_json())
    again = Sequential.from_config(config)
    assert again.get_config() == model.get_config()
    again.set_weights(model.get_weights())
    x = rng.normal(size=(6, 3))
    np.testing.assert_array_equal(again.predict(x), model.predict(x))


def test_weights_and_gradients_are_views_of_two_flat_arrays():
    model = Sequential([Dense(3, "tanh"), Dense(2, "softmax")], input_dim=4, seed=0)
    assert model.flat_weights.size == model.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    model.flat_weights[:] = np.arange(model.flat_weights.size)
    assert model.layers[0].kernel.ravel().tolist() == list(range(12))
    assert model.layers[1].bias.tolist() == [21.0, 22.0]  # after 12 + 3 + 6 values
    x, y = np.ones((5, 4)), np.eye(2)[[0, 1, 0, 1, 1]]
    model.compute_gradients(x, y, loss="categorical_crossentropy")
    start = 0
    for layer in model.layers:
        for g in layer.grads:
            np.testing.assert_array_equal(model.flat_gradients[start:start + g.size], g.ravel())
            start += g.size


def test_backward_returns_the_deltas_down_the_layers(rng):
    """δ2 = (z - t)/N at the output (softmax fused with cross-entropy); the gradient sent
    to the hidden layer is δ2 Bᵀ (the Σk δ2_k b_kj of the derivation)."""
    model = Sequential([Dense(3, "sigmoid"), Dense(4, "softmax")], input_dim=2, seed=0,
                       dtype="float64")
    x, t = rng.normal(size=(6, 2)), np.eye(4)[[0, 1, 2, 3, 0, 1]]
    z, value, delta = model.forward_loss(x, t, glassnet.losses.get("categorical_crossentropy"))
    np.testing.assert_allclose(delta, (z - t) / 6)
    sent = model.backward(delta)
    assert len(sent) == 2 and sent[1] is delta
    np.testing.assert_allclose(sent[0], delta @ model.layers[1].kernel.T)


def test_train_on_batch_is_one_step_of_fit():
    data = glassnet.datasets.load("sample2")
    a = Sequential([Dense(2, "sigmoid"), Dense(5, "softmax")], input_dim=2, seed=0)
    b = Sequential([Dense(2, "sigmoid"), Dense(5, "softmax")], input_dim=2, seed=0)
    for m in (a, b):
        m.compile(glassnet.optimizers.SGD(0.5), "categorical_crossentropy", ["accuracy"])
    loss, accuracy = a.train_on_batch(data.features, data.one_hot())
    history = b.fit(data, epochs=1, batch_size=len(data), shuffle=False, verbose=0)
    assert loss == pytest.approx(history.history["loss"][0], rel=1e-6)
    assert accuracy == pytest.approx(history.history["accuracy"][0])
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


# Arguments and inputs that used to surface as NumPy errors or silent mistakes -----------
class Table:
    """The part of a pandas DataFrame glassnet uses: named columns."""

    def __init__(self, columns):
        self.data = {k: np.asarray(v, float) for k, v in columns.items()}
        self.columns = list(columns)

    def __getitem__(self, names):
        return Table({n: self.data[n] for n in names})

    def to_numpy(self):
        return np.column_stack([self.data[c] for c in self.columns])

    def __array__(self, dtype=None, copy=None):
        return self.to_numpy()


def named_model():
    model = Sequential([Dense(1)], input_dim=2, seed=0)
    model.set_weights([np.array([[1.0], [10.0]]), np.zeros(1)])
    model.info["feature_names"] = ["length", "weight"]
    return model


def test_a_table_with_named_columns_is_matched_by_name():
    model = named_model()
    swapped = Table({"weight": [1.0, 2.0], "length": [3.0, 4.0]})
    np.testing.assert_allclose(model.predict(swapped)[:, 0], [3 + 10, 4 + 20])
    extra = Table({"id": [7.0, 8.0], "length": [3.0, 4.0], "weight": [1.0, 2.0]})
    np.testing.assert_allclose(model.predict(extra)[:, 0], [13, 24])
    with pytest.raises(DataError, match="x has no column\\(s\\) 'weight'; the model was trained "
                       "on columns 'length', 'weight'"):
        model.predict(Table({"length": [1.0], "height": [2.0]}))


def test_a_pandas_dataframe_is_matched_by_name():
    pd = pytest.importorskip("pandas")
    model = named_model()
    frame = pd.DataFrame({"weight": [1.0, 2.0], "length": [3.0, 4.0]})
    np.testing.assert_allclose(model.predict(frame)[:, 0], [13, 24])


def test_complex_input_is_refused():
    with pytest.raises(DataError, match="x must hold real numbers, got complex values"):
        named_model().predict(np.array([[1 + 2j, 3]]))


def test_argument_types_are_config_errors():
    with pytest.raises(ConfigError, match="batch_size must be an integer, got '2' \\(str\\)"):
        named_model().predict(np.ones((3, 2)), batch_size="2")
    with pytest.raises(ConfigError, match="seed must be an integer, got 'x' \\(str\\)"):
        Dropout(0.5, seed="x")
