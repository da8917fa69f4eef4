"""Keras 3's model-building and training conventions through glassnet (sequential_test,
trainer_test, layers/*_test of keras/src); each test names the Keras test it ports."""

import numpy as np
import pytest
from glassnet.layers import BatchNormalization, Dense, Flatten

import glassnet
from glassnet import ConfigError, Input, Sequential, ShapeError, layers, losses, metrics


def test_basic_flow_with_input():
    """models/sequential_test.SequentialTest.test_basic_flow_with_input."""
    model = Sequential(name="seq")
    model.add(Input(shape=(2,), batch_size=3))
    model.add(Dense(4))
    model.add(Dense(5))
    model.summary(print_fn=None)
    assert len(model.layers) == 2 and model.built and len(model.weights) == 4
    assert model(np.random.default_rng(0).random((3, 2))).shape == (3, 5)
    model = Sequential([Input(shape=(2,)), Dense(4), Dense(5)])
    assert model.built and model.input_shape == (None, 2) and model.output_shape == (None, 5)


def test_basic_flow_deferred():
    """SequentialTest.test_basic_flow_deferred: built by the first call."""
    model = Sequential(name="seq")
    model.add(Dense(4))
    model.add(Dense(5))
    model.summary(print_fn=None)
    assert len(model.layers) == 2 and not model.built
    assert model(np.random.default_rng(0).random((3, 2))).shape == (3, 5)
    assert model.built


def test_input_shape_and_input_dim_on_the_first_layer():
    """Keras 2's Dense(..., input_shape=(n,)) / input_dim=n, still common in tutorials."""
    for first in (Dense(4, "relu", input_shape=(3,)), Dense(4, "relu", input_dim=3)):
        model = Sequential([first, Dense(2, "softmax")], seed=0)
        assert model.built and [w.shape for w in model.get_weights()] == [(3, 4), (4,), (4, 2),
                                                                          (2,)]
    same = Sequential([Dense(4, "relu"), Dense(2, "softmax")], input_dim=3, seed=0)
    for a, b in zip(model.get_weights(), same.get_weights()):
        np.testing.assert_array_equal(a, b)  # the same draws as building all at once
    with pytest.raises(ConfigError, match="Input"):
        Sequential([Dense(2), Input(shape=(3,))])


def test_flatten_reads_28x28_images(rng):
    """layers/reshaping/flatten_test: (n, 28, 28) rows become 784 features; MNIST's
    Flatten(input_shape=(28, 28)) + Dense trains and predicts on the grid."""
    x = rng.random((20, 28, 28)).astype("float32")
    y = rng.integers(0, 10, 20)
    model = Sequential([Flatten(input_shape=(28, 28)), Dense(16, "relu"),
                        Dense(10, "softmax")], seed=0)
    assert model.input_dim == 784 and model.input_shape == (None, 28, 28)
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    np.testing.assert_allclose(model.predict(x), model.predict(x.reshape(20, -1).reshape(
        20, 28, 28)))
    assert layers.Flatten()(np.zeros((2, 3, 4))).shape == (2, 12)
    with pytest.raises(ShapeError, match=r"rows of shape \(28, 28\)"):
        model.predict(rng.random((2, 27, 28)))
    with pytest.raises(ShapeError, match="need a Flatten"):
        Sequential([Dense(3)]).build((None, 28, 28))
    again = Sequential.from_config(model.get_config())
    assert again.input_shape == (None, 28, 28)


@pytest.mark.parametrize("kwargs,x,expected", [
    # layers/activations/relu_test.ReLUTest: test_normal_relu_correctness,
    # test_leaky_relu_correctness, test_threshold_relu_correctness
    ({"max_value": 10, "negative_slope": 0.0, "threshold": 0}, [-10, -5, 0.0, 5, 10],
     [0.0, 0.0, 0.0, 5.0, 10.0]),
    ({"max_value": 10, "negative_slope": 0.5, "threshold": 0}, [-10, -5, 0.0, 5, 10],
     [-5.0, -2.5, 0.0, 5.0, 10.0]),
    ({"max_value": 8, "negative_slope": 0.0, "threshold": 5}, [6.0, 7.0, 0.0, 5, 10],
     [6.0, 7.0, 0.0, 0.0, 8.0]),
])
def test_relu_layer(kwargs, x, expected):
    np.testing.assert_allclose(layers.ReLU(**kwargs)(np.array(x)), expected)


def test_leaky_relu_and_softmax_layers(rng):
    """leaky_relu_test / softmax_test: values; Softmax fuses with cross-entropy as
    Dense(k, 'softmax') does."""
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])
    np.testing.assert_allclose(layers.LeakyReLU(negative_slope=0.5)(x), [-5, -2.5, 0, 5, 10])
    np.testing.assert_allclose(layers.LeakyReLU()(x), [-0.1, -0.05, 0, 5, 10])
    logits = rng.normal(size=(4, 3))
    np.testing.assert_allclose(layers.Softmax()(logits).sum(axis=1), 1.0)
    model = Sequential([Dense(3), layers.Softmax()], input_dim=2, seed=0)
    assert model.fuses(losses.get("categorical_crossentropy"))
    assert layers.LAYERS.get_class("ReLU") is layers.ReLU


def test_batch_normalization_without_center_and_scale():
    """layers/normalization/batch_normalization_test: center=False, scale=False has no
    trainable weights and two non-trainable ones."""
    model = Sequential([BatchNormalization(center=False, scale=False)], input_dim=3)
    layer = model.layers[0]
    assert len(layer.get_weights()) == 2 and layer.weight_names == ("moving_mean",
                                                                    "moving_variance")
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 2
    x = np.random.default_rng(0).normal(2.0, 3.0, (50, 3))
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-6)
    full = Sequential([BatchNormalization()], input_dim=3)
    assert len(full.trainable_weights) == 2 and len(full.non_trainable_weights) == 2


def test_frozen_layers_are_not_trained_and_not_counted(rng):
    """layer.trainable = False (Keras): fit leaves the layer alone; summary counts its
    weights as non-trainable; unfreezing trains it again."""
    x, y = rng.normal(size=(30, 3)), rng.normal(size=(30, 1))
    model = Sequential([Dense(4, "tanh"), Dense(1)], input_dim=3, seed=0)
    model.layers[0].trainable = False
    model.compile("sgd", "mse")
    before = model.layers[0].get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(before, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)
    assert "Trainable params: 5" in model.summary(print_fn=None)
    assert "Non-trainable params: 16" in model.summary(print_fn=None)
    assert len(model.trainable_weights) == 2
    model.layers[0].trainable = True
    model.compile("sgd", "mse")
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before[0], model.layers[0].get_weights()[0])
    again = Sequential.from_config({**model.get_config(), "layers": [
        {**c, "config": {**c["config"], "trainable": False}} if i == 0 else c
        for i, c in enumerate(model.get_config()["layers"])]})
    assert again.layers[0].trainable is False


def test_layer_weights_and_weight_files(tmp_path, rng):
    """Layer-level get_weights/set_weights; save_weights/load_weights round trip."""
    model = Sequential([Dense(4, "relu"), Dense(2)], input_dim=3, seed=0)
    layer = model.layers[1]
    new = [np.ones((4, 2)), np.full(2, 0.5)]
    layer.set_weights(new)
    np.testing.assert_array_equal(model.get_weights()[2], np.ones((4, 2)))
    with pytest.raises(ShapeError, match=r"dense_1.kernel must have shape \(4, 2\)"):
        layer.set_weights([np.ones((2, 4)), np.zeros(2)])
    model.save_weights(tmp_path / "w.npz")
    other = Sequential([Dense(4, "relu"), Dense(2)], input_dim=3, seed=1)
    other.load_weights(tmp_path / "w.npz")
    x = rng.normal(size=(5, 3))
    np.testing.assert_array_equal(other.predict(x), model.predict(x))
    with pytest.raises(glassnet.DataError, match="this model has 2 weights"):
        Sequential([Dense(4)], input_dim=3).load_weights(tmp_path / "w.npz")


def _example_model():
    """trainer_test.ExampleModel: Dense(3, use_bias=False, kernel of ones)."""
    model = Sequential([Dense(3, use_bias=False, kernel_initializer="ones")], input_dim=4,
                       dtype="float32")
    model.compile(optimizer=glassnet.optimizers.SGD(), loss=losses.MeanSquaredError(),
                  metrics=["mse"])
    return model


def test_on_batch_methods_with_sample_and_class_weights():
    """trainers/trainer_test.TestTrainer.test_on_batch_methods, its golden numbers."""
    model = _example_model()
    x, y = np.ones((100, 4)), np.zeros((100, 3))
    sw = np.arange(100).astype("float32") / 50.0
    logs = model.train_on_batch(x, y)
    assert isinstance(logs, list) and len(logs) == 2 and logs[0] == pytest.approx(16.0)
    assert model.train_on_batch(x, y, return_dict=True)["loss"] == pytest.approx(15.158,
                                                                                  abs=1e-3)
    assert model.test_on_batch(x, y)[0] == pytest.approx(14.360, abs=1e-3)
    np.testing.assert_allclose(model.predict_on_batch(x)[0], [3.789511] * 3, rtol=1e-5)
    assert model.train_on_batch(x, y, sw)[0] == pytest.approx(14.217, abs=1e-3)
    assert model.test_on_batch(x, y, sw)[0] == pytest.approx(13.476, abs=1e-3)
    np.testing.assert_allclose(model.predict_on_batch(x)[0], [3.689468] * 3, rtol=1e-5)
    logs = model.train_on_batch(x, y, class_weight={1: 0.3, 0: 0.2})
    assert logs[0] == pytest.approx(2.722, abs=1e-3)


def test_class_weights_per_row():
    """data_adapters/array_data_adapter_test.test_class_weights (int and categorical)."""
    from glassnet.training.fitdata import row_weights

    cw = {0: 0.1, 1: 0.2, 2: 0.3, 3: 0.4}
    for y in (np.array([0, 1, 2, 3]), np.eye(4)):
        np.testing.assert_allclose(row_weights(y, None, cw, 4), [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ConfigError, match=r"no weight for class\(es\) \[3\]"):
        row_weights(np.array([0, 3]), None, {0: 1.0}, 2)


def test_fit_and_evaluate_with_sample_weights(rng):
    """Weights reach the loss and every metric: zero-weighted rows do not count, and a
    weight of 2 counts a row twice."""
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0, dtype="float64")
    model.compile("sgd", "sparse_categorical_crossentropy", ["accuracy"])
    w = np.r_[np.ones(20), np.zeros(20)]
    weighted = model.evaluate(x, y, return_dict=True, sample_weight=w)
    first = model.evaluate(x[:20], y[:20], return_dict=True)
    assert weighted["accuracy"] == pytest.approx(first["accuracy"])
    assert weighted["loss"] == pytest.approx(first["loss"] / 2)  # Σ w l / N with N = 40
    twice = model.evaluate(np.r_[x, x[:1]], np.r_[y, y[:1]], return_dict=True)
    w2 = np.ones(40)
    w2[0] = 2.0
    assert model.evaluate(x, y, return_dict=True, sample_weight=w2)["accuracy"] == \
        pytest.approx(twice["accuracy"])
    a = Sequential([Dense(2, "softmax")], input_dim=2, seed=0, dtype="float64")
    a.compile("sgd", "sparse_categorical_crossentropy")
    a.fit(x, y, epochs=3, batch_size=40, verbose=0, sample_weight=w, shuffle=False)
    b = Sequential([Dense(2, "softmax")], input_dim=2, seed=0, dtype="float64")
    b.compile("sgd", "sparse_categorical_crossentropy")
    b.fit(x, y, epochs=3, batch_size=40, verbose=0, class_weight={0: 0.5, 1: 0.5},
          shuffle=False)
    c = Sequential([Dense(2, "softmax")], input_dim=2, seed=0, dtype="float64")
    c.compile(glassnet.optimizers.SGD(0.005), "sparse_categorical_crossentropy")
    c.fit(x, y, epochs=3, batch_size=40, verbose=0, shuffle=False)
    for wb, wc in zip(b.get_weights(), c.get_weights()):  # half the weight = half the rate
        np.testing.assert_allclose(wb, wc, rtol=1e-12)
    h = a.fit(x, y, epochs=1, verbose=0, sample_weight=w, validation_split=0.25)
    assert np.isfinite(h.history["val_loss"][0])


def test_metrics_module_get():
    assert isinstance(metrics.get("auc"), metrics.AUC)


def test_sparse_labels_shaped_n_by_1_train_and_evaluate(rng):
    """keras.datasets ship labels as (n, 1): fit and evaluate squeeze them, as Keras."""
    x = rng.normal(size=(30, 2))
    labels = (x[:, 0] > 0).astype(int)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(x, labels.reshape(-1, 1), epochs=1, verbose=0)
    column = model.evaluate(x, labels.reshape(-1, 1), return_dict=True)
    flat = model.evaluate(x, labels, return_dict=True)
    assert column == flat


# keras/src/models/sequential_test.py: pop, errors, build; Keras 3.15's behaviour --------
def test_pop_removes_the_last_layer_and_keeps_the_others_weights():
    from glassnet.layers import Input

    model = Sequential([Input((3,)), Dense(4, name="a"), Dense(2, name="b")], seed=0)
    first = model.layers[0].get_weights()
    popped = model.pop()
    assert popped.name == "b" and [layer.name for layer in model.layers] == ["a"]
    assert model.output_shape == (None, 4) and model.count_params() == 16
    np.testing.assert_array_equal(model.layers[0].kernel, first[0])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 4)), epochs=1, verbose=0)  # trains as it is now
    model.add(Dense(1, name="c"))
    assert model.output_shape == (None, 1)
    model.pop()
    model.pop()
    with pytest.raises(IndexError):
        model.pop()


def test_sequential_refuses_what_keras_refuses():
    from glassnet.layers import Input

    with pytest.raises(ValueError, match="cannot add a different Input layer"):
        Sequential([Input((3,)), Input((3,)), Dense(2)])
    with pytest.raises(ValueError, match="should have unique names. Name 'a'"):
        Sequential([Dense(2, name="a"), Dense(2, name="a")])
    with pytest.raises(ValueError, match="Only instances of"):
        Sequential().add({})
    with pytest.raises(AttributeError, match="reserved"):
        Sequential([Dense(2)]).layers = [Dense(3)]
    with pytest.raises(AttributeError):
        Sequential().input_shape  # noqa: B018 - Keras: no input shape before one is known


def test_build_reads_the_first_axis_as_the_batch():
    for shape in ((3, 2), (None, 2), 2):
        model = Sequential([Dense(4)])
        model.build(shape)
        assert model.input_dim == 2 and model.layers[0].kernel.shape == (2, 4)


def test_model_trainable_false_freezes_every_layer():
    model = Sequential([Dense(3), Dense(2)], input_dim=3, seed=0)
    model.trainable = False
    model.compile("sgd", "mse")
    before = model.get_weights()
    model.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=2, verbose=0)
    assert not model.trainable and model.trainable_weights == []
    assert all(not layer.trainable for layer in model.layers)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.trainable = True
    model.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=1, verbose=0)
    assert not np.array_equal(before[0], model.get_weights()[0])


def test_flatten_relu_dense_and_softmax_edges_as_keras():
    from glassnet import activations

    assert layers.Flatten()(np.zeros(5)).shape == (5, 1)  # (n,) -> (n, 1)
    with pytest.raises(ValueError, match="threshold"):
        layers.ReLU(threshold=-10)
    dense = Dense(2, "relu")
    x = np.array([[1.0, -2.0, 3.0]])
    dense(x)
    dense.activation = None  # Keras: no activation, the weighted sum itself
    np.testing.assert_allclose(dense(x), x @ dense.kernel + dense.bias)
    z = np.arange(12.0).reshape(1, 2, 2, 3)
    s = activations.softmax(z, axis=(1, 2))  # normalised over both axes together
    np.testing.assert_allclose(s.sum(axis=(1, 2)), 1.0)
    np.testing.assert_allclose(s[0, :, :, 0], np.exp(z[0, :, :, 0]) / np.exp(z[0, :, :, 0]).sum())


def test_build_conflict_and_no_layers():
    """keras/src/models/sequential_test.py SequentialTest.test_errors: a model configured
    by Input refuses another input shape, accepts its own (its weights stay); a model
    without layers cannot run."""
    from glassnet.layers import Input

    model = Sequential([Input((2,)), Dense(2)], seed=0)
    kernel = model.layers[0].kernel.copy()
    with pytest.raises(ValueError, match="already been configured"):
        model.build((3, 4))
    model.build((3, 2))
    np.testing.assert_array_equal(model.layers[0].kernel, kernel)
    with pytest.raises(ValueError, match="no layers"):
        Sequential()(np.random.default_rng(0).random((3, 2)))
    # test_basic_flow_with_input: pop keeps the model built and callable
    model = Sequential([Input((2,)), Dense(4), Dense(5)], seed=0)
    assert model(np.ones((3, 2))).shape == (3, 5) and len(model.weights) == 4
    model.pop()
    assert model.built and len(model.weights) == 2 and model(np.ones((3, 2))).shape == (3, 4)


def test_pickled_model_has_the_same_config_and_trains_on_bit_for_bit():
    """SequentialTest.test_pickleable, and training after the round trip: the optimiser
    steps the unpickled model's own weights, as it would the original's."""
    import pickle

    from glassnet.layers import Input

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 2)), rng.integers(0, 3, 64)
    model = Sequential([Input((2,)), Dense(8, "relu"), Dense(3, "softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    again = pickle.loads(pickle.dumps(model))
    assert again.get_config() == model.get_config()
    for net in (model, again):
        net.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
