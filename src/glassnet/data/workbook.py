"""Excel and LibreOffice workbooks (.xlsx, .xlsm, .xls, .ods) read as tables of cells.

python-calamine (extra ``excel``) reads the sheet; it is imported only when a workbook
is opened. Every cell becomes the text the CSV reader would have seen, so that one
cell parser, one title-row detection and one column plan serve both:

- a number cell is written in the shortest form that reads back as the same double
  (``4719``, ``55.5``, ``0.1``, ``1e-30``): numbers stay exactly what Excel stored;
- a date or time cell is written as ISO date text (``2024-02-02``,
  ``2024-02-03 13:45:00``, ``13:45:00``), so a date column is refused with the same
  ``--ignore`` message as dates typed in a CSV; TRUE/FALSE cells are the words;
- row numbers are Excel's (a message's "line 5" is row 5 of the sheet).

A workbook is refused before it is decompressed when it would not fit in memory: more
than :data:`MAX_UNCOMPRESSED` bytes of XML, a part compressed more than
:data:`MAX_RATIO` times (a zip bomb), or a sheet spanning more than :data:`MAX_CELLS`
cells (two cells at A1 and XFD1048576 span 17 billion, which the reader would
allocate).
"""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile

from ..base.errors import DataError

#: The first bytes of a zip container (xlsx, xlsm, ods) and of an OLE2 file (xls).
MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
#: The most cells a sheet may span (its used rectangle from A1): 20 million, an
#: Excel sheet of a million rows and 20 columns.
MAX_CELLS = 20_000_000
#: The most bytes a workbook's parts may hold once decompressed (1 GiB).
MAX_UNCOMPRESSED = 1 << 30
#: A part larger than 1 MiB compressed more than this is a zip bomb, not a sheet
#: (sheets compress about 5 to 20 times).
MAX_RATIO = 200
EXTRA_HINT = "pip install 'glassnet[excel]'"


def is_workbook(path, head: bytes) -> bool:
    """Whether the file is a workbook: by its first bytes, or by its extension."""
    return head.startswith(MAGIC) or os.fspath(path).lower().endswith(EXTENSIONS)


def _calamine(path):
    try:
        import python_calamine
    except ImportError:
        raise DataError(f"{path} is an Excel workbook; reading workbooks needs the "
                        f"python-calamine package: {EXTRA_HINT}") from None
    return python_calamine


def _open(path, raw):
    """The workbook, checked for its size, and its format ('xlsx', 'xls', 'ods')."""
    calamine = _calamine(path)
    source = io.BytesIO(raw) if raw is not None else None
    if source is None:
        with open(path, "rb") as f:
            head = f.read(8)
    else:
        head = raw[:8]
    kind = "xls"  # an OLE2 file: at most 65536 rows and 256 columns
    if head.startswith(MAGIC[0]):
        kind = _check_zip(path, source if source is not None else path)
    elif not head.startswith(MAGIC[1]):
        raise DataError(f"{path} is named like a workbook but is neither an Excel nor an "
                        "OpenDocument file; save it from Excel as .xlsx or as CSV")
    if kind == "ods":  # the reader expands every table when it opens the file
        for name, span in _ods_spans(source if source is not None else path).items():
            _check_span(path, name, *span)
    try:
        if source is not None:
            source.seek(0)
            book = calamine.CalamineWorkbook.from_filelike(source)
        else:
            book = calamine.CalamineWorkbook.from_path(os.fspath(path))
    except calamine.PasswordError:
        raise DataError(f"{path} is protected by a password; save a copy without one") \
            from None
    except Exception as exc:  # calamine's errors: not a workbook, broken XML, ...
        raise DataError(f"{path} cannot be read as a workbook ({_reason(exc)})") from None
    return book, kind


def _reason(exc):
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _check_zip(path, source):
    """Sizes of a zip container's parts, before anything is decompressed; its format."""
    try:
        with zipfile.ZipFile(source) as z:
            members = z.infolist()
    except zipfile.BadZipFile as exc:
        raise DataError(f"{path} cannot be read as a workbook ({exc})") from None
    names = {m.filename for m in members}
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise DataError(f"{path}: the workbook holds {total / 2**20:.0f} MiB once "
                        f"decompressed, more than the {MAX_UNCOMPRESSED >> 20} MiB glassnet "
                        "reads; save the sheet as CSV")
    for m in members:
        if m.file_size > 1 << 20 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise DataError(f"{path}: part {m.filename} is compressed "
                            f"{m.file_size / max(m.compress_size, 1):.0f} times (a sheet is "
                            "5 to 20 times); this is not a workbook glassnet will open")
    if "xl/workbook.bin" in names:
        raise DataError(f"{path} is a binary workbook (.xlsb); save it from Excel as .xlsx")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    raise DataError(f"{path} is a zip file but not a workbook (.xlsx or .ods); expected a "
                    "CSV file or a workbook")


def sheet_names(path, raw=None) -> list[str]:
    """The names of the workbook's visible worksheets, in tab order (for a menu)."""
    book, _ = _open(os.fspath(path), raw)
    try:
        return _worksheets(book)[0]
    finally:
        book.close()


def _worksheets(book):
    """(visible worksheets, hidden ones), in tab order; chart sheets left out."""
    visible, hidden = [], []
    for meta in book.sheets_metadata:
        if str(meta.typ).endswith("WorkSheet"):
            shown = str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible)
            (visible if shown else hidden).append(meta.name)
    if not visible and not hidden:
        visible = list(book.sheet_names)
    return visible, hidden


def choose_sheet(names, sheet, path, hidden=()) -> str:
    """The sheet named ``sheet``, or the ``sheet``-th counted from 1 among the visible
    tabs (a name wins over a number); None is the first visible sheet. A hidden sheet
    is read only when named."""
    if isinstance(sheet, str) and sheet in hidden:
        return sheet
    if sheet is None:
        if not names:
            raise DataError(f"{path}: the workbook has no worksheet")
        return names[0]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    text = str(sheet).strip()
    if not isinstance(sheet, bool) and re.fullmatch(r"\d+", text):
        number = int(text)
        if 1 <= number <= len(names):
            return names[number - 1]
        raise DataError(f"{path}: sheet {number} does not exist; sheets are counted from 1, "
                        f"the workbook has {len(names)}: {', '.join(names)}")
    if isinstance(sheet, str):
        raise DataError(f"{path}: no sheet named {sheet!r}; sheets are: {', '.join(names)}")
    raise DataError(f"sheet must be a sheet's name or its number counted from 1, got "
                    f"{sheet!r}")


def read_sheet(path, raw=None, sheet=None):
    """(numbered rows, blank rows, info) for one sheet: rows as lists of text cells with
    their 1-based Excel row numbers, rows with no filled cell left out and counted;
    info holds the format, the sheet's name and all sheet names."""
    path = os.fspath(path)
    book, kind = _open(path, raw)
    names, hidden = _worksheets(book)
    name = choose_sheet(names, sheet, path, hidden)
    if kind == "xlsx":  # the reader allocates the sheet's whole span when it reads it
        _xlsx_check(path, raw, name, names)
    try:
        table = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise DataError(f"{path}, sheet {name!r} cannot be read ({_reason(exc)})") from None
    finally:
        book.close()
    numbered, blank = [], 0
    for number, row in enumerate(table, start=1):
        cells = [cell_text(value) for value in row]
        if any(c.strip() for c in cells):
            numbered.append((number, cells))
        else:
            blank += 1
    return numbered, blank, {"format": kind, "sheet": name, "sheets": names}


def cell_text(value) -> str:
    """A cell as the text the CSV reader would see (see the module's docstring).

    >>> [cell_text(v) for v in (4719.0, 0.1, 1e-30, True, "港区", None)]
    ['4719', '0.1', '1e-30', 'TRUE', '港区', '']
    >>> cell_text(datetime.datetime(2024, 2, 3, 13, 45)), cell_text(datetime.date(2024, 2, 2))
    ('2024-02-03 13:45:00', '2024-02-02')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2.0 ** 53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, datetime.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value)


# The span of a sheet, read from its XML before the reader allocates it -------------------
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>|<(?:\w+:)?c\b([^>]*)/>")
_REF = re.compile(rb"\br=\"([A-Z]{1,3})(\d+)\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _check_span(path, name, rows, cols):
    if rows * cols > MAX_CELLS:
        raise DataError(f"{path}, sheet {name!r}: cells are filled up to row {rows} and "
                        f"column {cols}, a span of {rows * cols:,} cells, more than the "
                        f"{MAX_CELLS:,} glassnet reads; delete the far cells or save the "
                        "table as CSV")


def _xlsx_check(path, raw, name, names):
    """Refuse sheet ``name`` when it spans more than MAX_CELLS from A1."""
    with zipfile.ZipFile(io.BytesIO(raw) if raw is not None else path) as z:
        _check_span(path, name, *_xlsx_span(z, _xlsx_part(z, name, names)))


def _xlsx_part(z, name, names):
    """The zip part holding sheet ``name`` (workbook.xml -> its relationships)."""
    from xml.etree import ElementTree

    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    for node in book.iter():
        if node.tag.endswith("}sheet") and node.get("name") == name:
            rid = next((v for k, v in node.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if part in z.namelist():
                return part
    return f"xl/worksheets/sheet{names.index(name) + 1}.xml"


def _xlsx_span(z, part):
    rows = cols = 0
    unnumbered = 0
    tail = b""
    with z.open(part) as f:
        while chunk := f.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b">") + 1  # scan whole tags; keep the rest for the next chunk
            text, tail = text[:cut], text[cut:]
            rows = max([rows, *(int(r) for r in _ROW.findall(text))])
            for match in _CELL.finditer(text):
                ref = _REF.search(match.group(1) or match.group(2) or b"")
                if ref:
                    cols = max(cols, _column_number(ref.group(1)))
                    rows = max(rows, int(ref.group(2)))
                else:
                    unnumbered += 1  # placed after the previous cell: bounded by the count
    return rows + unnumbered, cols + unnumbered


def _ods_spans(source):
    """{table name: (rows, columns)} up to the farthest cell with a value of every table
    of an OpenDocument file, repeated rows and columns (``number-rows-repeated``)
    counted as the reader expands them."""
    from xml.etree import ElementTree

    ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    spans, name, row = {}, None, 0
    with zipfile.ZipFile(source) as z, z.open("content.xml") as f:
        for event, node in ElementTree.iterparse(f, events=("start", "end")):
            if node.tag == f"{{{ns}}}table":
                if event == "start":
                    name, row = node.get(f"{{{ns}}}name"), 0
                    spans[name] = (0, 0)
                continue
            if event != "end" or node.tag != f"{{{ns}}}table-row" or name is None:
                continue
            repeat = int(node.get(f"{{{ns}}}number-rows-repeated", "1"))
            col = filled = 0
            for cell in node:
                span = int(cell.get(f"{{{ns}}}number-columns-repeated", "1"))
                if cell.get(f"{{{office}}}value-type") or len(cell):
                    filled = col + span
                col += span
            if filled:
                spans[name] = (row + repeat, max(spans[name][1], filled))
            row += repeat
            node.clear()
    return spans
