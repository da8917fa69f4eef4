"""``compile`` / ``fit`` / ``evaluate``: the training loop, Keras's calling conventions.

One training step, in the words of seed 000:

1. forward the batch (α, y, β, z for every row),
2. backprop the error δ from the output down (or differentiate numerically),
3. update every coefficient: w ← w - lr ∂E/∂w (or the optimiser's rule).

Training metrics come from the forward pass already done for the step; nothing is
computed twice. Batches are taken from one permutation of the data per epoch.
"""

from __future__ import annotations

import math
import signal
import threading
import time
import warnings

import numpy as np

from . import losses, metrics, optimizers
from .callbacks import CallbackList, History
from .errors import ConfigError, ShapeError
from .layers import Layer
from .progress import ProgressBar
from .validation import check_choice, check_number

#: models with more trainable parameters than this keep no per-epoch weight snapshot
SNAPSHOT_LIMIT = 1 << 24


class NonFiniteLossWarning(RuntimeWarning):
    """Training stopped because the loss became NaN or infinite."""


def compile(model, optimizer="rmsprop", loss=None, metrics_=None):
    if loss is None:
        raise ConfigError("compile() needs a loss, e.g. loss='categorical_crossentropy'")
    model.optimizer = optimizers.get(optimizer)
    model.loss = losses.get(loss)
    names = metrics_ or []
    if isinstance(names, str):
        names = [names]
    model.metrics = [metrics.resolve(name, model.loss.name) for name in names]
    model.compiled = True


def _require_compiled(model, what):
    if not getattr(model, "compiled", False):
        raise ConfigError(f"{what}() needs a compiled model: call model.compile(optimizer=..., "
                          "loss=...) first")


def _split_validation(model, x, y, fraction, method):
    """Keras takes the *last* fraction of rows; 'random' and 'stratified' draw them."""
    fraction = check_number("validation_split", fraction, minimum=0.0, maximum=1.0,
                            exclusive_maximum=True)
    n = x.shape[0]
    n_val = int(round(n * fraction))
    if n_val == 0 or n_val == n:
        raise ConfigError(f"validation_split={fraction} leaves {n - n_val} training and "
                          f"{n_val} validation rows out of {n}; both need at least one")
    method = check_choice("validation_method", method, ("last", "random", "stratified"))
    if method == "last":
        return x[:-n_val], y[:-n_val], x[-n_val:], y[-n_val:]
    rng = np.random.default_rng(model.seed)
    if method == "random":
        val = rng.permutation(n)[:n_val]
    else:
        labels = y if y.ndim == 1 else y.argmax(axis=1)
        val = []
        for label in np.unique(labels):
            rows = rng.permutation(np.flatnonzero(labels == label))
            val.extend(rows[: int(round(rows.size * fraction))])
        val = np.array(sorted(val), dtype=np.intp)
    mask = np.zeros(n, dtype=bool)
    mask[val] = True
    return x[~mask], y[~mask], x[mask], y[mask]


class _Interrupt:
    """Turns Ctrl-C into a flag checked between steps, so a step is never cut in half."""

    def __init__(self):
        self.requested = False

    def __enter__(self):
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame):
        if self.requested:  # a second Ctrl-C stops at once
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def fit(model, x, y=None, epochs=1, batch_size=32, validation_data=None, validation_split=0.0,
        shuffle=True, verbose=1, callbacks=None, gradient="analytic", initial_epoch=0,
        validation_method="last"):
    _require_compiled(model, "fit")
    loss = model.loss
    x, y = _unpack(model, x, y, "x")
    x = model._inputs(x)
    y = model._targets(y, loss, x.shape[0])
    epochs = check_number("epochs", epochs, minimum=0, integer=True)
    initial_epoch = check_number("initial_epoch", initial_epoch, minimum=0, integer=True)
    verbose = check_choice("verbose", verbose, (0, 1, 2))
    gradient = check_choice("gradient", gradient, ("analytic", "numerical"))

    if validation_data is not None and hasattr(validation_data, "features"):
        validation_data = _unpack(model, validation_data, None, "validation_data",
                                  remember=False)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ConfigError("validation_data must be a tuple (x_val, y_val)")
        x_val = model._inputs(validation_data[0], "validation_data x")
        y_val = model._targets(validation_data[1], loss, x_val.shape[0], "validation_data y")
    elif validation_split:
        x, y, x_val, y_val = _split_validation(model, x, y, validation_split, validation_method)
    else:
        x_val = y_val = None

    n = x.shape[0]
    if batch_size is None:
        batch_size = n  # full batch: seed 000's gradient descent
    batch_size = min(check_number("batch_size", batch_size, minimum=1, integer=True), n)
    steps = math.ceil(n / batch_size)
    # Validation in chunks of about 4M activations, so a wide layer does not need a
    # (rows × width) array for the whole validation set at once.
    widest = max(layer.output_dim for layer in model.layers)
    eval_rows = max(batch_size, min(x.shape[0] if x_val is None else x_val.shape[0],
                                    (1 << 22) // widest))

    history = History()
    history.params = {"epochs": epochs, "steps": steps, "batch_size": batch_size,
                      "gradient": gradient, "samples": n, "initial_epoch": initial_epoch}
    cbs = CallbackList([history, *(callbacks or [])], model)
    progress = ProgressBar(epochs, steps, verbose)
    trainable = model._trainable_weights()
    # A copy of the weights at each epoch start lets a NaN loss fall back to finite
    # weights; for very large models that copy would cost more memory than it is worth.
    keep_snapshot = sum(w.size for w in trainable) <= SNAPSHOT_LIMIT
    grads_of = [g for layer in model.layers for g in layer.grads if g is not None]
    is_trainable = [t for layer in model.layers for t in layer.trainable]
    trainable_names = [n for n, t in zip(model.weight_names(), is_trainable) if t]
    model.stop_training = False
    model._stop_reason = None
    # Per-batch work beyond the step itself only when someone looks at it.
    batch_begin = cbs.wants("on_train_batch_begin")
    batch_end = cbs.wants("on_train_batch_end") or verbose == 1
    stateful = [layer for layer in model.layers
                if type(layer).update_state is not Layer.update_state]

    cbs.call("on_train_begin", {})
    # Overflow shows up as a non-finite loss, which stops training with a clear message;
    # NumPy's own overflow warnings would only add noise.
    with _Interrupt() as interrupt, np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(initial_epoch, epochs):
            if model.stop_training or interrupt.requested:
                break
            cbs.call("on_epoch_begin", epoch, {})
            progress.epoch_begin(epoch)
            started = time.perf_counter()
            snapshot = [w.copy() for w in trainable] if keep_snapshot else None
            learning_rate = model.optimizer.learning_rate
            if shuffle:
                order = model.rng.permutation(n)
                x_epoch, y_epoch = x[order], y[order]  # one gather per epoch, then views
            else:
                x_epoch, y_epoch = x, y
            loss_total, seen = 0.0, 0
            _reset_metrics(model)
            for step in range(steps):
                xb = x_epoch[step * batch_size:(step + 1) * batch_size]
                yb = y_epoch[step * batch_size:(step + 1) * batch_size]
                if batch_begin:
                    cbs.call("on_train_batch_begin", step, {})
                # 1. forward: α, y, β, z for every row, and the mean loss E
                output, batch_loss = model._forward_loss(xb, yb, loss, training=True)
                if not math.isfinite(batch_loss):
                    _stop_non_finite(model, epoch, step, batch_loss, trainable, snapshot,
                                     learning_rate, progress)
                    break
                # 2. ∂E/∂w for every coefficient: backprop, or perturb each one
                _differentiate(model, xb, yb, output, loss, gradient, grads_of, is_trainable)
                # 3. update: w ← w - lr ∂E/∂w, or the optimiser's own rule
                model.optimizer.apply(trainable, grads_of, trainable_names)
                for layer in stateful:
                    layer.update_state()
                m = xb.shape[0]
                seen += m
                loss_total += batch_loss * m
                for _, metric in model.metrics:
                    metric.update_state(yb, output)
                if batch_end:
                    logs = _logs(model, loss_total / seen)
                    cbs.call("on_train_batch_end", step, dict(logs, loss=batch_loss))
                    progress.batch_end(step + 1, logs)
                if interrupt.requested:
                    model._stop_reason = "interrupted"
                    break
            if model._stop_reason in ("non_finite_loss", "interrupted"):
                if model._stop_reason == "interrupted":
                    progress.message(f"\nTraining interrupted in epoch {epoch + 1}; the model "
                                     "keeps the weights of the last finished step.")
                break
            if seen == 0:
                break
            logs = _logs(model, loss_total / seen)
            if x_val is not None:
                val = evaluate(model, x_val, y_val, batch_size=eval_rows, return_dict=True,
                               _checked=True)
                logs.update({f"val_{k}": v for k, v in val.items()})
            logs["learning_rate"] = learning_rate
            logs["epoch_time"] = time.perf_counter() - started
            cbs.call("on_epoch_end", epoch, logs)
            progress.epoch_end(logs)
    history.stop_reason = model._stop_reason
    # What produced these weights travels with the model into its file.
    model.info.setdefault("training", {}).update(
        {k: history.params[k] for k in ("epochs", "batch_size", "gradient", "samples")},
        epochs_run=len(history.epoch), stop_reason=history.stop_reason,
        validation=("data" if validation_data is not None else
                    f"split {validation_split} ({validation_method})" if validation_split
                    else None))
    cbs.call("on_train_end", {})
    model.history = history
    return history


def _differentiate(model, x, y, output, loss, gradient, grads_of, is_trainable):
    """Fill every layer's ``grads`` after a forward pass, by either method."""
    if gradient == "analytic":
        model._backward(y, output, loss)
        return
    from .gradients import numerical_gradients

    numerical = numerical_gradients(model, x, y, loss, draw_noise=False)
    for g, ng in zip(grads_of, (ng for ng, t in zip(numerical, is_trainable) if t)):
        g[...] = ng


def _unpack(model, x, y, name, remember=True):
    """A Dataset (anything with ``features`` and ``labels``) -> arrays, in the form the
    loss wants; its feature and class names are remembered in ``model.info``."""
    if not hasattr(x, "features"):
        if y is None:
            raise ConfigError(f"{name}: give targets y, or pass a Dataset")
        return x, y
    if y is not None:
        raise ConfigError(f"{name} is a Dataset, which holds its own targets; leave y unset")
    if remember:
        model.info.update(feature_names=list(x.feature_names), class_names=x.class_names,
                          target_name=x.target_name)
    return x.features, x.targets_for(model.loss)


def _stop_non_finite(model, epoch, step, value, trainable, snapshot, learning_rate, progress):
    """Stop on a NaN/inf loss, keeping the last finite weights."""
    if not all(np.isfinite(w).all() for w in trainable):
        if snapshot is None:
            kept = "non-finite weights (too large a model to keep a copy; reload a checkpoint)"
        else:
            for w, good in zip(trainable, snapshot):
                w[...] = good
            kept = f"the weights from the start of epoch {epoch + 1}"
    else:
        kept = "its last weights (all finite)"
    message = (f"loss became {value} at epoch {epoch + 1}, step {step + 1}; training stopped "
               f"and the model keeps {kept}. Hint: the learning rate ({learning_rate:.4g}) may "
               "be too large; try one 10 times smaller, or scale the inputs.")
    warnings.warn(message, NonFiniteLossWarning, stacklevel=3)
    progress.message(message)
    model.stop_training = True
    model._stop_reason = "non_finite_loss"


def _reset_metrics(model):
    for _, metric in model.metrics:
        metric.reset_state()


def _logs(model, loss):
    logs = {"loss": float(loss)}
    for name, metric in model.metrics:
        logs[name] = metric.result()
    return logs


def evaluate(model, x, y=None, batch_size=None, verbose=0, return_dict=False, _checked=False):
    """Loss (with penalties) and metrics on ``(x, y)`` in inference mode."""
    _require_compiled(model, "evaluate")
    loss = model.loss
    if not _checked:
        x, y = _unpack(model, x, y, "x", remember=False)
        x = model._inputs(x)
        y = model._targets(y, loss, x.shape[0])
    n = x.shape[0]
    size = n if batch_size is None else check_number("batch_size", batch_size, minimum=1,
                                                      integer=True)
    loss_total = 0.0
    _reset_metrics(model)
    penalty = model.penalty()
    for start in range(0, n, size):
        xb, yb = x[start:start + size], y[start:start + size]
        output, value = model._forward_loss(xb, yb, loss, training=False)
        loss_total += (value - penalty) * xb.shape[0]
        for _, metric in model.metrics:
            metric.update_state(yb, output)
    result = _logs(model, loss_total / n + penalty)
    if return_dict:
        return result
    return result["loss"] if len(result) == 1 else list(result.values())


__all__ = ["NonFiniteLossWarning", "ShapeError", "compile", "evaluate", "fit"]
