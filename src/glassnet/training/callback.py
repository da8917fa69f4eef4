"""The callback contract (Keras's hooks), the History every ``fit`` returns, and the
list that calls every callback in turn. The callbacks themselves are in
``callbacks.py``."""

from __future__ import annotations

from ..base.errors import ConfigError


class Callback:
    """Base class; every hook does nothing."""

    def set_model(self, model) -> None:
        self.model = model

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)  # Keras's older name, still called

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)


class History(Callback):
    """Per-epoch results: ``history`` is a plain dict of lists, as in Keras.

    ``history`` holds exactly the epoch logs Keras would (the loss, the metrics, their
    ``val_`` twins, and ``learning_rate`` when a LearningRateScheduler or
    ReduceLROnPlateau logs it). What glassnet measures beside them stays out of it, as
    in Keras: ``learning_rates`` (the rate each epoch trained with) and
    ``epoch_times`` (seconds); ``with_extras()`` gives all of them in one dict.
    ``stop_reason`` says why training ended early ("early_stopping", "non_finite_loss",
    "interrupted", ...) or is None when every epoch ran.
    """

    def __init__(self):
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []
        self.params: dict = {}
        self.stop_reason: str | None = None
        self.learning_rates: list[float] = []
        self.epoch_times: list[float] = []

    def with_extras(self) -> dict[str, list]:
        """The logs plus ``learning_rate`` and ``epoch_time`` per epoch (for reports)."""
        merged = dict(self.history)  # a logged learning_rate (a scheduler's) comes first
        for key, values in (("learning_rate", self.learning_rates),
                            ("epoch_time", self.epoch_times)):
            if values:
                merged.setdefault(key, list(values))
        return merged

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class CallbackList:
    """Calls the same hook on every callback, in order."""

    def __init__(self, callbacks, model):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise ConfigError(f"callbacks must be Callback objects, got {cb!r}")
            cb.set_model(model)

    def call(self, hook: str, *args) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def wants(self, hook: str) -> bool:
        """True if some callback does something at ``hook`` (so fit can skip the rest)."""
        hooks = [hook] + ([hook.replace("_train", "")] if "_train_batch" in hook else [])
        return any(getattr(getattr(cb, name), "__func__", None) is not getattr(Callback, name)
                   for cb in self.callbacks for name in hooks)
