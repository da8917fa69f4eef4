"""Losses and errors in the target's own units, wherever they are shown.

A numeric target is learnt standardised, t' = (t - μ) / σ (``spec.target_scaling``), so
the trainer computes every loss in standardised units. What a user reads — the
progress line, the history, the learning curves, the verdict above them and
``evaluate`` on the saved model — must all be in one unit, the target's: an error
scales by σ, a squared error by σ². ``unit_factors`` is the one table of those factors;
the history, the loss before the first update (``History.params["first_loss"]``) and
the logs every callback sees are converted with it.

A penalised loss (L1/L2 terms are not in the target's units) and a target of several
columns (one σ each) stay standardised everywhere, and ``model.info`` says so.

>>> import numpy as np
>>> from glassnet import Sequential
>>> from glassnet.layers import Dense
>>> model = Sequential([Dense(1)], input_dim=1)
>>> model.compile("sgd", "mse", ["mae"])
>>> unit_factors(model, np.array([3.0]))
{'loss': 9.0, 'mae': 3.0, 'mean_absolute_error': 3.0, 'mse': 9.0, 'mean_squared_error': 9.0, \
'root_mean_squared_error': 3.0}
>>> in_units({"loss": 0.5, "val_mae": 0.1, "accuracy": 1.0}, {"loss": 9.0, "mae": 3.0})
{'loss': 4.5, 'val_mae': 0.30000000000000004, 'accuracy': 1.0}
"""

from __future__ import annotations

import types

import numpy as np

from .callbacks import Callback

#: what the loss becomes in the target's units: σ to this power
LOSS_POWER = {"mean_squared_error": 2, "mean_absolute_error": 1}
#: metrics measured in the target's units (σ to this power)
METRIC_POWER = {"mae": 1, "mean_absolute_error": 1, "mse": 2, "mean_squared_error": 2,
                "root_mean_squared_error": 1, "rmse": 1}
NOTE = "losses in standardised units"


def unit_factors(model, std) -> dict:
    """{history key without ``val_``: factor} taking standardised values to the target's
    units; empty when they cannot be (several target columns)."""
    if std.size != 1:
        return {}
    s = float(std.reshape(-1)[0])
    factors = {}
    power = LOSS_POWER.get(model.loss.name)
    if power and not model._penalized:
        factors["loss"] = s ** power
    factors.update({name: s ** p for name, p in METRIC_POWER.items() if name != "rmse"})
    return factors


def in_units(logs: dict, factors: dict) -> dict:
    """A copy of ``logs`` with every value that has a factor (``val_`` or not) scaled."""
    return {key: value * factors[key.removeprefix("val_")]
            if key.removeprefix("val_") in factors else value for key, value in logs.items()}


def history_in_units(model, history, factors) -> None:
    """The history and its loss before the first update in the target's units (in place);
    what stays standardised is noted in ``model.info["target_scaling"]``."""
    if "loss" not in factors:
        model.info["target_scaling"]["note"] = NOTE
    for key, values in history.history.items():
        factor = factors.get(key.removeprefix("val_"))
        if factor is not None:
            values[:] = [v * factor for v in values]
    start = history.params.get("first_loss")
    if start is not None and "loss" in factors:
        history.params["first_loss"] = start * factors["loss"]


HOOKS_WITH_LOGS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
                   "on_train_batch_begin", "on_train_batch_end")


class InUnits(Callback):
    """A callback that sees logs in the target's units (the progress line, a CSV log,
    early stopping: every number the same as in the history and the report).

    Hooks the wrapped callback does not define stay the base class's, so ``fit`` still
    skips per-batch work nobody looks at.
    """

    def __init__(self, callback, factors):
        self.callback, self.factors = callback, factors
        for hook in HOOKS_WITH_LOGS:
            own = getattr(type(callback), hook, None)
            if own is getattr(Callback, hook):
                setattr(self, hook, types.MethodType(getattr(Callback, hook), self))

    def set_model(self, model) -> None:
        super().set_model(model)
        self.callback.set_model(model)

    def _call(self, hook, args):
        *head, logs = args if args else (None,)
        logs = in_units(logs, self.factors) if logs else logs
        return getattr(self.callback, hook)(*head, logs)

    def on_train_begin(self, logs=None): self._call("on_train_begin", (logs,))
    def on_train_end(self, logs=None): self._call("on_train_end", (logs,))
    def on_epoch_begin(self, epoch, logs=None): self._call("on_epoch_begin", (epoch, logs))
    def on_epoch_end(self, epoch, logs=None): self._call("on_epoch_end", (epoch, logs))

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", (batch, logs))

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", (batch, logs))


# Learning a numeric target standardised -----------------------------------------------
def target_scaling(spec, model, data):
    """(mean, std) a numeric target is standardised with while training, or None.

    A network learns a target in the hundreds badly from small initial weights; trained
    on the standardised target, its linear output layer is rescaled exactly afterwards
    (kernel·σ, bias·σ + μ), so the saved model predicts in the data's own units. Once
    decided, the scaling is kept in ``model.info`` so later training continues with it.
    """
    saved = model.info.get("target_scaling")
    if saved:
        return np.asarray(saved["mean"]), np.asarray(saved["std"])
    last = model.layers[-1]
    wanted = spec.scale_target
    if wanted == "auto":
        wanted = spec.scale != "none"
    if (not wanted or data.is_classification or getattr(last, "activation", None) is None
            or last.activation.name != "linear" or not getattr(last, "use_bias", False)):
        return None
    mean, std = data.labels.mean(axis=0), data.labels.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def fold_target_scaling(model, mean, std) -> None:
    """Output layer from standardised units to the target's: kernel·σ, bias·σ + μ."""
    last = model.layers[-1]
    last.kernel[...] *= std.astype(last.kernel.dtype)
    last.bias[...] = last.bias * std + mean
    model.info["target_scaling"] = {"mean": np.asarray(mean).tolist(),
                                    "std": np.asarray(std).tolist()}


def unfold_target_scaling(model, mean, std) -> None:
    """The inverse of ``fold_target_scaling`` (no-op on a model never folded)."""
    if not model.info.pop("target_scaling", None):
        return
    last = model.layers[-1]
    last.bias[...] = (last.bias - mean) / std
    last.kernel[...] /= std.astype(last.kernel.dtype)


__all__ = ["InUnits", "fold_target_scaling", "history_in_units", "in_units", "target_scaling",
           "unfold_target_scaling", "unit_factors"]
