"""A --lang ja run speaks Japanese throughout: the report's text, every figure's text
(titles, legends, axis labels, read from the SVG files) and the console lines of train,
evaluate and predict. Any ASCII word of three letters or more that is not a name from
the data, a unit, a file or option name or a term on the allow-list fails the test."""

import html
import re

import pytest

from conftest import apartment_sheet, lab_sheet
from glassnet.cli import run

#: words that stay as they are in Japanese text: names of things, not English phrases
ALLOWED = {
    # libraries, formats and identifiers a Japanese user types or reads as they are
    "glassnet", "scikit", "learn", "sklearn", "pip", "install",
    "HistGradientBoosting", "CSV", "PNG", "SVG", "JSON", "ROC", "AUC", "SGD", "Adam",
    "utf", "float", "None", "sequential", "Dense", "dense", "Normalization",
    "normalization", "Dropout", "BatchNormalization",
    # activation names, as in the code
    "sigmoid", "softmax", "linear", "relu", "tanh",
    # the command line's option values and command names shown in hints
    "predict", "threshold", "balanced", "drop", "mean",
}


def english_words(text, names):
    """ASCII words (3+ letters) in ``text`` that are neither data names nor allowed."""
    text = re.sub(r"--[a-z-]+", " ", text)                    # option names
    text = re.sub(r"\bglassnet\.[\w.]+", " ", text)           # Python names
    text = re.sub(r"\b[\w.-]+\.(csv|json|glassnet|png|svg|html)\b", " ", text)  # files
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED})


def page_text(path):
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'(src|href)="[^"]*"', " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def svg_text(path):
    svg = path.read_text(encoding="utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", t))
                    for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ja")
    lab_sheet(folder / "検査.csv", n=200)
    apartment_sheet(folder / "物件.csv", n=120)
    out = {}
    for name, extra in (("検査", ["--class-weight", "balanced", "--id", "患者ID",
                                 "--stratify"]),
                        ("物件", ["--optimizer", "adam", "--lr", "0.01", "--id", "物件ID"])):
        out[name] = folder / name
        assert run(["--lang", "ja", "train", str(folder / f"{name}.csv"), "--out",
                    str(out[name]), "--test-split", "0.25", "--epochs", "60", "-q",
                    *extra]) == 0
    return folder, out


LAB_NAMES = ["検査", "患者ID", "年齢", "白血球数", "CRP", "体温", "結果", "陰性", "陽性"]
APARTMENT_NAMES = ["物件", "物件ID", "駅徒歩(分)", "専有面積(㎡)", "築年数", "価格(万円)", "万円"]


@pytest.mark.parametrize("name, names", [("検査", LAB_NAMES), ("物件", APARTMENT_NAMES)])
def test_the_japanese_report_has_no_english_phrases(runs, name, names):
    folder = runs[1][name]
    assert english_words(page_text(folder / "report.html"), names) == []
    for svg in sorted(folder.glob("*.svg")):
        assert english_words(svg_text(svg), names) == [], svg.name


def test_console_lines_are_japanese(runs, capsys):
    folder, out = runs
    capsys.readouterr()
    assert run(["--lang", "ja", "train", str(folder / "検査.csv"), "--out",
                str(folder / "再"), "--test-split", "0.25", "--epochs", "5", "--id",
                "患者ID", "--no-figures"]) == 0
    said = capsys.readouterr()
    assert english_words(said.out + said.err, LAB_NAMES + [str(folder)]) == []
    assert run(["--lang", "ja", "evaluate", str(out["物件"] / "model.glassnet"),
                str(folder / "物件.csv")]) == 0
    assert run(["--lang", "ja", "evaluate", str(out["検査"] / "model.glassnet"),
                str(folder / "検査.csv")]) == 0
    assert run(["--lang", "ja", "predict", str(out["検査"] / "model.glassnet"),
                str(folder / "検査.csv"), "--out", str(folder / "p.csv"), "--threshold",
                "0.3"]) == 0
    said = capsys.readouterr()
    assert english_words(said.out + said.err, LAB_NAMES + APARTMENT_NAMES + [str(folder)]) \
        == []


def _ranges(css):
    """The (low, high) code points of the first unicode-range in ``css``."""
    text = re.search(r"unicode-range:\s*([^;]+);", css).group(1)
    out = []
    for part in text.split(","):
        low, _dash, high = part.strip().removeprefix("U+").partition("-")
        out.append((int(low, 16), int(high or low, 16)))
    return out


def test_the_report_embeds_every_glyph_a_bare_machine_lacks(tmp_path):
    """γ-GTP, 面積(㎡) and Japanese names come with their glyphs in the page itself."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    from glassnet.report.html import Report

    report = Report("検査")
    report.table(["γ-GTP", "面積(㎡)", "結果"], [[1.0, 2.0, "陽性"]])
    page = report.render()
    face = re.search(r"@font-face\{[^}]+\}", page).group(0)
    font = TTFont(io.BytesIO(base64.b64decode(re.search(r"base64,([^)]+)\)", face).group(1))))
    cmap = font.getBestCmap()
    for ch in "γ㎡検査結果陽性":
        assert ord(ch) in cmap and any(lo <= ord(ch) <= hi for lo, hi in _ranges(face)), ch


def test_the_playground_serves_the_font_for_squared_units_and_greek():
    import importlib.util
    import os

    from fontTools.ttLib import TTFont

    static = os.path.join(os.path.dirname(importlib.util.find_spec(
        "glassnet.playground").origin), "static")
    css = open(os.path.join(static, "style.css"), encoding="utf-8").read()
    ranges = _ranges(css)
    spec = importlib.util.find_spec("matplotlib_fontja")
    cmap = TTFont(os.path.join(os.path.dirname(spec.origin), "fonts", "ipaexg.ttf")).getBestCmap()
    for ch in "㎡γ∝体長鯛":
        assert any(lo <= ord(ch) <= hi for lo, hi in ranges) and ord(ch) in cmap, ch
    # "Show the Python" and the hover formulas are monospace: the face is in their list too
    assert css.count('"DejaVu Sans Mono", "glassnet-ja", monospace') >= 2


@pytest.mark.parametrize("args, said", [
    (["train", "無い.csv"], "無い.csv: そのファイルはなく、組み込みデータセット"),
    (["train", "sample2", "--epochs", "0"], "--epochs は 1 以上にしてください（指定された値：0）"),
    (["train", "sample2", "--hidden", "a"], "--hidden は 2 や 64,64 のようなセル数で指定"),
    (["train", "sample2", "--batch-size", "0"], "--batch-size は 1 以上の数か 'full' に"),
    (["train", "sample2", "--training-ratio", "0.5", "--test-split", "0.2"],
     "--training-ratio と --test-split はどちらか一方だけ"),
])
def test_errors_after_the_japanese_prefix_are_japanese(args, said, tmp_path, capsys,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(["--lang", "ja", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("glassnet: エラー: ") and said in err and err.count("\n") == 1
    from glassnet.data.builtin import names  # dataset names are names, not English

    assert english_words(err.removeprefix("glassnet"), ["無い", "full", "mnist", *names()]) == []


def test_python_range_checks_speak_the_language():
    from glassnet.base.errors import ConfigError
    from glassnet.base.i18n import language
    from glassnet.base.validation import check_choice, check_number

    with pytest.raises(ConfigError, match=r"^rate must be >= 0, got -1$"):
        check_number("rate", -1, minimum=0)
    with pytest.raises(ConfigError, match=r"^rate must be < 1, got 1$"):
        check_number("rate", 1, maximum=1, exclusive_maximum=True)
    with language("ja"), pytest.raises(ConfigError, match="rate は 0 より大きくしてください"):
        check_number("rate", 0, minimum=0, exclusive_minimum=True)
    with language("ja"), pytest.raises(ConfigError, match="scale は 'a', 'b' のいずれか"):
        check_choice("scale", "c", ("a", "b"))
