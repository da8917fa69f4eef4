"""The one cell parser: one table of cells, one expected value each, whichever way in."""

import pytest

from glassnet import DataError, load_csv
from glassnet.data.cells import is_missing, parse_column, parse_number, read_number, unit_of
from glassnet.data.targets import encode_target

# (cell, value in a point-decimal file, value in a decimal-comma (;) file); None: not a number
CELLS = [
    ("12", 12.0, 12.0),
    (" 12.5 ", 12.5, 12.5),
    ("1,234", 1234.0, 1.234),
    ("1,234,567.5", 1234567.5, None),
    ("1 234", 1234.0, 1234.0),
    ("1\u00a0234", 1234.0, 1234.0),  # Excel's no-break space
    ("1.234,5", None, 1234.5),
    ("1 234,5", None, 1234.5),
    ("10,5", None, 10.5),
    ("-0,25", None, -0.25),
    ("１２３", 123.0, 123.0),
    ("１，２３４．５", 1234.5, None),
    ("−5", -5.0, -5.0),
    ("－５", -5.0, -5.0),
    ("▲5", -5.0, -5.0),
    ("△1,200", -1200.0, -1.2),
    ("▲ 3", -3.0, -3.0),
    ("+7", 7.0, 7.0),
    ("1e3", 1000.0, 1000.0),
    ("0,5", None, 0.5),
    ("12,34", None, 12.34),
    ("1,2345", None, 1.2345),
    ("abc", None, None),
    ("--5", None, None),
    ("▲-5", None, None),
    ("1,23,456", None, None),
]


@pytest.mark.parametrize("cell, point, comma", CELLS)
def test_one_cell_one_value(cell, point, comma):
    for decimal_comma, expected in ((False, point), (True, comma)):
        if expected is None:
            with pytest.raises(ValueError):
                parse_number(cell, decimal_comma)
        else:
            assert parse_number(cell, decimal_comma) == expected


def test_missing_marks_full_width_too():
    assert all(is_missing(c) for c in ["", " ", "NA", "n/a", "#N/A", "ＮＡ", "nan", "?"])
    assert not any(is_missing(c) for c in ["0", "-", "none of them"])


def test_a_semicolon_column_with_decimal_points_keeps_them():
    # no comma anywhere and a point that cannot group thousands: points are decimals
    assert parse_column(["0.125", "1.250", "2.5"], True).tolist() == [0.125, 1.25, 2.5]
    # German thousands: 13.640 is 13640 when the column writes decimals with commas
    assert parse_column(["13.640", "1,5"], True).tolist() == [13640.0, 1.5]
    assert parse_column(["13.640", "2.000"], True).tolist() == [13640.0, 2000.0]


def test_the_fast_path_agrees_with_the_cell_parser():
    cells = ["1", "２", " 3 ", "-4.5", "1e2", "+6"]
    assert parse_column(cells).tolist() == [parse_number(c) for c in cells]
    mixed = cells + ["1,234", "▲5"]
    assert parse_column(mixed).tolist() == [parse_number(c) for c in mixed]


@pytest.mark.parametrize("cell, unit", [("1,234円", "円"), ("12%", "%"), ("12 %", "%"),
                                        ("¥500", "¥"), ("￥1,500", "¥"), ("3.5kg", "kg"),
                                        ("2LDK", None), ("A1", None), ("5", None)])
def test_units_are_recognised(cell, unit):
    assert unit_of(cell) == unit


def test_a_unit_is_refused_with_the_fix():
    with pytest.raises(DataError) as error:
        read_number("1,234円", False, "f.csv, line 3, column '価格'")
    message = str(error.value)
    assert message.startswith("f.csv, line 3, column '価格': '1,234円' is a number with the "
                              "unit '円'")
    assert "'価格(円)'" in message and "Find and Replace" in message


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_unit_column_is_refused_in_a_file(tmp_path):
    path = write(tmp_path, "面積,価格\n20,\"1,234円\"\n30,\"2,000円\"\n40,\"3,100円\"\n")
    with pytest.raises(DataError, match=r"line 2, column '価格': '1,234円' is a number with"):
        load_csv(path, target="価格")
    path = write(tmp_path, "率,y\n12%,1\n15%,2\n20%,3\n", "rate.csv")
    with pytest.raises(DataError, match=r"rate.csv, line 2, column '率': '12%' is a number"):
        load_csv(path, target="y")


def test_a_table_of_cells_reads_the_same_as_a_column_and_as_a_target(tmp_path):
    point = [(c, v) for c, v, _ in CELLS if v is not None]
    comma = [(c, v) for c, _, v in CELLS if v is not None]
    for delimiter, pairs in ((",", point), (";", comma)):
        lines = ["x" + delimiter + "y"] + [
            '"' + c + '"' + delimiter + '"' + c + '"' for c, _ in pairs]
        path = write(tmp_path, "\n".join(lines) + "\n", f"cells{ord(delimiter)}.csv")
        d = load_csv(path, target="y", id=False)
        expected = [v for _, v in pairs]
        assert d.features[:, 0].tolist() == expected, delimiter
        assert d.class_names is None and d.labels[:, 0].tolist() == expected
        labels, names = encode_target([c for c, _ in pairs], list(range(len(pairs))), "auto",
                                      "f.csv", "y", decimal_comma=delimiter == ";")
        assert names is None and labels[:, 0].tolist() == expected
