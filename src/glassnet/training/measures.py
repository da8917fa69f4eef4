"""How good a trained model's predictions are, measured on a whole part of the data.

The per-batch ``Metric`` objects follow training; these functions judge the finished
model on the training or the test rows, as the report, the console summary and
``evaluate`` show it. They follow scikit-learn's definitions (``r2_score``,
``balanced_accuracy_score``, ``precision_recall_fscore_support``, ``roc_auc_score``,
``average_precision_score``), so the numbers can be checked against it.

>>> regression([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])["r2"]   # sklearn's example
0.9486081370449679
>>> m = classification([0, 0, 0, 1], [0, 0, 0, 0], ["no", "yes"])
>>> m["accuracy"], m["balanced_accuracy"], m["majority_rate"]
(0.75, 0.5, 0.75)
"""

from __future__ import annotations

import numpy as np


def regression(actual, predicted) -> dict:
    """R² (1 - Σ(t - y)² / Σ(t - mean t)²), the mean absolute error and the root mean
    squared error, in the target's units; several target columns are averaged.

    A constant target has R² 1 when predicted exactly, else 0 (scikit-learn's rule).
    """
    t = np.asarray(actual, dtype=np.float64).reshape(len(actual), -1)
    y = np.asarray(predicted, dtype=np.float64).reshape(t.shape)
    residual = ((t - y) ** 2).sum(axis=0)
    total = ((t - t.mean(axis=0)) ** 2).sum(axis=0)
    r2 = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1.0),
                  np.where(residual > 0, 0.0, 1.0))
    return {"r2": float(r2.mean()), "mae": float(np.abs(t - y).mean()),
            "rmse": float(np.sqrt(((t - y) ** 2).mean(axis=0)).mean()), "rows": int(t.shape[0])}


def classification(labels, predicted, class_names, majority=None) -> dict:
    """Accuracy, balanced accuracy (the mean of the classes' recalls), each class's
    precision, recall, F1 and count, their macro averages, and the majority-class rate:
    the accuracy of always answering ``majority`` (a class index; by default the most
    frequent label here; pass the training data's).

    A class never predicted has precision 0; one absent from ``labels`` recall 0 (and it
    is left out of balanced accuracy, as scikit-learn does).
    """
    labels = np.asarray(labels, dtype=np.intp).reshape(-1)
    predicted = np.asarray(predicted, dtype=np.intp).reshape(-1)
    k = len(class_names)
    matrix = np.zeros((k, k), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    support, chosen, hits = matrix.sum(axis=1), matrix.sum(axis=0), np.diag(matrix)
    precision = _ratio(hits, chosen)
    recall = _ratio(hits, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    if majority is None:
        majority = int(np.argmax(support))
    n = max(labels.size, 1)
    present = support > 0
    return {
        "rows": int(labels.size),
        "accuracy": float(hits.sum() / n),
        "balanced_accuracy": float(recall[present].mean()) if present.any() else 0.0,
        "majority_class": class_names[majority],
        "majority_rate": float(support[majority] / n),
        "macro_f1": float(f1.mean()),
        "per_class": [{"class": str(name), "precision": float(p), "recall": float(r),
                       "f1": float(f), "support": int(s)}
                      for name, p, r, f, s in zip(class_names, precision, recall, f1, support)],
        "matrix": matrix,
    }


def _ratio(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.divide(a, b, out=np.zeros_like(a), where=b != 0)


def positive_class(labels) -> int:
    """Of two classes, the one a curve and a threshold are about: the rarer in ``labels``
    (the one looked for: 陽性, fraud, churn), class 1 on a tie.

    >>> positive_class([0, 0, 1]), positive_class([1, 1, 0]), positive_class([0, 1])
    (1, 0, 1)
    """
    counts = np.bincount(np.asarray(labels, dtype=np.intp).reshape(-1), minlength=2)
    return 0 if counts[0] < counts[1] else 1


def _ranked(positive, scores):
    """Counts of true and false positives above each distinct score, highest first."""
    positive = np.asarray(positive, dtype=bool).reshape(-1)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    scores, positive = scores[order], positive[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]  # end of each score
    tp = np.cumsum(positive)[last]
    fp = (last + 1) - tp
    return tp, fp, scores[last]


def roc_curve(positive, scores):
    """(false positive rate, true positive rate, threshold) at every distinct score,
    from (0, 0) at a threshold above every score; the area under it is ``auc``."""
    tp, fp, thresholds = _ranked(positive, scores)
    tp, fp = np.r_[0, tp], np.r_[0, fp]
    return (_ratio(fp, np.full(fp.shape, fp[-1])), _ratio(tp, np.full(tp.shape, tp[-1])),
            np.r_[np.inf, thresholds])


def auc(x, y) -> float:
    """The area under a curve through the points (trapezoidal rule)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def roc_auc(labels, probabilities) -> float:
    """ROC AUC: two classes from the positive class's probability (``probabilities`` of
    shape (n,) or (n, 2), class 1 positive); more classes one-vs-rest, the classes'
    AUCs averaged (scikit-learn's ``multi_class='ovr', average='macro'``). NaN when a
    class is missing from ``labels``."""
    labels = np.asarray(labels, dtype=np.intp).reshape(-1)
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim == 1 or p.shape[1] == 1:
        p = np.c_[1 - p.reshape(-1), p.reshape(-1)]
    pairs = [(labels == 1, p[:, 1])] if p.shape[1] == 2 else \
        [(labels == c, p[:, c]) for c in range(p.shape[1])]
    if any(not truth.any() or truth.all() for truth, _ in pairs):
        return float("nan")
    return float(np.mean([auc(*roc_curve(truth, score)[:2]) for truth, score in pairs]))


def precision_recall_curve(positive, scores):
    """(recall, precision, threshold) at every distinct score, highest threshold first."""
    tp, fp, thresholds = _ranked(positive, scores)
    return _ratio(tp, np.full(tp.shape, max(tp[-1], 1))), _ratio(tp, tp + fp), thresholds


def average_precision(positive, scores) -> float:
    """Σ (Rₙ - Rₙ₋₁) Pₙ: the precision at each threshold weighted by the recall it adds
    (the area under the precision-recall steps, not interpolated)."""
    recall, precision, _ = precision_recall_curve(positive, scores)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def threshold_table(positive, scores, thresholds=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                                                  0.9)) -> list[dict]:
    """For each threshold: rows predicted positive (score ≥ threshold), the positives
    found and missed, false alarms, precision, recall and F1."""
    positive = np.asarray(positive, dtype=bool).reshape(-1)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    rows = []
    for threshold in thresholds:
        chosen = scores >= threshold
        tp, fp = int(np.sum(chosen & positive)), int(np.sum(chosen & ~positive))
        fn = int(positive.sum()) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"threshold": float(threshold), "predicted": tp + fp, "found": tp,
                     "missed": fn, "false_alarms": fp, "precision": precision,
                     "recall": recall, "f1": f1})
    return rows


def log_loss(labels, probabilities, eps=1e-15) -> float:
    """Mean -log p(true class), probabilities clipped to [eps, 1 - eps]."""
    labels = np.asarray(labels, dtype=np.intp).reshape(-1)
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim == 1 or p.shape[1] == 1:
        p = np.c_[1 - p.reshape(-1), p.reshape(-1)]
    p = np.clip(p / p.sum(axis=1, keepdims=True), eps, 1 - eps)
    return float(-np.mean(np.log(p[np.arange(labels.size), labels])))


__all__ = ["auc", "average_precision", "classification", "log_loss", "positive_class",
           "precision_recall_curve", "regression", "roc_auc", "roc_curve", "threshold_table"]
