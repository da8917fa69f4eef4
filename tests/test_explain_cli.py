"""``glassnet explain`` and the "Which inputs mattered" section of ``glassnet train``,
end to end on a sheet with an ID, a text column, two informative columns and noise."""

import csv
import json
import os
import zipfile

import numpy as np
import pytest

import glassnet
from glassnet.cli import run


def cli(capsys, *args):
    code = run([str(a) for a in args])
    return code, capsys.readouterr()


def fish_sheet(path, n=160, seed=0, regression=False):
    """No., 漁港 (text, no signal), 体長(cm) and 体重(kg) (the signal), 水温 (noise),
    検査回数 (always 1), then 魚種 (or, with ``regression``, 価格 in yen)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        k = int(rng.integers(0, 2))
        length = rng.normal(30 + 15 * k, 4)
        weight = length * 0.05 + rng.normal(0, 0.3) + 0.8 * k
        port = ["銚子港", "焼津港", "境港"][int(rng.integers(0, 3))]
        target = (f"{200 * length + 300 * weight + rng.normal(0, 20):.0f}" if regression
                  else ["鯛", "鮭"][k])
        rows.append([i + 1, port, f"{length:.1f}", f"{weight:.2f}",
                     f"{rng.normal(18, 3):.1f}", 1, target])
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["No.", "漁港", "体長(cm)", "体重(kg)", "水温", "検査回数",
                         "価格" if regression else "魚種"])
        writer.writerows(rows)
    return path


def read_csv(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def fish_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explain")
    data = fish_sheet(folder / "fish.csv")
    code = run([str(a) for a in ("train", data, "--hidden", "4", "--optimizer", "adam",
                                 "--lr", "0.05", "--epochs", "200", "--test-split", "0.25",
                                 "--stratify", "--out", folder / "run", "-q")])
    assert code == 0
    return folder


def test_train_report_says_which_inputs_mattered(fish_run):
    html = (fish_run / "run" / "report.html").read_text(encoding="utf-8")
    assert "Which inputs mattered" in html and "importance.png" in html
    assert "the 40 test rows" in html
    rows = read_csv(fish_run / "run" / "importance.csv")
    assert rows[0][:2] == ["rank", "column"]
    assert {rows[1][1], rows[2][1]} == {"体長(cm)", "体重(kg)"}  # the signal leads
    assert sorted(r[1] for r in rows[1:]) == sorted(["漁港", "体長(cm)", "体重(kg)", "水温",
                                                      "検査回数"])
    constant = next(r for r in rows[1:] if r[1] == "検査回数")
    assert all(float(v) == 0.0 for v in constant[2:])  # mean, spread and every repeat
    with zipfile.ZipFile(fish_run / "run" / "model.glassnet") as z:
        info = json.loads(z.read("config.json"))["info"]
    assert len(info["background"]["rows"]) == 100 and info["background"]["of"] == 120


def test_explain_writes_contributions_that_add_up_to_the_prediction(fish_run, capsys):
    out = fish_run / "explained"
    code, io = cli(capsys, "explain", fish_run / "run" / "model.glassnet",
                   fish_run / "fish.csv", "--rows", "1-5,9", "--out", out)
    assert code == 0, io.err
    assert "explained 6 of 160 rows" in io.out
    assert "Exact Shapley values over 100 of 120 training rows (drawn with seed 0)" in io.out
    rows = read_csv(out / "contributions.csv")
    assert rows[0] == ["row", "No.", "explained", "output", "base", "漁港", "体長(cm)",
                       "体重(kg)", "水温", "検査回数"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5", "9"]
    model = glassnet.load_model(fish_run / "run" / "model.glassnet")
    predicted = glassnet.data.exports.predict_csv(model, fish_run / "fish.csv").rows
    for row in rows[1:]:
        output, base, values = float(row[3]), float(row[4]), list(map(float, row[5:]))
        assert base + sum(values) == pytest.approx(output, abs=1e-12)
        assert values[-1] == 0.0  # the constant column contributes exactly nothing
        mine = predicted[int(row[0]) - 1]  # ..., p_鮭, p_鯛, predicted
        assert row[2] == mine[-1]
        assert output == pytest.approx(max(mine[-3], mine[-2]), abs=1e-6)  # float32 predict
    assert sorted(os.listdir(out)) == sorted(
        ["about.txt", "contributions.csv", "importance.csv", "importance.png",
         ".glassnet-results", *[f"waterfall-row-{i:03d}.png" for i in (1, 2, 3, 4, 5, 9)]])


def test_explain_a_chosen_class_in_japanese(fish_run, capsys):
    out = fish_run / "tai"
    code, io = cli(capsys, "explain", fish_run / "run" / "model.glassnet",
                   fish_run / "fish.csv", "--rows", "1-3", "--class", "鯛", "--out", out,
                   "--lang", "ja", "--no-figures")
    assert code == 0, io.err
    rows = read_csv(out / "contributions.csv")
    assert [r[2] for r in rows[1:]] == ["鯛"] * 3
    assert "厳密なシャープレイ値" in io.out
    assert "背景データの行に対する出力の平均" in (out / "about.txt").read_text(encoding="utf-8")
    assert not any(name.endswith(".png") for name in os.listdir(out))


@pytest.mark.parametrize("options,message", [
    (["--rows", "0-3"], "--rows 0-3: the file has rows 1 to 160 under its header"),
    (["--rows", "5-2"], "--rows 5-2: a range goes from low to high, e.g. 2-5"),
    (["--rows", "first"], "--rows: expected row numbers like 1-20"),
    (["--class", "鰯"], "class '鰯' is not one of the model's classes: 鮭, 鯛"),
    (["--repeats", "0"], "--repeats must be >= 1, got 0"),
])
def test_explain_mistakes_are_one_line_and_write_nothing(fish_run, capsys, options, message):
    out = fish_run / "never"
    code, io = cli(capsys, "explain", fish_run / "run" / "model.glassnet",
                   fish_run / "fish.csv", "--out", out, *options)
    assert code == 2 and message in io.err and io.err.count("\n") == 1, io.err
    assert not out.exists()


def test_a_model_without_background_asks_for_the_training_file(fish_run, tmp_path, capsys):
    model = glassnet.load_model(fish_run / "run" / "model.glassnet")
    del model.info["background"]
    model.save(tmp_path / "bare.glassnet")
    code, io = cli(capsys, "explain", tmp_path / "bare.glassnet", fish_run / "fish.csv",
                   "--out", tmp_path / "e")
    assert code == 2 and "give the training file with --background FILE" in io.err
    code, io = cli(capsys, "explain", tmp_path / "bare.glassnet", fish_run / "fish.csv",
                   "--background", fish_run / "fish.csv", "--background-rows", "50",
                   "--rows", "2", "--out", tmp_path / "e", "--no-figures")
    assert code == 0, io.err
    assert "over 50 of 160 training rows (drawn with seed 0)" in io.out


def test_regression_contributions_are_in_the_target_units(tmp_path, capsys):
    data = fish_sheet(tmp_path / "price.csv", n=120, regression=True)
    code, io = cli(capsys, "train", data, "--target", "価格", "--hidden", "0",
                   "--optimizer", "adam", "--lr", "0.05", "--epochs", "300", "--out",
                   tmp_path / "run", "-q", "--no-figures")
    assert code == 0, io.err
    code, io = cli(capsys, "explain", tmp_path / "run" / "model.glassnet", data, "--rows",
                   "1-4", "--out", tmp_path / "e", "--no-figures")
    assert code == 0, io.err
    rows = read_csv(tmp_path / "e" / "contributions.csv")
    assert rows[0][2:5] == ["explained", "output", "base"] and rows[1][2] == "価格"
    model = glassnet.load_model(tmp_path / "run" / "model.glassnet")
    predicted = glassnet.data.exports.predict_csv(model, data).rows
    for row in rows[1:]:
        output = float(row[3])
        assert output == pytest.approx(predicted[int(row[0]) - 1][-1], rel=1e-5)
        assert 4000 < output < 20000  # yen, not standardised units
        assert float(row[4]) + sum(map(float, row[5:])) == pytest.approx(output, abs=1e-8)
