"""A real-looking Japanese Excel sheet and MNIST-layout images, from the shell: train,
predict and evaluate end to end (the sheet and images are made by conftest.py)."""

import csv
import json
import os
import zipfile

import numpy as np
import pytest

from glassnet.cli import run


def cli(capsys, *args):
    code = run([str(a) for a in args])
    return code, capsys.readouterr()


def test_sheet_errors_point_to_the_fix(sheet, tmp_path, capsys):
    path = sheet()
    code, io = cli(capsys, "train", path, "--skip-rows", "0", "--out", tmp_path / "r")
    assert code == 2 and "pass --skip-rows 2" in io.err and io.err.count("\n") == 1
    code, io = cli(capsys, "train", path, "--out", tmp_path / "r")  # the title found itself
    assert code == 2 and "column '漁獲日': holds dates" in io.err
    assert "--ignore 漁獲日" in io.err
    # argparse would take --drop for --dropout; glassnet names the option it meant.
    code, io = cli(capsys, "train", path, "--drop", "0.5")
    assert code == 2
    assert "glassnet train: unrecognized arguments: --drop 0.5 (did you mean --dropout?)" \
        in io.err
    code, io = cli(capsys, "predict", "m.glassnet", path, "--skiprows", "2")
    assert code == 2 and "(did you mean --skip-rows?)" in io.err
    assert not os.path.exists(tmp_path / "r")


@pytest.fixture
def fish_run(sheet, tmp_path, capsys):
    out = tmp_path / "run"
    code, io = cli(capsys, "train", sheet(), "--skip-rows", "2", "--ignore", "漁獲日",
                   "--hidden", "4", "--optimizer", "adam", "--lr", "0.05", "--epochs", "300",
                   "--test-split", "0.25", "--stratify", "--out", out)
    assert code == 0, io.err
    return out


def test_train_with_ignore_keeps_ids_and_encodes_ports(fish_run):
    with zipfile.ZipFile(fish_run / "model.glassnet") as z:
        info = json.loads(z.read("config.json"))["info"]
    assert info["feature_names"] == ["漁港=焼津港", "漁港=石巻港", "漁港=銚子港", "体長(cm)",
                                     "体重(kg)"]
    assert info["columns"]["id"] == ["No."] and info["columns"]["ignored"] == ["漁獲日"]
    rows = list(csv.reader(open(fish_run / "test-predictions.csv", encoding="utf-8-sig")))
    assert rows[0][0] == "No." and rows[0][6] == "魚種" and rows[0][-1] == "predicted"
    ids = [int(r[0]) for r in rows[1:]]
    assert len(ids) == 15 and len(set(ids)) == 15 and max(ids) <= 60
    assert sum(r[6] == r[-1] for r in rows[1:]) >= 14  # the species are easy to tell apart
    html = (fish_run / "report.html").read_text(encoding="utf-8")
    assert "ID columns (carried, not inputs)" in html and "漁獲日" in html


def test_predict_keeps_every_column_and_compares(fish_run, sheet, tmp_path, capsys):
    new = sheet("new.csv", n=9, seed=4)
    code, io = cli(capsys, "predict", fish_run / "model.glassnet", new, "--skip-rows", "2")
    assert code == 0, io.err
    rows = list(csv.reader(io.out.splitlines()))
    assert rows[0] == ["No.", "漁獲日", "漁港", "体長(cm)", "体重(kg)", "魚種", "p_サケ",
                       "p_サバ", "p_マダイ", "predicted"]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 10)]
    assert rows[1][1] == "2024/1/1"
    correct = sum(r[5] == r[-1] for r in rows[1:])
    assert f"compared with column '魚種' on 9 rows: accuracy {correct / 9:.3f}" in io.err
    matrix = [line.split()[1:] for line in io.err.splitlines()[-3:]]
    assert sum(int(v) for row in matrix for v in row) == 9
    assert sum(int(matrix[k][k]) for k in range(3)) == correct
    # Unlabelled rows, written to a file: no comparison; a port never seen is named.
    unlabelled = sheet("unlabelled.csv", n=3, labels=False, title=False)
    code, io = cli(capsys, "predict", fish_run / "model.glassnet", unlabelled, "--out",
                   tmp_path / "p.csv")
    assert code == 0 and "compared" not in io.out
    written = list(csv.reader(open(tmp_path / "p.csv", encoding="utf-8-sig")))
    assert written[0][:5] == ["No.", "漁獲日", "漁港", "体長(cm)", "体重(kg)"]
    other = sheet("other.csv", n=3, title=False, ports=("函館港",))
    code, io = cli(capsys, "predict", fish_run / "model.glassnet", other)
    assert code == 2 and "'函館港' is not a category the model was trained on" in io.err


def test_evaluate_a_sheet(fish_run, sheet, capsys):
    code, io = cli(capsys, "evaluate", fish_run / "model.glassnet", sheet("e.csv", n=12),
                   "--skip-rows", "2")
    assert code == 0, io.err
    assert "12 rows: loss" in io.out and "confusion matrix" in io.out


def test_features_by_name_range(sheet, tmp_path, capsys):
    out = tmp_path / "two"
    code, io = cli(capsys, "train", sheet(title=False), "--features", "体長(cm):体重(kg)",
                   "--epochs", "5", "--no-figures", "--out", out)
    assert code == 0, io.err
    assert "columns: inputs 体長(cm), 体重(kg); ID No. (not an input)\n" in io.out
    header = next(csv.reader(open(out / "train.csv", encoding="utf-8-sig")))
    assert header == ["No.", "体長(cm)", "体重(kg)", "魚種"]


def test_train_on_mnist_layout_images(digits_npz, tmp_path, capsys, monkeypatch):
    out = tmp_path / "digits-run"
    code, io = cli(capsys, "train", digits_npz, "--hidden", "8", "--activation", "relu",
                   "--optimizer", "adam", "--lr", "0.01", "--epochs", "30", "--batch-size",
                   "32", "--split-files", "rows", "--out", out)
    assert code == 0, io.err
    names = set(os.listdir(out))
    assert {"first-layer-weights.png", "decision-regions.png", "split.csv"} <= names
    assert "train.csv" not in names
    split = list(csv.reader(open(out / "split.csv", encoding="utf-8-sig")))
    assert split[0] == ["part", "row"] and len(split) == 1 + 250
    assert [r[0] for r in split[1:]].count("test") == 50  # the file's own test images
    predictions = list(csv.reader(open(out / "test-predictions.csv", encoding="utf-8-sig")))
    assert predictions[0][:2] == ["row", "digit"] and len(predictions[0]) == 2 + 10 + 1
    accuracy = np.mean([r[1] == r[-1] for r in predictions[1:]])
    assert accuracy > 0.9
    # By name, from $GLASSNET_DATA.
    monkeypatch.setenv("GLASSNET_DATA", str(digits_npz.parent))
    code, io = cli(capsys, "train", "mnist", "--epochs", "1", "--no-figures", "--out",
                   tmp_path / "by-name")
    assert code == 0, io.err
    code, io = cli(capsys, "train", "mnist", "--target", "x", "--out", tmp_path / "bad")
    assert code == 2 and "holds images with their labels" in io.err


def test_validation_file_is_encoded_like_the_training_file(sheet, tmp_path, capsys):
    # The validation sheet has only two of the three ports: its one-hot columns must
    # still line up with the training file's.
    validation = sheet("v.csv", n=12, seed=8, ports=("石巻港", "銚子港"))
    code, io = cli(capsys, "train", sheet(), "--skip-rows", "2", "--ignore", "漁獲日",
                   "--validation", validation, "--epochs", "3", "--no-figures", "--out",
                   tmp_path / "v")
    assert code == 0, io.err
    assert "validation loss" in io.out


def test_predict_finds_a_title_row_by_itself(fish_run, sheet, capsys):
    code, io = cli(capsys, "predict", fish_run / "model.glassnet", sheet("t.csv", n=4))
    assert code == 0, io.err
    assert io.out.splitlines()[0].startswith("No.,漁獲日,漁港")
    code, io = cli(capsys, "evaluate", fish_run / "model.glassnet", sheet("t.csv", n=6))
    assert code == 0 and "6 rows: loss" in io.out
    code, io = cli(capsys, "predict", fish_run / "model.glassnet", sheet("t.csv"),
                   "--skip-rows", "-1")
    assert code == 2 and "--skip-rows: expected a whole number >= 0, got '-1'" in io.err


def test_idx_files_by_folder_or_by_one_file(tmp_path):
    from glassnet.datasets import load_any

    from glassnet.data.mnist import IDX_FILES

    from .conftest import digit_images
    from .test_data import write_idx

    arrays = digit_images(per_class=2, test_per_class=1)
    for key, name in IDX_FILES.items():
        write_idx(tmp_path / name, arrays[key], compress=key.startswith("y"))
    for source in (tmp_path, tmp_path / "train-images-idx3-ubyte"):
        data = load_any(str(source))
        assert data.features.shape == (30, 784) and data.info["test_rows"] == 10
        assert data.info["image_shape"] == [28, 28] and data.features.max() == 1.0
        np.testing.assert_array_equal(data.labels[:20], arrays["y_train"])


def test_compare_takes_the_column_options(sheet, tmp_path, capsys):
    path = sheet()
    code, io = cli(capsys, "compare", path, "--skip-rows", "2", "--hidden", "3",
                   "--epochs", "2", "--out", tmp_path / "c")
    assert code == 2 and "--ignore 漁獲日" in io.err  # and compare has --ignore:
    code, io = cli(capsys, "compare", path, "--skip-rows", "2", "--ignore", "漁獲日",
                   "--hidden", "3", "--hidden", "2", "--epochs", "2", "--out", tmp_path / "c")
    assert code == 0, io.err
    results = json.loads((tmp_path / "c" / "results.json").read_text(encoding="utf-8"))
    assert len(results) == 2


def test_gradcheck_on_a_sheet(sheet, capsys):
    code, io = cli(capsys, "gradcheck", sheet(), "--skip-rows", "2", "--ignore", "漁獲日")
    # Reads the sheet (exit 1 would be a failed check, 2 a refused input); the first
    # layer sees 5 inputs: three ports one-hot, length and weight.
    assert code in (0, 1), io.err
    assert "gradient check on 32 rows" in io.out and "(5, 4)" in io.out
