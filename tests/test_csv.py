import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet import DataError, load_csv


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def test_cp932_japanese_headers_and_classes(tmp_path):
    text = "体長,体重,魚種\n10.5,200,鯛\n12,250,鮭\n11,230,鯛\n"
    d = load_csv(write(tmp_path, text, encoding="cp932"), target="魚種")
    assert d.feature_names == ["体長", "体重"] and d.target_name == "魚種"
    assert d.class_names == ["鮭", "鯛"] and d.labels.tolist() == [1, 0, 1]
    assert d.info["encoding"] == "cp932"
    np.testing.assert_array_equal(d.features, [[10.5, 200], [12, 250], [11, 230]])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_and_delimiters_are_detected(tmp_path, encoding, delimiter):
    rows = [["x1", "x2", "class"], ["1", "2", "a"], ["3", "4", "b"], ["5", "6", "a"]]
    text = "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"
    d = load_csv(write(tmp_path, text, encoding=encoding), target="class")
    assert d.feature_names == ["x1", "x2"] and d.labels.tolist() == [0, 1, 0]
    assert d.info["delimiter"] == delimiter


def test_semicolon_files_with_decimal_commas(tmp_path):
    d = load_csv(write(tmp_path, "a;b;y\n1,5;2;0\n-0,25;3;1\n"))
    np.testing.assert_array_equal(d.features, [[1.5, 2], [-0.25, 3]])


def test_target_by_index_numeric_classes_in_numeric_order(tmp_path):
    text = "class,x1,x2\n10,0,0\n2,1,1\n1,2,2\n2,3,3\n"
    d = load_csv(write(tmp_path, text), target=0)
    assert d.class_names == ["1", "2", "10"] and d.labels.tolist() == [2, 1, 0, 1]
    assert d.feature_names == ["x1", "x2"]
    d = load_csv(write(tmp_path, text), target="class", features=["x2"])
    assert d.feature_names == ["x2"] and d.features.shape == (4, 1)


def test_regression_targets_become_float_columns(tmp_path):
    d = load_csv(write(tmp_path, "x,y\n9,500.5\n11,500\n12,1000.25\n"), target="y")
    assert not d.is_classification and d.labels.shape == (3, 1)
    d = load_csv(write(tmp_path, "x,y\n9,500\n11,500\n12,1000\n"), target="y", task="regression")
    assert d.labels.ravel().tolist() == [500, 500, 1000]


def test_excel_leftovers_are_tolerated(tmp_path):
    text = "x1,x2,class,,\n1,2,a,,\n,,,,\n3,4,b,,\n\n,,,,\n"
    d = load_csv(write(tmp_path, text))
    assert d.features.tolist() == [[1, 2], [3, 4]] and d.class_names == ["a", "b"]


def test_missing_values_drop_and_mean(tmp_path):
    text = "x1,x2,class\n1,NA,a\n3,4,b\n5,#N/A,a\n7,8,\n9,10,a\n"
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=r"line 2, column 'x2': the cell is missing \('NA'\)"):
        load_csv(path)
    d = load_csv(path, missing="drop")
    assert d.features.tolist() == [[3, 4], [9, 10]] and d.info["rows_dropped"] == 3
    with pytest.raises(DataError, match=r"line 3, column 'class': the target is missing"):
        load_csv(write(tmp_path, "x1,class\n1,a\n2,\n3,b\n", "target.csv"))
    # a blank target cannot be filled: its row is dropped and counted under every fill rule
    d = load_csv(path, missing="mean")
    assert d.features.tolist() == [[1, 7], [3, 4], [5, 7], [9, 10]]
    assert d.info["missing"]["no_target"] == 1 and d.info["missing"]["filled"] == {"x2": 2}
    d = load_csv(write(tmp_path, "x1,x2,class\n1,,a\n3,4,b\n5,8,a\n"), missing="mean")
    assert d.features[:, 1].tolist() == [6, 4, 8]


ERRORS = [
    ("", "is empty; expected a header line"),
    ("x1,x2,class\n", "has a header but no data rows"),
    ("x1,x2,class\n1,2,a\n3,4\n", "line 3: expected 3 cells like the header, found 2"),
    ("x1,x2,class\n1,abc,a\n3,4,b\n", "line 2, column 'x2': expected a number, found 'abc'"),
    ("x1,x2,class\n1,inf,a\n3,4,b\n", "line 2, column 'x2': expected a finite number"),
    ("x1,x2,class\n1,nan,a\n3,4,b\n", "line 2, column 'x2': the cell is missing"),
    ("x1,x2,class\n1,,a\n3,4,b\n", "line 2, column 'x2': the cell is missing"),
    ("x1,x2,class\n1,2,a\n3,4,a\n", "column 'class': the target has only one class \\('a'\\)"),
    ("x1,x1,class\n1,2,a\n3,4,b\n", "column name 'x1' appears twice \\(columns 1 and 2\\)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file"),
    (b"x1,x2\n\xff\xfe\xfa,1\n", "is not text in UTF-8 or Shift-JIS"),
    (b"\xfe\xff\x00\x00\x00\x00\x00", "byte-order mark but is not valid UTF-16"),
]


@pytest.mark.parametrize("content,message", ERRORS)
def test_errors_name_file_line_and_column(tmp_path, content, message):
    path = write(tmp_path, content, name="bad.csv")
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(DataError, match=message) as info:
        load_csv(path, target="class" if "class" in str(content) else -1)
    assert str(tmp_path / "bad.csv") in str(info.value)
    assert sorted(os.listdir(tmp_path)) == before  # nothing written


def test_unknown_target_and_missing_file(tmp_path):
    path = write(tmp_path, "x1,x2,class\n1,2,a\n3,4,b\n")
    with pytest.raises(DataError, match="no column named 'species' for the target; columns "
                                        "are: x1, x2, class"):
        load_csv(path, target="species")
    with pytest.raises(DataError, match="target index 5 is out of range; the file has 3"):
        load_csv(path, target=5)
    with pytest.raises(DataError, match="nothere.csv: no such file"):
        load_csv(tmp_path / "nothere.csv")
    with pytest.raises(DataError, match="is a folder"):
        load_csv(tmp_path)


CELL = st.one_of(st.text(alphabet="0123456789.-eE,;\t\"abc体 NA", max_size=6),
                 st.floats(allow_nan=True).map(str))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=6),
       st.sampled_from([",", ";", "\t"]))
def test_random_csv_text_gives_a_dataset_or_a_data_error(tmp_path_factory, rows, delimiter):
    text = "\n".join(delimiter.join(row) for row in rows)
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_text(text, encoding="utf-8")
    try:
        d = load_csv(path)
    except DataError:
        return
    assert d.features.ndim == 2 and len(d.features) == len(d.labels) > 0
    assert np.isfinite(d.features).all()
    assert d.features.shape[1] == len(d.feature_names)
    if d.is_classification:
        assert d.n_classes >= 2 and d.labels.max() < d.n_classes


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_give_a_dataset_or_a_data_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bytes") / "f.csv"
    path.write_bytes(raw)
    try:
        load_csv(path)
    except DataError:
        pass


# Bad data that costs too much or lies --------------------------------------------------
def test_a_very_long_line_is_refused_without_reading_it_whole(tmp_path):
    import tracemalloc

    from glassnet.data.csvfile import read_table

    path = tmp_path / "long.csv"
    with open(path, "w") as f:
        f.write("a,b\n1,2\n")
        f.write("3," + "9" * 20_000_000 + "\n")  # 20 MB on one line
    tracemalloc.start()
    with pytest.raises(DataError, match=r"long.csv, line 3: the line is longer than 1000000"):
        read_table(path, max_line=1_000_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10_000_000  # far less than the 20 MB line


def test_a_huge_quoted_cell_names_the_line(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('a,b\n1,"' + "x\n" * 100_000 + '"\n')
    with pytest.raises(DataError, match=r"quoted.csv, line \d+: not valid CSV \(field larger"):
        load_csv(path)


def test_utf32_with_bom_is_read(tmp_path):
    path = tmp_path / "u32.csv"
    path.write_bytes("体長,種\n1,鯛\n2,鮭\n".encode("utf-32"))
    d = load_csv(path)
    assert d.feature_names == ["体長"] and d.class_names == ["鮭", "鯛"]
    assert d.info["encoding"] == "utf-32"


def test_text_labels_are_capped_like_numeric_ones(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("x,id\n" + "".join(f"{i},user{i}\n" for i in range(150)))
    with pytest.raises(DataError, match=r"ids.csv, column 'id': the target has 150 distinct "
                       r"labels, more than the 100 classes allowed.*max_classes"):
        load_csv(path)
    assert load_csv(path, max_classes=150).n_classes == 150


@pytest.mark.parametrize("cell", ["#DIV/0!", "#VALUE!", "#REF!"])
def test_an_excel_error_in_a_numeric_target_names_file_line_and_column(tmp_path, cell):
    path = tmp_path / "err.csv"
    rows = [f"{i},{i * 0.37:.3f}" for i in range(40)]
    rows[6] = f"6,{cell}"
    path.write_text("x,y\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=rf"err.csv, line 8, column 'y': '{cell}' is an Excel "
                       "error value"):
        load_csv(path)


def test_a_stray_word_in_a_numeric_target_is_not_a_class(tmp_path):
    path = tmp_path / "word.csv"
    rows = [f"{i},{i * 0.37:.3f}" for i in range(40)]
    rows[3] = "3,oops"
    path.write_text("x,y\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"word.csv, line 5, column 'y': expected a number like "
                       r"the other 39 cells"):
        load_csv(path)


@pytest.mark.parametrize("cell", ["inf", "-inf", "1e999"])
def test_an_infinite_target_names_file_line_and_column(tmp_path, cell):
    path = tmp_path / "inf.csv"
    path.write_text(f"x,y\n1,0.5\n2,{cell}\n3,0.25\n")
    with pytest.raises(DataError, match=rf"inf.csv, line 3, column 'y': the target must be a "
                       rf"finite number, found '{cell}'"):
        load_csv(path)


def test_huge_whole_numbers_are_a_quantity_not_classes(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("x,y\n" + "".join(f"{i},{(i + 1) * 1e300}\n" for i in range(10)))
    d = load_csv(path)
    assert not d.is_classification and d.labels[3, 0] == 4e300


def test_names_neutralised_on_the_way_out_read_back_as_they_were(tmp_path):
    from glassnet.data import Dataset

    d = Dataset(np.array([[1.0, -2.0], [3.0, 4.0]]), np.array([0, 1]), ["=a", "-b"],
                ["+yes", "@no"], "=target")
    d.to_csv(tmp_path / "out.csv")
    assert "'=a" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    back = load_csv(tmp_path / "out.csv", target="=target")
    assert back.feature_names == ["=a", "-b"] and back.class_names == ["+yes", "@no"]
    np.testing.assert_array_equal(back.features, d.features)
