"""Reading a learning curve (seed 002): under-fitting, a good fit, or over-fitting.

>>> history = {"loss": [1.0, 0.5, 0.3, 0.2, 0.1, 0.05],
...            "val_loss": [1.0, 0.6, 0.5, 0.55, 0.7, 0.9]}
>>> diagnose(history).verdict
'over-fits'
>>> diagnose(history).best_epoch      # 0-based: the third epoch has the lowest val_loss
2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .i18n import _


@dataclass
class Diagnosis:
    verdict: str            # "under-fits", "good", "over-fits" or "no validation data"
    best_epoch: int | None  # 0-based epoch of the lowest validation loss
    message: str            # one sentence for a caption or a report


def diagnose(history: dict, rise=0.05, still_improving=0.05) -> Diagnosis:
    """Judge a history (dict of per-epoch lists, as ``History.history``).

    - over-fits: the validation loss ends more than ``rise`` (5 %) above its minimum
      while the training loss went on falling after that epoch;
    - under-fits: the last fifth of the epochs (at least two) still brought more than
      ``still_improving`` (5 %) of the whole fall of the training loss, or of the
      validation loss (more epochs or a larger model would help);
    - good: neither.
    """
    loss = np.asarray(history.get("loss", []), dtype=float)
    if loss.size == 0:
        return Diagnosis("no history", None, _("No epochs were run."))
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
                             epoch=best + 1, best=f"{best_value:.4g}", last=f"{val[-1]:.4g}"))
    if improving:
        return Diagnosis("under-fits", best, _(
            "Under-fits: training and validation loss were still falling at the end; train "
            "longer or use a larger model."))
    return Diagnosis("good", best, _(
        "Good fit: validation loss is lowest at epoch {epoch} ({best}) and did not rise "
        "after it.").format(epoch=best + 1, best=f"{best_value:.4g}"))


def _still_falling(curve, share) -> bool:
    """True when the last fifth of the curve brought more than ``share`` of its fall."""
    if curve.size < 2 or not np.isfinite(curve).all():
        return False
    tail = min(curve.size - 1, max(2, curve.size // 5))
    fall = curve.max() - curve[-1]
    return fall > 0 and (curve[-tail - 1] - curve[-1]) / fall > share
