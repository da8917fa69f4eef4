"""One table of cells, one expected value per cell, whichever front end reads it: load_csv,
train then predict / evaluate / trace from the shell, the playground's reader, a
scikit-learn estimator given a DataFrame of text, and model.predict(DataFrame)."""

import csv
import io

import numpy as np
import pytest

from glassnet.cli import run

# how people write numbers in a sheet, and what each one is
WRITTEN = [("1,234", 1234.0), ("１２", 12.0), ("▲5", -5.0), ("−7.5", -7.5), (" 42 ", 42.0),
           ("1 500", 1500.0), ("+3", 3.0), ("△1,000", -1000.0), ("0.25", 0.25), ("８００", 800.0)]
WARDS = ["港区", "練馬区"]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-table")
    rng = np.random.default_rng(3)
    lines, area, ward, price = [["番号", "面積", "区", "価格"]], [], [], []
    for i in range(80):
        text, value = WRITTEN[i % len(WRITTEN)]
        w = int(rng.integers(0, 2))
        y = 0.5 * value + 300 * w + rng.normal(0, 10)
        lines.append([str(i + 1), text, WARDS[w], f"{y:,.1f}"])
        area.append(value), ward.append(w), price.append(float(f"{y:.1f}"))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    path = folder / "物件.csv"
    path.write_bytes(buffer.getvalue().encode("cp932"))
    x = np.column_stack([area, np.eye(2)[ward]])  # 面積, 区=港区, 区=練馬区
    model_dir = folder / "run"
    code = run(["train", str(path), "--target", "価格", "--hidden", "3", "--epochs", "20",
                "--out", str(model_dir), "-q"])
    assert code == 0
    return {"path": path, "x": x, "y": np.array(price), "model": model_dir / "model.glassnet",
            "lines": lines}


def model_of(table):
    from glassnet.training.model import load_model

    return load_model(str(table["model"]))


def test_load_csv(table):
    from glassnet import load_csv

    data = load_csv(table["path"], target="価格")
    assert data.feature_names == ["面積", "区=港区", "区=練馬区"] and data.id_names == ["番号"]
    assert data.features.tolist() == table["x"].tolist()
    assert data.class_names is None and data.labels[:, 0].tolist() == table["y"].tolist()


def test_train_predict_evaluate_and_trace(table, tmp_path, capsys):
    from glassnet.cli.models import _table_rows
    from glassnet.data.exports import predict_csv

    model = model_of(table)
    assert model.info["columns"]["id"] == ["番号"]
    expected = model.predict(table["x"])
    np.testing.assert_array_equal(predict_csv(model, table["path"]).probabilities, expected)
    rows, labels = _table_rows(model, str(table["path"]))
    assert rows.tolist() == table["x"].tolist() and labels[0] == "line 2, 番号 1"
    code = run(["evaluate", str(table["model"]), str(table["path"])])
    printed = capsys.readouterr().out
    loss = model.evaluate(table["x"], table["y"][:, None], return_dict=True)["loss"]
    assert code == 0 and f"loss {loss:.4g}" in printed


def test_the_playground_reads_the_same(table):
    from glassnet.playground import setup

    raw = table["path"].read_bytes()
    described = setup.describe_csv("物件.csv", raw)
    assert described["numeric"] == [True, True, False, True]
    assert described["inputs"][:3] == [False, True, True]  # 番号 is an ID, 区 is an input
    state = {"data": {"source": "upload", "target": "価格", "features": ["面積", "区"]}}
    data, _mask = setup.load_data(state, ("物件.csv", raw))
    assert data.features.tolist() == table["x"].tolist()


def test_a_dataframe_of_text_reads_the_same(table):
    pd = pytest.importorskip("pandas")
    from glassnet import DataError

    frame = pd.DataFrame(table["lines"][1:], columns=table["lines"][0])
    model = model_of(table)
    expected = model.predict(table["x"])
    # by name: the columns in another order, the ID and the target along
    np.testing.assert_array_equal(model.predict(frame[["区", "価格", "面積", "番号"]]), expected)
    with pytest.raises(DataError, match=r"x has no column\(s\) '区'"):
        model.predict(frame[["面積"]])
    blank = frame.copy()
    blank.loc[2, "面積"] = "abc"
    with pytest.raises(DataError, match=r"x, row 3, column '面積': expected a number"):
        model.predict(blank)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_scikit_learn_reads_text_numbers_the_same(table):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("sklearn")
    from glassnet import DataError
    from glassnet.sklearn import NetRegressor

    texts = pd.DataFrame({"面積": [t for t, _ in WRITTEN]})
    numbers = pd.DataFrame({"面積": [v for _, v in WRITTEN]})
    y = np.arange(len(WRITTEN), dtype=float)
    a = NetRegressor(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(texts, y)
    b = NetRegressor(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(numbers, y)
    np.testing.assert_array_equal(a.predict(texts), b.predict(numbers))
    with pytest.raises(DataError, match=r"X, row 2, column '区'.*OneHotEncoder"):
        a.fit(pd.DataFrame({"区": ["1", "港区"]}), [0.0, 1.0])


def test_a_decimal_comma_target_is_regression(tmp_path, capsys):
    path = tmp_path / "de.csv"
    rows = "".join(f"{i},{i % 3};{10 + i},{i % 2}\n" for i in range(30))
    path.write_bytes(("\ufeffx;y\n" + rows).encode("utf-8"))
    code = run(["train", str(path), "--target", "y", "--epochs", "2", "--out",
                str(tmp_path / "r"), "-q"])
    assert code == 0
    from glassnet.training.model import load_model

    model = load_model(str(tmp_path / "r" / "model.glassnet"))
    assert model.info["class_names"] is None and model.info["target_name"] == "y"
