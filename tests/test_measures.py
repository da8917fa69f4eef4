"""training.measures against scikit-learn's definitions (golden values from its own
docstrings and tests, then random cases compared with it), and data.targets.column_unit."""

import numpy as np
import pytest

from glassnet.data.targets import column_unit, squared
from glassnet.training import measures


def test_regression_golden_values():
    # sklearn.metrics.r2_score / mean_absolute_error docstring examples
    m = measures.regression([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    assert m["r2"] == pytest.approx(0.948, abs=1e-3)
    assert m["mae"] == pytest.approx(0.5)
    assert m["rmse"] == pytest.approx(np.sqrt(0.375))
    assert measures.regression([1, 2, 3], [2, 2, 2])["r2"] == pytest.approx(0.0)
    assert measures.regression([1, 2, 3], [3, 2, 1])["r2"] == pytest.approx(-3.0)
    # a constant target: 1 when exact, else 0 (scikit-learn's force_finite)
    assert measures.regression([2, 2], [2, 2])["r2"] == 1.0
    assert measures.regression([2, 2], [2, 3])["r2"] == 0.0


def test_classification_by_hand():
    # 20 rows, 2 positives, all predicted negative: the accuracy paradox
    labels = np.r_[np.zeros(18, int), 1, 1]
    m = measures.classification(labels, np.zeros(20, int), ["陰性", "陽性"])
    assert m["accuracy"] == 0.9 and m["majority_rate"] == 0.9 and m["majority_class"] == "陰性"
    assert m["balanced_accuracy"] == 0.5
    assert m["per_class"][1] == {"class": "陽性", "precision": 0.0, "recall": 0.0, "f1": 0.0,
                                 "support": 2}
    # sklearn balanced_accuracy_score docstring: [0,1,0,0,1,0] vs [0,1,0,0,0,1] -> 0.625
    m = measures.classification([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], ["a", "b"])
    assert m["balanced_accuracy"] == pytest.approx(0.625)
    assert m["per_class"][1]["precision"] == 0.5 and m["per_class"][1]["recall"] == 0.5


def test_curves_golden_values():
    # sklearn.metrics.roc_auc_score / average_precision_score docstrings
    y, s = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
    assert measures.roc_auc(y, s) == pytest.approx(0.75)
    assert measures.average_precision(y == 1, s) == pytest.approx(0.8333, abs=1e-4)
    fpr, tpr, thresholds = measures.roc_curve(y == 1, s)
    assert fpr.tolist() == [0, 0, 0.5, 0.5, 1] and tpr.tolist() == [0, 0.5, 0.5, 1, 1]
    assert thresholds[1:].tolist() == [0.8, 0.4, 0.35, 0.1]
    # perfect and reversed rankings
    assert measures.roc_auc([0, 1], [0.2, 0.9]) == 1.0
    assert measures.roc_auc([0, 1], [0.9, 0.2]) == 0.0
    assert np.isnan(measures.roc_auc([1, 1], [0.2, 0.9]))  # one class only


def test_threshold_table_counts():
    truth = np.array([1, 1, 0, 0, 0])
    scores = np.array([0.9, 0.3, 0.6, 0.2, 0.1])
    rows = measures.threshold_table(truth, scores, thresholds=(0.25, 0.5))
    assert rows[0] == {"threshold": 0.25, "predicted": 3, "found": 2, "missed": 0,
                       "false_alarms": 1, "precision": 2 / 3, "recall": 1.0, "f1": 0.8}
    assert rows[1]["found"] == 1 and rows[1]["false_alarms"] == 1 and rows[1]["missed"] == 1


def test_agrees_with_scikit_learn_on_random_cases():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    for _ in range(25):
        n = int(rng.integers(10, 80))
        y = (rng.random(n) < 0.3).astype(int)
        y[:2] = [0, 1]
        s = np.round(rng.random(n) * 0.5 * y + rng.random(n) * 0.6, 2)  # ties included
        assert measures.roc_auc(y, s) == pytest.approx(metrics.roc_auc_score(y, s))
        assert measures.average_precision(y == 1, s) == pytest.approx(
            metrics.average_precision_score(y, s))
        p = rng.dirichlet([1, 1, 1], n)
        labels = np.r_[0, 1, 2, rng.integers(0, 3, n - 3)]
        assert measures.roc_auc(labels, p) == pytest.approx(
            metrics.roc_auc_score(labels, p, multi_class="ovr"))
        assert measures.log_loss(labels, p) == pytest.approx(metrics.log_loss(labels, p))
        predicted = p.argmax(axis=1)
        m = measures.classification(labels, predicted, ["a", "b", "c"])
        assert m["balanced_accuracy"] == pytest.approx(
            metrics.balanced_accuracy_score(labels, predicted))
        precision, recall, f1, _ = metrics.precision_recall_fscore_support(
            labels, predicted, zero_division=0)
        assert [c["precision"] for c in m["per_class"]] == pytest.approx(precision)
        assert [c["recall"] for c in m["per_class"]] == pytest.approx(recall)
        assert [c["f1"] for c in m["per_class"]] == pytest.approx(f1)
        t = rng.normal(size=n)
        yhat = t + rng.normal(size=n) * 0.5
        r = measures.regression(t, yhat)
        assert r["r2"] == pytest.approx(metrics.r2_score(t, yhat))
        assert r["rmse"] == pytest.approx(np.sqrt(metrics.mean_squared_error(t, yhat)))


def test_positive_class_is_the_rarer():
    assert measures.positive_class([0] * 9 + [1]) == 1
    assert measures.positive_class([1] * 9 + [0]) == 0
    assert measures.positive_class([0, 1]) == 1


@pytest.mark.parametrize("name, unit", [
    ("価格(万円)", "万円"), ("価格（万円）", "万円"), ("price [USD]", "USD"), ("面積［㎡］", "㎡"),
    ("weight_kg", "kg"), ("distance km", "km"), ("体温(℃)", "℃"), ("売上【千円】", "千円"),
    ("price", None), ("x(2)", None), ("sample_size", None), ("(万円)", None),
    ("note (a very long remark here)", None)])
def test_unit_of_column_names(name, unit):
    assert column_unit(name) == unit


def test_squared_units():
    assert squared("万円") == "万円²" and squared("kg") == "kg²" and squared("km/h") == "(km/h)²"
