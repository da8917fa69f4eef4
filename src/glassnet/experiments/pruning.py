"""The median rule: stop a trial early when it is hopeless.

Optuna's ``MedianPruner`` (after Google Vizier's median stopping rule): at each epoch, a
trial whose best validation score so far is worse than the median of the other
trials' scores at the same epoch stops. To keep a sweep's numbers independent of
timing and of the number of workers, the "other trials" here are a fixed reference
set: the first trials of the sweep, which run to the end unpruned. Their per-epoch
median travels inside every later trial's spec, so a trial is still a pure function
of its spec.

>>> history = [{"val_accuracy": [0.5, 0.6, 0.7]}, {"val_accuracy": [0.3, 0.8, 0.9]},
...            {"val_accuracy": [0.4, 0.7, 0.8]}]
>>> median_rule(history, "val_accuracy", after=1)["median"]
[0.4, 0.7, 0.8]
"""

from __future__ import annotations

import numpy as np

from ..training.callbacks import Callback


def monitor_for(history: dict) -> str:
    """The score the rule watches: validation accuracy, else validation loss."""
    return "val_accuracy" if "val_accuracy" in history else "val_loss"


def median_rule(histories, monitor: str, after: int) -> dict:
    """The ``"prune"`` entry of a spec: per-epoch medians of the reference histories.

    ``after`` epochs run before the rule may stop a trial (a warm-up: early epochs are
    noisy). Diverged values (NaN) count as the worst possible.
    """
    worst = -np.inf if monitor == "val_accuracy" else np.inf
    length = min(len(h[monitor]) for h in histories)
    values = np.array([h[monitor][:length] for h in histories], dtype=float)
    values[~np.isfinite(values)] = worst
    return {"rule": "median", "monitor": monitor, "after": int(after),
            "median": [float(v) for v in np.median(values, axis=0)]}


class MedianStopping(Callback):
    """Stops training when the best ``monitor`` so far is worse than the median at that
    epoch (from epoch ``after`` on); the history's ``stop_reason`` is then "pruned"."""

    def __init__(self, monitor, median, after=1):
        self.monitor, self.median, self.after = monitor, list(median), int(after)
        self.higher = monitor == "val_accuracy"

    def on_train_begin(self, logs=None):
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        value = float((logs or {}).get(self.monitor, np.nan))
        if not np.isfinite(value):
            value = -np.inf if self.higher else np.inf
        if self.best is None or (value > self.best if self.higher else value < self.best):
            self.best = value
        if epoch + 1 < self.after or epoch >= len(self.median):
            return
        median = self.median[epoch]
        if self.best < median if self.higher else self.best > median:
            self.model.stop_training = True
            self.model._stop_reason = "pruned"


def pruning_callbacks(prune) -> list:
    """The callbacks a spec's ``"prune"`` entry asks for (none when it is absent)."""
    if not prune:
        return []
    return [MedianStopping(prune["monitor"], prune["median"], prune.get("after", 1))]
