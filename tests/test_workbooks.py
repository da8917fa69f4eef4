"""Excel and LibreOffice workbooks read directly: the same table as its CSV, a title row
found by itself, a sheet chosen by name or number, dates refused as in a CSV, numbers
kept exactly, and workbooks that would not fit in memory refused before they are read.

The workbooks are made here with openpyxl (.xlsx) or by hand (.ods: a zip holding
content.xml), as Excel and LibreOffice save them."""

import datetime
import io
import sys
import zipfile

import numpy as np
import pytest

from glassnet.base.errors import DataError
from glassnet.cli import run
from glassnet.data import load_csv, workbook
from glassnet.data.csvfile import read_table

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("python_calamine")

HEADER = ["番号", "面積(m²)", "築年数", "区", "価格(万円)"]
WARDS = ["中央区", "港区", "北区"]


def price_rows(n=60, seed=0, blanks=True):
    """Apartment rows: number, area, age (blank in every 7th row), ward, price."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        area = round(float(rng.uniform(20, 90)), 1)
        age = int(rng.integers(0, 40))
        ward = WARDS[i % 3]
        price = round(60 * area - 30 * age + 400 * WARDS.index(ward) + rng.normal(0, 50), 1)
        rows.append([i + 1, area, None if blanks and i % 7 == 3 else age, ward, price])
    return rows


def make_workbook(path, rows, title="2024年 中古マンション価格", header=HEADER, memo=True):
    """A workbook as people make them: a title row and a blank row above the header, a
    second sheet with notes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "物件"
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if memo:
        notes = book.create_sheet("メモ")
        notes.append(["項目", "値"])
        notes.append(["調査", 1])
        notes.append(["担当", 2])
        notes.append(["確認", 3])
    book.save(path)
    return str(path)


def write_csv_text(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join("" if v is None else str(v) for v in row) + "\n")
    return str(path)


def test_a_workbook_reads_as_its_csv(tmp_path):
    rows = price_rows()
    book = make_workbook(tmp_path / "物件.xlsx", rows)
    text = write_csv_text(tmp_path / "物件.csv", rows)
    a = load_csv(book, target="価格(万円)", missing="mean")
    b = load_csv(text, target="価格(万円)", missing="mean")
    assert a.feature_names == b.feature_names == ["面積(m²)", "築年数", "区=中央区", "区=北区",
                                                  "区=港区"]
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.info["columns"] == b.info["columns"] and a.id_names == ["番号"]
    # the title and the blank row above the header are found; lines are Excel's rows
    assert a.info["sheet"] == "物件" and a.info["sheets"] == ["物件", "メモ"]
    assert a.info["format"] == "xlsx" and a.lines[:2].tolist() == [4, 5]
    assert a.ids[:3, 0].tolist() == ["1", "2", "3"]  # integers as Excel shows them


def test_sheets_by_name_and_number(tmp_path):
    path = make_workbook(tmp_path / "b.xlsx", price_rows(10))
    memo = load_csv(path, target="値", sheet="メモ", task="regression", id=False)
    assert memo.info["sheet"] == "メモ" and memo.labels[:, 0].tolist() == [1.0, 2.0, 3.0]
    assert load_csv(path, target="値", sheet=2, task="regression", id=False).info["sheet"] \
        == "メモ"
    assert read_table(path, sheet="2")[0] == ["項目", "値"]  # a number given as text
    with pytest.raises(DataError, match=r"b.xlsx: no sheet named 'Sheet1'; sheets are: 物件, "
                       "メモ"):
        read_table(path, sheet="Sheet1")
    with pytest.raises(DataError, match=r"sheet 3 does not exist; sheets are counted from 1, "
                       "the workbook has 2: 物件, メモ"):
        read_table(path, sheet=3)
    with pytest.raises(DataError, match="sheet 0 does not exist; sheets are counted from 1"):
        read_table(path, sheet=0)
    text = write_csv_text(tmp_path / "a.csv", price_rows(5))
    with pytest.raises(DataError, match=r"a.csv is a text file, not a workbook; sheet= "
                       r"\(--sheet\) applies to .xlsx"):
        read_table(text, sheet="物件")
    assert workbook.sheet_names(path) == ["物件", "メモ"]
    assert workbook.sheet_names("b.xlsx", raw=open(path, "rb").read()) == ["物件", "メモ"]


def test_cells_keep_their_numbers_dates_and_words(tmp_path):
    rows = [[1, 0.1, 2812.6365, 1e-30, True, datetime.date(2024, 2, 2), "1,234"],
            [2, -2.5, 4719, 123456789012.25, False, datetime.datetime(2024, 2, 3, 13, 45),
             " 7 "],
            [3, 1 / 3, None, 5, True, datetime.time(13, 45), "#N/A"]]
    header = ["No.", "a", "b", "c", "flag", "日付", "text"]
    path = make_workbook(tmp_path / "cells.xlsx", rows, header=header, memo=False)
    head, data, detected = read_table(path)
    assert head == header and detected["encoding"] is None and detected["delimiter"] is None
    assert [row for _, row in data] == [
        ["1", "0.1", "2812.6365", "1e-30", "TRUE", "2024-02-02", "1,234"],
        ["2", "-2.5", "4719", "123456789012.25", "FALSE", "2024-02-03 13:45:00", " 7 "],
        ["3", repr(1 / 3), "", "5", "TRUE", "13:45:00", ""]]  # the error cell #N/A: blank
    # the doubles Excel stored come back bit for bit
    d = load_csv(path, target="c", ignore="日付", features=["a"], task="regression")
    assert d.features[:, 0].tolist() == [0.1, -2.5, 1 / 3]
    assert d.labels[:, 0].tolist() == [1e-30, 123456789012.25, 5.0]
    # a date column is refused as dates typed in a CSV are, naming the fix
    with pytest.raises(DataError, match=r"column '日付': holds dates \(e.g. '2024-02-02'\).*"
                       r"--ignore 日付"):
        load_csv(path, target="c", task="regression", missing="mean")


def test_the_cli_reads_a_workbook_and_names_the_sheet(tmp_path, capsys):
    path = make_workbook(tmp_path / "物件.xlsx", price_rows(blanks=False))
    out = tmp_path / "run"
    code = run(["train", path, "--target", "価格(万円)", "--hidden", "4", "--epochs", "20",
                "--out", str(out), "--no-figures"])
    io_ = capsys.readouterr()
    assert code == 0, io_.err
    assert "sheet: 物件 (1 of 2: 物件, メモ)" in io_.out
    assert "ID 番号 (not an input)" in io_.out
    model = str(out / "model.glassnet")
    code = run(["predict", model, path, "--out", str(tmp_path / "p.csv")])
    io_ = capsys.readouterr()
    assert code == 0, io_.err and "sheet: 物件" in io_.out
    code = run(["evaluate", model, path])
    io_ = capsys.readouterr()
    assert code == 0, io_.err
    assert "sheet: 物件" in io_.out and "60 rows" in io_.out
    code = run(["gradcheck", path, "--target", "区", "--rows", "8"])
    io_ = capsys.readouterr()
    assert code == 0, io_.err
    assert "gradient check on 8 rows of" in io_.out
    code = run(["predict", model, path, "--sheet", "請求書"])
    io_ = capsys.readouterr()
    assert code == 2 and io_.err.count("\n") == 1
    assert "no sheet named '請求書'; sheets are: 物件, メモ" in io_.err


def test_a_missing_reader_names_the_extra(tmp_path, monkeypatch):
    path = make_workbook(tmp_path / "b.xlsx", price_rows(5))
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    with pytest.raises(DataError, match=r"b.xlsx is an Excel workbook; reading workbooks "
                       r"needs the python-calamine package: pip install 'glassnet\[excel\]'"):
        load_csv(path)


def test_a_sheet_spanning_billions_of_cells_is_refused_before_it_is_read(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.active["B1"] = "y"
    book.active["A2"] = 1
    book.active["XFD1048576"] = 2  # the last cell: 17 billion cells from A1
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(DataError, match=r"far.xlsx, sheet 'Sheet': cells are filled up to row "
                       r"1048576 and column 16384, a span of 17,179,869,184 cells, more "
                       r"than the 20,000,000"):
        read_table(path)


def test_a_zip_bomb_is_refused_before_it_is_decompressed(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (50 << 20) + b"/>")
    assert path.stat().st_size < 200_000
    with pytest.raises(DataError, match=r"bomb.xlsx: part xl/worksheets/sheet1.xml is "
                       r"compressed \d+ times"):
        read_table(path)
    big = tmp_path / "big.ods"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as z:
        z.writestr("content.xml", b"x" * (3 << 20))
    with pytest.raises(DataError, match="big.ods: the workbook holds 3 MiB once "
                       "decompressed, more than the 2 MiB glassnet reads; save the sheet as "
                       "CSV"):
        with pytest.MonkeyPatch.context() as m:  # the cap, lowered to 2 MiB
            m.setattr(workbook, "MAX_UNCOMPRESSED", 2 << 20)
            read_table(big)


def test_files_that_are_not_workbooks(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="fake.xlsx is named like a workbook but is neither"):
        read_table(fake)
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.csv", "x,y\n1,2\n")
    with pytest.raises(DataError, match="data.zip is a zip file but not a workbook"):
        read_table(archive)


ODS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="データ">
<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p>
</table:table-cell><table:table-cell office:value-type="string"><text:p>種</text:p>
</table:table-cell></table:table-row>
{rows}
</table:table>
</office:spreadsheet></office:body></office:document-content>"""
ODS_ROW = ('<table:table-row{repeat}><table:table-cell office:value-type="float" '
           'office:value="{x}"><text:p>{x}</text:p></table:table-cell>'
           '<table:table-cell office:value-type="string"><text:p>{label}</text:p>'
           '</table:table-cell></table:table-row>')

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
<manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def write_ods(path, rows):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", MANIFEST)
        z.writestr("content.xml", ODS.format(rows="".join(rows)))
    return str(path)


def test_an_opendocument_sheet(tmp_path):
    rows = [ODS_ROW.format(repeat="", x=x, label=label)
            for x, label in ((0.5, "鯛"), (1.5, "鮭"), (2.25, "鯛"))]
    d = load_csv(write_ods(tmp_path / "fish.ods", rows), target="種")
    assert d.info["sheet"] == "データ" and d.info["format"] == "ods"
    assert d.features[:, 0].tolist() == [0.5, 1.5, 2.25] and d.class_names == ["鮭", "鯛"]
    # one row repeated a million times is a million rows to the reader: refused first
    bomb = [*rows, ODS_ROW.format(repeat=' table:number-rows-repeated="1000000"', x=1,
                                  label="鯛")]
    bomb[-1] = bomb[-1].replace('<table:table-cell office:value-type="string">',
                                '<table:table-cell office:value-type="string" '
                                'table:number-columns-repeated="100">')
    with pytest.raises(DataError, match=r"sheet 'データ': cells are filled up to row 1000004 "
                       r"and column 101"):
        read_table(write_ods(tmp_path / "many.ods", bomb))


def test_uploaded_bytes_read_like_the_file(tmp_path):
    path = make_workbook(tmp_path / "b.xlsx", price_rows(12))
    raw = open(path, "rb").read()
    from_disk = read_table(path)
    uploaded = read_table("upload.xlsx", raw=raw)
    assert from_disk[0] == uploaded[0] and from_disk[1] == uploaded[1]
    assert io.BytesIO(raw).read(4) == b"PK\x03\x04"


def test_every_command_reads_the_sheet_it_is_given(tmp_path, capsys):
    """A workbook whose table is on its second sheet, behind a cover sheet: each command
    that reads data (train, trace, explain, evaluate, compare, search) takes --sheet, by
    name or by number; without it the first sheet is read and the message says what it
    holds."""
    book = openpyxl.Workbook()
    book.active.title = "表紙"
    book.active.append(["2024年 中古マンション価格"])
    sheet = book.create_sheet("物件")
    sheet.append(HEADER)
    for row in price_rows(30, blanks=False):
        sheet.append(row)
    path = str(tmp_path / "book.xlsx")
    book.save(path)
    target = ["--target", "価格(万円)"]
    code = run(["train", path, *target, "--out", str(tmp_path / "x")])
    assert code == 2 and "book.xlsx, sheet '表紙' has a header but no data rows" in \
        capsys.readouterr().err
    out = tmp_path / "run"
    assert run(["train", path, "--sheet", "物件", *target, "--epochs", "5", "--no-figures",
                "--out", str(out)]) == 0
    model = str(out / "model.glassnet")
    capsys.readouterr()
    assert run(["trace", model, "--input", path, "--sheet", "2"]) == 0
    assert "line 2, 番号 1:" in capsys.readouterr().out  # Excel's row 2, the first row
    assert run(["explain", model, path, "--sheet", "物件", "--rows", "1-2", "--out",
                str(tmp_path / "explained")]) == 0
    assert "explained 2 of 30 rows" in capsys.readouterr().out
    assert run(["evaluate", model, path, "--sheet", "物件"]) == 0
    assert "sheet: 物件 (2 of 2: 表紙, 物件)" in capsys.readouterr().out
    assert run(["compare", path, "--sheet", "物件", *target, "--hidden", "2", "--hidden", "3",
                "--epochs", "3", "--out", str(tmp_path / "compare")]) == 0
    assert "sheet: 物件 (2 of 2: 表紙, 物件)" in capsys.readouterr().out
    assert run(["search", path, "--sheet", "2", *target, "--trials", "2", "--epochs", "3",
                "--out", str(tmp_path / "search")]) == 0
    io_ = capsys.readouterr()
    assert "results in" in io_.out and "sheet: 物件 (2 of 2" in io_.out, io_.err


def test_the_report_tells_the_sheet_and_the_title(tmp_path, capsys):
    path = make_workbook(tmp_path / "物件.xlsx", price_rows(30, blanks=False))
    out = tmp_path / "run"
    assert run(["train", path, "--target", "価格(万円)", "--epochs", "3", "--no-figures",
                "--out", str(out)]) == 0, capsys.readouterr().err
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "物件 (1 of 2: 物件, メモ)" in html
    assert "row 3 of the sheet (the rows above it were taken for a title)" in html


def test_hidden_sheets_are_read_only_when_named(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "計算用"
    book.active.sheet_state = "hidden"  # a helper sheet the user does not see
    book.active.append(["a"])
    book.active.append([1])
    for name in ("物件", "メモ"):
        sheet = book.create_sheet(name)
        sheet.append(HEADER)
        for row in price_rows(5, blanks=False):
            sheet.append(row)
    path = str(tmp_path / "hidden.xlsx")
    book.save(path)
    assert workbook.sheet_names(path) == ["物件", "メモ"]  # the tabs as Excel shows them
    assert read_table(path)[2]["sheet"] == "物件"  # the first visible sheet
    assert read_table(path, sheet=2)[2]["sheet"] == "メモ"  # counted among visible tabs
    assert read_table(path, sheet="計算用")[0] == ["a"]
