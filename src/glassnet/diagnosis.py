"""Reading a learning curve (seed 002): under-fitting, a good fit, or over-fitting.

>>> history = {"loss": [1.0, 0.5, 0.3, 0.2, 0.1, 0.05],
...            "val_loss": [1.0, 0.6, 0.5, 0.55, 0.7, 0.9]}
>>> diagnose(history).verdict
'over-fits'
>>> diagnose(history).best_epoch      # 0-based: the third epoch has the lowest val_loss
2
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Diagnosis:
    verdict: str            # "diverged", "under-fits", "good", "over-fits" or
                            # "no validation data"
    best_epoch: int | None  # 0-based epoch of the lowest validation loss
    message: str            # one sentence for a caption or a report


def diagnose(history: dict, rise=0.05, still_improving=0.05, start=None) -> Diagnosis:
    """Judge a history (dict of per-epoch lists, as ``History.history``).

    - diverged (checked first, and never "train longer"): the training loss became
      non-finite, ended far above its start or gave back most of its fall, or
      oscillated wildly over the last third of the epochs (see :func:`divergence`;
      ``start`` is the loss before the first update, ``History.params["first_loss"]``);
    - over-fits: the validation loss ends more than ``rise`` (5 %) above its minimum
      while the training loss went on falling after that epoch;
    - under-fits: the last fifth of the epochs (at least two) still brought more than
      ``still_improving`` (5 %) of the whole fall of the training loss, or of the
      validation loss (more epochs or a larger model would help);
    - good: neither.
    """
    loss = np.asarray(history.get("loss", []), dtype=float)
    if loss.size == 0:
        return Diagnosis("no history", None, "No epochs were run.")
    diverged = divergence(history, start)
    if diverged:
        return Diagnosis("diverged", None, diverged)
    val = np.asarray(history.get("val_loss", []), dtype=float)
    improving = _still_falling(loss, still_improving) or (
        val.size > 0 and _still_falling(val, still_improving))
    if val.size == 0:
        if improving:
            return Diagnosis("under-fits", None, "Training loss was still falling at the end: "
                             "train longer (no validation data to judge over-fitting).")
        return Diagnosis("no validation data", None, "Training loss has levelled off; without "
                         "validation data over-fitting cannot be judged.")
    best = int(np.nanargmin(val))
    best_value = val[best]
    rose = val[-1] > best_value * (1 + rise) and best < val.size - 1
    train_fell = loss[-1] < loss[best]
    if rose and train_fell:
        return Diagnosis("over-fits", best,
                         f"Over-fits from epoch {best + 1}: validation loss rose from "
                         f"{best_value:.4g} to {val[-1]:.4g} while training loss kept falling.")
    if improving:
        return Diagnosis("under-fits", best, "Under-fits: training and validation loss were "
                         "still falling at the end; train longer or use a larger model.")
    return Diagnosis("good", best, f"Good fit: validation loss is lowest at epoch {best + 1} "
                     f"({best_value:.4g}) and did not rise after it.")


def _still_falling(curve, share) -> bool:
    """True when the last fifth of the curve brought more than ``share`` of its fall."""
    if curve.size < 2 or not np.isfinite(curve).all():
        return False
    tail = min(curve.size - 1, max(2, curve.size // 5))
    fall = curve.max() - curve[-1]
    return fall > 0 and (curve[-tail - 1] - curve[-1]) / fall > share


def divergence(history: dict, start=None, above_start=1.5, given_back=0.5, swing=0.25
               ) -> str | None:
    """Why the training loss diverged, with a learning-rate hint; None if it did not.

    Diverged means one of: a non-finite training loss; a last value more than 10 times
    ``start``, the loss before any update (one batch's), or more than ``above_start``
    times the first epoch's; a last value that gave back more than
    ``given_back`` of the fall to the minimum (and is over 1.5 times it); or, over the
    last third of the epochs (at least 6), a loss whose every other step goes up and
    whose steps average more than ``swing`` of its level (oscillation).

    >>> divergence({"loss": [1.6, 40.0, 215300.0], "learning_rate": [1e6] * 3})[:44]
    'Diverged: the training loss rose from 1.6 to'
    >>> divergence({"loss": [1.0, 0.5, 0.4]}) is None
    True
    """
    loss = np.asarray(history.get("loss", []), dtype=float)
    if loss.size < 1:
        return None
    rates = history.get("learning_rate") or []
    rate = f" ({float(rates[-1]):.4g})" if rates else ""
    hint = (f"; the learning rate{rate} is too large: try one 10 times smaller "
            "(training longer will not help)")
    if not np.isfinite(loss).all():
        return "Diverged: the training loss became infinite or NaN" + hint + "."
    last = loss[-1]
    # One batch's loss is noisy: before the first update it must be far exceeded.
    if start is not None and math.isfinite(start) and last > 10 * start > 0:
        return (f"Diverged: the training loss rose from {start:.4g} (before the first "
                f"update) to {last:.4g}" + hint + ".")
    if loss.size < 2:
        return None
    start, low = loss[0], loss.min()
    if last > above_start * start and last > start + 1e-12:
        return (f"Diverged: the training loss rose from {start:.4g} to {last:.4g}" + hint
                + ".")
    if low < start and last > 1.5 * low and last - low > given_back * (start - low):
        best = int(np.argmin(loss))
        return (f"Diverged: the training loss fell to {low:.4g} (epoch {best + 1}) and rose "
                f"back to {last:.4g}" + hint + ".")
    tail = loss[-max(6, loss.size // 3):] if loss.size >= 6 else loss[:0]
    if tail.size >= 6:
        steps = np.diff(tail)
        flips = np.mean(np.sign(steps[1:]) != np.sign(steps[:-1]))
        if flips > 0.6 and np.abs(steps).mean() > swing * np.abs(tail).mean():
            return (f"Diverged: the training loss oscillates between {tail.min():.4g} and "
                    f"{tail.max():.4g} over the last {tail.size} epochs" + hint + ".")
    return None
