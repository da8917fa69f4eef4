"""The run report: coefficients in both scales, the data story, both languages, and a
layout that fits 390 px and 1400 px screens (checked in headless Chromium)."""

import csv
import os
import re
import shutil

import numpy as np
import pytest
from glassnet.layers import Dense, Normalization

import glassnet
from glassnet import Sequential
from glassnet.base.i18n import language
from glassnet.cli import run as glassnet_run
from glassnet.report.sections import original_units

CHROMIUM = "/usr/bin/chromium"


def test_original_units_by_hand():
    # x' = (x - 2) / 4, y = 3 x' + 1  =>  y = 0.75 x + (1 - 3 * 2 / 4) = 0.75 x - 0.5
    norm = Normalization()
    norm.adapt(np.array([[-2.0], [6.0]]))  # mean 2, SD 4
    model = Sequential([norm, Dense(1)], seed=0, dtype="float64")
    model.build(1)
    model.layers[1].kernel[...] = 3.0
    model.layers[1].bias[...] = 1.0
    kernel, bias, offset, scale, layer, method = original_units(model)
    assert (offset.tolist(), scale.tolist(), method) == ([2.0], [4.0], "standard")
    assert kernel.tolist() == [[0.75]] and bias.tolist() == [-0.5]


@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_original_units_give_the_same_first_layer(method, rng):
    x = rng.normal([30, 600, -2], [3, 80, 0.5], size=(50, 3))
    norm = Normalization(method)
    norm.adapt(x)
    model = Sequential([norm, Dense(4, "tanh"), Dense(2, "softmax")], seed=3, dtype="float64")
    model.build(3)
    kernel, bias, *_ = original_units(model)
    hidden = model.layers[1]
    scaled = norm.forward(x) @ hidden.kernel + hidden.bias
    np.testing.assert_allclose(x @ kernel + bias, scaled, rtol=1e-10, atol=1e-10)


def test_no_scaling_layer_means_nothing_to_rewrite():
    model = Sequential([Dense(2), Dense(1)], seed=0)
    model.build(2)
    assert original_units(model) is None


@pytest.fixture(scope="module")
def fish_run(tmp_path_factory):
    """A cp932 sheet with a blank line and a row with an empty cell, trained in Japanese."""
    folder = tmp_path_factory.mktemp("report")
    rng = np.random.default_rng(1)
    lines = ["体長(cm),体重(kg),魚種"]
    for name, (length, weight) in {"マダイ": (30, .6), "シロザケ": (60, 3.0),
                                   "マアジ": (20, .15)}.items():
        lines += [f"{rng.normal(length, 3):.1f},{rng.normal(weight, weight * .1):.2f},{name}"
                  for _ in range(20)]
    lines.insert(5, "")
    lines.insert(9, "31.0,,マダイ")
    path = folder / "fish.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    out = folder / "run"
    with language("ja"):
        code = glassnet_run(["train", str(path), "--out", str(out), "--hidden", "3",
                             "--epochs", "60", "--test-split", "0.25", "--missing", "drop",
                             "--optimizer", "adam", "--lr", "0.05"])
    assert code == 0
    return out


def test_report_tells_the_data_story_in_japanese(fish_run):
    page = (fish_run / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and '<meta name="viewport"' in page
    text = re.sub(r"<[^>]+>", " ", page)
    for words in ["cp932（自動判定）", "カンマ", "データ 61 行", "読み飛ばした空行",
                  "空欄のある行（missing: drop）：1", "訓練データ 45 行、テストデータ 15 行",
                  "学習曲線", "決定領域", "標準偏差", "元の単位の入力に対する係数に換算"]:
        assert words in text, words
    for english in ["Learning curves", "Settings", "Coefficients", "seed 000", "Table 66"]:
        assert english not in text, english


def test_report_puts_pictures_first_and_links_every_figure(fish_run):
    page = (fish_run / "report.html").read_text(encoding="utf-8")
    first_table = page.index("<table")
    # in columns; a figure's order (and a phone's) is its style="order:N" in its block
    placed = re.findall(r'<figure style="order:(\d+)"><a href="([^"]+)">', page)
    blocks = page.split('<div class="figures')[1:]
    first = sorted((int(o), name) for o, name in re.findall(
        r'<figure style="order:(\d+)"><a href="([^"]+)">', blocks[0]))
    assert [name for _, name in first][:2] == ["learning-curves.png", "decision-regions.png"]
    assert page.index("decision-regions.png") < first_table
    figures = [name for _, name in placed]
    # roc-pr: each class against the rest; importance: which inputs mattered
    assert len(figures) == page.count("<figure") == 9
    assert all((fish_run / name).is_file() for name in figures)


def test_original_units_csv_reproduces_the_first_layer(fish_run):
    model = glassnet.load_model(fish_run / "model.glassnet")
    rows = list(csv.reader(open(fish_run / "coefficients-dense-original-units.csv",
                                encoding="utf-8-sig")))
    assert rows[0][2:] == ["体長(cm)", "体重(kg)"]
    bias = np.array([float(r[1]) for r in rows[1:]])
    kernel = np.array([[float(v) for v in r[2:]] for r in rows[1:]]).T
    x = np.array([[30.0, 0.6], [60.0, 3.0]])
    hidden = model.layers[1]
    expected = model.layers[0].forward(x) @ hidden.kernel + hidden.bias
    np.testing.assert_allclose(x @ kernel + bias, expected, rtol=1e-4, atol=1e-4)
    scaling = list(csv.reader(open(fish_run / "input-scaling.csv", encoding="utf-8-sig")))
    assert scaling[0] == ["入力", "平均", "標準偏差"]
    assert [r[0] for r in scaling[1:]] == ["体長(cm)", "体重(kg)"]


def browser():
    """A headless Debian Chromium driven by Playwright, or a skip saying what is missing."""
    if shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    sync = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install playwright)")
    return sync.sync_playwright


def test_report_fits_phone_and_desktop_screens(fish_run, tmp_path):
    sync_playwright = browser()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for width in (390, 1400):
                page = chromium.new_page(viewport={"width": width, "height": 900})
                page.goto((fish_run / "report.html").as_uri())
                scroll, inner = page.evaluate(
                    "[document.documentElement.scrollWidth, innerWidth]")
                assert scroll <= inner, f"{width} px: the page is {scroll} px wide"
                # the first screen shows the verdict and the learning curves
                top = page.evaluate("document.querySelector('figure img')"
                                    ".getBoundingClientRect().top")
                assert top < 900
                # a class name never breaks one character per line
                heights = page.evaluate("[...document.querySelectorAll('td.text')]"
                                        ".map(e => e.getBoundingClientRect().height)")
                assert max(heights) < 40
                # the first figures fill their columns evenly: no tall blank beside a
                # short figure (issue 28); on a phone they stand in order, one column
                ends = page.evaluate("[...document.querySelector('.figures')"
                                     ".querySelectorAll('.figcol')].map(c => [...c.children]"
                                     ".at(-1).getBoundingClientRect().bottom)")
                tops = page.evaluate("[...document.querySelector('.figures')"
                                     ".querySelectorAll('figure')]"
                                     ".map(f => [+f.style.order, f.getBoundingClientRect()"
                                     ".top])")
                if width == 1400:
                    block = page.evaluate("document.querySelector('.figures')"
                                          ".getBoundingClientRect().height")
                    assert len(ends) == 2 and max(ends) - min(ends) < 0.25 * block
                else:
                    assert [t for _, t in sorted(tops)] == sorted(t for _, t in tops)
                page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
        finally:
            chromium.close()


def test_wide_data_folds_long_lists_and_cuts_big_tables(tmp_path, rng):
    """60 inputs: the input names fold into a counted list, the first layer's table
    shows a corner and names the CSV file that holds all of it."""
    from glassnet.data import Dataset
    from glassnet.report import write_run
    from glassnet.training.spec import ModelSpec, train

    names = [f"px{i}" for i in range(60)]
    data = Dataset(rng.normal(size=(80, 60)), rng.integers(0, 3, 80), names,
                   ["a", "b", "c"], "digit", "wide.csv")
    model, history = train(ModelSpec(hidden=[45], epochs=2), data)
    empty = Dataset(data.features[:0], data.labels[:0], names, data.class_names, "digit")
    with language("en"):
        write_run(tmp_path, model, data, empty, history, figures=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<summary>60 items: " in page and ">px59</span>" in page
    assert ("first 40 of 45 rows; first 40 of 61 columns; all of it is in "
            "coefficients-dense.csv") in page
    assert "(softmax) — first 40 of 46 columns; all of it is in coefficients-dense_1" in page
    assert page.count("<th>px") == 39 * 2  # both scales: the bias and 39 inputs each
    rows = list(csv.reader(open(tmp_path / "coefficients-dense-original-units.csv",
                                encoding="utf-8-sig")))
    assert len(rows) == 1 + 45 and len(rows[0]) == 2 + 60  # the file has every number


def _png(width, height):
    """Just a PNG header: signature, IHDR length and type, width, height."""
    return (b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR"
            + width.to_bytes(4, "big") + height.to_bytes(4, "big"))


def test_figures_are_dealt_to_the_shortest_column_and_keep_their_order():
    """Learning curves (wide and short), decision regions (tall), ROC (short): the ROC
    goes under the learning curves, beside the tall regions, not alone on a new row."""
    from glassnet.report import Report

    report = Report("t")
    report.figures([(_png(1000, 450), "curves", None), (_png(600, 630), "regions", None),
                    (_png(1000, 500), "roc", None)])
    block = report.parts[-1]
    columns = block.split('<div class="figcol">')[1:]
    assert [re.findall(r'order:(\d)".*?<figcaption>(\w+)', c) for c in columns] == \
        [[("0", "curves"), ("2", "roc")], [("1", "regions")]]
    report.figures([(_png(1000, 450), "only", None)])  # one figure: one column
    assert report.parts[-1].count('<div class="figcol">') == 1
