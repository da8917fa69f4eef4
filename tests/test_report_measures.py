"""The report's measures as a user reads them: a regression sheet in 万円 and an
imbalanced lab sheet (about 7 % 陽性), trained from the command line."""

import re

import pytest

from glassnet.cli import run

from .conftest import apartment_sheet, lab_sheet


def text_of(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def apartments(tmp_path_factory):
    folder = tmp_path_factory.mktemp("apartments")
    apartment_sheet(folder / "物件.csv", n=160)
    out = folder / "run"
    assert run(["train", str(folder / "物件.csv"), "--out", str(out), "--test-split", "0.25",
                "--optimizer", "adam", "--lr", "0.01", "--epochs", "150", "--id", "物件ID",
                "-q"]) == 0
    return out


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    lab_sheet(folder / "検査.csv", n=300)
    return folder


def test_regression_report_has_r2_unit_figures_and_worst_rows(apartments):
    page = (apartments / "report.html").read_text(encoding="utf-8")
    text = text_of(page)
    headline = re.search(r'class="verdict measures">([^<]+)<', page).group(1)
    r2, mae = re.search(r"Test data: R² ([\d.]+); predictions are off by ([\d.]+)\xa0万円",
                        headline).groups()
    assert 0.8 < float(r2) <= 1 and 50 < float(mae) < 400  # noise SD 150 万円
    assert "Errors in 万円 (from the column name 価格(万円))." in text
    assert "Diverged" not in text
    assert 'href="predictions.png"' in page and (apartments / "predictions.svg").is_file()
    # the first screen: learning curves, then predicted-against-actual
    figures = re.findall(r'<figure[^>]*><a href="([^"]+)">', page)
    assert figures[:2] == ["learning-curves.png", "predictions.png"]
    # the rows predicted worst carry their ID and file line, largest error first
    table = page[page.index("Rows predicted worst"):]
    table = table[:table.index("</table>")]
    assert "物件ID" in table and "error (predicted - actual)" in table
    errors = [abs(float(e)) for e in re.findall(r"<tr><td class=\"text\">A\d{4}</td>"
                                                r"<td>\d+</td><td>[^<]+</td><td>[^<]+</td>"
                                                r"<td>(-?[\d.e+]+)</td>", table)]
    assert len(errors) == 10 and errors == sorted(errors, reverse=True)
    assert re.search(r"Mean absolute error, test data</dt><dd>[\d.]+\xa0万円", page)
    assert re.search(r"Final training loss</dt><dd>[\d.e+]+\xa0万円²", page)


def test_evaluate_and_predict_say_the_same_measures_with_units(apartments, tmp_path, capsys):
    data = apartments.parent / "物件.csv"
    assert run(["evaluate", str(apartments / "model.glassnet"), str(data)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"160 rows: loss [\d.e+]+\s万円², mean absolute error [\d.]+\s万円", out)
    assert re.search(r"R² 0\.\d+; predictions are off by [\d.]+\xa0万円 on average", out)
    assert run(["predict", str(apartments / "model.glassnet"), str(data), "--out",
                str(tmp_path / "p.csv")]) == 0
    said = capsys.readouterr().out
    assert re.findall(r"R² [\d.]+", said) == re.findall(r"R² [\d.]+", out)


def test_imbalanced_report_calls_out_the_majority_class_rate(lab, capsys):
    out = lab / "plain"
    assert run(["train", str(lab / "検査.csv"), "--out", str(out), "--test-split", "0.3",
                "--stratify", "--epochs", "40", "--id", "患者ID"]) == 0
    console = capsys.readouterr().out
    page = (out / "report.html").read_text(encoding="utf-8")
    # 40 epochs of SGD learn only the majority: accuracy no better than answering 陰性
    headline = re.search(r'class="verdict warning">([^<]+)<', page).group(1)
    assert re.search(r"accuracy ([\d.]+) is no better than the ([\d.]+) of always "
                     r"answering 陰性", headline)
    assert re.search(r"found 0 of \d+ 陽性", headline)
    assert headline in console
    text = text_of(page)
    assert "Precision and recall" in text and "balanced accuracy" in text.lower()
    assert 'href="roc-pr.png"' in page and "ROC AUC, test data" in text
    assert "Thresholds, test data" in text
