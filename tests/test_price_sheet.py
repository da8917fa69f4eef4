"""The issue-21 price sheet end to end: a cp932 sheet as Japanese Excel writes it, prices
"4,719" in a 価格(万円) column with blanks, an ID column 番号 and a text column 区; trained,
predicted and evaluated from the shell with blanks at prediction time."""

import csv

import numpy as np
import pytest

from glassnet.cli import run

WARDS = {"中央区": 1500, "港区": 1800, "新宿区": 1200, "練馬区": 600}


def price_sheet(path, n=400, seed=0, blank=0.05):
    """price = ward + 60 area - 25 age - 30 walk + noise (SD 150), cells written by hand."""
    rng = np.random.default_rng(seed)
    lines, truth = ["番号,面積(m2),築年数,駅徒歩(分),区,価格(万円)"], []
    for i in range(n):
        area, age, walk = rng.uniform(20, 90), int(rng.integers(0, 40)), int(rng.integers(1, 20))
        ward = list(WARDS)[rng.integers(0, 4)]
        price = round(WARDS[ward] + 60 * area - 25 * age - 30 * walk + rng.normal(0, 150))
        cells = [str(i + 1), f"{area:.1f}", str(age), str(walk), ward, f'"{price:,}"']
        for k in (2, 4, 5):
            if rng.random() < blank:
                cells[k] = ""
        truth.append(None if cells[5] == "" else price)
        lines.append(",".join(cells))
    with open(path, "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return truth


def cli(capsys, *args):
    code = run([str(a) for a in args])
    return code, capsys.readouterr()


@pytest.fixture
def trained(tmp_path, capsys):
    sheet = tmp_path / "価格.csv"
    price_sheet(sheet)
    out = tmp_path / "run"
    code, io = cli(capsys, "train", sheet, "--target", "価格(万円)", "--missing", "median",
                   "--hidden", "8", "--optimizer", "adam", "--lr", "0.01", "--epochs", "300",
                   "--test-split", "0.25", "--out", out)
    assert code == 0, io.err
    return out, io.out


def test_a_price_sheet_is_regression_with_blanks_filled(trained):
    out, printed = trained
    assert "ID 番号 (not an input)" in printed and "区 (text, 4 levels)" in printed
    line = next(s for s in printed.splitlines() if s.startswith("missing cells"))
    assert line.startswith("missing cells (--missing median): dropped ")
    assert "with a blank target" in line and " in 築年数" in line and " in 区" in line
    assert "missing=" not in printed  # the shell is told --missing, never Python syntax
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Blank cells filled" in html and "a number" in html


def test_new_rows_with_blanks_predict_with_the_training_fills(trained, tmp_path, capsys):
    out, _ = trained
    new = tmp_path / "new.csv"
    truth = price_sheet(new, n=200, seed=7)
    code, io = cli(capsys, "predict", out / "model.glassnet", new, "--out", tmp_path / "p.csv")
    assert code == 0, io.err
    assert "missing cells (--missing median): filled " in io.out
    rows = list(csv.reader(open(tmp_path / "p.csv", encoding="utf-8-sig")))
    assert len(rows) == 201  # every row predicted, blanks filled
    predicted = np.array([float(r[-1]) for r, t in zip(rows[1:], truth) if t is not None])
    actual = np.array([t for t in truth if t is not None], dtype=float)
    r2 = 1 - ((predicted - actual) ** 2).sum() / ((actual - actual.mean()) ** 2).sum()
    assert r2 >= 0.8, r2
    code, io = cli(capsys, "predict", out / "model.glassnet", new, "--missing", "drop",
                   "--out", tmp_path / "d.csv")
    assert code == 0 and "missing cells (--missing drop): dropped " in io.out
    code, io = cli(capsys, "evaluate", out / "model.glassnet", new)
    assert code == 0 and "with a blank target" in io.out
    code, io = cli(capsys, "evaluate", out / "model.glassnet", new, "--missing", "error")
    assert code == 2 and "is missing" in io.err and "--missing drop" in io.err
    assert "missing='drop'" not in io.err
    code, io = cli(capsys, "trace", out / "model.glassnet", "--input", new)
    assert code == 0, io.err
    assert "line 2, 番号 1:" in io.out


def test_the_fill_values_are_saved_and_checked(trained, tmp_path):
    import json
    import zipfile

    from glassnet import ModelFileError
    from glassnet.data.pipeline import check_plan

    out, _ = trained
    with zipfile.ZipFile(out / "model.glassnet") as z:
        plan = json.loads(z.read("config.json"))["info"]["columns"]
    assert plan["missing"] == "median" and plan["id"] == ["番号"]
    fills = {c["name"]: c["fill"] for c in plan["inputs"]}
    assert set(fills["築年数"]) == {"mean", "median", "most-frequent"}
    assert fills["区"]["most-frequent"] in WARDS
    assert check_plan(plan, "m.glassnet") is plan
    plan["inputs"][0]["fill"] = {"median": "x"}
    with pytest.raises(ModelFileError, match=r"m.glassnet: config.json field "
                       r"info.columns.inputs\[0\].fill.median must be a finite number"):
        check_plan(plan, "m.glassnet")
    plan["inputs"][0]["fill"] = {"median": 1.5}
    with pytest.raises(ModelFileError, match=r"info.columns.inputs must be columns making the "
                       r"model's 9 inputs, got columns making 7"):
        check_plan(plan, "m.glassnet", 9)
    # a damaged plan in a model file is found when the file is opened
    with zipfile.ZipFile(out / "model.glassnet") as z:
        files = {name: z.read(name) for name in z.namelist()}
    config = json.loads(files["config.json"])
    config["info"]["columns"]["inputs"][3]["levels"] = "港区"
    files["config.json"] = json.dumps(config).encode("utf-8")
    with zipfile.ZipFile(tmp_path / "bad.glassnet", "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    from glassnet.training.model import load_model

    with pytest.raises(ModelFileError, match=r"bad.glassnet: config.json field "
                       r"info.columns.inputs\[3\].levels must be a list"):
        load_model(str(tmp_path / "bad.glassnet"))
