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

from ..base.i18n import _


@dataclass
class Diagnosis:
    verdict: str            # "diverged", "under-fits", "good", "over-fits" or
                            # "no validation data"
    best_epoch: int | None  # 0-based epoch of the lowest validation loss
    message: str            # one sentence for a caption or a report
    values: tuple = ()      # the losses the message cites, each a point of the curves
                            # (``start``, the loss before the first update, included)


def diagnose(history, rise=0.05, still_improving=0.05, start=None) -> Diagnosis:
    """Judge a ``History`` (its loss before the first update and why training stopped
    are used too) or its dict of per-epoch lists.

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
    stopped = getattr(history, "stop_reason", None)
    if hasattr(history, "history"):
        start = (history.params or {}).get("first_loss") if start is None else start
        history = history.with_extras() if hasattr(history, "with_extras") else history.history
    loss = np.asarray(history.get("loss", []), dtype=float)
    if stopped == "non_finite_loss":  # the epoch that broke is not in the history
        return Diagnosis("diverged", None, _(
            "Diverged: the training loss became infinite or NaN in epoch {epoch}; "
            "{hint}.").format(epoch=loss.size + 1, hint=_hint(history)))
    if loss.size == 0:
        return Diagnosis("no history", None, _("No epochs were run."))
    cited = []
    diverged = divergence(history, start, cited)
    if diverged:
        return Diagnosis("diverged", None, diverged, tuple(cited))
    val = np.asarray(history.get("val_loss", []), dtype=float)
    improving = _still_falling(loss, still_improving) or (
        val.size > 0 and _still_falling(val, still_improving))
    if val.size == 0:
        if improving:
            return Diagnosis("under-fits", None, _(
                "Training loss was still falling at the end: train longer (no validation "
                "data to judge over-fitting)."))
        return Diagnosis("no validation data", None, _(
            "Training loss has levelled off; without validation data over-fitting cannot "
            "be judged."))
    best = int(np.nanargmin(val))
    best_value = val[best]
    rose = val[-1] > best_value * (1 + rise) and best < val.size - 1
    train_fell = loss[-1] < loss[best]
    if rose and train_fell:
        return Diagnosis("over-fits", best,
                         _("Over-fits from epoch {epoch}: validation loss rose from {best} "
                           "to {last} while training loss kept falling.").format(
                             epoch=best + 1, best=f"{best_value:.4g}", last=f"{val[-1]:.4g}"),
                         (best_value, val[-1]))
    if improving:
        return Diagnosis("under-fits", best, _(
            "Under-fits: training and validation loss were still falling at the end; train "
            "longer or use a larger model."))
    return Diagnosis("good", best, _(
        "Good fit: validation loss is lowest at epoch {epoch} ({best}) and did not rise "
        "after it.").format(epoch=best + 1, best=f"{best_value:.4g}"), (best_value,))


def _still_falling(curve, share) -> bool:
    """True when the last fifth of the curve brought more than ``share`` of its fall."""
    if curve.size < 2 or not np.isfinite(curve).all():
        return False
    tail = min(curve.size - 1, max(2, curve.size // 5))
    fall = curve.max() - curve[-1]
    return fall > 0 and (curve[-tail - 1] - curve[-1]) / fall > share


def divergence(history: dict, start=None, cited=None, above_start=1.5, given_back=0.5,
               swing=0.25) -> str | None:
    """Why the training loss diverged, with a learning-rate hint; None if it did not.

    Diverged means one of: a non-finite training loss; a last value more than 10 times
    ``start``, the loss before any update (one batch's), or more than ``above_start``
    times the first epoch's; a last value that gave back more than
    ``given_back`` of the fall to the minimum (and is over 1.5 times it); or, over the
    last third of the epochs (at least 6), a loss that turns (up to down or back) at
    more than 0.4 of its steps and whose steps average more than ``swing`` of its level
    (oscillation: a learning rate too large jumps around the minimum). The losses the
    message names are appended to ``cited`` (a list) when given.

    >>> divergence({"loss": [1.6, 40.0, 215300.0], "learning_rate": [1e6] * 3})[:44]
    'Diverged: the training loss rose from 1.6 to'
    >>> divergence({"loss": [1.0, 0.5, 0.4]}) is None
    True
    """
    loss = np.asarray(history.get("loss", []), dtype=float)
    if loss.size < 1:
        return None
    hint = _hint(history)
    cited = [] if cited is None else cited
    if not np.isfinite(loss).all():
        return _("Diverged: the training loss became infinite or NaN; {hint}.").format(hint=hint)
    last = loss[-1]
    # One batch's loss is noisy: before the first update it must be far exceeded.
    if start is not None and math.isfinite(start) and last > 10 * start > 0:
        cited += [start, last]
        return _("Diverged: the training loss rose from {start} (before the first update) to "
                 "{last}; {hint}.").format(start=f"{start:.4g}", last=f"{last:.4g}", hint=hint)
    if loss.size < 2:
        return None
    start, low = loss[0], loss.min()
    if last > above_start * start and last > start + 1e-12:
        cited += [start, last]
        return _("Diverged: the training loss rose from {start} to {last}; {hint}.").format(
            start=f"{start:.4g}", last=f"{last:.4g}", hint=hint)
    if low < start and last > 1.5 * low and last - low > given_back * (start - low):
        best = int(np.argmin(loss))
        cited += [low, last]
        return _("Diverged: the training loss fell to {low} (epoch {epoch}) and rose back to "
                 "{last}; {hint}.").format(low=f"{low:.4g}", epoch=best + 1,
                                           last=f"{last:.4g}", hint=hint)
    tail = loss[-max(6, loss.size // 3):] if loss.size >= 6 else loss[:0]
    if tail.size >= 6:
        steps = np.diff(tail)
        flips = np.mean(np.sign(steps[1:]) != np.sign(steps[:-1]))
        if flips > 0.4 and np.abs(steps).mean() > swing * np.abs(tail).mean():
            cited += [tail.min(), tail.max()]
            return _("Diverged: the training loss oscillates between {low} and {high} over "
                     "the last {n} epochs; {hint}.").format(
                low=f"{tail.min():.4g}", high=f"{tail.max():.4g}", n=tail.size, hint=hint)
    return None


def _hint(history) -> str:
    """What to do about a diverged run: a smaller learning rate (named when logged)."""
    rates = history.get("learning_rate") or []
    if rates:
        return _("the learning rate ({rate}) is too large: try one 10 times smaller (training "
                 "longer will not help)").format(rate=f"{float(rates[-1]):.4g}")
    return _("the learning rate is too large: try one 10 times smaller (training longer "
             "will not help)")
