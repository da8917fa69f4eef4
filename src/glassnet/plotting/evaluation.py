"""How well the finished model predicts: figures on its predictions, not its weights.

- ``predictions``: a numeric target's predicted values against the actual ones (the
  diagonal is a perfect prediction) and the residuals against the prediction
- ``roc_pr``: the ROC and precision-recall curves of a classification, with their areas
"""

from __future__ import annotations

import numpy as np

from ..base.i18n import _
from ..base.sanitize import label
from ..training import measures
from .style import colour, pyplot


def _with_unit(text, unit):
    return _("{quantity} ({unit})").format(quantity=text, unit=unit) if unit else text


def predictions(parts, target_name, unit=None, title=None):
    """Predicted against actual, and residual (actual - predicted) against predicted.

    ``parts`` is a list of (name, actual, predicted) — training and test rows — drawn
    in their own colours; ``unit`` labels the axes ("万円").
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.4, 4.4))
    everything = np.concatenate([np.r_[a.reshape(-1), p.reshape(-1)] for _n, a, p in parts])
    low, high = float(everything.min()), float(everything.max())
    pad = (high - low) * 0.04 or 1.0
    for k, (name, actual, predicted) in enumerate(parts):
        actual, predicted = actual.reshape(-1), predicted.reshape(-1)
        style = dict(color=colour(k), s=16 if k == 0 else 22, alpha=0.55 if k == 0 else 0.85,
                     marker="o" if k == 0 else "s", label=name, edgecolors="none")
        left.scatter(actual, predicted, **style)
        right.scatter(predicted, actual - predicted, **style)
    left.plot([low - pad, high + pad], [low - pad, high + pad], color="0.3", lw=1, ls="--",
              label=_("perfect prediction"))
    left.set_xlim(low - pad, high + pad)
    left.set_ylim(low - pad, high + pad)
    left.set_aspect("equal", adjustable="box")
    right.axhline(0, color="0.3", lw=1, ls="--")
    # the unit comes from the column name, which already states it
    target_name = label(target_name)
    left.set_xlabel(_("actual {name}").format(name=target_name))
    left.set_ylabel(_("predicted {name}").format(name=target_name))
    left.set_title(_("Predicted against actual"))
    right.set_xlabel(_("predicted {name}").format(name=target_name))
    right.set_ylabel(_with_unit(_("residual (actual - predicted)"), unit))
    right.set_title(_("Residuals"))
    for ax in (left, right):
        ax.grid(alpha=0.25)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def roc_pr(labels, probabilities, class_names, positive=None, part=None):
    """ROC curve (with its AUC) and precision-recall curve (with its average
    precision): for two classes, of the ``positive`` class (an index); for more, one
    curve per class against the rest."""
    plt = pyplot()
    labels = np.asarray(labels).reshape(-1)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    fig, (roc, pr) = plt.subplots(1, 2, figsize=(10.4, 4.4))
    k = len(class_names)
    shown = [positive if positive is not None else 1] if k == 2 else range(min(k, 10))
    for i, c in enumerate(shown):
        truth, score = labels == c, probabilities[:, c]
        if not truth.any() or truth.all():
            continue
        fpr, tpr, _t = measures.roc_curve(truth, score)
        recall, precision, _t = measures.precision_recall_curve(truth, score)
        name = label(class_names[c], 30)  # a name from the file: one line, no control codes
        area = f"{measures.auc(fpr, tpr):.3f}"
        roc.plot(fpr, tpr, color=colour(i), lw=1.8,
                 label=_("{name}: AUC {auc}").format(name=name, auc=area))
        pr.step(np.r_[0.0, recall], np.r_[precision[0], precision], where="pre",
                color=colour(i), lw=1.8,
                label=_("{name}: average precision {ap}").format(
                    name=name, ap=f"{measures.average_precision(truth, score):.3f}"))
        if k == 2:
            pr.axhline(truth.mean(), color="0.5", ls=":", lw=1.2,
                       label=_("chance ({rate}: the share of {name})").format(
                           rate=f"{truth.mean():.3f}", name=name))
    roc.plot([0, 1], [0, 1], color="0.5", ls=":", lw=1.2, label=_("chance"))
    roc.set_xlabel(_("false positive rate (share of the others flagged)"))
    roc.set_ylabel(_("true positive rate (recall)"))
    roc.set_title(_("ROC curve") if part is None else
                  _("ROC curve, {part}").format(part=part))
    pr.set_xlabel(_("recall (share of the class found)"))
    pr.set_ylabel(_("precision (share of the flagged that are right)"))
    pr.set_title(_("Precision-recall curve") if part is None else
                 _("Precision-recall curve, {part}").format(part=part))
    for ax in (roc, pr):
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_aspect("equal", adjustable="box")
        ax.grid(alpha=0.25)
        ax.legend(fontsize=8, loc="lower right" if ax is roc else "lower left")
    fig.tight_layout()
    return fig


def history_units(model, target_name) -> dict:
    """{history key without ``val_``: unit} for a numeric target whose column name
    states its unit: errors in it ("万円"), squared errors and a squared-error loss in its
    square ("万円²"). Empty when the losses are not in the target's units (a penalised
    loss, several target columns: see ``training.units``)."""
    from ..data.targets import column_unit, squared
    from ..training.units import LOSS_POWER, METRIC_POWER

    unit = column_unit(target_name) if (model.info or {}).get("class_names") is None else None
    if not unit or "note" in ((model.info or {}).get("target_scaling") or {}):
        return {}
    by_power = {1: unit, 2: squared(unit)}
    out = {name: by_power[p] for name, p in METRIC_POWER.items()}
    power = LOSS_POWER.get(getattr(model.loss, "name", None))
    if power and not getattr(model, "_penalized", False):
        out["loss"] = by_power[power]
    return out
