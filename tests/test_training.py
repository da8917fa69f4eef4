import os
import signal

import numpy as np
import pytest
from glassnet.layers import BatchNormalization, Dense, Dropout

from glassnet import ConfigError, Sequential, callbacks, datasets, optimizers
from glassnet.training.trainer import NonFiniteLossWarning


def seed000(dtype="float32", seed=0):
    return Sequential([Dense(2, "sigmoid", kernel_initializer="uniform"),
                       Dense(5, "softmax", kernel_initializer="uniform")],
                      input_dim=2, seed=seed, dtype=dtype)


@pytest.mark.parametrize("batch_size", [100, None])
def test_seed000_reproduced(batch_size):
    """2-2-5 sigmoid/softmax, uniform init, SGD lr 0.5, 1000 epochs on sample2."""
    data = datasets.load("sample2")
    model = seed000()
    model.compile(optimizers.SGD(lr=0.5), "categorical_crossentropy", ["accuracy"])
    history = model.fit(data.features, data.one_hot(), epochs=1000, batch_size=batch_size,
                        verbose=0)
    assert history.history["accuracy"][-1] >= 0.9
    assert model.evaluate(data.features, data.one_hot(), return_dict=True)["accuracy"] >= 0.9
    loss = history.history["loss"]
    assert len(loss) == 1000 and loss[-1] < 0.5 * loss[0]


def test_seed000_numerical_equals_analytic_table66():
    """In float64 both methods give the same coefficients to 1e-6 (seed 000, Table 66)."""
    data = datasets.load("sample2")
    results = []
    for method in ("analytic", "numerical"):
        model = seed000("float64")
        model.compile(optimizers.SGD(0.5), "categorical_crossentropy")
        model.fit(data.features, data.one_hot(), epochs=1000, batch_size=len(data), verbose=0,
                  gradient=method)
        results.append(model.get_weights())
    for a, n in zip(*results):
        np.testing.assert_allclose(a, n, atol=1e-6, rtol=0)
    assert np.abs(results[0][0]).max() > 1.0  # the coefficients did move far from U(±0.05)


def test_full_batch_step_is_plain_gradient_descent(rng):
    x, y = rng.normal(size=(9, 2)), np.eye(5)[rng.integers(0, 5, 9)]
    model = seed000("float64")
    before = model.get_weights()
    grads = model.compute_gradients(x, y, loss="categorical_crossentropy")
    model.compile(optimizers.SGD(0.5), "categorical_crossentropy")
    history = model.fit(x, y, epochs=1, batch_size=len(x), verbose=0)
    assert history.params["steps"] == 1
    for w0, g, w1 in zip(before, grads, model.get_weights()):
        np.testing.assert_allclose(w1, w0 - 0.5 * g, rtol=1e-12)  # a ← a - lr ∂E/∂a


# A reference written independently from the library: seed 000's equations in plain NumPy
# and each optimiser's published update rule, stepping through the batches in order.
def reference_fit(weights, x, t, rule, epochs, batch):
    a, a0, b, b0 = [w.copy() for w in weights]
    params = [a, a0, b, b0]
    state = [{} for _ in params]
    step = 0
    for _ in range(epochs):
        for s in range(0, len(x), batch):
            xb, tb = x[s:s + batch], t[s:s + batch]
            alpha = xb @ a + a0
            y = 1 / (1 + np.exp(-alpha))
            beta = y @ b + b0
            z = np.exp(beta - beta.max(1, keepdims=True))
            z /= z.sum(1, keepdims=True)
            d2 = (z - tb) / len(xb)                 # δ2 = z - t (averaged)
            d1 = (d2 @ b.T) * y * (1 - y)           # δ1 = σ'(α) Σk δ2 b
            grads = [xb.T @ d1, d1.sum(0), y.T @ d2, d2.sum(0)]
            step += 1
            for p, g, st in zip(params, grads, state):
                p[...] = rule(p, g, st, step)
    return params


def sgd(lr, mu=0.0, nesterov=False):
    def rule(w, g, s, t):
        v = s["v"] = mu * s.get("v", 0) - lr * g
        return w + (mu * v - lr * g if nesterov else v)
    return rule


def rmsprop(lr, rho=0.9, eps=1e-7):
    def rule(w, g, s, t):
        s["v"] = rho * s.get("v", 0) + (1 - rho) * g * g
        return w - lr * g / np.sqrt(s["v"] + eps)
    return rule


def adagrad(lr, init=0.1, eps=1e-7):
    def rule(w, g, s, t):
        s["G"] = s.get("G", init) + g * g
        return w - lr * g / np.sqrt(s["G"] + eps)
    return rule


def adam(lr, b1=0.9, b2=0.999, eps=1e-7):
    def rule(w, g, s, t):
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
        m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
        # Keras puts ε outside √v, not √v̂: the same as ε/√(1-β2^t) next to √v̂
        return w - lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t))
    return rule


@pytest.mark.parametrize("optimizer,rule", [
    (optimizers.SGD(0.5), sgd(0.5)),
    (optimizers.SGD(0.2, momentum=0.9), sgd(0.2, 0.9)),
    (optimizers.SGD(0.2, momentum=0.9, nesterov=True), sgd(0.2, 0.9, True)),
    (optimizers.RMSprop(0.01), rmsprop(0.01)),
    (optimizers.Adagrad(0.1), adagrad(0.1)),
    (optimizers.Adam(0.01), adam(0.01)),
])
def test_keras_semantics_against_reference(optimizer, rule):
    data = datasets.load("sample2")
    model = seed000("float64", seed=1)
    start = model.get_weights()
    model.compile(optimizer, "categorical_crossentropy")
    model.fit(data.features, data.one_hot(), epochs=5, batch_size=50, shuffle=False, verbose=0)
    expected = reference_fit(start, data.features, data.one_hot(), rule, 5, 50)
    for ours, ref in zip(model.get_weights(), expected):
        np.testing.assert_allclose(ours, ref, atol=1e-5, rtol=0)


def test_same_seed_same_history_and_weights(rng):
    x, y = rng.normal(size=(60, 3)), rng.integers(0, 3, 60)
    runs = []
    for _ in range(2):
        model = Sequential([Dense(8, "relu"), Dropout(0.3), BatchNormalization(),
                            Dense(3, "softmax")], input_dim=3, seed=11)
        model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
        h = model.fit(x, y, epochs=4, batch_size=16, validation_split=0.25, verbose=0)
        runs.append((h.history, model.get_weights()))
    for key in runs[0][0]:
        if key != "epoch_time":
            assert runs[0][0][key] == runs[1][0][key], key
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_numerical_training_equals_analytic_with_dropout_and_batchnorm(rng):
    x, y = rng.normal(size=(24, 3)), rng.integers(0, 2, 24)
    results = []
    for method in ("analytic", "numerical"):
        model = Sequential([Dense(4, "tanh"), BatchNormalization(), Dropout(0.25),
                            Dense(2, "softmax")], input_dim=3, seed=5, dtype="float64")
        model.compile(optimizers.SGD(0.1, momentum=0.5), "sparse_categorical_crossentropy")
        model.fit(x, y, epochs=3, batch_size=8, verbose=0, gradient=method)
        results.append(model.get_weights())
    for a, n in zip(*results):
        np.testing.assert_allclose(a, n, atol=1e-8)


def test_history_contents(rng):
    x, y = rng.normal(size=(50, 2)), np.eye(3)[rng.integers(0, 3, 50)]
    model = Sequential([Dense(4, "tanh"), Dense(3, "softmax")], input_dim=2, seed=0)
    model.compile(optimizers.SGD(0.1), "categorical_crossentropy", ["accuracy"])
    h = model.fit(x[:40], y[:40], epochs=3, batch_size=16, verbose=0,
                  validation_data=(x[40:], y[40:]))
    # Keras's keys only; the learning rate and the seconds of each epoch beside them
    assert set(h.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in h.history.values()) and h.epoch == [0, 1, 2]
    assert h.learning_rates == pytest.approx([0.1] * 3) and len(h.epoch_times) == 3
    assert set(h.with_extras()) == set(h.history) | {"learning_rate", "epoch_time"}
    assert h.stop_reason is None and model.history is h
    val = model.evaluate(x[40:], y[40:], return_dict=True)
    assert h.history["val_loss"][-1] == pytest.approx(val["loss"], rel=1e-6)
    assert h.history["val_accuracy"][-1] == pytest.approx(val["accuracy"])


def test_epoch_loss_is_the_mean_of_batch_losses(rng):
    x, y = rng.normal(size=(30, 2)), rng.integers(0, 2, 30)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0, dtype="float64")
    model.compile(optimizers.SGD(0.3), "sparse_categorical_crossentropy")
    running = []  # Keras's batch logs: the epoch's running mean so far
    cb = callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: running.append(logs["loss"]))
    h = model.fit(x, y, epochs=1, batch_size=10, shuffle=False, verbose=0, callbacks=[cb])
    assert h.history["loss"][0] == pytest.approx(running[-1], rel=1e-12)
    batch_losses = np.array(running) * [1, 2, 3] - np.array([0, *running[:-1]]) * [0, 1, 2]
    assert h.history["loss"][0] == pytest.approx(batch_losses.mean(), rel=1e-12)
    assert not np.allclose(batch_losses, running)  # running means, not each batch's loss


def test_crossentropy_metric_leaves_the_penalty_out(rng):
    x, y = rng.normal(size=(10, 2)), rng.integers(0, 2, 10)
    model = Sequential([Dense(2, "softmax", kernel_regularizer={"name": "l2", "l2": 0.5})],
                       input_dim=2, seed=0, dtype="float64")
    model.compile("sgd", "sparse_categorical_crossentropy", ["crossentropy"])
    loss, ce = model.evaluate(x, y)
    p = model.predict(x)
    assert ce == pytest.approx(-np.log(p[np.arange(10), y]).mean(), rel=1e-12)
    assert loss == pytest.approx(ce + 0.5 * (model.get_weights()[0] ** 2).sum(), rel=1e-12)


def test_evaluate_by_hand_includes_penalty(rng):
    x, y = rng.normal(size=(10, 2)), np.eye(2)[rng.integers(0, 2, 10)]
    model = Sequential([Dense(2, "softmax", kernel_regularizer={"name": "l2", "l2": 0.1})],
                       input_dim=2, seed=0, dtype="float64")
    model.compile("sgd", "categorical_crossentropy", ["accuracy"])
    p = model.predict(x)
    ce = -(y * np.log(p)).sum(1).mean()
    penalty = 0.1 * (model.get_weights()[0] ** 2).sum()
    loss, acc = model.evaluate(x, y)
    assert loss == pytest.approx(ce + penalty, rel=1e-12)
    assert acc == pytest.approx((p.argmax(1) == y.argmax(1)).mean())


def test_validation_split_takes_the_last_rows(rng):
    x, y = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)

    def run(**kwargs):
        model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0, dtype="float64")
        model.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        return model.fit(epochs=2, batch_size=4, verbose=0, **kwargs).history

    a = run(x=x, y=y, validation_split=0.25)
    b = run(x=x[:15], y=y[:15], validation_data=(x[15:], y[15:]))
    assert a["val_loss"] == b["val_loss"] and a["loss"] == b["loss"]


def test_stratified_validation_split_keeps_class_shares():
    data = datasets.load("sample2")
    model = seed000(seed=3)
    model.compile("sgd", "categorical_crossentropy")
    from glassnet.training.fitdata import _split_validation
    x_tr, y_tr, _, x_val, y_val, _ = _split_validation(model, data.features, data.one_hot(),
                                                       0.2, "stratified")
    assert np.bincount(y_val.argmax(1)).tolist() == [10] * 5
    assert len(x_tr) == 200 and len(x_val) == 50
    h = model.fit(data.features, data.one_hot(), epochs=1, validation_split=0.2,
                  validation_method="stratified", verbose=0)
    assert h.params["samples"] == 200


@pytest.mark.parametrize("method", ["last", "random", "stratified"])
def test_validation_rows_round_to_the_nearest_row(method):
    """Classes of 6 and 4 rows, validation_split=0.3: 3 validation rows (stratified:
    1.8 -> 2 of the first class and 1.2 -> 1 of the second), whatever the method."""
    from glassnet.training.fitdata import _split_validation

    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("sgd", "sparse_categorical_crossentropy")
    x, y = np.arange(20.0).reshape(10, 2), np.array([0] * 6 + [1] * 4)
    x_tr, y_tr, _, x_val, y_val, _ = _split_validation(model, x, y, 0.3, method)
    assert len(x_val) == 3 and len(x_tr) == 7
    if method == "stratified":
        assert np.bincount(y_val).tolist() == [2, 1]
    if method == "last":
        np.testing.assert_array_equal(x_val, x[7:])
    # 2.6 -> 3 rows (stratified: 1.56 -> 2 and 1.04 -> 1)
    assert len(_split_validation(model, x, y, 0.26, method)[3]) == 3
    # Keras trains on floor(10 · 0.75) = 7 rows, so 3 validate (round(2.5) would be 2;
    # stratified: 1.5 -> 2 and 1.0 -> 1)
    assert len(_split_validation(model, x, y, 0.25, method)[3]) == 3


def test_nan_loss_stops_with_message_and_finite_weights(rng):
    x = rng.normal(size=(40, 2)) * 100
    y = rng.normal(size=(40, 1)) * 100
    model = Sequential([Dense(16, "relu"), Dense(1)], input_dim=2, seed=0)
    model.compile(optimizers.SGD(10.0), "mse")
    with pytest.warns(NonFiniteLossWarning, match=r"at epoch \d+, step \d+.*learning rate"):
        h = model.fit(x, y, epochs=50, batch_size=8, verbose=0)
    assert h.stop_reason == "non_finite_loss" and len(h.epoch) < 50
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_ctrl_c_keeps_weights_of_last_finished_step(rng):
    x, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    recorded = []

    def on_batch_end(batch, logs):
        recorded.append(model.get_weights())
        if len(recorded) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # as if the user pressed Ctrl-C

    h = model.fit(x, y, epochs=10, batch_size=4, verbose=0,
                  callbacks=[callbacks.LambdaCallback(on_train_batch_end=on_batch_end)])
    assert h.stop_reason == "interrupted" and model.optimizer.iterations == 3
    for a, b in zip(model.get_weights(), recorded[-1]):
        np.testing.assert_array_equal(a, b)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_initial_epoch_resumes_the_count(rng):
    x, y = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    seen = []
    h = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0, callbacks=[
        callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(epoch))])
    assert h.epoch == [3, 4] and seen == [3, 4] and len(h.history["loss"]) == 2
    assert model.info["training"]["epochs_run"] == 2


def test_fit_argument_errors(rng):
    model = seed000()
    with pytest.raises(ConfigError, match=r"fit\(\) needs a compiled model"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 5)))
    model.compile("sgd", "categorical_crossentropy")
    x, y = np.zeros((4, 2)), np.eye(5)[[0, 1, 2, 3]]
    with pytest.raises(ConfigError, match="batch_size must be >= 1, got 0"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ConfigError, match="validation_split must be < 1"):
        model.fit(x, y, validation_split=1.0, verbose=0)
    with pytest.raises(ConfigError, match="gradient must be one of 'analytic', 'numerical'"):
        model.fit(x, y, gradient="symbolic", verbose=0)
    with pytest.raises(ConfigError, match="unknown metric 'acuracy'"):
        model.compile("sgd", "mse", ["acuracy"])


def test_progress_output(capsys, rng):
    x, y = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("sgd", "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(x, y, epochs=2, batch_size=5, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Epoch 2/2") and "accuracy:" in lines[1]
    model.fit(x, y, epochs=2, batch_size=5, verbose=1)
    out = capsys.readouterr().out
    assert "\r" in out and out.count("\n") == 2 and "━" in out
    model.fit(x, y, epochs=2, batch_size=5, verbose=0)
    assert capsys.readouterr().out == ""


# Training that fails says so ----------------------------------------------------------
@pytest.mark.parametrize("batch_size", [None, 8])
def test_after_a_nan_stop_the_model_has_the_last_weights_that_gave_a_finite_loss(rng,
                                                                                  batch_size):
    x = rng.normal(size=(64, 2))
    y = x @ np.array([[1.0], [2.0]])
    model = Sequential([Dense(1)], input_dim=2, seed=0)
    model.compile(optimizers.SGD(5.0), "mse")  # each step multiplies the error
    starts = []

    class Starts(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            starts.append([w.copy() for w in self.model.get_weights()])

    with pytest.warns(NonFiniteLossWarning, match="went back to the weights from the start "
                      r"of epoch \d+, the last that gave a finite loss"):
        h = model.fit(x, y, epochs=500, batch_size=batch_size, verbose=0, callbacks=[Starts()])
    assert h.stop_reason == "non_finite_loss" and len(starts) > 2
    kept = model.get_weights()
    assert any(all(np.array_equal(a, b) for a, b in zip(kept, s)) for s in starts[-2:])
    assert np.isfinite(model.predict(x)).all()
    assert np.isfinite(model.evaluate(x, y))


def test_a_diverging_run_says_so_with_a_learning_rate_hint(rng):
    from glassnet.training.diagnosis import diagnose
    from glassnet.training.trainer import DivergedWarning

    x = rng.normal(size=(64, 2))
    t = np.eye(2)[(x[:, 0] > 0).astype(int)]
    model = Sequential([Dense(3, "tanh"), Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile(optimizers.SGD(1e6), "categorical_crossentropy")
    with pytest.warns(DivergedWarning, match=r"learning rate \(1e\+06\) is too large"):
        h = model.fit(x, t, epochs=30, verbose=0)
    assert h.stop_reason == "diverged"
    result = diagnose(h.history, start=h.params["first_loss"])
    assert result.verdict == "diverged" and "train longer" not in result.message.replace(
        "training longer will not help", "")


@pytest.mark.parametrize("loss, verdict", [
    ([1.0, 0.6, 0.5, 0.45, 0.44, 0.43], None),                       # converging
    ([1.0, 2.0, 40.0], "rose from 1 to 40"),                          # far above its start
    ([1.0, 0.2, 0.3, 0.7], "fell to 0.2 (epoch 2) and rose back to 0.7"),
    ([1.0, 0.5, 0.9, 0.4, 1.0, 0.45, 0.95, 0.4, 0.9, 0.42], "oscillates between 0.4 and 1"),
    ([1.0, float("nan")], "infinite or NaN"),
])
def test_divergence_rules(loss, verdict):
    from glassnet.training.diagnosis import divergence

    found = divergence({"loss": loss})
    assert (found is None) if verdict is None else (verdict in found), found


def test_inputs_too_large_for_the_arithmetic_are_clear_errors(rng):
    from glassnet import DataError

    x = rng.normal(size=(20, 2))
    y = np.eye(2)[(x[:, 0] > 0).astype(int)]
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(DataError, match=r"x holds -?[\d.]+e\+300 at row 0, column 0, beyond "
                       r"the range of float32 \(largest 3.403e\+38\)"):
        model.fit(x * 1e300, y, epochs=3, verbose=0)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0, dtype="float64")
    model.compile("sgd", "categorical_crossentropy")
    # In float64 the first loss is finite (about 1e299), the next is not: a clear warning,
    # and the model keeps the weights that gave the finite loss.
    with pytest.warns(NonFiniteLossWarning, match=r"scale the inputs \(largest \|x\| = "
                      r"[\d.]+e\+300\)"):
        h = model.fit(x * 1e300, y, epochs=3, verbose=0)
    assert h.stop_reason == "non_finite_loss" and np.isfinite(model.get_weights()[0]).all()
    model = Sequential([Dense(1)], input_dim=2, seed=0, dtype="float64")
    model.compile("sgd", "mse")
    with pytest.raises(DataError, match=r"the loss is inf for the initial weights, before any "
                       r"update: the inputs \(largest \|x\| = 1e\+200\)"):
        model.fit(np.full((4, 2), 1e200), np.ones((4, 1)), epochs=3, verbose=0)


def test_the_trainer_is_given_the_model():
    """Keras's Model/Trainer split made explicit: a Sequential is not a Trainer; fit hands
    the model to one, and a Trainer given a twin of the model trains it the same way."""
    from glassnet.training.trainer import Trainer

    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)

    def model():
        m = Sequential([Dense(3, "tanh"), Dense(2, "softmax")], input_dim=2, seed=1,
                       dtype="float64")
        m.compile(optimizers.Adam(0.05), "sparse_categorical_crossentropy", ["accuracy"])
        return m

    one, twin = model(), model()
    assert not isinstance(one, Trainer)
    a = one.fit(x, y, epochs=4, batch_size=8, validation_split=0.25, verbose=0)
    b = Trainer(twin).fit(x, y, epochs=4, batch_size=8, validation_split=0.25, verbose=0)
    drop = {"epoch_time"}
    assert {k: v for k, v in a.history.items() if k not in drop} == \
        {k: v for k, v in b.history.items() if k not in drop}
    for u, v in zip(one.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(u, v)
    assert twin.history is b and one.history is a
    assert Trainer(twin).evaluate(x, y) == twin.evaluate(x, y)
    assert "validation_split" in Sequential.fit.__doc__  # help(model.fit) tells it all
