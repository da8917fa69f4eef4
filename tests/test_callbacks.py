import csv

import numpy as np
import pytest
from glassnet.layers import Dense

from glassnet import ConfigError, Sequential, callbacks, load_model, optimizers


class StubModel:
    """Just what the callbacks touch, so the logged values can be scripted."""

    def __init__(self):
        self.stop_training = False
        self._stop_reason = None
        self.weights = [np.zeros(1)]
        self.optimizer = optimizers.SGD(1.0)

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, ws):
        self.weights = [w.copy() for w in ws]


def drive(cb, values, key="val_loss", model=None):
    """Run the callback over epochs whose logs hold ``values``; weights = epoch number."""
    model = model or StubModel()
    cb.set_model(model)
    cb.on_train_begin({})
    ran = 0
    for epoch, value in enumerate(values):
        if model.stop_training:
            break
        cb.on_epoch_begin(epoch, {})
        model.weights = [np.array([float(epoch)])]
        cb.on_epoch_end(epoch, {key: value})
        ran += 1
    cb.on_train_end({})
    return model, ran


def test_early_stopping_patience_and_restore():
    cb = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    model, ran = drive(cb, [1.0, 0.5, 0.6, 0.7, 0.4, 0.3])
    assert ran == 4 and model.stop_training and cb.stopped_epoch == 3
    assert model.weights[0][0] == 1.0  # weights of the best epoch (0.5 at epoch 1)


def test_early_stopping_min_delta_mode_and_warmup():
    cb = callbacks.EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05)
    _, ran = drive(cb, [0.5, 0.52, 0.53], key="val_accuracy")  # +0.02 is no improvement
    assert ran == 2 and cb.best == 0.5
    cb = callbacks.EarlyStopping(patience=0, start_from_epoch=3)
    _, ran = drive(cb, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert ran == 5  # epochs 0-2 ignored; epoch 3 sets best, epoch 4 fails to improve


def test_monitoring_an_unlogged_value_is_a_clear_error():
    with pytest.raises(ConfigError, match="monitors 'val_loss', which training does not log; "
                                          "available: loss"):
        drive(callbacks.EarlyStopping(), [1.0], key="loss")


def test_reduce_lr_on_plateau():
    cb = callbacks.ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.2)
    model, _ = drive(cb, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    # plateau from epoch 1: halved after epochs 2, 4, 6 -> 0.125 clipped at 0.2
    assert model.optimizer.learning_rate == pytest.approx(0.2)
    cb = callbacks.ReduceLROnPlateau(factor=0.5, patience=2)
    model, _ = drive(cb, [1.0, 0.9, 0.8, 0.7])
    assert model.optimizer.learning_rate == 1.0


def test_terminate_on_nan():
    model = StubModel()
    cb = callbacks.TerminateOnNaN()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    cb.on_train_batch_end(1, {"loss": float("nan")})
    assert model.stop_training


def small_run(tmp_path=None, epochs=6, cbs=(), **fit):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 2)), rng.integers(0, 3, 60)
    model = Sequential([Dense(6, "tanh"), Dense(3, "softmax")], input_dim=2, seed=1)
    model.compile(optimizers.SGD(0.2), "sparse_categorical_crossentropy", ["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=10, verbose=0, callbacks=list(cbs),
                        validation_split=0.2, **fit)
    return model, history


def test_learning_rate_scheduler_and_history():
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 * 0.5**epoch)
    model, h = small_run(cbs=[cb], epochs=4)
    assert h.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025, 0.0125])


def test_lambda_callback_hooks_are_called():
    calls = {"epoch_begin": 0, "epoch_end": 0, "batch": 0, "begin": 0, "end": 0}

    def bump(key):
        return lambda *args: calls.__setitem__(key, calls[key] + 1)

    cb = callbacks.LambdaCallback(on_epoch_begin=bump("epoch_begin"),
                                  on_epoch_end=bump("epoch_end"),
                                  on_train_batch_end=bump("batch"), on_train_begin=bump("begin"),
                                  on_train_end=bump("end"))
    small_run(cbs=[cb], epochs=3)
    assert calls == {"epoch_begin": 3, "epoch_end": 3, "batch": 15, "begin": 1, "end": 1}


def test_csv_logger_writes_the_history(tmp_path):
    path = tmp_path / "log.csv"
    _, h = small_run(cbs=[callbacks.CSVLogger(path)], epochs=3)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    assert [float(r["val_loss"]) for r in rows] == pytest.approx(h.history["val_loss"])
    small_run(cbs=[callbacks.CSVLogger(path, append=True)], epochs=2)
    assert len(list(csv.DictReader(path.open(encoding="utf-8")))) == 5


def test_model_checkpoint_best_only(tmp_path):
    path = tmp_path / "best.glassnet"
    saved = []

    class Watch(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if path.exists():
                saved.append((path.stat().st_mtime_ns, logs["val_loss"]))

    ckpt = callbacks.ModelCheckpoint(path, save_best_only=True)
    model, h = small_run(cbs=[ckpt, Watch()], epochs=6)
    best = min(h.history["val_loss"])
    loaded = load_model(path)
    assert loaded.evaluate(*_val(model), return_dict=True)["loss"] == pytest.approx(best, rel=1e-5)
    per_epoch = tmp_path / "e{epoch:02d}.glassnet"
    small_run(cbs=[callbacks.ModelCheckpoint(per_epoch)], epochs=2)
    assert sorted(p.name for p in tmp_path.glob("e*.glassnet")) == ["e01.glassnet",
                                                                    "e02.glassnet"]


def _val(model):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 2)), rng.integers(0, 3, 60)
    return x[48:], y[48:]


def test_recorder_every_epoch_and_step():
    rec = callbacks.Recorder()
    model, _ = small_run(cbs=[rec], epochs=4)
    w = rec.weights
    assert w["dense.kernel"].shape == (5, 2, 6)  # initial + 4 epochs
    np.testing.assert_array_equal(w["dense_1.bias"][-1], model.get_weights()[3])
    assert rec.steps == [0, 5, 10, 15, 20]
    norms = rec.gradient_norms["dense"]
    assert np.isnan(norms[0]) and (norms[1:] > 0).all()
    rec = callbacks.Recorder(every="step", gradient_norms=False)
    small_run(cbs=[rec], epochs=2)
    assert rec.weights["dense.kernel"].shape[0] == 11 and rec.gradient_norms == {}
