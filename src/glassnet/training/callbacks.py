"""Callbacks: code that runs at the edges of epochs and batches during ``fit``.

They follow Keras: ``on_train_begin``, ``on_epoch_begin``, ``on_train_batch_end``,
``on_epoch_end`` (with the epoch's ``logs`` dict) and ``on_train_end``; a callback
stops training by setting ``model.stop_training = True``.
"""

from __future__ import annotations

import csv
import math
import os

import numpy as np

from ..base.errors import ConfigError
from ..base.validation import check_choice, check_number
from .callback import Callback, CallbackList, History
from .recorder import Recorder

#: logged quantities that improve upwards (mode="auto" maximises them)
MAXIMISED = ("acc", "auc", "precision", "recall", "f1", "fbeta")


class _Monitor(Callback):
    """Shared logic of callbacks that watch one logged quantity for improvement."""

    def __init__(self, monitor, mode, min_delta):
        self.monitor = monitor
        self.mode = check_choice("mode", mode, ("auto", "min", "max"))
        self.min_delta = abs(check_number("min_delta", min_delta))
        if mode == "auto":
            mode = "max" if any(k in monitor for k in MAXIMISED) else "min"
        self._sign = 1.0 if mode == "min" else -1.0  # compare sign·value, lower is better

    def _value(self, logs):
        if self.monitor not in (logs or {}):
            raise ConfigError(
                f"{type(self).__name__} monitors {self.monitor!r}, which training does not "
                f"log; available: {', '.join(sorted(logs or {}))}"
            )
        value = logs[self.monitor]
        if np.ndim(value) != 0:  # F1Score(average=None): one score per class
            raise ConfigError(
                f"{type(self).__name__} monitors {self.monitor!r}, which is "
                f"{np.size(value)} numbers (one per class), not one; monitor a single "
                "number, e.g. F1Score(average='macro')")
        return float(value)

    def _improved(self, value, best) -> bool:
        return self._sign * (value - best) < -self.min_delta if best is not None else True


class EarlyStopping(_Monitor):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    Keras's rules: every watched epoch counts towards ``patience`` unless it improves
    on the best so far *and* on ``baseline`` (when given); training stops no earlier
    than the second epoch. With ``restore_best_weights`` the model ends with the
    weights of its best epoch, even when no epoch beat the baseline or another
    callback stopped training. Epochs before ``start_from_epoch`` are not watched.
    ``stopped_epoch`` is 0 until training stops early, ``best_epoch`` 0 until set.
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta)
        self.patience = check_number("patience", patience, minimum=0, integer=True)
        self.start_from_epoch = check_number("start_from_epoch", start_from_epoch, minimum=0,
                                             integer=True)
        self.baseline, self.verbose = baseline, verbose
        self.restore_best_weights = restore_best_weights
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best, self.best_weights = None, None

    def on_epoch_end(self, epoch, logs=None):
        value = self._value(logs)
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # the first watched epoch is the best so far
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improved(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(value, self.baseline):
                self.wait = 0  # patience restarts only past the baseline too
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            self.model._stop_reason = "early_stopping"

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(_Monitor):
    """Multiply the learning rate by ``factor`` when ``monitor`` stalls for ``patience``."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta)
        self.factor = check_number("factor", factor, minimum=0.0, maximum=1.0,
                                   exclusive_maximum=True)
        self.patience = check_number("patience", patience, minimum=0, integer=True)
        self.cooldown = check_number("cooldown", cooldown, minimum=0, integer=True)
        self.min_lr, self.verbose = min_lr, verbose

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:  # logged as Keras does (the rate this epoch trained with)
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        value = self._value(logs)
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(value, self.best):
            self.best, self.wait = value, 0
            return
        if self.cooldown_counter > 0:
            return
        self.wait += 1
        if self.wait >= self.patience:
            optimizer = self.model.optimizer
            old = optimizer.learning_rate
            new = max(old * self.factor, self.min_lr)
            if new < old:
                optimizer.learning_rate = new
                if self.verbose:
                    print(f"Epoch {epoch + 1}: reducing learning rate to {new:.4g}")
            self.cooldown_counter, self.wait = self.cooldown, 0


class TerminateOnNaN(Callback):
    """Stop as soon as a batch loss is NaN or infinite (fit also does this itself)."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            self.model.stop_training = True
            self.model._stop_reason = "non_finite_loss"


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch start to ``schedule(epoch, lr)``, or
    ``schedule(epoch)`` for a function of one argument (as Keras), and log it as
    ``learning_rate`` at each epoch end. An optimiser whose learning rate is a
    LearningRateSchedule refuses (TypeError), as in Keras."""

    def __init__(self, schedule, verbose=0):
        if not callable(schedule):
            raise ConfigError(f"schedule must be a function (epoch, lr) -> lr, got {schedule!r}")
        self.schedule, self.verbose = schedule, verbose
        self._arguments = _positional_arguments(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if self._arguments == 1:
            lr = self.schedule(epoch)
        else:
            lr = self.schedule(epoch, optimizer.learning_rate)
        optimizer.learning_rate = float(lr)
        if self.verbose:
            print(f"Epoch {epoch + 1}: learning rate {lr:.4g}")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _positional_arguments(function) -> int | None:
    """How many positional arguments ``function`` takes (None: any number, or unknown)."""
    import inspect

    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in parameters) or None


class LambdaCallback(Callback):
    """Callback built from plain functions, e.g. ``LambdaCallback(on_epoch_end=f)``."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None):
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, fn in hooks.items():
            if fn is not None:
                if not callable(fn):
                    raise ConfigError(f"{name} must be a function, got {fn!r}")
                setattr(self, name, fn)


class CSVLogger(Callback):
    """Append one CSV row per epoch to ``filename``, with Keras's columns: ``epoch``, then
    the logged names sorted, and their ``val_`` twins even before (or without) a
    validation epoch; a value not logged this epoch is ``NA``. With ``append=True`` an
    existing file keeps its header."""

    def __init__(self, filename, separator=",", append=False):
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self._file = None

    def on_train_begin(self, logs=None):
        exists = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename)
        if self._file is not None and not self._file.closed:
            self._file.close()
        self._file = open(self.filename, "a" if self.append else "w", newline="",
                          encoding="utf-8")
        self._writer = self._keys = None
        self._header_written = bool(exists)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._keys is None:
            self._keys = sorted(logs)  # Keras's column order
            if self._keys and not any(k.startswith("val_") for k in self._keys):
                self._keys += [f"val_{k}" for k in self._keys]  # validation_freq > 1
        if self._writer is None:
            self._writer = csv.writer(self._file, delimiter=self.separator)
            if not self._header_written:
                self._writer.writerow(["epoch", *self._keys])
        self._writer.writerow([epoch, *(_csv_value(logs.get(k, "NA")) for k in self._keys)])
        self._file.flush()

    def on_train_end(self, logs=None):
        self._file.close()


def _csv_value(value):
    """A logged value as Keras's CSVLogger writes it (a per-class list as "[a, b]")."""
    if np.ndim(value) and not isinstance(value, str):
        return f"[{', '.join(map(str, np.ravel(value)))}]"
    return value


class ModelCheckpoint(_Monitor):
    """Save the model (atomically) after each epoch, or only when ``monitor`` improves.

    ``filepath`` may contain ``{epoch}`` and logged names, e.g.
    ``"ckpt-{epoch:03d}-{val_loss:.3f}.glassnet"``.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 mode="auto", save_weights_only=False):
        super().__init__(monitor, mode, 0.0)
        self.filepath = os.fspath(filepath)
        self.save_best_only, self.verbose = save_best_only, verbose
        self.save_weights_only = save_weights_only

    def on_train_begin(self, logs=None):
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            value = self._value(logs)
            if not self._improved(value, self.best):
                return
            self.best = value
        folder = os.path.dirname(path)
        if folder:  # Keras creates the missing folders of the path
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose:
            print(f"Epoch {epoch + 1}: saved model to {path}")


__all__ = ["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "Recorder", "ReduceLROnPlateau",
           "TerminateOnNaN"]
