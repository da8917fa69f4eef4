"""Class weights (ModelSpec.class_weight, --class-weight) and the measure that ranks a
sweep (--metric): on an imbalanced lab sheet (about 7 % 陽性)."""

import json
import re

import numpy as np
import pytest

from glassnet.base.errors import ConfigError
from glassnet.cli import run
from glassnet.data import Dataset, load_csv
from glassnet.training import balance
from glassnet.training.spec import ModelSpec, build_model, fit_model

from .conftest import lab_sheet


def test_balanced_weights_are_scikit_learns():
    utils = pytest.importorskip("sklearn.utils.class_weight")
    labels = np.array([0] * 7 + [1] * 2 + [2])
    data = Dataset(np.zeros((10, 1)), labels, ["x"], ["a", "b", "c"])
    assert balance.class_weights("balanced", data) == pytest.approx(
        utils.compute_class_weight("balanced", classes=np.arange(3), y=labels))
    assert balance.class_weights({"c": 4}, data).tolist() == [1.0, 1.0, 4.0]
    assert balance.row_weights({"b": 2}, data, np.full(10, 0.5)).tolist() == \
        [0.5] * 7 + [1.0] * 2 + [0.5]


@pytest.mark.parametrize("value, message", [
    ({"d": 1}, "names class(es) 'd' that the target 'class' does not have; its classes: a, "
               "b, c"),
    ({"a": -1}, "class_weight['a'] must be a number > 0, got -1"),
    ("heavy", "class_weight must be 'balanced' or a dict {class name: weight}, got"),
])
def test_bad_class_weights_say_what_is_wrong(value, message):
    data = Dataset(np.zeros((3, 1)), np.array([0, 1, 2]), ["x"], ["a", "b", "c"])
    with pytest.raises(ConfigError, match=re.escape(message)):
        balance.class_weights(value, data)


def test_class_weight_round_trips_in_the_spec():
    spec = ModelSpec(class_weight={"陽性": 10.0})
    assert ModelSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    with pytest.raises(ConfigError, match="class_weight"):
        ModelSpec(class_weight=[1, 2]).validate()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    lab_sheet(folder / "検査.csv", n=400, seed=3)
    return folder / "検査.csv"


def test_balanced_class_weights_find_at_least_half_the_positives(lab, tmp_path, capsys):
    found = {}
    for weights in (None, "balanced"):
        out = tmp_path / str(weights)
        args = ["train", str(lab), "--out", str(out), "--test-split", "0.3", "--stratify",
                "--epochs", "150", "--id", "患者ID", "--optimizer", "adam", "--lr", "0.01"]
        assert run(args + (["--class-weight", weights] if weights else [])) == 0
        console = capsys.readouterr().out
        hits, positives = map(int, re.search(r"found (\d+) of (\d+) 陽性", console).groups())
        found[weights] = hits / positives
        page = (out / "report.html").read_text(encoding="utf-8")
        assert (weights is None) or "Class weights" in page
    assert found["balanced"] >= 0.5 > found[None]
    # the same in Python, on the whole sheet: the spec's field weighs the rows
    data = load_csv(str(lab), ignore=["患者ID"])
    spec = ModelSpec(hidden=[4], optimizer={"name": "adam", "learning_rate": 0.01},
                     epochs=60, class_weight="balanced")
    model = build_model(spec, data)
    fit_model(model, spec, data)
    predicted = model.predict(data.features).argmax(axis=1)
    positive = data.labels == data.class_names.index("陽性")
    assert np.mean(predicted[positive] == data.class_names.index("陽性")) >= 0.5


def test_compare_ranks_imbalanced_classes_by_balanced_accuracy(lab, tmp_path, capsys):
    out = tmp_path / "compare"
    assert run(["compare", str(lab), "--hidden", "2", "--hidden", "8", "--epochs", "10",
                "--ignore", "患者ID", "--out", str(out), "--class-weight", "balanced"]) == 0
    capsys.readouterr()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Models are measured by balanced accuracy on the validation rows" in page
    assert re.search(r"answering the most common class for every row would score an accuracy "
                     r"of 0\.9\d\d", page)
    summary = (out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "balanced accuracy" in summary[0] and "always the most common class" in summary[0]
    assert run(["compare", str(lab), "--hidden", "2", "--metric", "precision"]) == 2
    assert "argument --metric: invalid choice: 'precision'" in capsys.readouterr().err
    assert run(["compare", str(lab), "--hidden", "2", "--metric", "r2", "--out",
                str(tmp_path / "r2")]) == 2
    assert "metric 'r2' does not suit classes" in capsys.readouterr().err


def test_predict_threshold_moves_the_decision_to_the_rarer_class(lab, tmp_path, capsys):
    out = tmp_path / "run"
    assert run(["train", str(lab), "--out", str(out), "--epochs", "30", "--id", "患者ID",
                "--no-figures", "-q"]) == 0
    model = str(out / "model.glassnet")
    for threshold in ("0.1", "0.5"):
        table = tmp_path / f"p{threshold}.csv"
        assert run(["predict", model, str(lab), "--out", str(table), "--threshold",
                    threshold]) == 0
        said = capsys.readouterr().out
        assert f"predicting 陽性 when its probability is at least {threshold}" in said
        rows = [line.split(",") for line in table.read_text(encoding="utf-8-sig").splitlines()]
        column = rows[0].index("p_陽性")
        for row in rows[1:]:
            assert (row[-1] == "陽性") == (float(row[column]) >= float(threshold))
    assert run(["predict", model, str(lab), "--threshold", "1.5"]) == 2
    assert "--threshold must be a probability from 0 to 1, got 1.5" in capsys.readouterr().err
