"""The baselines panel: scikit-learn's linear model and gradient boosting on the run's
split, mean ± spread over resamples, and one sentence on whether the network is worth it."""

import re
import sys

import numpy as np
import pytest

from glassnet.data import Dataset
from glassnet.report import baselines
from glassnet.report.baselines import Baselines, fit_baselines, verdict


def panel_of(measure, network, best, spread):
    result = Baselines(measure, "test data", network={measure: network})
    result.rows = [("logistic regression", {measure: (best - 0.1, 0.0)}, 0.1, 3),
                   ("gradient boosting", {measure: (best, spread)}, 0.2, 3)]
    return result


@pytest.mark.parametrize("network, best, spread, start", [
    (0.90, 0.80, 0.02, "Worth it: the network's accuracy on the test data, 0.900, beats the "
                       "best baseline, gradient boosting (0.800 ± 0.020)."),
    (0.81, 0.80, 0.02, "Not clearly worth it: the network's accuracy on the test data, 0.810, "
                       "is within the spread of gradient boosting (0.800 ± 0.020)"),
    (0.805, 0.80, 0.0, "Not clearly worth it"),       # closer than 0.01 is a tie
    (0.70, 0.80, 0.02, "Not worth it here: gradient boosting scores a accuracy of 0.800 ± "
                       "0.020 on the test data, the network only 0.700"),
])
def test_the_sentence_follows_the_numbers(network, best, spread, start):
    assert verdict(panel_of("accuracy", network, best, spread)).startswith(start)


def xor_like(n, seed):
    """Two inputs whose product decides the class: trees find it, a line cannot."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    return Dataset(x, (x[:, 0] * x[:, 1] > 0).astype(np.intp), ["a", "b"], ["no", "yes"])


class Constant:
    """A 'network' that answers the first class with probability 0.9 for every row."""
    info = {}

    def predict(self, x):
        return np.tile([0.9, 0.1], (len(x), 1))


def test_baselines_are_fitted_on_the_split_and_judged():
    pytest.importorskip("sklearn")
    train, test = xor_like(300, 0), xor_like(100, 1)
    output = Constant().predict(test.features)
    result = fit_baselines(Constant(), train, test, output)
    names = [r[0] for r in result.rows]
    assert names == ["logistic regression", "gradient boosting (HistGradientBoosting)"]
    linear, trees = (dict(r[1]) for r in result.rows)
    assert trees["accuracy"][0] > 0.85 > 0.7 > linear["accuracy"][0]  # XOR: trees win
    assert all(r[3] == 3 for r in result.rows)  # three resamples each
    assert trees["accuracy"][1] >= 0  # a standard deviation
    assert result.network["accuracy"] == pytest.approx(np.mean(test.labels == 0))
    assert verdict(result).startswith("Not worth it here: gradient boosting")
    # the same seeds give the same numbers
    again = fit_baselines(Constant(), train, test, output)
    assert [r[1] for r in again.rows] == [r[1] for r in result.rows]


def test_large_data_is_subsampled_and_said(monkeypatch):
    pytest.importorskip("sklearn")
    train, test = xor_like(400, 0), xor_like(50, 1)
    result = fit_baselines(Constant(), train, test, max_rows=100, seeds=(0,))
    assert "fitted on a random 100 of the 400 training rows" in " ".join(result.notes)
    result = fit_baselines(Constant(), train, test, seeds=(0, 1), time_box=0.0)
    assert "1 of 2 resamples were fitted" in " ".join(result.notes)


def test_without_scikit_learn_the_panel_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn raises ImportError
    result = fit_baselines(Constant(), xor_like(20, 0), xor_like(10, 1))
    assert result.missing == ("The baselines need scikit-learn: pip install "
                              "'glassnet[sklearn]'.")
    assert result.rows == [] and verdict(result) == ""


def test_regression_panel_in_the_report(tmp_path):
    pytest.importorskip("sklearn")
    from conftest import apartment_sheet
    from glassnet.cli import run

    apartment_sheet(tmp_path / "物件.csv", n=120)
    out = tmp_path / "run"
    assert run(["train", str(tmp_path / "物件.csv"), "--out", str(out), "--test-split", "0.25",
                "--optimizer", "adam", "--lr", "0.01", "--epochs", "100", "--id", "物件ID",
                "-q", "--no-figures"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    panel = page[page.index("Baselines: was the network worth it?"):]
    assert re.search(r"(Worth it|Not clearly worth it|Not worth it here)[^<]+R²", panel)
    for name in ("the network (this run)", "linear regression", "gradient boosting"):
        assert name in panel
    # a linear price: least squares is near perfect on it
    linear = re.search(r"linear regression</td><td class=\"text\">([\d.]+) ± ([\d.]+)", panel)
    assert float(linear.group(1)) > 0.9


def test_module_exports():
    assert set(baselines.__all__) >= {"fit_baselines", "panel", "verdict"}
