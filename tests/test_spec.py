"""The model spec: one description and one builder for every front end."""

import json

import numpy as np
import pytest

import glassnet
from glassnet import ConfigError, datasets
from glassnet.data import Dataset
from glassnet.training.spec import (
    EXPERIMENT_DEFAULTS,
    ModelSpec,
    build_model,
    fit_model,
    fold_target_scaling,
    train,
    unfold_target_scaling,
)


def test_defaults_are_the_keras_program_of_the_discriminant_analysis():
    model = build_model(ModelSpec(), datasets.load("sample2"))
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Normalization", "Dense", "Dense"]
    hidden, output = model.layers[1], model.layers[2]
    assert (hidden.units, hidden.activation.name) == (2, "sigmoid")
    assert (output.units, output.activation.name) == (5, "softmax")
    assert hidden.kernel_initializer.name == "uniform"
    assert model.loss.name == "categorical_crossentropy"
    assert model.optimizer.name == "sgd" and model.optimizer.learning_rate == 0.5
    assert [name for name, _ in model.metrics] == ["accuracy"]


def test_json_round_trip_and_saved_with_the_model(tmp_path):
    spec = ModelSpec(hidden=[8, {"units": 4, "activation": "tanh", "dropout": 0.2}],
                     activation="relu", kernel_initializer="auto", l2=1e-3, epochs=3,
                     optimizer={"name": "adam", "learning_rate": 0.01}, batch_size=None)
    assert ModelSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    model, _ = train(spec, datasets.load("moons"))
    model.save(tmp_path / "m.glassnet")
    assert ModelSpec.from_dict(glassnet.load_model(tmp_path / "m.glassnet").info["spec"]) == spec
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Normalization", "Dense", "Dense", "Dropout", "Dense"]
    assert model.layers[1].kernel_initializer.name == "he_uniform"  # auto, relu
    assert model.layers[2].kernel_initializer.name == "glorot_uniform"  # auto, tanh
    assert model.layers[2].kernel_regularizer.l2 == 1e-3


@pytest.mark.parametrize("values,message", [
    ({"hiden": [2]}, "unknown model spec key.*'hiden'.*known keys: hidden"),
    ({"hidden": [0]}, r"hidden\[0\] units must be >= 1, got 0"),
    ({"hidden": [{"units": 2, "dropot": 0.1}]}, r"hidden\[0\] has unknown key.*'dropot'"),
    ({"hidden": [{"activation": "relu"}]}, r"hidden\[0\] needs 'units'"),
    ({"scale": "zscore"}, "scale must be one of 'standard', 'minmax', 'none', got 'zscore'"),
    ({"batch_size": 0}, "batch_size must be >= 1, got 0"),
    ({"optimizer": 3}, "optimizer must be a name or a config dict"),
    ({"l2": float("nan")}, "must be finite"),
])
def test_bad_specs_name_the_value(values, message):
    with pytest.raises(ConfigError, match=message):
        ModelSpec.from_dict(values)


def test_numeric_target_learnt_standardised_and_folded_back():
    """The step of 500 / 1000 from four points: predictions come in the data's units, and
    the history's losses too (mean squared error in units², exact for one target)."""
    data = datasets.load("steps")
    spec = ModelSpec(hidden=[1], activation="tanh", batch_size=None, epochs=1000, seed=0,
                     dtype="float64")
    model, history = train(spec, data)
    predicted = model.predict([[9.0], [11.0], [12.0], [14.0]])[:, 0]
    assert np.abs(predicted - [500, 500, 1000, 1000]).max() < 60
    assert model.info["target_scaling"]["mean"] == [750.0]
    mse = float(np.mean((predicted - data.labels[:, 0]) ** 2))
    assert history.history["loss"][-1] == pytest.approx(mse, rel=0.05)
    # training more continues in standardised units and folds back again
    before = model.predict([[10.0]])
    fit_model(model, spec, data, epochs=1)
    assert abs(model.predict([[10.0]])[0, 0] - before[0, 0]) < 50


def test_fold_and_unfold_are_inverse():
    model = build_model(ModelSpec(hidden=[3], dtype="float64"), datasets.load("steps"))
    x = np.array([[9.0], [13.0]])
    raw = model.predict(x)
    mean, std = np.array([750.0]), np.array([250.0])
    fold_target_scaling(model, mean, std)
    np.testing.assert_allclose(model.predict(x), raw * 250 + 750)
    unfold_target_scaling(model, mean, std)
    np.testing.assert_allclose(model.predict(x), raw)


def test_validation_classes_are_aligned_to_the_training_order():
    x = np.array([[0.0, 0.0], [1.0, 1.0], [0.1, 0.0], [0.9, 1.0]])
    train_part = Dataset(x, np.array([0, 1, 0, 1]), ["a", "b"], ["cod", "eel"])
    # the validation file lists its classes the other way round
    validation = Dataset(x, np.array([1, 0, 1, 0]), ["a", "b"], ["eel", "cod"])
    aligned = validation.aligned_to(train_part)
    assert aligned.class_names == ["cod", "eel"] and aligned.labels.tolist() == [0, 1, 0, 1]
    model = build_model(ModelSpec(epochs=2), train_part)
    history = fit_model(model, ModelSpec(epochs=2), train_part, validation)
    assert "val_accuracy" in history.history
    stranger = Dataset(x, np.array([0, 0, 0, 0]), ["a", "b"], ["tuna"])
    with pytest.raises(glassnet.DataError, match="'tuna' do not occur in the training data"):
        stranger.aligned_to(train_part)


def test_early_stopping_from_the_spec():
    data = datasets.load("moons")
    spec = ModelSpec(hidden=[8], early_stopping=0, epochs=50, seed=1)
    _, history = train(spec, data, validation=data)
    assert history.stop_reason == "early_stopping" and len(history.epoch) < 50


def test_trials_build_from_the_spec_with_experiment_defaults():
    from glassnet.experiments.trial import model_spec

    spec = model_spec({"name": "t", "data": {"source": "moons"}, "weight_decay": 1e-4},
                      classification=True)
    assert spec.hidden == EXPERIMENT_DEFAULTS["hidden"]
    assert spec.optimizer == {"name": "adam", "learning_rate": 1e-3, "weight_decay": 1e-4}
    assert spec.metrics == ["accuracy", "crossentropy"]
