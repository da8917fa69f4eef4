"""Adversarial use of the command line, as a user would type it (real subprocesses):
nothing of the user's is lost, nothing from a file runs, every refusal is exit 2 with
one line on stderr."""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile

import pytest


def glassnet(*args, cwd):
    done = subprocess.run([sys.executable, "-m", "glassnet", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def refused(code, err, *words):
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("glassnet: error: "), err
    for word in words:
        assert word in err, err


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A working folder with the user's own files, a CSV and a trained model."""
    folder = tmp_path_factory.mktemp("work")
    (folder / "notes.txt").write_text("my notes")
    (folder / "thesis").mkdir()
    (folder / "thesis" / "chapter1.tex").write_text("chapter one")
    code, _, err = glassnet("datasets", "export", "xor", "my.csv", cwd=folder)
    assert code == 0, err
    code, _, err = glassnet("train", "my.csv", "--out", "run", "--epochs", "2", "--no-figures",
                            cwd=folder)
    assert code == 0, err
    return folder


def untouched(work):
    assert (work / "notes.txt").read_text() == "my notes"
    assert (work / "thesis" / "chapter1.tex").read_text() == "chapter one"
    assert (work / "my.csv").read_text(encoding="utf-8-sig").startswith("design,quality,decision\n")
    assert not [n for n in os.listdir(work) if n.startswith(".")]


@pytest.mark.parametrize("args, words", [
    (["train", "my.csv", "--out", ".", "--overwrite"], ["current folder"]),
    (["train", "my.csv", "--out", "..", "--overwrite"], ["current folder or one of its parents"]),
    (["train", "thesis/../my.csv", "--out", "thesis", "--overwrite"], ["did not write"]),
    (["demo", "--out", "thesis", "--epochs", "1"], ["did not write"]),
    (["demo", "--out", "thesis", "--epochs", "1", "--overwrite"], ["did not write"]),
    (["train", "my.csv", "--out", "run", "--epochs", "1"], ["already holds train results"]),
    (["predict", "run/model.glassnet", "my.csv", "--out", "my.csv", "--overwrite"],
     ["is an input of this run"]),
    (["predict", "run/model.glassnet", "my.csv", "--out", "notes.txt"],
     ["exists", "--overwrite"]),
    (["datasets", "export", "xor", "notes.txt"], ["exists", "--overwrite"]),
])
def test_the_users_files_are_never_replaced(work, args, words):
    code, _, err = glassnet(*args, cwd=work)
    refused(code, err, *words)
    untouched(work)


def test_a_folder_holding_the_input_is_refused(work, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "my.csv").write_bytes((work / "my.csv").read_bytes())
    code, _, err = glassnet("train", "data/my.csv", "--out", "data", "--overwrite", cwd=tmp_path)
    refused(code, err, "holds an input of this run")
    assert os.listdir(data) == ["my.csv"]


def test_a_hostile_model_file_is_exit_2_with_one_line(work, tmp_path):
    with zipfile.ZipFile(work / "run" / "model.glassnet") as z:
        members = {n: z.read(n) for n in z.namelist()}
    config = json.loads(members["config.json"])
    config["model"]["layers"][-1]["config"]["units"] = 10**9
    with zipfile.ZipFile(tmp_path / "evil.glassnet", "w") as z:
        for name, data in {**members, "config.json": json.dumps(config)}.items():
            z.writestr(name, data)
    code, _, err = glassnet("predict", tmp_path / "evil.glassnet", work / "my.csv", cwd=tmp_path)
    refused(code, err, "evil.glassnet", "units must be an integer from 1 to")


def test_names_from_files_do_not_run_anywhere(tmp_path):
    """Formula cells, escape sequences and mathtext in names: written neutralised, printed
    escaped, drawn as plain text."""
    mathtext, escape = "$\\frac{1}{$", "\x1b[31mred\x1b]0;owned\x07"
    rows = [[mathtext, "x2", "=HYPERLINK(\"http://evil\")"]]
    for i in range(40):
        rows.append([f"{(i % 4) * 0.3:.1f}", f"{(i % 5) * 0.2:.1f}",
                     [escape, "+cmd|' /C calc'!A0", "plain"][i % 3]])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (tmp_path / "weird.csv").write_text(buffer.getvalue(), encoding="utf-8")
    code, out, err = glassnet("train", "weird.csv", "--out", "run", "--epochs", "3", cwd=tmp_path)
    assert code == 0, err
    assert "\x1b" not in out + err
    assert os.path.getsize(tmp_path / "run" / "data.png") > 0
    with open(tmp_path / "run" / "train.csv", encoding="utf-8-sig", newline="") as f:
        written = list(csv.reader(f))
    assert written[0] == [mathtext, "x2", "'=HYPERLINK(\"http://evil\")"]
    assert {r[2] for r in written[1:]} == {escape, "'+cmd|' /C calc'!A0", "plain"}
    code, out, err = glassnet("evaluate", "run/model.glassnet", "weird.csv", cwd=tmp_path)
    assert code == 0, err
    assert "\x1b" not in out and "\\x1b[31mred" in out
    code, out, err = glassnet("predict", "run/model.glassnet", "weird.csv", cwd=tmp_path)
    assert code == 0 and "\x1b" not in out and "p_\\x1b[31mred" in out
