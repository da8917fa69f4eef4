"""The command line in the user's language: --lang, translated --help wrapped by display
width, -q, and a confusion matrix aligned with full-width class names."""

import numpy as np
import pytest

from glassnet.base.i18n import display_width, get_language, language
from glassnet.cli import run


@pytest.fixture
def fish(tmp_path):
    rng = np.random.default_rng(2)
    lines = ["体長,体重,魚種"]
    for name, (length, weight) in {"マダイ": (30, 600), "シロザケ": (60, 3000),
                                   "cod": (20, 150)}.items():
        lines += [f"{rng.normal(length, 2):.1f},{rng.normal(weight, weight * .05):.0f},{name}"
                  for _ in range(15)]
    path = tmp_path / "fish.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


@pytest.mark.parametrize("where", ["before", "after"])
def test_help_in_japanese_fits_the_terminal(where, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    args = ["--lang", "ja", "train", "--help"] if where == "before" else \
        ["train", "--help", "--lang=ja"]
    with pytest.raises(SystemExit):
        run(args)
    out = capsys.readouterr().out
    assert out.startswith("使い方: glassnet train")
    assert "隠れ層ごとのユニット（ニューロン）数：2、" in out and "データの分割:" in out
    assert max(display_width(line) for line in out.splitlines()) <= 80


def test_run_restores_the_callers_language(capsys):
    with language("en"):
        run(["--lang", "ja", "datasets"])
        assert get_language() == "en"
    assert "かみ合った 2 つの半円" in capsys.readouterr().out


def test_quiet_training_prints_nothing_and_report_follows_lang(fish, tmp_path, capsys):
    out = tmp_path / "run"
    code = run(["train", str(fish), "--epochs", "5", "--no-figures", "--out", str(out),
                "-q", "--lang", "ja"])
    captured = capsys.readouterr()
    assert code == 0 and captured.out == "" and captured.err == ""
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and "データの分割" in page


def test_evaluate_aligns_full_width_class_names(fish, tmp_path, capsys):
    out = tmp_path / "run"
    assert run(["train", str(fish), "--epochs", "50", "--hidden", "4", "--no-figures",
                "--out", str(out), "-q"]) == 0
    assert run(["evaluate", str(out / "model.glassnet"), str(fish)]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("confusion matrix"))
    table = lines[start + 1:start + 5]
    assert len({display_width(line) for line in table}) == 1  # every row equally wide
    header = table[0]
    for row in table[1:]:  # each count ends where its column's name ends
        ends = [i for i, ch in enumerate(row) if ch.isdigit() and
                (i + 1 == len(row) or row[i + 1] == " ")]
        name_ends = []
        column = 0
        for ch in header:
            column += display_width(ch)
            name_ends.append(column)
        header_ends = {name_ends[i] for i, ch in enumerate(header)
                       if ch != " " and (i + 1 == len(header) or header[i + 1] == " ")}
        row_ends = {display_width(row[:i + 1]) for i in ends}
        assert row_ends <= header_ends


def test_evaluate_predict_and_gradcheck_speak_japanese(fish, tmp_path, capsys):
    """Every line cli/models.py prints comes from the message catalogue."""
    out = tmp_path / "run"
    assert run(["train", str(fish), "--epochs", "20", "--hidden", "4", "--no-figures",
                "--out", str(out), "-q"]) == 0
    model = str(out / "model.glassnet")
    capsys.readouterr()
    assert run(["--lang", "ja", "evaluate", model, str(fish)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("45 行: 損失 ") and "rows" not in said
    assert run(["--lang", "ja", "predict", model, str(fish), "--out",
                str(tmp_path / "p.csv")]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("45 件の予測を") and said[1].startswith("列 '魚種' と 45 行で比較")
    assert run(["--lang", "ja", "gradcheck", "sample2", "--rows", "4"]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("sample2 の 4 行で勾配を確認")
    assert said[1].split() == ["層", "重み", "形", "相対誤差", "最大絶対誤差"]
    assert said[-1].startswith("最大相対誤差") and said[-1].endswith("合格（基準 1e-7）")
