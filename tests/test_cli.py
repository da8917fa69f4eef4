"""The command line, run in-process (fast) and as a real subprocess (entry points)."""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest

import glassnet
from glassnet.cli import run

from .test_csv import ERRORS


def glassnet_cmd(*args, capsys=None):
    code = run([str(a) for a in args])
    out = capsys.readouterr() if capsys else None
    return code, out


@pytest.fixture
def fish(tmp_path):
    rng = np.random.default_rng(1)
    lines = ["体長,体重,魚種"]
    for name, (length, weight) in {"鯛": (30, 600), "鮭": (60, 3000), "鯵": (20, 150)}.items():
        for _ in range(30):
            lines.append(f"{rng.normal(length, 3):.1f},{rng.normal(weight, weight * .1):.0f},"
                         f"{name}")
    path = tmp_path / "fish.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def test_train_writes_every_result(tmp_path, fish, capsys):
    out = tmp_path / "run"
    code, io = glassnet_cmd("train", fish, "--target", "魚種", "--out", out, "--hidden", "3",
                            "--epochs", "200", "--test-split", "0.25", "--stratify",
                            capsys=capsys)
    assert code == 0, io.err
    assert f"report: {out / 'report.html'}" in io.out and "accuracy" in io.out
    names = set(os.listdir(out))
    for expected in ["model.glassnet", "model.json", "history.csv", "coefficients-dense.csv",
                     "coefficients-dense_1.csv", "train.csv", "test.csv",
                     "test-predictions.csv", "report.html", "data.png", "data.svg",
                     "learning-curves.png", "coefficients.png", "decision-regions.png",
                     "decision-regions-zoom.png", "probability-maps.png", "network.png",
                     "importance.csv", "importance.png"]:
        assert expected in names, expected
    model = glassnet.load_model(out / "model.glassnet")
    assert model.info["class_names"] == ["鮭", "鯛", "鯵"]
    assert model.info["feature_names"] == ["体長", "体重"]
    history = list(csv.DictReader(open(out / "history.csv", encoding="utf-8-sig")))
    assert len(history) == 200 and "val_accuracy" in history[0]
    header = next(csv.reader(open(out / "coefficients-dense.csv", encoding="utf-8-sig")))
    assert header == ["cell", "bias", "体長 (standardised)", "体重 (standardised)"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 9  # with ROC/PR and which inputs mattered
    assert "Confusion matrix, test data" in html and "鯛" in html and "Coefficients" in html
    # the Japanese glyphs travel inside the report, so any browser shows them
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    font = re.search(r"glassnet-ja.*?base64,([A-Za-z0-9+/=]+)", html).group(1)
    covered = {chr(c) for c in TTFont(io.BytesIO(base64.b64decode(font))).getBestCmap()}
    assert set("体長重魚種鯛鮭鯵") <= covered
    assert len(list(csv.reader(open(out / "train.csv", encoding="utf-8-sig")))) == 1 + 66
    assert len(list(csv.reader(open(out / "test.csv", encoding="utf-8-sig")))) == 1 + 24


def test_help_speaks_plain_words(capsys):
    """No private references (docs/seeds.md) in any command's --help."""
    from glassnet.cli import build_parser

    parser = build_parser()
    texts = [parser.format_help()]
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    texts += [p.format_help() for p in sub.choices.values()]
    # the walk reaches the parser and every command (not vacuous)
    assert {"train", "predict", "export", "explain", "playground"} <= set(sub.choices)
    assert len(texts) == 1 + len(sub.choices) >= 11
    for jargon in ("seed 00", "Table 6", "Fig 12", "TrainingRatio"):
        assert not [t for t in texts if jargon.lower() in t.lower()], jargon


def test_abbreviated_and_unknown_options_are_refused(capsys):
    code, io = glassnet_cmd("train", "xor", "--drop", "0.5", capsys=capsys)
    assert code == 2 and "unrecognized arguments: --drop" in io.err
    assert "did you mean --dropout?" in io.err and io.err.count("\n") == 1


def test_train_reproduces_seed000_keras_defaults(tmp_path, capsys):
    code, io = glassnet_cmd("train", "sample2", "--scale", "none", "--no-figures", "--out",
                            tmp_path / "s2", capsys=capsys)
    assert code == 0
    assert "trained 1000 epochs" in io.out
    accuracy = float(io.out.split("accuracy ")[1].split(",")[0].split()[0])
    assert accuracy >= 0.95


def test_regression_target_is_standardised_and_folded_back(tmp_path, capsys):
    """Seed 002's 1-D example from the shell, with the default SGD lr 0.5: the target
    (500 / 1000) is learnt standardised, the output layer rescaled afterwards."""
    out = tmp_path / "steps"
    code, io = glassnet_cmd("train", "steps", "--hidden", "1", "--activation", "tanh",
                            "--batch-size", "full", "--epochs", "2000", "--no-figures",
                            "--out", out, capsys=capsys)
    assert code == 0, io.err
    model = glassnet.load_model(out / "model.glassnet")
    predicted = model.predict(np.arange(7, 17, dtype=float)[:, None])[:, 0]
    assert np.abs(predicted[:5] - 500).max() < 30 and np.abs(predicted[5:] - 1000).max() < 30
    history = list(csv.DictReader(open(out / "history.csv", encoding="utf-8-sig")))
    variance = np.var([500, 500, 1000, 1000])  # the loss of predicting the mean
    assert float(history[0]["loss"]) == pytest.approx(variance, rel=0.02)
    assert float(history[-1]["mae"]) < 30  # in the target's own units
    assert model.info["target_scaling"]["mean"] == [750.0]


def test_predict_evaluate_and_their_outputs(tmp_path, fish, capsys):
    out = tmp_path / "run"
    assert glassnet_cmd("train", fish, "--target", "魚種", "--out", out, "--epochs", "300",
                        "--no-figures", "--hidden", "3", capsys=capsys)[0] == 0
    new = tmp_path / "new.csv"
    new.write_bytes("体重,体長\n600,30\n3000,60\n150,20\n".encode("cp932"))
    code, io = glassnet_cmd("predict", out / "model.glassnet", new, capsys=capsys)
    assert code == 0
    rows = list(csv.reader(io.out.splitlines()))
    assert rows[0] == ["体重", "体長", "p_鮭", "p_鯛", "p_鯵", "predicted"]  # as in the file
    assert [r[-1] for r in rows[1:]] == ["鯛", "鮭", "鯵"]
    code, io = glassnet_cmd("predict", out / "model.glassnet", new, "--out",
                            tmp_path / "p.csv", capsys=capsys)
    assert code == 0 and (tmp_path / "p.csv").exists()
    code, io = glassnet_cmd("evaluate", out / "model.glassnet", fish, capsys=capsys)
    assert code == 0
    assert "90 rows: loss" in io.out and "confusion matrix" in io.out
    matrix = [line.split()[1:] for line in io.out.splitlines()[-3:]]
    assert sum(int(v) for row in matrix for v in row) == 90


def test_gradcheck_passes(capsys):
    code, io = glassnet_cmd("gradcheck", "sample2", capsys=capsys)
    assert code == 0 and "PASS" in io.out
    assert io.out.count("e-") >= 6  # one error figure per weight array


def test_trace_seed003(capsys, tmp_path):
    code, io = glassnet_cmd("trace", "--weights", "seed003", "--input", "1,1;0,1;1,0;0,0",
                            capsys=capsys)
    assert code == 0
    assert "design=1, quality=1: 1×5 + 1×5 + (-5) = 5 -> 5" in io.out
    assert "design=0, quality=1: 0×-10 + 0×-10 + (10) = 10 -> 10" in io.out
    spec = tmp_path / "w.json"
    code, io = glassnet_cmd("trace", "--show-example", capsys=capsys)
    spec.write_text(io.out, encoding="utf-8")
    code, io2 = glassnet_cmd("trace", "--weights", spec, "--input", "0,0", capsys=capsys)
    assert code == 0 and "= -40 -> 0" in io2.out


def test_datasets_list_and_export(tmp_path, capsys):
    code, io = glassnet_cmd("datasets", capsys=capsys)
    assert code == 0 and all(name in io.out for name in glassnet.datasets.names())
    code, io = glassnet_cmd("datasets", "export", "moons", tmp_path / "m.csv", "--n-samples",
                            "40", "--seed", "2", capsys=capsys)
    assert code == 0 and len(glassnet.load_csv(tmp_path / "m.csv")) == 40


def test_demo_writes_one_report(tmp_path, capsys):
    code, io = glassnet_cmd("demo", "--out", tmp_path / "demo", "--epochs", "50",
                            capsys=capsys)
    assert code == 0, io.err
    assert f"report: {tmp_path / 'demo' / 'report.html'}" in io.out
    html = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    assert "Class probabilities on a 5 × 5 grid" in html and "sample3" in html
    assert "Loss per step of the three methods" in html
    for jargon in ("Table 6", "Fig 12", "seed 00"):  # plain words only (docs/seeds.md)
        assert jargon not in html
    assert set(os.listdir(tmp_path)) == {"demo"}  # no temporary folder left
    # a second demo into the same folder needs --overwrite
    code, io = glassnet_cmd("demo", "--out", tmp_path / "demo", "--epochs", "5", capsys=capsys)
    assert code == 2 and "--overwrite" in io.err


@pytest.mark.parametrize("content,message", ERRORS)
def test_every_loader_error_is_one_line_exit_2_nothing_written(tmp_path, capsys, content,
                                                                 message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    target = ["--target", "class"] if "class" in str(content) else []
    code, io = glassnet_cmd("train", bad, *target, "--out", tmp_path / "out", capsys=capsys)
    assert code == 2
    lines = io.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("glassnet: error: ")
    assert str(bad) in lines[0]
    assert sorted(os.listdir(tmp_path)) == ["bad.csv"]


@pytest.mark.parametrize("args,message", [
    (["train"], "the following arguments are required: data"),
    (["train", "sample2", "--hidden", "two"], "--hidden must be cell counts"),
    (["train", "sample2", "--batch-size", "0"], "--batch-size must be >= 1"),
    (["train", "sample2", "--activation", "sigmod"], "unknown activation 'sigmod'"),
    (["train", "sample2", "--optimizer", "adamm"], "unknown optimizer 'adamm'"),
    (["train", "nothing.csv"], "nothing.csv: no such file, and not a built-in dataset"),
    (["predict", "missing.glassnet", "x.csv"], "model file missing.glassnet does not exist"),
    (["trace", "--input", "1,1"], "give a model file or --weights FILE"),
    (["trace", "--weights", "seed003", "--input", "1,2,3"], "--input rows must have 2 values"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_argument_errors_are_one_line_exit_2(tmp_path, capsys, args, message):
    os.chdir(tmp_path)
    code, io = glassnet_cmd(*args, capsys=capsys)
    assert code == 2
    lines = io.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], io.err
    assert os.listdir(tmp_path) == []


def test_existing_results_are_not_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    options = ["--epochs", "2", "--no-figures", "--batch-size", "full"]
    assert glassnet_cmd("train", "xor", "--out", out, *options, capsys=capsys)[0] == 0
    code, io = glassnet_cmd("train", "xor", "--out", out, *options, capsys=capsys)
    assert code == 2 and "already holds train results" in io.err and "--overwrite" in io.err
    code, io = glassnet_cmd("train", "xor", "--out", out, *options, "--overwrite",
                            capsys=capsys)
    assert code == 0 and "replaced the earlier train results" in io.out
    assert glassnet.load_model(out / "model.glassnet").input_dim == 2


def test_a_folder_glassnet_did_not_write_is_never_replaced(tmp_path, capsys):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "model.glassnet").write_text("precious")
    for extra in ([], ["--overwrite"]):
        code, io = glassnet_cmd("train", "xor", "--out", out, "--epochs", "2", *extra,
                                capsys=capsys)
        assert code == 2 and "did not write" in io.err and "--overwrite" not in io.err
    assert (out / "model.glassnet").read_text() == "precious"


def test_internal_errors_exit_1(monkeypatch, capsys):
    from glassnet.cli import data as commands

    def broken(args):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(commands, "cmd_datasets", broken)
    code, io = glassnet_cmd("datasets", capsys=capsys)
    assert code == 1 and "internal error: ZeroDivisionError: oops" in io.err


def test_console_script_and_module_entry_points(tmp_path):
    exe = os.path.join(os.path.dirname(sys.executable), "glassnet")
    for command in ([exe, "--help"], [sys.executable, "-m", "glassnet", "datasets"]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout
    done = subprocess.run([exe, "train", str(tmp_path / "none.csv")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [
    ["train", "xor", "--epochs", "20", "--no-figures", "--out", "{tmp}/run"],
    ["predict", "{tmp}/run/model.glassnet", "{tmp}/new.csv"],
    ["evaluate", "{tmp}/run/model.glassnet", "{tmp}/labelled.csv"],
    ["gradcheck", "xor"],
    ["trace", "{tmp}/run/model.glassnet", "--input", "1,0"],
    ["datasets", "export", "circles", "{tmp}/c.csv"],
    ["demo", "--epochs", "20", "--out", "{tmp}/demo"],
])
def test_every_subcommand_in_a_subprocess(tmp_path_factory, args):
    tmp = tmp_path_factory.getbasetemp() / "subprocess"
    if not (tmp / "run" / "model.glassnet").exists():
        tmp.mkdir(exist_ok=True)
        assert run(["train", "xor", "--epochs", "20", "--no-figures", "--out",
                    str(tmp / "run"), "--overwrite"]) == 0
        (tmp / "new.csv").write_text("design,quality\n1,0\n0,0\n", encoding="utf-8")
        (tmp / "labelled.csv").write_text("design,quality,decision\n1,0,buy\n0,0,not buy\n",
                                          encoding="utf-8")
    argv = [a.replace("{tmp}", str(tmp)) for a in args]
    if argv[0] == "train":
        argv.append("--overwrite")
    done = subprocess.run([sys.executable, "-m", "glassnet", *argv], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    if argv[0] == "predict":
        assert done.stdout.splitlines()[0] == "design,quality,p_not buy,p_buy,predicted"
    if argv[0] == "demo":
        assert (tmp / "demo" / "report.html").exists()


def test_import_stays_light():
    code = ("import sys, glassnet; heavy = [m for m in ('matplotlib', 'pandas', 'torch') "
            "if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]"
