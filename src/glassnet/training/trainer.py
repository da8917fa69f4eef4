"""The training loop with Keras's calling conventions: ``Trainer``, given the model it
trains. Keras's ``Model`` inherits its trainer; here the split is explicit: the model
(``Sequential``) is what it computes and holds (layers, weights, the compiled loss,
optimiser and metrics), and a Trainer is one run of fitting it. ``Sequential.fit``,
``evaluate`` and ``train_on_batch`` each make a ``Trainer(self)`` and call it.

One training step (``train_step``), in the words of the two-layer derivation this
project starts from (docs/seeds.md):

1. forward the batch (α, y, β, z for every row) and the mean loss E,
2. backprop the error δ from the output down (or differentiate numerically),
3. update every coefficient: w ← w - lr ∂E/∂w (or the optimiser's rule).

``fit`` checks its data and settings, then runs ``run_epoch`` for each epoch, which runs
``run_step`` for each batch. Training metrics come from the forward pass already done
for the step; nothing is computed twice. Batches are taken from one permutation of the
data per epoch.
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
from .fitdata import _unpack, row_weights, validation_rows
from .progress import Interrupt, ProgressBar

#: rows whose loss before the first update is the yardstick of divergence
FIRST_LOSS_ROWS = 256


class DivergedWarning(RuntimeWarning):
    """The training loss diverged (rose far above its start or minimum, or oscillated):
    the learning rate is too large."""


def compile_settings(optimizer, loss, names, weighted_names=None):
    """``(optimizer, loss, [(name, Metric), ...], [weighted?, ...])`` from ``compile``'s
    arguments. As in Keras, ``metrics`` are computed without sample or class weights and
    ``weighted_metrics`` with them (a name in both is logged again as ``weighted_<name>``).
    """
    if loss is None:
        raise ConfigError("compile() needs a loss, e.g. loss='categorical_crossentropy'")
    optimizer = optimizers.get(optimizer)
    loss = losses.get(loss)
    plain = [metrics.resolve(name, loss.name) for name in _names(names)]
    taken = {name for name, _ in plain}
    weighted = []
    for item in _names(weighted_names):
        name, metric = metrics.resolve(item, loss.name)
        if name in taken:  # Keras's name for the weighted twin
            name = metric.name = f"weighted_{name}"
        weighted.append((name, metric))
    return optimizer, loss, plain + weighted, [False] * len(plain) + [True] * len(weighted)


def _names(metrics) -> list:
    """``compile``'s metrics argument as a list (a single name is one metric)."""
    if metrics is None:
        return []
    return [metrics] if isinstance(metrics, str) else list(metrics)


class Trainer:
    """Fits, scores and steps one model: ``compile``'s settings are the model's own
    (``model.loss``, ``model.optimizer``, ``model.metrics`` and which of them are
    weighted, ``model._metric_weighted``); the model computes
    (``forward_loss``, ``backward``, its ``layers``, its generator ``rng`` and its
    trainable weights and gradients as the aligned lists ``_trainable`` /
    ``_gradients``); the Trainer runs the loop and keeps one run's data and state."""

    def __init__(self, model):
        self.model = model

    def _require_compiled(self, what):
        if not self.model.compiled:
            raise ConfigError(f"{what}() needs a compiled model: call model.compile("
                              "optimizer=..., loss=...) first")

    # One step ---------------------------------------------------------------------------
    def train_step(self, x, t, gradient="analytic", sample_weight=None):
        """Forward, differentiate, update, on one batch; returns ``(output, E)``.

        A non-finite loss leaves the weights untouched (the caller decides what to do).
        """
        model = self.model
        # 1. forward: α, y, β, z for every row, the mean loss E and δ at the output
        output, value, delta = model.forward_loss(x, t, model.loss, True, sample_weight)
        if not math.isfinite(value):
            return output, value
        # 2. ∂E/∂w for every coefficient: backprop, or perturb each one
        if gradient == "analytic":
            model.backward(delta)
        else:
            self._numerical_gradients(x, t)
        # 3. update: w ← w - lr ∂E/∂w, or the optimiser's own rule
        names = None if model.optimizer.state is not None else self._trainable_names()
        model.optimizer.apply(model._trainable, model._gradients, names)
        return output, value

    def _trainable_names(self) -> list[str]:  # "dense.bias", ...: for exclude_from_weight_decay
        flags = [t for layer in self.model.layers for t in layer.trainable_flags]
        return [name for name, t in zip(self.model.weight_names(), flags) if t]

    def _numerical_gradients(self, x, t):
        from ..engine.gradients import numerical_gradients

        model = self.model
        numerical = numerical_gradients(model, x, t, model.loss, draw_noise=False)
        trainable = [tr for layer in model.layers for tr in layer.trainable_flags]
        for g, ng in zip(model._gradients, (ng for ng, tr in zip(numerical, trainable) if tr)):
            g[...] = ng

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on ``(x, y)``; the loss (and metrics) of that batch."""
        model = self.model
        self._require_compiled("train_on_batch")
        x = model._inputs(x)
        y = model._targets(y, model.loss, x.shape[0])
        w = row_weights(y, sample_weight, class_weight, x.shape[0])
        model._sync_trainable()
        with np.errstate(over="ignore", invalid="ignore"):
            output, value = self.train_step(x, y, sample_weight=w)
        self._reset_metrics()
        self._update_metrics(y, output, w)
        return _result(self._logs(value), return_dict)

    # Whole runs -------------------------------------------------------------------------
    def fit(self, x, y=None, epochs=1, batch_size=None, validation_data=None,
            validation_split=0.0, shuffle=True, verbose=1, callbacks=None, gradient="analytic",
            initial_epoch=0, validation_method="last", sample_weight=None, class_weight=None,
            validation_freq=1):
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
        validation_freq : int
            Validate after every ``validation_freq``-th epoch (Keras's argument); the
            ``val_`` lists of the history then hold only those epochs.

        Training stops early if the loss becomes NaN or infinite, and the model goes
        back to the last weights that gave a finite loss (models above 2**24 parameters
        keep no fallback copy); a loss that is not finite for the very first weights is
        a DataError (inputs or targets too large). Ctrl-C stops after the current step.
        A run whose loss diverged (see ``diagnosis.divergence``) warns with a
        learning-rate hint. ``History.stop_reason`` says why training ended early, or
        ``"diverged"``.
        """
        model = self.model
        self._require_compiled("fit")
        x, y = _unpack(model, x, y, "x")
        x = model._inputs(x)
        y = model._targets(y, model.loss, x.shape[0])
        epochs = check_number("epochs", epochs, minimum=0, integer=True)
        initial_epoch = check_number("initial_epoch", initial_epoch, minimum=0, integer=True)
        verbose = check_choice("verbose", verbose, (0, 1, 2))
        self.gradient = check_choice("gradient", gradient, ("analytic", "numerical"))
        w = row_weights(y, sample_weight, class_weight, x.shape[0])
        if w is not None and gradient == "numerical":
            raise ConfigError("sample_weight and class_weight work with gradient='analytic'")
        (self.x, self.y, self.w, self.x_val, self.y_val,
         self.w_val) = validation_rows(model, x, y, w, validation_data, validation_split,
                                       validation_method)
        model._sync_trainable()
        self.validation_freq = check_number("validation_freq", validation_freq, minimum=1,
                                            integer=True)
        self._plan(epochs, batch_size, shuffle, initial_epoch, verbose, callbacks)
        self.logs = {}  # the last epoch's, for on_train_end
        self.callbacks.call("on_train_begin", {})
        # Overflow shows up as a non-finite loss, which stops training with a clear
        # message; NumPy's own overflow warnings would only add noise.
        with Interrupt() as self.interrupt, np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(initial_epoch, epochs):
                if model.stop_training or self.interrupt.requested:
                    break
                if not self.run_epoch(epoch):
                    break
        self._finish(validation_data, validation_split, validation_method)
        self.callbacks.call("on_train_end", dict(self.logs))  # Keras: the last epoch's logs
        model.history = self.history
        return self.history

    def _plan(self, epochs, batch_size, shuffle, initial_epoch, verbose, callbacks):
        """Batches, the History, the callbacks and the display of one run."""
        model = self.model
        self.n = n = self.x.shape[0]
        if batch_size is None:
            batch_size = 32  # Keras's default
        self.batch_size = min(check_number("batch_size", batch_size, minimum=1, integer=True),
                              n)
        self.steps = math.ceil(n / self.batch_size)
        # Validation in chunks of about 4M activations, so a wide layer does not need a
        # (rows × width) array for the whole validation set at once.
        widest = max(layer.output_dim for layer in model.layers)
        self.eval_rows = max(self.batch_size, min(n if self.x_val is None else
                                                  self.x_val.shape[0], (1 << 22) // widest))
        self.history = History()
        self.history.params = {"epochs": epochs, "steps": self.steps,
                               "batch_size": self.batch_size, "gradient": self.gradient,
                               "samples": n, "initial_epoch": initial_epoch}
        # History last, as in Keras: it records what the callbacks add to the logs
        # (LearningRateScheduler's learning_rate)
        self.callbacks = CallbackList([*(callbacks or []), self.history], model)
        self.progress = ProgressBar(epochs, self.steps, verbose)
        self.fallback = Fallback(model._trainable)  # finite weights to go back to after a NaN
        self.batches = BatchBuffers([self.x, self.y, self.w], self.batch_size) if shuffle \
            else None
        model.stop_training = False
        model._stop_reason = None
        # Per-batch work beyond the step itself only when someone looks at it.
        self.batch_begin = self.callbacks.wants("on_train_batch_begin")
        self.batch_end = self.callbacks.wants("on_train_batch_end") or verbose == 1

    def run_epoch(self, epoch) -> bool:
        """One pass over the training rows, then validation and the epoch's callbacks;
        False when training ends here (a non-finite loss, Ctrl-C, no rows trained)."""
        model = self.model
        self.callbacks.call("on_epoch_begin", epoch, {})
        self.progress.epoch_begin(epoch)
        started = time.perf_counter()
        self.fallback.epoch_begin()
        learning_rate = model.optimizer.learning_rate
        if self.batches is not None:
            self.batches.shuffle(model.rng.permutation(self.n))
        self.loss_total, self.seen = 0.0, 0
        self._reset_metrics()
        for step in range(self.steps):
            if not self.run_step(epoch, step, learning_rate):
                break
        if model._stop_reason in ("non_finite_loss", "interrupted"):
            if model._stop_reason == "interrupted":
                self.progress.message(f"\nTraining interrupted in epoch {epoch + 1}; the "
                                      "model keeps the weights of the last finished step.")
            return False
        if self.seen == 0:
            return False
        self.logs = logs = self._logs(self.loss_total / self.seen)
        if self.x_val is not None and (epoch + 1) % self.validation_freq == 0:
            val = self.evaluate_arrays(self.x_val, self.y_val, self.eval_rows, self.w_val)
            logs.update({f"val_{k}": v for k, v in val.items()})
        # kept beside the logs, where Keras keeps them out of History.history
        self.history.learning_rates.append(learning_rate)
        self.history.epoch_times.append(time.perf_counter() - started)
        self.callbacks.call("on_epoch_end", epoch, logs)
        self.progress.epoch_end(logs)
        return True

    def run_step(self, epoch, step, learning_rate) -> bool:
        """One batch: ``train_step``, then the running loss and metrics and the batch's
        callbacks; False when the epoch ends here (a non-finite loss, Ctrl-C)."""
        model = self.model
        rows = slice(step * self.batch_size, (step + 1) * self.batch_size)
        if self.batches is not None:
            xb, yb, wb = self.batches.batch(rows)
        else:
            xb, yb, wb = self.x[rows], self.y[rows], None if self.w is None else self.w[rows]
        if self.batch_begin:
            self.callbacks.call("on_train_batch_begin", step, {})
        if self.fallback.epochs == 1 and step == 0:  # the loss before any update
            self.history.params["first_loss"] = self._first_loss()
        output, batch_loss = self.train_step(xb, yb, self.gradient, wb)
        if not math.isfinite(batch_loss):
            self.progress.message(self.fallback.stop(model, epoch, step, batch_loss,
                                                     learning_rate, self.x))
            model.stop_training, model._stop_reason = True, "non_finite_loss"
            return False
        m = xb.shape[0]
        self.seen += m
        self.loss_total += batch_loss * m
        self._update_metrics(yb, output, wb)
        if self.batch_end:  # Keras: the epoch's running means so far
            logs = self._logs(self.loss_total / self.seen)
            self.callbacks.call("on_train_batch_end", step, logs)
            self.progress.batch_end(step + 1, logs)
        if self.interrupt.requested:
            model._stop_reason = "interrupted"
            return False
        return True

    def _finish(self, validation_data, validation_split, validation_method):
        """The run's verdict on divergence, and what produced the weights, in ``info``."""
        model, history = self.model, self.history
        if model._stop_reason is None:
            from .diagnosis import divergence

            diverged = divergence(history.with_extras(), history.params.get("first_loss"))
            if diverged:
                warnings.warn(diverged, DivergedWarning, stacklevel=4)  # fit's caller
                self.progress.message(diverged)
                model._stop_reason = "diverged"
        history.stop_reason = model._stop_reason
        # What produced these weights travels with the model into its file.
        model.info.setdefault("training", {}).update(
            {k: history.params[k] for k in ("epochs", "batch_size", "gradient", "samples")},
            epochs_run=len(history.epoch), stop_reason=history.stop_reason,
            validation=("data" if validation_data is not None else
                        f"split {validation_split} ({validation_method})" if validation_split
                        else None))

    def _first_loss(self, rows=FIRST_LOSS_ROWS) -> float:
        """The loss before the first update, on the first ``rows`` rows of the epoch's
        order (inference mode, so no random draw moves): one batch of a few rows would
        be too noisy a yardstick (a single row's loss can be 0.03 where the mean is 1)."""
        first = slice(0, rows) if self.batches is None else self.batches.order[:rows]
        x, y, w = self.x[first], self.y[first], None if self.w is None else self.w[first]
        return float(self.model.forward_loss(x, y, self.model.loss, False, w)[1])

    # Scoring ----------------------------------------------------------------------------
    def evaluate(self, x, y=None, batch_size=None, return_dict=False, sample_weight=None):
        """Loss (with penalties) and metrics on ``(x, y)`` in inference mode, rows
        weighted by ``sample_weight`` if given: a float, a list [loss, *metrics] or a dict."""
        model = self.model
        self._require_compiled("evaluate")
        x, y = _unpack(model, x, y, "x", remember=False)
        x = model._inputs(x)
        y = model._targets(y, model.loss, x.shape[0])
        w = row_weights(y, sample_weight, None, x.shape[0])
        size = None if batch_size is None else check_number("batch_size", batch_size,
                                                             minimum=1, integer=True)
        return _result(self.evaluate_arrays(x, y, size, w), return_dict)

    def evaluate_arrays(self, x, y, batch_size=None, w=None) -> dict:
        """Loss and metrics of checked arrays, in chunks of ``batch_size`` rows."""
        model = self.model
        n = x.shape[0]
        size = n if batch_size is None else batch_size
        loss_total = 0.0
        self._reset_metrics()
        penalty = model.penalty()
        for start in range(0, n, size):
            xb, yb = x[start:start + size], y[start:start + size]
            wb = None if w is None else w[start:start + size]
            output, value, _ = model.forward_loss(xb, yb, model.loss, False, wb)
            loss_total += (value - penalty) * xb.shape[0]
            self._update_metrics(yb, output, wb)
        return self._logs(loss_total / n + penalty)

    def _update_metrics(self, y, output, w) -> None:
        """Every metric on a batch: ``weighted_metrics`` with the rows' weights, the
        others without (Keras's rule)."""
        flags = getattr(self.model, "_metric_weighted", [])
        for i, (_, metric) in enumerate(self.model.metrics):
            metric.update_state(y, output, w if i < len(flags) and flags[i] else None)

    def _reset_metrics(self) -> None:
        for _, metric in self.model.metrics:
            metric.reset_state()

    def _logs(self, loss) -> dict:  # the loss and every metric's result so far
        logs = {"loss": float(loss)}
        for name, metric in self.model.metrics:
            logs[name] = metric.result()
        return logs


def _result(result, return_dict):
    if return_dict:
        return result
    return result["loss"] if len(result) == 1 else list(result.values())


__all__ = ["DivergedWarning", "NonFiniteLossWarning", "ShapeError", "Trainer",
           "compile_settings"]
