"""Keras 3's early-stopping tests (keras/src/callbacks/early_stopping_test.py) through
glassnet's EarlyStopping; each test names the Keras test case it ports."""

import numpy as np
import pytest
from glassnet.layers import Dense

from glassnet import Sequential, callbacks


class DummyModel:
    """test_early_stopping_final_weights_when_restoring_model_weights's model: its
    "weights" are the number of the epoch that produced them."""

    def __init__(self):
        self.stop_training = False
        self.weights = -1

    def get_weights(self):
        return self.weights

    def set_weights(self, weights):
        self.weights = weights


def run(stopper, losses, stop_at=None):
    model = DummyModel()
    stopper.set_model(model)
    stopper.on_train_begin()
    trained = 0
    for epoch, loss in enumerate(losses):
        trained += 1
        model.weights = epoch
        stopper.on_epoch_end(epoch, {"val_loss": loss})
        if epoch == stop_at:
            model.stop_training = True
        if model.stop_training:
            break
    stopper.on_train_end()
    return trained, model.weights


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_early_stopping_patience(patience):
    """EarlyStoppingTest.test_early_stopping_patience: stops at max(patience, 1) + 2."""
    stopper = callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    run(stopper, [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5])
    assert stopper.stopped_epoch == max(patience, 1) + 2


def test_final_weights_when_restoring_model_weights():
    """EarlyStoppingTest.test_early_stopping_final_weights_when_restoring_model_weights:
    the best epoch's weights come back, also when no epoch beats the baseline and when
    another callback stops training."""
    es = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    assert run(es, [0.2, 0.15, 0.1, 0.11, 0.12])[1] == 2
    es = callbacks.EarlyStopping(monitor="val_loss", patience=5, baseline=0.5,
                                 restore_best_weights=True)
    assert run(es, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73]) == (5, 2)
    es = callbacks.EarlyStopping(monitor="val_loss", patience=5, baseline=0.5,
                                 restore_best_weights=True)
    assert run(es, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73], stop_at=3) == (4, 2)


def test_state_before_and_across_fit_calls():
    """EarlyStoppingTest.test_state_reset_across_fit_calls; before any training
    stopped_epoch and best_epoch are 0, so `if es.stopped_epoch > 0` works."""
    stopper = callbacks.EarlyStopping(monitor="loss", patience=3)
    assert stopper.stopped_epoch == 0 and stopper.best_epoch == 0 and stopper.wait == 0
    stopper.set_model(DummyModel())
    stopper.best, stopper.wait, stopper.stopped_epoch = 0.1, 3, 5
    stopper.best_epoch, stopper.best_weights = 5, object()
    stopper.on_train_begin()
    assert stopper.best is None and stopper.wait == 0 and stopper.stopped_epoch == 0
    assert stopper.best_epoch == 0 and stopper.best_weights is None


def _model():
    model = Sequential([Dense(1, "relu"), Dense(1, "relu")], input_dim=5, seed=1)
    model.compile("sgd", "mae", ["mse"])
    return model


def test_stop_training_exists_before_fit():
    assert _model().stop_training is False


def test_baseline_and_start_from_epoch_in_fit(rng):
    """EarlyStoppingTest.test_early_stopping_with_baseline and
    test_early_stopping_with_start_from_epoch."""
    x, y = rng.random((10, 5)), rng.random((10, 1))
    stopper = callbacks.EarlyStopping(monitor="mse", patience=3, baseline=0.6)
    assert len(_model().fit(x, y, callbacks=[stopper], verbose=0, epochs=20).epoch) >= 3
    for patience in (3, 0):
        stopper = callbacks.EarlyStopping(monitor="mse", patience=patience, start_from_epoch=2)
        history = _model().fit(x, y, callbacks=[stopper], verbose=0, epochs=20)
        assert len(history.epoch) >= patience + 2


def test_restore_best_weights_in_fit_without_beating_the_baseline(rng):
    """Keras restores the best epoch's weights even when the baseline is never beaten."""
    x, y = rng.random((20, 5)), rng.random((20, 1))
    model = _model()
    seen = []
    record = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        (logs["loss"], model.get_weights())))
    stopper = callbacks.EarlyStopping(monitor="loss", patience=2, baseline=-1.0,
                                      restore_best_weights=True)
    model.fit(x, y, callbacks=[record, stopper], verbose=0, epochs=6, batch_size=20)
    best = min(range(len(seen)), key=lambda i: seen[i][0])
    assert stopper.best_epoch == best
    for kept, expected in zip(model.get_weights(), seen[best][1]):
        np.testing.assert_array_equal(kept, expected)
