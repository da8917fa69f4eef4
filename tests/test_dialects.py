"""Outputs in the input's conventions: a German sheet (``;``, decimal commas, a BOM) gives
German predictions, exports and coefficient tables; every echoed cell is written exactly
as it was read; numbers come in the shortest digits of their type; and reading
glassnet's own output back gives exactly the same numbers, for every dialect (comma and
point, semicolon and decimal comma, tab, cp932, a workbook)."""

import csv
import io

import numpy as np
import pytest

from glassnet.cli import run
from glassnet.data.cells import parse_number
from glassnet.data.csvfile import read_table
from glassnet.data.dialect import decimal_mark
from glassnet.data.exports import predict_csv
from glassnet.io.files import csv_bytes, format_number, output_dialect
from glassnet.training.model import load_model

WARDS = ["中央区", "港区", "北区"]


def sheet_rows(n=40, seed=0):
    """Rows of an apartment sheet: number, area, age, ward, price (the target)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        area = round(float(rng.uniform(20, 90)), 2)
        age = int(rng.integers(0, 40))
        ward = WARDS[i % 3]
        price = round(60 * area - 30 * age + 400 * (i % 3) + float(rng.normal(0, 40)), 1)
        rows.append((i + 1, area, age, ward, price))
    return rows


HEADER = ["番号", "面積", "築年数", "区", "価格(万円)"]


def german(value):
    """A number as German Excel writes it: 2.812,5 (thousands points, a decimal comma)."""
    text = f"{value:,}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


DIALECTS = {
    # name: (delimiter, encoding, how numbers are written, decimal mark expected)
    "comma-point": (",", "utf-8", lambda v: f"{v:,}" if isinstance(v, float) else str(v), "."),
    "semicolon-comma": (";", "utf-8-sig", lambda v: german(v) if isinstance(v, float)
                        else str(v), ","),
    "tab": ("\t", "utf-16", str, "."),
    "cp932": (",", "cp932", str, "."),
}


def write_sheet(path, dialect, rows=None):
    delimiter, encoding, number, _ = DIALECTS[dialect]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows or sheet_rows():
        writer.writerow([number(v) if not isinstance(v, str) else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return str(path)


def write_workbook(path, rows=None):
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("python_calamine")
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows or sheet_rows():
        book.active.append(list(row))
    book.save(path)
    return str(path)


def train(path, out, capsys, *extra):
    code = run(["train", path, "--target", "価格(万円)", "--hidden", "3", "--epochs", "30",
                "--optimizer", "adam", "--lr", "0.05", "--no-figures", "--out", str(out),
                *extra])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return load_model(str(out / "model.glassnet"))


@pytest.mark.parametrize("dialect", [*DIALECTS, "workbook"])
def test_predictions_read_back_as_the_same_numbers(dialect, tmp_path, capsys):
    if dialect == "workbook":
        source = write_workbook(tmp_path / "物件.xlsx")
        expected = (",", ".")
    else:
        source = write_sheet(tmp_path / "物件.csv", dialect)
        expected = (DIALECTS[dialect][0], DIALECTS[dialect][3])
    model = train(source, tmp_path / "run", capsys)
    header, rows, detected = read_table(source)
    out = tmp_path / "predictions.csv"
    result = predict_csv(model, source, out)
    assert (result.dialect["delimiter"], result.dialect["decimal"]) == expected
    assert result.dialect["encoding"] == "utf-8-sig"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    back_header, back_rows, back = read_table(out)
    assert (back["delimiter"], back["decimal"]) == expected
    assert back_header == [*header, "価格(万円)_predicted"]
    # every cell of the input comes back exactly as it was read
    assert [row[:len(header)] for _, row in back_rows] == [row for _, row in rows]
    # the predictions, read back with the file's decimal mark, are the float32 values
    written = np.array([parse_number(row[-1], expected[1] == ",") for _, row in back_rows],
                       dtype=np.float32)
    assert result.probabilities.dtype == np.float32
    np.testing.assert_array_equal(written, result.probabilities[:, 0])
    # shortest digits: no float32 value written with float64's tail
    assert all(len(row[-1].replace("-", "").replace(",", "").replace(".", "")) <= 9
               for _, row in back_rows)
    # glassnet's own output, predicted again, gives the very same numbers
    again = predict_csv(model, out)
    np.testing.assert_array_equal(again.probabilities, result.probabilities)


def test_a_german_sheet_gives_german_files(tmp_path, capsys):
    source = write_sheet(tmp_path / "wohnungen.csv", "semicolon-comma")
    out = tmp_path / "run"
    model = train(source, out, capsys, "--test-split", "0.25", "--split-files", "data")
    for name in ("test-predictions.csv", "train.csv", "coefficients-dense.csv",
                 "coefficients-dense-original-units.csv", "input-scaling.csv"):
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        header, rows, detected = read_table(out / name)
        assert (detected["delimiter"], detected["decimal"]) == (";", ","), name
    # the coefficients read back as the model's float32 weights, bit for bit
    header, rows, _ = read_table(out / "coefficients-dense.csv")
    kernel, bias = model.layers[-2].kernel, model.layers[-2].bias  # after Normalization
    dense = [layer for layer in model.layers if hasattr(layer, "kernel")][0]
    kernel, bias = dense.kernel, dense.bias
    read = np.array([[parse_number(c, True) for c in row[1:]] for _, row in rows],
                    dtype=np.float32)
    np.testing.assert_array_equal(read[:, 0], bias)
    np.testing.assert_array_equal(read[:, 1:], kernel.T)
    # test predictions: the true prices as read, the predictions with decimal commas
    header, rows, _ = read_table(out / "test-predictions.csv")
    assert header[-2:] == ["価格(万円)", "価格(万円)_predicted"]
    assert all("," in row[-1] and "." not in row[-1] for _, row in rows)
    assert all("," in row[-2] and "." not in row[-2] for _, row in rows)


def test_predict_prints_the_table_in_the_inputs_conventions(tmp_path, capsys):
    source = write_sheet(tmp_path / "wohnungen.csv", "semicolon-comma", sheet_rows(12))
    model_dir = tmp_path / "run"
    train(source, model_dir, capsys)
    code = run(["predict", str(model_dir / "model.glassnet"), source])
    io_ = capsys.readouterr()
    assert code == 0, io_.err
    lines = io_.out.splitlines()
    assert lines[0] == "番号;面積;築年数;区;価格(万円);価格(万円)_predicted"
    first = lines[1].split(";")
    assert first[:5] == ["1", german(sheet_rows(12)[0][1]), str(sheet_rows(12)[0][2]),
                         "中央区", german(sheet_rows(12)[0][4])]
    assert "," in first[5]
    code = run(["predict", str(model_dir / "model.glassnet"), source, "--out",
                str(tmp_path / "p.xlsx")])
    io_ = capsys.readouterr()
    assert code == 2 and "predictions are written as a CSV file" in io_.err


def test_decimal_marks_and_numbers():
    assert decimal_mark([(2, ["1;2"]), (3, ["10,5"])], ";") == ","
    assert decimal_mark([(2, ["0.125", "1.5", "x"])], ";") == "."
    assert decimal_mark([(2, ["1.234", "7"])], ";") == ","  # thousands points: German
    assert decimal_mark([(2, ["1,5"])], "\t") == "."
    for value in (np.float32(2812.6365), np.float32(1e-7), np.float32(-0.1),
                  np.float32(3.4028235e38)):
        text = format_number(value)
        assert np.float32(float(text)) == value and len(text) <= 15
    assert format_number(np.float32(2812.636474609375)) == "2812.6365"
    assert format_number(0.1 + 0.2) == "0.30000000000000004"  # a float64 keeps its digits
    assert format_number(np.float32(-13.64), ",") == "-13,64"
    # a German negative number is a number, not a formula to neutralise
    assert csv_bytes(["x"], [["-13,64"], [np.float32(-1.5)]],
                     output_dialect({"delimiter": ";", "decimal": ","})) == \
        "\ufeffx\n-13,64\n-1,5\n".encode()


@pytest.mark.parametrize("dialect", ["semicolon-comma", "cp932"])
def test_class_probabilities_read_back_as_the_same_numbers(dialect, tmp_path, capsys):
    source = write_sheet(tmp_path / "物件.csv", dialect)
    code = run(["train", source, "--target", "区", "--hidden", "3", "--epochs", "20",
                "--no-figures", "--out", str(tmp_path / "run")])
    assert code == 0, capsys.readouterr().err
    model = load_model(str(tmp_path / "run" / "model.glassnet"))
    out = tmp_path / "p.csv"
    result = predict_csv(model, source, out)
    header, rows, detected = read_table(out)
    assert header[-4:] == ["p_中央区", "p_北区", "p_港区", "predicted"]
    comma = DIALECTS[dialect][3] == ","
    read = np.array([[parse_number(c, comma) for c in row[-4:-1]] for _, row in rows],
                    dtype=np.float32)
    assert result.probabilities.dtype == np.float32
    np.testing.assert_array_equal(read, result.probabilities)
    assert max(len(row[-2]) for _, row in rows) <= 12  # 0,33288 not 0.3328799903392792
    classes = [name[2:] for name in header[-4:-1]]
    assert [row[-1] for _, row in rows] == [classes[i] for i in
                                            result.probabilities.argmax(axis=1)]


def test_the_playgrounds_downloads_follow_the_upload(tmp_path, capsys):
    from glassnet.data import load_csv
    from glassnet.playground.exports import coefficients_csv, predictions_csv

    source = write_sheet(tmp_path / "wohnungen.csv", "semicolon-comma", sheet_rows(12))
    model = train(source, tmp_path / "run", capsys)
    data = load_csv(source, target="価格(万円)")
    raw = predictions_csv(model, data, np.ones(len(data), dtype=bool))
    path = tmp_path / "download.csv"
    path.write_bytes(raw)
    header, rows, detected = read_table(path)
    assert raw.startswith(b"\xef\xbb\xbf") and header[-1] == "価格(万円) (true)"
    assert (detected["delimiter"], detected["decimal"]) == (";", ",")
    assert [parse_number(row[-1], True) for _, row in rows] == list(data.labels[:, 0])
    # the coefficients: one table per layer, stacked, with the same conventions
    lines = coefficients_csv(model, data).decode("utf-8-sig").splitlines()
    assert lines[1].startswith("layer;cell;bias;")
    dense = [layer for layer in model.layers if hasattr(layer, "kernel")][0]
    first = lines[2].split(";")
    assert np.float32(parse_number(first[2], True)) == dense.bias[0]
