"""The training loop with Keras's calling conventions: ``Trainer``, which
``Sequential`` inherits (as Keras's ``Model`` inherits its trainer).

One training step (``train_step``), in the words of the two-layer derivation this
project starts from (docs/seeds.md):

1. forward the batch (α, y, β, z for every row) and the mean loss E,
2. backprop the error δ from the output down (or differentiate numerically),
3. update every coefficient: w ← w - lr ∂E/∂w (or the optimiser's rule).

Training metrics come from the forward pass already done for the step; nothing is
computed twice. Batches are taken from one permutation of the data per epoch.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from ..base.errors import ConfigError, ShapeError
from ..base.validation import check_choice, check_number
from ..engine import losses, optimizers
from . import metrics
from .batches import BatchBuffers
from .callbacks import CallbackList, History
from .fallback import Fallback, NonFiniteLossWarning
from .fitdata import _split_validation, _unpack, row_weights
from .progress import Interrupt, ProgressBar

#: rows whose loss before the first update is the yardstick of divergence
FIRST_LOSS_ROWS = 256


class DivergedWarning(RuntimeWarning):
    """The training loss diverged (rose far above its start or minimum, or oscillated):
    the learning rate is too large."""


class Trainer:
    """``compile`` / ``fit`` / ``evaluate`` / ``train_on_batch`` for a model that has
    ``forward_loss``, ``backward``, ``layers``, ``rng`` and its trainable weights and
    gradients as the aligned lists ``_trainable`` / ``_gradients``."""

    def __init__(self):
        self.loss = None  # set by compile()
        self.optimizer = None
        self.metrics = []
        self._metric_weighted: list[bool] = []  # per metric: weighed by sample weights
        self.compiled = False
        self.history = None
        self.stop_training = False
        self._stop_reason = None

    def compile(self, optimizer="rmsprop", loss=None, metrics=None,
                weighted_metrics=None) -> None:
        """Choose the optimiser (name or object), the loss and the metrics to report.

        As in Keras, ``metrics`` are computed without sample or class weights and
        ``weighted_metrics`` with them (a name in both lists is logged a second time
        as ``weighted_<name>``).
        """
        if loss is None:
            raise ConfigError("compile() needs a loss, e.g. loss='categorical_crossentropy'")
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        plain = [_metrics.resolve(name, self.loss.name) for name in _names(metrics)]
        taken = {name for name, _ in plain}
        weighted = []
        for item in _names(weighted_metrics):
            name, metric = _metrics.resolve(item, self.loss.name)
            if name in taken:  # Keras's name for the weighted twin
                name = metric.name = f"weighted_{name}"
            weighted.append((name, metric))
        self.metrics = plain + weighted
        self._metric_weighted = [False] * len(plain) + [True] * len(weighted)
        self.compiled = True
        self._sync_trainable()

    def _require_compiled(self, what):
        if not self.compiled:
            raise ConfigError(f"{what}() needs a compiled model: call model.compile("
                              "optimizer=..., loss=...) first")

    # One step ---------------------------------------------------------------------------
    def train_step(self, x, t, gradient="analytic", sample_weight=None):
        """Forward, differentiate, update, on one batch; returns ``(output, E)``.

        A non-finite loss leaves the weights untouched (the caller decides what to do).
        """
        # 1. forward: α, y, β, z for every row, the mean loss E and δ at the output
        output, value, delta = self.forward_loss(x, t, self.loss, True, sample_weight)
        if not math.isfinite(value):
            return output, value
        # 2. ∂E/∂w for every coefficient: backprop, or perturb each one
        if gradient == "analytic":
            self.backward(delta)
        else:
            self._numerical_gradients(x, t)
        # 3. update: w ← w - lr ∂E/∂w, or the optimiser's own rule
        names = None if self.optimizer.state is not None else self._trainable_names()
        self.optimizer.apply(self._trainable, self._gradients, names)
        return output, value

    def _trainable_names(self) -> list[str]:  # "dense.bias", ...: for exclude_from_weight_decay
        flags = [t for layer in self.layers for t in layer.trainable_flags]
        return [name for name, t in zip(self.weight_names(), flags) if t]

    def _numerical_gradients(self, x, t):
        from ..engine.gradients import numerical_gradients

        numerical = numerical_gradients(self, x, t, self.loss, draw_noise=False)
        trainable = [tr for layer in self.layers for tr in layer.trainable_flags]
        for g, ng in zip(self._gradients, (ng for ng, tr in zip(numerical, trainable) if tr)):
            g[...] = ng

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on ``(x, y)``; the loss (and metrics) of that batch."""
        self._require_compiled("train_on_batch")
        x = self._inputs(x)
        y = self._targets(y, self.loss, x.shape[0])
        w = row_weights(y, sample_weight, class_weight, x.shape[0])
        self._sync_trainable()
        with np.errstate(over="ignore", invalid="ignore"):
            output, value = self.train_step(x, y, sample_weight=w)
        self._reset_metrics()
        self._update_metrics(y, output, w)
        return self._result(self._logs(value), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) on one batch in inference mode; nothing changes."""
        return self.evaluate(x, y, return_dict=return_dict, sample_weight=sample_weight)

    def predict_on_batch(self, x):
        return self.predict(x)

    # Whole runs -------------------------------------------------------------------------
    def fit(self, x, y=None, epochs=1, batch_size=None, validation_data=None,
            validation_split=0.0, shuffle=True, verbose=1, callbacks=None, gradient="analytic",
            initial_epoch=0, validation_method="last", sample_weight=None, class_weight=None):
        """Train for ``epochs`` passes over ``(x, y)``; returns a ``History``.

        Parameters
        ----------
        x, y : array-like, or a Dataset as x (then y stays unset; its feature and class
            names are kept in ``model.info`` and saved with the model)
        batch_size : int or None
            Rows per step; ``None`` is 32, as in Keras (for full-batch gradient descent
            give the number of rows, ``batch_size=len(x)``).
        validation_data : tuple (x_val, y_val) or Dataset, optional
        validation_split : float
            Fraction of rows held out for validation, chosen by ``validation_method``:
            ``"last"`` (Keras: the last rows, before shuffling; the first
            floor(n · (1 - validation_split)) rows train), ``"random"`` or
            ``"stratified"`` (the same fraction of every class, seeded).
        shuffle : bool
            Reshuffle the rows before every epoch (seeded by the model's seed).
        verbose : {0, 1, 2}
            Silent, a live progress bar, or one line per epoch.
        callbacks : list of Callback
        gradient : {"analytic", "numerical"}
            Backprop, or numerical differentiation of every weight.
        initial_epoch : int
            Epoch to start counting from (to resume training).
        sample_weight : array (n,), optional; class_weight : dict {class: weight}, optional
            Weigh each row's loss (and metrics) by sample_weight × class_weight[class],
            as Keras: E = Σ w_n l_n / N. Validation rows split off keep their weights.

        Training stops early if the loss becomes NaN or infinite, and the model goes
        back to the last weights that gave a finite loss (models above 2**24 parameters
        keep no fallback copy); a loss that is not finite for the very first weights is
        a DataError (inputs or targets too large). Ctrl-C stops after the current step.
        A run whose loss diverged (see ``diagnosis.divergence``) warns with a
        learning-rate hint. ``History.stop_reason`` says why training ended early, or
        ``"diverged"``.
        """
        self._require_compiled("fit")
        loss = self.loss
        x, y = _unpack(self, x, y, "x")
        x = self._inputs(x)
        y = self._targets(y, loss, x.shape[0])
        epochs = check_number("epochs", epochs, minimum=0, integer=True)
        initial_epoch = check_number("initial_epoch", initial_epoch, minimum=0, integer=True)
        verbose = check_choice("verbose", verbose, (0, 1, 2))
        gradient = check_choice("gradient", gradient, ("analytic", "numerical"))
        w = row_weights(y, sample_weight, class_weight, x.shape[0])
        if w is not None and gradient == "numerical":
            raise ConfigError("sample_weight and class_weight work with gradient='analytic'")
        x, y, w, x_val, y_val, w_val = self._validation(x, y, w, validation_data,
                                                        validation_split, validation_method)
        self._sync_trainable()
        n = x.shape[0]
        if batch_size is None:
            batch_size = 32  # Keras's default
        batch_size = min(check_number("batch_size", batch_size, minimum=1, integer=True), n)
        steps = math.ceil(n / batch_size)
        # Validation in chunks of about 4M activations, so a wide layer does not need a
        # (rows × width) array for the whole validation set at once.
        widest = max(layer.output_dim for layer in self.layers)
        eval_rows = max(batch_size, min(n if x_val is None else x_val.shape[0],
                                        (1 << 22) // widest))

        history = History()
        history.params = {"epochs": epochs, "steps": steps, "batch_size": batch_size,
                          "gradient": gradient, "samples": n, "initial_epoch": initial_epoch}
        # History last, as in Keras: it records what the callbacks add to the logs
        # (LearningRateScheduler's learning_rate)
        cbs = CallbackList([*(callbacks or []), history], self)
        progress = ProgressBar(epochs, steps, verbose)
        trainable = self._trainable
        fallback = Fallback(trainable)  # finite weights to go back to after a NaN loss
        batches = BatchBuffers([x, y, w], batch_size) if shuffle else None
        self.stop_training = False
        self._stop_reason = None
        # Per-batch work beyond the step itself only when someone looks at it.
        batch_begin = cbs.wants("on_train_batch_begin")
        batch_end = cbs.wants("on_train_batch_end") or verbose == 1
        logs = {}  # the last epoch's, for on_train_end

        cbs.call("on_train_begin", {})
        # Overflow shows up as a non-finite loss, which stops training with a clear
        # message; NumPy's own overflow warnings would only add noise.
        with Interrupt() as interrupt, np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(initial_epoch, epochs):
                if self.stop_training or interrupt.requested:
                    break
                cbs.call("on_epoch_begin", epoch, {})
                progress.epoch_begin(epoch)
                started = time.perf_counter()
                fallback.epoch_begin()
                learning_rate = self.optimizer.learning_rate
                if shuffle:
                    batches.shuffle(self.rng.permutation(n))
                loss_total, seen = 0.0, 0
                self._reset_metrics()
                for step in range(steps):
                    rows = slice(step * batch_size, (step + 1) * batch_size)
                    if shuffle:
                        xb, yb, wb = batches.batch(rows)
                    else:
                        xb, yb, wb = x[rows], y[rows], None if w is None else w[rows]
                    if batch_begin:
                        cbs.call("on_train_batch_begin", step, {})
                    if fallback.epochs == 1 and step == 0:  # the loss before any update
                        history.params["first_loss"] = self._first_loss(x, y, w, batches)
                    output, batch_loss = self.train_step(xb, yb, gradient, wb)
                    if not math.isfinite(batch_loss):
                        progress.message(fallback.stop(self, epoch, step, batch_loss,
                                                       learning_rate, x))
                        self.stop_training, self._stop_reason = True, "non_finite_loss"
                        break
                    m = xb.shape[0]
                    seen += m
                    loss_total += batch_loss * m
                    self._update_metrics(yb, output, wb)
                    if batch_end:  # Keras: the epoch's running means so far
                        batch_logs = self._logs(loss_total / seen)
                        cbs.call("on_train_batch_end", step, batch_logs)
                        progress.batch_end(step + 1, batch_logs)
                    if interrupt.requested:
                        self._stop_reason = "interrupted"
                        break
                if self._stop_reason in ("non_finite_loss", "interrupted"):
                    if self._stop_reason == "interrupted":
                        progress.message(f"\nTraining interrupted in epoch {epoch + 1}; the "
                                         "model keeps the weights of the last finished step.")
                    break
                if seen == 0:
                    break
                logs = self._logs(loss_total / seen)
                if x_val is not None:
                    val = self._evaluate_arrays(x_val, y_val, eval_rows, w_val)
                    logs.update({f"val_{k}": v for k, v in val.items()})
                # kept beside the logs, where Keras keeps them out of History.history
                history.learning_rates.append(learning_rate)
                history.epoch_times.append(time.perf_counter() - started)
                cbs.call("on_epoch_end", epoch, logs)
                progress.epoch_end(logs)
        if self._stop_reason is None:
            from .diagnosis import divergence

            diverged = divergence(history.with_extras(), history.params.get("first_loss"))
            if diverged:
                warnings.warn(diverged, DivergedWarning, stacklevel=2)
                progress.message(diverged)
                self._stop_reason = "diverged"
        history.stop_reason = self._stop_reason
        # What produced these weights travels with the model into its file.
        self.info.setdefault("training", {}).update(
            {k: history.params[k] for k in ("epochs", "batch_size", "gradient", "samples")},
            epochs_run=len(history.epoch), stop_reason=history.stop_reason,
            validation=("data" if validation_data is not None else
                        f"split {validation_split} ({validation_method})" if validation_split
                        else None))
        cbs.call("on_train_end", dict(logs))  # Keras: the last epoch's logs
        self.history = history
        return history

    def _first_loss(self, x, y, w, batches, rows=FIRST_LOSS_ROWS) -> float:
        """The loss before the first update, on the first ``rows`` rows of the epoch's
        order (inference mode, so no random draw moves): one batch of a few rows would
        be too noisy a yardstick (a single row's loss can be 0.03 where the mean is 1)."""
        first = slice(0, rows) if batches is None else batches.order[:rows]
        x, y, w = x[first], y[first], None if w is None else w[first]
        return float(self.forward_loss(x, y, self.loss, False, w)[1])

    def _validation(self, x, y, w, validation_data, split, method):
        """(x, y, w, x_val, y_val, w_val) from ``validation_data`` (x_val, y_val[, w_val])
        or a split of the rows."""
        if validation_data is not None and hasattr(validation_data, "features"):
            validation_data = _unpack(self, validation_data, None, "validation_data",
                                      remember=False)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ConfigError("validation_data must be a tuple (x_val, y_val) or "
                                  "(x_val, y_val, sample_weight_val)")
            x_val = self._inputs(validation_data[0], "validation_data x")
            y_val = self._targets(validation_data[1], self.loss, x_val.shape[0],
                                  "validation_data y")
            w_val = None if len(validation_data) == 2 else row_weights(
                y_val, validation_data[2], None, x_val.shape[0], "validation_data sample_weight")
            return x, y, w, x_val, y_val, w_val
        if split:
            return _split_validation(self, x, y, split, method, w)
        return x, y, w, None, None, None

    def evaluate(self, x, y=None, batch_size=None, verbose=0, return_dict=False,
                 sample_weight=None):
        """Loss (with penalties) and metrics on ``(x, y)`` in inference mode, rows
        weighted by ``sample_weight`` if given: a float, a list [loss, *metrics] or a dict."""
        self._require_compiled("evaluate")
        x, y = _unpack(self, x, y, "x", remember=False)
        x = self._inputs(x)
        y = self._targets(y, self.loss, x.shape[0])
        w = row_weights(y, sample_weight, None, x.shape[0])
        size = None if batch_size is None else check_number("batch_size", batch_size,
                                                             minimum=1, integer=True)
        return self._result(self._evaluate_arrays(x, y, size, w), return_dict)

    def _evaluate_arrays(self, x, y, batch_size=None, w=None) -> dict:
        n = x.shape[0]
        size = n if batch_size is None else batch_size
        loss_total = 0.0
        self._reset_metrics()
        penalty = self.penalty()
        for start in range(0, n, size):
            xb, yb = x[start:start + size], y[start:start + size]
            wb = None if w is None else w[start:start + size]
            output, value, _ = self.forward_loss(xb, yb, self.loss, False, wb)
            loss_total += (value - penalty) * xb.shape[0]
            self._update_metrics(yb, output, wb)
        return self._logs(loss_total / n + penalty)

    def _update_metrics(self, y, output, w) -> None:
        """Every metric on a batch: ``weighted_metrics`` with the rows' weights, the
        others without (Keras's rule)."""
        flags = getattr(self, "_metric_weighted", [])
        for i, (_, metric) in enumerate(self.metrics):
            metric.update_state(y, output, w if i < len(flags) and flags[i] else None)

    def _reset_metrics(self) -> None:
        for _, metric in self.metrics:
            metric.reset_state()

    def _logs(self, loss) -> dict:  # the loss and every metric's result so far
        logs = {"loss": float(loss)}
        for name, metric in self.metrics:
            logs[name] = metric.result()
        return logs

    @staticmethod
    def _result(result, return_dict):
        if return_dict:
            return result
        return result["loss"] if len(result) == 1 else list(result.values())


_metrics = metrics


def _names(metrics) -> list:
    """``compile``'s metrics argument as a list (a single name is one metric)."""
    if metrics is None:
        return []
    return [metrics] if isinstance(metrics, str) else list(metrics)


__all__ = ["DivergedWarning", "NonFiniteLossWarning", "ShapeError", "Trainer"]
