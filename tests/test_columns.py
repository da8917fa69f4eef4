"""Column selection, ID, category and date handling on sheets as Japanese Excel saves them."""

import numpy as np
import pytest

import glassnet
from glassnet import DataError, load_csv
from glassnet.data import columns
from glassnet.data.csvfile import title_rows

HEADER = ["No.", "漁獲日", "漁港", "体長(cm)", "体重(kg)", "魚種"]


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.mark.parametrize("specs,expected", [
    (["体長(cm)"], [3]),
    (["体長(cm):体重(kg)"], [3, 4]),
    (["体重(kg):体長(cm)"], [3, 4]),           # a name range in either order
    (["4-5"], [3, 4]),                           # positions count from 1, as in Excel
    (["2"], [1]),
    (["体*"], [3, 4]),
    (["No.,漁港"], [0, 2]),                      # comma-separated in one spec
    (["漁港", "1-2"], [0, 1, 2]),
])
def test_resolve_specs(specs, expected):
    assert columns.resolve(specs, HEADER, "f.csv") == expected


@pytest.mark.parametrize("spec,message", [
    ("体長", r"no column named '体長' \(did you mean '体長\(cm\)'\?\)"),
    ("px*", "'px\\*' matches no column"),
    ("0-3", "positions count from 1 to 6"),
    ("5-9", "positions count from 1 to 6"),
])
def test_resolve_errors_name_the_spec(spec, message):
    with pytest.raises(DataError, match=message):
        columns.resolve([spec], HEADER, "f.csv")


def test_summarize_collapses_long_lists():
    assert columns.summarize(["a", "b"]) == "a, b"
    text = columns.summarize([f"px{i}" for i in range(784)])
    assert text.endswith("px783 (784 columns)") and len(text) < 80


def test_the_japanese_sheet_end_to_end(sheet):
    path = sheet()
    # skip_rows=0 says "no title": the title row is then taken for the header.
    with pytest.raises(DataError, match=r"line 3: expected 1 cells .* lines 1-2 look like a "
                       r"title above the header: pass --skip-rows 2"):
        load_csv(path, skip_rows=0)
    with pytest.raises(DataError, match=r"column '漁獲日': holds dates \(e.g. '2024/1/1'\).*"
                       r"--ignore 漁獲日 \(ignore=\['漁獲日'\] in Python\)"):
        load_csv(path)  # the title is found by itself, as every command finds it
    assert load_csv(path, ignore="漁獲日").features.tolist() == load_csv(
        path, skip_rows=2, ignore="漁獲日").features.tolist()
    d = load_csv(path, skip_rows=2, ignore="漁獲日")
    assert d.feature_names == ["漁港=焼津港", "漁港=石巻港", "漁港=銚子港", "体長(cm)", "体重(kg)"]
    assert d.id_names == ["No."] and d.ids[:3, 0].tolist() == ["1", "2", "3"]
    assert d.class_names == ["サケ", "サバ", "マダイ"] and len(d) == 60
    # Line numbers in the file: title, blank, header, then data with a blank row after 17.
    assert d.lines[:2].tolist() == [4, 5] and d.lines[17].tolist() == 22
    assert (d.features[:, :3].sum(axis=1) == 1).all()  # one-hot: exactly one port per row
    plan = d.info["columns"]
    assert plan["inputs"][0] == {"name": "漁港", "kind": "category",
                                 "levels": ["焼津港", "石巻港", "銚子港"]}
    assert plan["ignored"] == ["漁獲日"] and plan["id"] == ["No."] and plan["target"] == "魚種"
    part = d.subset(slice(10, 12))
    assert part.ids[:, 0].tolist() == ["11", "12"] and part.lines.tolist() == [14, 15]


def test_features_by_range_and_position(sheet):
    path = sheet(title=False)
    d = load_csv(path, features="体長(cm):体重(kg)")
    assert d.feature_names == ["体長(cm)", "体重(kg)"] and d.id_names == ["No."]
    assert load_csv(path, features="4-5").feature_names == ["体長(cm)", "体重(kg)"]
    # Ignoring by position, and the ID named explicitly.
    d = load_csv(path, ignore="2-3", id="No.")
    assert d.feature_names == ["体長(cm)", "体重(kg)"]


def test_id_detection(tmp_path):
    # Consecutive integers in the first column are row numbers; text different in every
    # row is an identifier; 'fish_id' by name.
    text = "row,code,fish_id,x,y\n5,F01,7,1,a\n6,F02,3,2,b\n7,F03,9,3,a\n"
    d = load_csv(write(tmp_path, text))
    assert d.id_names == ["row", "code", "fish_id"] and d.feature_names == ["x"]
    assert d.ids.tolist() == [["5", "F01", "7"], ["6", "F02", "3"], ["7", "F03", "9"]]
    # id=False: the row numbers become an input; the text codes a category.
    d = load_csv(write(tmp_path, text), id=False)
    assert d.feature_names[:1] == ["row"] and "code=F01" in d.feature_names
    # A regression on x = 1, 2, 3, ...: x is not taken for an ID when it is all there is.
    d = load_csv(write(tmp_path, "x,y\n1,10.5\n2,20.5\n3,30.25\n4,39.5\n"))
    assert d.feature_names == ["x"] and d.id_names == []


def test_categories_and_mixed_columns(tmp_path):
    text = "port,size,class\nA,1,x\nB,2,y\nA,3,x\nC,4,y\n"
    d = load_csv(write(tmp_path, text))
    np.testing.assert_array_equal(d.features, [[1, 0, 0, 1], [0, 1, 0, 2], [1, 0, 0, 3],
                                               [0, 0, 1, 4]])
    # Mostly numbers with one text cell is a typo, not a category.
    with pytest.raises(DataError, match=r"line 3, column 'size': expected a number, found 'x2'"):
        load_csv(write(tmp_path, "port,size,class\nA,1,x\nB,x2,y\nA,3,x\nC,4,y\n"))
    many = "t,class\n" + "".join(f"w{i},{i % 2}\n" for i in range(60)) + "w1,0\n"
    with pytest.raises(DataError, match=r"column 't': 60 different texts, more than 50 "
                       r"categories.*--ignore t"):
        load_csv(write(tmp_path, many))


def test_missing_category_cells_drop_or_mean(tmp_path):
    text = "port,size,class\nA,1,x\nNA,2,y\nB,3,x\nA,4,y\n"
    assert len(load_csv(write(tmp_path, text), missing="drop")) == 3
    d = load_csv(write(tmp_path, text), missing="mean")  # a text column: its most frequent
    np.testing.assert_allclose(d.features[1], [1, 0, 2])
    with pytest.raises(DataError, match="line 3, column 'port': the cell is missing"):
        load_csv(write(tmp_path, text))


def test_quoted_thousands_and_title_without_padding(tmp_path):
    text = '魚類調査\n体長,体重,種\n10,"1,250",鯛\n12,"2,500.5",鮭\n11,900,鯛\n'
    with pytest.raises(DataError, match=r"line 1 looks like a title .* --skip-rows 1"):
        load_csv(write(tmp_path, text), skip_rows=0)
    assert load_csv(write(tmp_path, text)).feature_names == ["体長", "体重"]
    d = load_csv(write(tmp_path, text), skip_rows=1)
    assert d.features[:, 1].tolist() == [1250.0, 2500.5, 900.0]
    with pytest.raises(DataError, match="skip_rows must be a whole number"):
        load_csv(write(tmp_path, text), skip_rows=-1)


def test_plan_reencodes_a_second_file_and_rejects_unseen_levels(sheet, tmp_path):
    train = load_csv(sheet(), skip_rows=2, ignore="漁獲日")
    other = sheet("new.csv", title=False, seed=5, n=9, ports=("銚子港", "石巻港"))
    d = load_csv(other, plan=train.info["columns"])
    assert d.feature_names == train.feature_names
    assert (d.features[:, 0] == 0).all()  # no 焼津港 in the new file, still its own column
    bad = sheet("bad.csv", title=False, n=4, ports=("函館港",))
    with pytest.raises(DataError, match=r"line 2, column '漁港': '函館港' is not a category "
                       r"the model was trained on \(known: 焼津港, 石巻港, 銚子港\)"):
        load_csv(bad, plan=train.info["columns"])


def test_fit_remembers_the_plan_and_predict_keeps_every_column(sheet, tmp_path):
    data = load_csv(sheet(), skip_rows=2, ignore="漁獲日")
    model = glassnet.Sequential([glassnet.layers.Normalization(),
                                 glassnet.layers.Dense(3, "softmax")], seed=0)
    model.layers[0].adapt(data.features)
    model.compile(glassnet.optimizers.Adam(0.05), "categorical_crossentropy", ["accuracy"])
    model.fit(data, epochs=60, batch_size=len(data))
    assert model.info["columns"] == data.info["columns"]
    model.save(tmp_path / "m.glassnet")
    model = glassnet.load_model(tmp_path / "m.glassnet")
    new = sheet("new.csv", title=False, seed=3, n=12)
    result = glassnet.predict_csv(model, new, tmp_path / "out.csv")
    assert result.header == [*HEADER, "p_サケ", "p_サバ", "p_マダイ", "predicted"]
    assert [r[0] for r in result.rows] == [str(i + 1) for i in range(12)]
    assert result.rows[0][1] == "2024/1/1"  # the date column comes through as written
    expected = model.predict(load_csv(new, plan=model.info["columns"]).features)
    np.testing.assert_allclose(result.probabilities, expected)
    truth = [r[5] for r in result.rows]
    predicted = [r[-1] for r in result.rows]
    accuracy = np.mean([a == b for a, b in zip(truth, predicted)])
    assert result.comparison["accuracy"] == pytest.approx(accuracy)
    assert accuracy > 0.9  # length and weight separate the three species
    matrix = np.array(result.comparison["confusion_matrix"])
    assert matrix.sum() == 12 and matrix.trace() == round(accuracy * 12)
    unlabelled = sheet("unlabelled.csv", title=False, labels=False, n=5)
    result = glassnet.predict_csv(model, unlabelled)
    assert result.comparison is None and result.header[:5] == HEADER[:5]


def test_predict_compares_numeric_targets(tmp_path):
    # y = 2 x exactly, learnt by a linear model set by hand: the errors are known.
    model = glassnet.Sequential([glassnet.layers.Dense(1, "linear")], input_dim=1)
    model.set_weights([np.array([[2.0]]), np.array([0.0])])
    model.info.update(feature_names=["x"], target_name="y", class_names=None)
    path = write(tmp_path, "id,x,y,note\nA,1,2.5,ok\nB,2,3,\nC,3,NA,late\n")
    result = glassnet.predict_csv(model, path)
    assert result.header == ["id", "x", "y", "note", "y_predicted"]
    assert [r[-1] for r in result.rows] == pytest.approx([2.0, 4.0, 6.0])
    assert result.comparison["rows"] == 2  # the row without a target is left out
    assert result.comparison["mae"] == pytest.approx((0.5 + 1.0) / 2)
    assert result.comparison["rmse"] == pytest.approx(np.sqrt((0.25 + 1.0) / 2))


def test_title_rows_found_by_themselves(tmp_path):
    from glassnet.data.csvfile import read_table

    text = "調査 2024,,\n,,\n\nx,y,class\n1,2,a\n3,4,b\n"
    header, rows, _ = read_table(write(tmp_path, text), skip_rows=None)
    assert header == ["x", "y", "class"] and [line for line, _ in rows] == [5, 6]
    plain = "x,y,class\n1,2,a\n3,4,b\n"  # nothing to skip in a file without a title
    assert read_table(write(tmp_path, plain), skip_rows=None)[0] == ["x", "y", "class"]
    assert title_rows([(1, ["x", "y"]), (2, ["1", "2"]), (3, ["3", "4"])]) is None
