"""The confusion matrix, and metrics from confusion counts: precision, recall, F-scores
and the area under the ROC or precision-recall curve, accumulated over batches as in Keras.

A prediction is *positive* at threshold θ when y_pred > θ; a label is positive when
it is not 0. Counts are weighted by ``sample_weight`` and summed over every batch.
"""

from __future__ import annotations

import numpy as np

from ...base.errors import ConfigError, ShapeError
from ...base.validation import check_choice, check_number
from .base import Metric, _align, sample_weights

EPSILON = 1e-7  # Keras's backend.epsilon(): thresholds just outside [0, 1], F-score guards


def _divide(a, b):
    """a / b, and 0 where b is 0 (Keras's divide_no_nan)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def confusion_matrix(y_true, y_pred, n_classes) -> np.ndarray:
    """Counts of (true class, predicted class) pairs: rows are the true classes, columns
    the predicted ones, as scikit-learn's ``confusion_matrix``. The one confusion matrix
    of glassnet (reports, the playground, ``glassnet predict`` against a target column).

    >>> confusion_matrix([0, 0, 1, 2], [0, 1, 1, 1], 3)
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 1, 0]])
    """
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (np.asarray(y_true, dtype=np.intp), np.asarray(y_pred, dtype=np.intp)), 1)
    return matrix


def confusion_counts(y_true, y_pred, weights, thresholds):
    """(tp, fp, tn, fn) at each threshold, by one sort of the predictions."""
    order = np.argsort(y_pred, kind="stable")
    scores = y_pred[order]
    positive = (y_true[order] != 0) * weights[order]
    negative = (y_true[order] == 0) * weights[order]
    below_pos = np.concatenate([[0.0], np.cumsum(positive)])  # Σ over the lowest i scores
    below_neg = np.concatenate([[0.0], np.cumsum(negative)])
    at_or_below = np.searchsorted(scores, thresholds, side="right")  # y_pred <= θ
    fn, tn = below_pos[at_or_below], below_neg[at_or_below]
    return below_pos[-1] - fn, below_neg[-1] - tn, tn, fn


class _Confusion(Metric):
    """Shared by Precision and Recall: counts at one or more thresholds."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        if thresholds is None:
            thresholds = 0.5 if top_k is None else -np.inf
        self._scalar = np.ndim(thresholds) == 0
        self.thresholds = np.atleast_1d(np.asarray(thresholds, dtype=np.float64))
        if np.any((self.thresholds < 0) | (self.thresholds > 1)) and top_k is None:
            raise ConfigError(f"thresholds must be in [0, 1], got {thresholds!r}")
        super().__init__(name)

    def reset_state(self):
        self.counts = np.zeros((4, self.thresholds.size))

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.class_id is not None and np.ndim(y_pred) != 2:
            raise ShapeError("When class_id is provided, y_pred must be a 2D array with shape "
                             "(num_samples, num_classes), found shape: "
                             f"{np.shape(y_pred)}")
        y_true, y_pred = _align(y_true, y_pred)
        y_pred = np.asarray(y_pred, dtype=np.float64)
        y_true = np.broadcast_to(y_true, y_pred.shape)
        w = np.ones(y_pred.shape) if sample_weight is None else \
            sample_weights(sample_weight, y_pred.shape)
        if self.top_k is not None:  # only each row's k largest outputs can be positive:
            # exactly k, ties going to the lower index (TensorFlow's top_k, Keras's rule)
            top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :self.top_k]
            keep = np.zeros(y_pred.shape, dtype=bool)
            np.put_along_axis(keep, top, True, axis=-1)
            y_pred = np.where(keep, y_pred, -np.inf)
        if self.class_id is not None:
            index = (..., slice(self.class_id, self.class_id + 1))
            y_true, y_pred, w = y_true[index], y_pred[index], w[index]
        self.counts += np.array(confusion_counts(y_true.ravel(), y_pred.ravel(), w.ravel(),
                                                 self.thresholds))

    def _value(self, values):
        return float(values[0]) if self._scalar else values.tolist()

    def get_config(self):
        return {"name": self.name, "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_Confusion):
    """tp / (tp + fp): of the samples predicted positive, the share that are."""

    def result(self):
        tp, fp, _, _ = self.counts
        return self._value(_divide(tp, tp + fp))


class Recall(_Confusion):
    """tp / (tp + fn): of the positive samples, the share predicted positive."""

    def result(self):
        tp, _, _, fn = self.counts
        return self._value(_divide(tp, tp + fn))


class AUC(Metric):
    """Area under the ROC (or precision-recall) curve, by a Riemann sum over
    ``num_thresholds`` thresholds as Keras: trapezoids (``"interpolation"``) or the
    lower / upper rectangles (``"minoring"`` / ``"majoring"``).

    Thresholds are (i + 1) / (num_thresholds - 1) for i < num_thresholds - 2, plus
    -ε and 1 + ε so that predictions of exactly 0 and 1 are counted.
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, from_logits=False):
        self.curve = check_choice("curve", str(curve).upper(), ("ROC", "PR"))
        self.summation_method = check_choice(
            "summation_method", str(summation_method).lower(),
            ("interpolation", "minoring", "majoring"))
        self.multi_label, self.from_logits = bool(multi_label), bool(from_logits)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            check_number("num_thresholds", num_thresholds, minimum=2, integer=True)
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self._thresholds = np.array([0.0 - EPSILON, *inner, 1.0 + EPSILON])
        super().__init__(name or "auc")

    @property
    def thresholds(self):
        return [0.0, *self._thresholds[1:-1].tolist(), 1.0]

    def reset_state(self):
        self.counts = None  # (4, thresholds) or, multi-label, (4, thresholds, labels)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _align(y_true, y_pred)
        y_pred = np.asarray(y_pred, dtype=np.float64)
        if self.from_logits:
            y_pred = np.exp(-np.logaddexp(0.0, -y_pred))  # σ(z)
        y_true = np.broadcast_to(y_true, y_pred.shape)
        w = np.ones(y_pred.shape) if sample_weight is None else \
            sample_weights(sample_weight, y_pred.shape)
        if self.multi_label:
            counts = np.stack([np.array(confusion_counts(y_true[:, j], y_pred[:, j], w[:, j],
                                                         self._thresholds))
                               for j in range(y_pred.shape[1])], axis=-1)
        else:
            counts = np.array(confusion_counts(y_true.ravel(), y_pred.ravel(), w.ravel(),
                                               self._thresholds))
        self.counts = counts if self.counts is None else self.counts + counts

    def result(self):
        if self.counts is None:
            return 0.0
        tp, fp, tn, fn = self.counts
        recall = _divide(tp, tp + fn)
        if self.curve == "PR" and self.summation_method == "interpolation":
            area = self._interpolated_pr(tp, fp, fn)
        else:
            if self.curve == "ROC":
                x, y = _divide(fp, fp + tn), recall  # false-positive rate, recall
            else:
                x, y = recall, _divide(tp, tp + fp)  # recall, precision
            heights = {"interpolation": (y[:-1] + y[1:]) / 2.0,  # trapezoids
                       "minoring": np.minimum(y[:-1], y[1:]),
                       "majoring": np.maximum(y[:-1], y[1:])}[self.summation_method]
            area = ((x[:-1] - x[1:]) * heights).sum(axis=0)
        return float(np.mean(area))

    @staticmethod
    def _interpolated_pr(tp, fp, fn):
        """Davis & Goadrich (2006) interpolation of the PR curve, Keras's closed form."""
        d_tp = tp[:-1] - tp[1:]
        p = tp + fp
        d_p = p[:-1] - p[1:]
        slope = _divide(d_tp, np.maximum(d_p, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), _divide(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return _divide(slope * (d_tp + intercept * np.log(ratio)),
                       np.maximum(tp[1:] + fn[1:], 0)).sum(axis=0)

    def get_config(self):
        config = {"name": self.name, "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "from_logits": self.from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


class FBetaScore(Metric):
    """(1 + β²) P R / (β² P + R) per class (``average=None``), or averaged:
    ``"micro"`` (counts pooled over classes), ``"macro"`` (mean over classes),
    ``"weighted"`` (classes weighted by their label count). Without ``threshold`` the
    largest output of each row counts as the predicted class."""

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        self.average = check_choice("average", average, (None, "micro", "macro", "weighted"))
        if isinstance(beta, bool) or not isinstance(beta, float) or not beta > 0:
            raise ConfigError(f"beta must be a float > 0, got {beta!r}")
        if threshold is not None and (not isinstance(threshold, float)
                                      or not 0.0 < threshold <= 1.0):
            raise ConfigError(f"threshold must be a float in (0, 1], got {threshold!r}")
        self.beta, self.threshold = beta, threshold
        super().__init__(name)

    def reset_state(self):
        self.counts = 0.0  # rows: tp, fp, fn, label weight

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true, dtype=np.float64)
        y_pred = np.asarray(y_pred, dtype=np.float64)
        if y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ConfigError(f"FBetaScore expects 2-D y_true and y_pred of the same shape, "
                              f"got {y_true.shape} and {y_pred.shape}")
        if self.threshold is None:  # the row's largest output (a row of zeros stays 0)
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(np.float64)
        w = 1.0 if sample_weight is None else sample_weights(sample_weight, y_pred.shape)
        axis = None if self.average == "micro" else 0
        self.counts = self.counts + np.array([
            (w * predicted * y_true).sum(axis=axis), (w * predicted * (1 - y_true)).sum(axis=axis),
            (w * (1 - predicted) * y_true).sum(axis=axis), (w * y_true).sum(axis=axis)])

    def result(self):
        if np.ndim(self.counts) == 0:
            return 0.0
        tp, fp, fn, support = self.counts
        precision = tp / (tp + fp + EPSILON)
        recall = tp / (tp + fn + EPSILON)
        b2 = self.beta**2
        score = (1 + b2) * precision * recall / (b2 * precision + recall + EPSILON)
        if self.average == "weighted":
            return float((score * support / (support.sum() + EPSILON)).sum())
        if self.average is not None:
            return float(np.mean(score))
        return score.tolist()

    def get_config(self):
        return {"name": self.name, "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F-score with β = 1: 2 P R / (P + R)."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average, 1.0, threshold, name)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
