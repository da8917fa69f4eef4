"""Keras 3's fit conventions: what a Keras program sees in History, in its callbacks'
logs and in its metrics. Expected values are Keras 3.15's behaviour (checked with Keras
itself; the source lines are named where they decide)."""

import csv

import numpy as np
import pytest
from glassnet.layers import Dense

from glassnet import Sequential, callbacks, optimizers
from glassnet.base.errors import ConfigError
from glassnet.training import metrics


def model(units=2, activation="softmax", seed=0, **compile_args):
    net = Sequential([Dense(units, activation)], input_dim=3, seed=seed, dtype="float64")
    net.compile(compile_args.pop("optimizer", optimizers.SGD(0.1)),
                compile_args.pop("loss", "sparse_categorical_crossentropy"), **compile_args)
    return net


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3))
    return x, (x[:, 0] > 0).astype(int)


# metrics and weighted_metrics ----------------------------------------------------------
def test_metrics_ignore_sample_weights_weighted_metrics_use_them(data):
    """Keras: compile(metrics=) is unweighted, weighted_metrics= weighted; a name in both
    is logged twice, the weighted one as weighted_<name>."""
    x, y = data
    net = model(metrics=["accuracy"], weighted_metrics=["accuracy"])
    weights = np.arange(20.0)
    logs = net.evaluate(x, y, sample_weight=weights, return_dict=True)
    assert set(logs) == {"loss", "accuracy", "weighted_accuracy"}
    right = net.predict(x).argmax(axis=1) == y
    assert logs["accuracy"] == pytest.approx(right.mean(), rel=1e-12)
    assert logs["weighted_accuracy"] == pytest.approx((weights * right).sum() / weights.sum(),
                                                      rel=1e-12)
    assert logs["accuracy"] != pytest.approx(logs["weighted_accuracy"])
    history = net.fit(x, y, epochs=1, verbose=0, sample_weight=weights)
    assert set(history.history) == {"loss", "accuracy", "weighted_accuracy"}


# what fit takes --------------------------------------------------------------------------
@pytest.mark.parametrize("n, split, trained", [(10, 0.25, 7), (10, 0.3, 7), (7, 0.5, 3),
                                                (20, 0.33, 13)])
def test_validation_split_trains_on_floor_of_the_rest(n, split, trained):
    """keras/src/trainers/data_adapters/array_slicing.py: split_at = floor(n (1 - s))."""
    x, y = np.arange(3.0 * n).reshape(n, 3), np.arange(n) % 2
    history = model().fit(x, y, epochs=1, validation_split=split, verbose=0, shuffle=False)
    assert history.params["samples"] == trained


def test_batch_size_none_is_32():
    x, y = np.zeros((100, 3)), np.zeros(100, int)
    history = model().fit(x, y, epochs=1, batch_size=None, verbose=0)
    assert history.params["batch_size"] == 32 and history.params["steps"] == 4


# History and the logs callbacks see --------------------------------------------------------
def test_history_holds_keras_keys_and_a_csv_line_has_one_field_per_column(data, tmp_path):
    x, y = data
    path = tmp_path / "log.csv"
    history = model(metrics=["accuracy"]).fit(
        x, y, epochs=2, validation_split=0.2, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]  # sorted
    assert [len(r) for r in rows] == [5, 5, 5]
    assert len(history.learning_rates) == len(history.epoch_times) == 2


def test_batch_logs_are_running_means_and_train_end_gets_the_last_epoch(data):
    x, y = data
    seen = {"batch": [], "end": None, "epoch": None, "alias_begin": 0, "alias_end": 0}

    class Watch(callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):  # Keras's alias, still called
            seen["alias_begin"] += 1

        def on_batch_end(self, batch, logs=None):
            seen["alias_end"] += 1
            seen["batch"].append(dict(logs))

        def on_epoch_end(self, epoch, logs=None):
            seen["epoch"] = dict(logs)

        def on_train_end(self, logs=None):
            seen["end"] = dict(logs)

    model(metrics=["accuracy"]).fit(x, y, epochs=2, batch_size=8, verbose=0,
                                    callbacks=[Watch()])
    assert seen["alias_begin"] == seen["alias_end"] == 6
    assert seen["end"] == seen["epoch"] and set(seen["end"]) == {"loss", "accuracy"}
    # the epoch's last batch log is its running mean: the epoch's own value
    assert seen["batch"][-1]["loss"] == pytest.approx(seen["epoch"]["loss"], rel=1e-12)
    assert seen["batch"][-1]["accuracy"] == pytest.approx(seen["epoch"]["accuracy"])


# learning-rate callbacks -----------------------------------------------------------------
def test_learning_rate_scheduler_takes_one_or_two_arguments_and_logs_the_rate(data):
    x, y = data
    one = model().fit(x, y, epochs=3, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))])
    two = model().fit(x, y, epochs=3, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))])
    assert one.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert two.history == one.history


@pytest.mark.parametrize("callback", [
    callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5),
    callbacks.ReduceLROnPlateau("loss", patience=0, min_delta=10.0)])
def test_a_learning_rate_schedule_cannot_be_overwritten(data, callback):
    """Keras's optimizer.learning_rate setter: TypeError for a LearningRateSchedule."""
    x, y = data
    schedule = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    net = model(optimizer=optimizers.SGD(schedule))
    with pytest.raises(TypeError, match="not settable"):
        net.fit(x, y, epochs=3, verbose=0, callbacks=[callback])
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        net.optimizer.learning_rate = 0.01


def test_reduce_lr_on_plateau_logs_the_rate(data):
    """Keras logs the rate the epoch trained with, before deciding to reduce it."""
    x, y = data
    net = model()
    history = net.fit(x, y, epochs=3, verbose=0, callbacks=[
        callbacks.ReduceLROnPlateau("loss", factor=0.5, patience=0, min_delta=10.0)])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05])
    assert net.optimizer.learning_rate == pytest.approx(0.025)


def test_model_checkpoint_creates_the_missing_folder(data, tmp_path):
    x, y = data
    path = tmp_path / "runs" / "today" / "model-{epoch}.glassnet"
    model().fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.ModelCheckpoint(path)])
    assert sorted(p.name for p in (tmp_path / "runs" / "today").iterdir()) == [
        "model-1.glassnet", "model-2.glassnet"]


def test_early_stopping_on_per_class_f1_says_what_to_monitor(data):
    """Keras itself fails here with an ambiguous truth value; glassnet says why."""
    x, y = data
    net = model(loss="categorical_crossentropy", metrics=[metrics.F1Score(average=None)])
    with pytest.raises(ConfigError, match="one per class.*average='macro'"):
        net.fit(x, np.eye(2)[y], epochs=2, verbose=0,
                callbacks=[callbacks.EarlyStopping("f1_score", patience=1)])


# keras/src/callbacks/learning_rate_scheduler_test.py, reduce_lr_on_plateau_test.py ----
@pytest.fixture
def keras_data():
    """test_utils.get_test_data(train_samples=10, test_samples=10, input_shape=(3,),
    num_classes=2) with one-hot labels, and Sequential([Dense(5), Dense(2)])."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 3))
    y = np.eye(2)[rng.integers(0, 2, 20)]
    return x[:10], y[:10], x[10:], y[10:]


def keras_model(optimizer="sgd"):
    net = Sequential([Dense(5), Dense(2)], input_dim=3, seed=0)
    net.compile(optimizer, "mse")
    return net


def test_scheduler_updates_learning_rate(keras_data):
    """LearningRateSchedulerTest.test_updates_learning_rate (a one-argument schedule)."""
    net = keras_model()
    net.fit(*keras_data[:2], epochs=1, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda step: 1.0 / (2.0 + step))])
    assert net.optimizer.learning_rate == 0.5


def test_scheduler_dependent_on_previous_learning_rate(keras_data):
    net = keras_model(optimizers.Adam(0.03))
    net.fit(*keras_data[:2], epochs=2, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda step, lr: lr / 2)])
    assert net.optimizer.learning_rate == pytest.approx(0.03 / 4.0)


def test_scheduler_learning_rate_in_history(keras_data):
    history = keras_model().fit(*keras_data[:2], epochs=1, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda step, lr: 0.5)])
    assert type(history.history["learning_rate"][0]) is float
    assert history.history["learning_rate"][0] == 0.5


@pytest.mark.parametrize("callback", [
    lambda: callbacks.LearningRateScheduler(lambda step, lr: lr / 2),
    lambda: callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss",
                                        min_delta=100)])
def test_throws_when_optimizer_has_schedule(keras_data, callback):
    """Both tests' test_throws_when_optimizer_has_schedule."""
    x, y, x_val, y_val = keras_data
    net = keras_model(optimizers.Adam(optimizers.schedules.PolynomialDecay(
        initial_learning_rate=0.1, decay_steps=10)))
    with pytest.raises(TypeError, match="This optimizer was created with a "
                                        "`LearningRateSchedule`"):
        net.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0,
                callbacks=[callback()])


@pytest.mark.parametrize("settings, epochs, expected", [
    ({"min_delta": 100}, 2, 0.01),                    # test_reduces_lr_with_model_fit
    ({"min_delta": 10, "min_lr": 0.005}, 4, 0.005),   # test_honors_min_lr
    ({"min_delta": 100, "cooldown": 2}, 4, 0.001),    # test_cooldown
])
def test_reduce_lr_on_plateau(keras_data, settings, epochs, expected):
    x, y, x_val, y_val = keras_data
    net = keras_model(optimizers.Adam(0.1))
    net.fit(x, y, validation_data=(x_val, y_val), epochs=epochs, verbose=0, callbacks=[
        callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss", **settings)])
    assert net.optimizer.learning_rate == pytest.approx(expected)


def test_reduce_lr_state_reset_across_fit_calls(keras_data):
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="loss",
                                            min_delta=0, cooldown=2)
    reduce_lr.set_model(keras_model())
    reduce_lr.on_train_begin()
    reduce_lr.best, reduce_lr.wait, reduce_lr.cooldown_counter = 0.5, 3, 2
    reduce_lr.on_train_begin()
    assert reduce_lr.best is None and reduce_lr.wait == 0 and reduce_lr.cooldown_counter == 0


# keras/src/callbacks/csv_logger_test.py ---------------------------------------------------
def test_csv_logger_separator_append_reuse_and_validation_freq(tmp_path):
    """CSVLoggerTest.test_CSVLogger: a tab separator; appending skips the header; a reused
    logger keeps appending; with validation_freq=3 every row has val_loss, "NA" where
    the epoch was not validated."""
    rng = np.random.default_rng(1337)
    x, y = rng.random((10, 3)), rng.random((10, 1))
    x_val, y_val = rng.random((10, 3)), rng.random((10, 1))
    path = tmp_path / "log.tsv"

    def make_model():
        net = Sequential([Dense(2, "relu"), Dense(1)], input_dim=3, seed=0)
        net.compile("sgd", "mse", metrics=["mse"])
        return net

    make_model().fit(x, y, batch_size=4, validation_data=(x_val, y_val), epochs=1, verbose=0,
                     callbacks=[callbacks.CSVLogger(path, separator="\t")])
    logger = callbacks.CSVLogger(path, separator="\t", append=True)
    net = make_model()
    net.fit(x, y, batch_size=4, validation_data=(x_val, y_val), epochs=1, verbose=0,
            callbacks=[logger])
    net.fit(x, y, batch_size=4, validation_data=(x_val, y_val), epochs=2, verbose=0,
            callbacks=[logger])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and all(line.count("\t") == 4 for line in lines)
    assert " ".join(lines).count("epoch") == 1
    history = make_model().fit(x, y, batch_size=4, validation_data=(x_val, y_val),
                               validation_freq=3, epochs=5, verbose=0,
                               callbacks=[callbacks.CSVLogger(path, separator="\t")])
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    assert [row["val_loss"] for row in rows] == [
        "NA", "NA", str(history.history["val_loss"][0]), "NA", "NA"]
    assert len(history.history["val_loss"]) == 1 and len(history.history["loss"]) == 5
