"""History keys in words, in the user's language: 'val_accuracy' -> 'validation accuracy'."""

from __future__ import annotations

from ...base.i18n import N_, _

LABELS = {"loss": N_("loss"), "accuracy": N_("accuracy"), "crossentropy": N_("cross-entropy"),
          "mae": N_("mean absolute error"), "mse": N_("mean squared error"),
          "mean_absolute_error": N_("mean absolute error"),
          "mean_squared_error": N_("mean squared error"),
          "auc": N_("AUC"), "precision": N_("precision"), "recall": N_("recall"),
          "f1_score": N_("F1 score")}


def metric_label(key: str) -> str:
    """A history key in words, in the current language.

    >>> metric_label("val_accuracy")
    'validation accuracy'
    """
    name = key.removeprefix("val_")
    text = _(LABELS[name]) if name in LABELS else name.replace("_", " ")
    if key.startswith("val_"):
        return _("validation {metric}").format(metric=text)
    return _("training {metric}").format(metric=text)
