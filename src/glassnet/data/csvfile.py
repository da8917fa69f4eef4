"""Read the CSV files people make in Excel, Japanese Excel included.

``load_csv`` sniffs the encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, cp932 /
Shift-JIS) and the delimiter (comma, semicolon, tab), keeps column and class names as
written (体長, 体重, ...), and fails with a ``DataError`` that names the file, the line
and the column for anything it cannot use.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os

import numpy as np

from ..base.errors import DataError
from ..base.sanitize import csv_text
from ..base.validation import check_choice
from . import columns, pipeline, workbook
from .cells import MISSING, is_missing, parse_number, read_number  # noqa: F401 (re-exported)
from .dataset import Dataset
from .dialect import decimal_mark
from .targets import MAX_CLASSES, encode_target, task_note

DELIMITERS = (",", ";", "\t")


# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
MAX_LINE_CHARS = 1 << 22  # 4 Mi characters: wider than any table a network trains on


def _bom_encoding(head: bytes) -> str | None:
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    return None


def _bom_error(path, name, where):
    body = name.removesuffix("-sig").upper()
    return DataError(f"{path} starts with a {body} byte-order mark but is not valid {body} "
                     f"text ({where})")


def _binary_error(path):
    return DataError(f"{path} is not a text file (it contains NUL bytes); expected a CSV file "
                     "saved as text")


def _encoding_error(path):
    return DataError(f"{path} is not text in UTF-8 or Shift-JIS (cp932); save it from Excel as "
                     "'CSV UTF-8' or pass encoding=...")


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab that splits the first lines into the most, equal columns."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts:
            continue
        consistent = sum(c == counts[0] for c in counts)
        score = (consistent if counts[0] > 1 else 0, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _bounded_lines(stream, path, limit):
    """The lines of a text stream, each read with a bound: a line longer than ``limit``
    characters is a DataError, found without reading the rest of it."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit:
            raise DataError(f"{path}, line {number}: the line is longer than {limit} "
                            "characters; this is not a table glassnet can train on (is it a "
                            "CSV file?)")
        yield line


def title_rows(rows) -> int | None:
    """How many lines above the header look like a title, or None.

    ``rows`` are (line, cells) pairs, blank lines left out. The header is taken to be
    the first row with as many filled cells as most of the following rows.
    """
    filled = [(line, sum(bool(c.strip()) for c in row)) for line, row in rows[:30]]
    if len(filled) < 3:
        return None
    counts = [count for _, count in filled[1:]]
    width = max(set(counts), key=counts.count)
    if filled[0][1] >= width:
        return None
    for line, count in filled:
        if count >= width:
            return line - 1
    return None


def _open(path, raw):
    """The file, or the bytes of an upload standing for it, as a binary stream."""
    return io.BytesIO(raw) if raw is not None else open(path, "rb")


def _parse(path, encoding, delimiter, limit, raw=None):
    """Read the file once with ``encoding``; UnicodeDecodeError escapes to the caller."""
    with _open(path, raw) as f:
        stream = io.TextIOWrapper(f, encoding=encoding, newline="", errors="strict")
        lines = _bounded_lines(stream, path, limit)
        first = list(itertools.islice(lines, 30))
        if delimiter is None:
            delimiter = sniff_delimiter("".join(first))
        reader = csv.reader(itertools.chain(first, lines), delimiter=delimiter, strict=True)
        numbered, blank = [], 0
        try:
            for row in reader:
                if any(cell.strip() for cell in row):  # skip blank lines and ",,,," rows
                    numbered.append((reader.line_num, row))
                else:
                    blank += 1
        except csv.Error as exc:
            raise DataError(f"{path}, line {reader.line_num}: not valid CSV ({exc})") from None
    return numbered, delimiter, blank


def read_table(path, encoding=None, delimiter=None, raw=None, max_line=MAX_LINE_CHARS,
               skip_rows=None, sheet=None) -> tuple[list[str], list[list[str]], dict]:
    """Header, data rows (with their 1-based line numbers), and what was detected.

    ``skip_rows`` lines at the top (a title above the header) are left out; None
    leaves out the lines that look like a title (``title_rows``).

    A workbook (.xlsx, .xls, .ods: ``workbook.read_sheet``) is read from its sheet
    ``sheet`` (a name, or a number counted from 1; default the first), its cells as the
    text a CSV would hold and its row numbers as line numbers.

    The file is streamed: memory grows with the table, not with a hostile line. With
    ``raw`` (the file's bytes, say an upload) nothing is read from disk and ``path``
    only names the data in messages.
    """
    path = os.fspath(path)
    try:
        with _open(path, raw) as f:
            head = f.read(4096)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path} is a folder, expected a CSV file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from None
    if delimiter is not None and delimiter not in DELIMITERS and len(delimiter) != 1:
        raise DataError(f"delimiter must be one character, got {delimiter!r}")
    if workbook.is_workbook(path, head):
        numbered, blank, detected = workbook.read_sheet(path, raw, sheet)
        where = f"{path}, sheet {detected['sheet']!r}"  # messages name the sheet
        return _table(where, numbered, skip_rows, {**detected, "encoding": None,
                                                  "delimiter": None, "decimal": ".",
                                                  "blank_lines": blank})
    if sheet is not None:
        raise DataError(f"{path} is a text file, not a workbook; sheet= (--sheet) applies to "
                        ".xlsx, .xls and .ods files")
    bom = _bom_encoding(head)
    if encoding is not None:
        try:
            text_codec = getattr(codecs.lookup(encoding), "_is_text_encoding", True)
        except (LookupError, TypeError, ValueError):
            text_codec = None
        if not text_codec:  # unknown, or a bytes-to-bytes codec such as rot13 or zlib
            raise DataError(f"{path}: {encoding!r} is not a text encoding glassnet knows; use "
                            "e.g. utf-8, cp932 (Shift_JIS) or latin-1 (--encoding), or leave "
                            "it out to detect it") from None
        candidates = [encoding]
    elif bom is not None:
        candidates = [bom]
    elif b"\x00" in head:
        raise _binary_error(path)
    else:
        candidates = ["utf-8", "cp932"]
    for used in candidates:
        try:
            numbered, delimiter, blank = _parse(path, used, delimiter, max_line, raw)
            break
        except UnicodeDecodeError as exc:
            if encoding is not None:
                raise DataError(f"{path}: cannot be read as {encoding} ({exc.reason}); leave "
                                "encoding unset to detect it") from None
            if bom is not None:
                raise _bom_error(path, bom, exc.reason) from None
    else:
        raise _encoding_error(path)
    return _table(path, numbered, skip_rows, {"encoding": used, "delimiter": delimiter,
                                              "decimal": decimal_mark(numbered, delimiter),
                                              "blank_lines": blank})


def _table(path, numbered, skip_rows, detected):
    """The header and the data rows of numbered rows, the title above them left out."""
    numbered = [(i, row) for i, row in numbered if i > (skip_rows or 0)]
    if skip_rows is None and (title := title_rows(numbered)):
        numbered = [(i, row) for i, row in numbered if i > title]
    if not numbered:
        raise DataError(f"{path} is empty; expected a header line and at least one data row")
    header_line, header = numbered[0]
    header = [csv_text(name.strip()) for name in header]
    while header and header[-1] == "":  # Excel may leave empty trailing header cells
        header.pop()
    for j, name in enumerate(header):
        if name == "":
            raise DataError(f"{path}, line {header_line}: column {j + 1} has no name in the "
                            "header")
    seen = {}
    for j, name in enumerate(header):
        if name in seen:
            raise DataError(f"{path}, line {header_line}: column name {name!r} appears twice "
                            f"(columns {seen[name] + 1} and {j + 1}); names must be unique")
        seen[name] = j
    data = []
    for line, row in numbered[1:]:
        if len(row) > len(header) and not any(c.strip() for c in row[len(header):]):
            row = row[:len(header)]
        if len(row) != len(header):
            title = title_rows(numbered)
            where = "line 1 looks" if title == 1 else f"lines 1-{title} look"
            hint = (f"; {where} like a title above the header: pass "
                    f"--skip-rows {title} (skip_rows={title} in Python)" if title else "")
            raise DataError(f"{path}, line {line}: expected {len(header)} cells like the "
                            f"header, found {len(row)}{hint}")
        data.append((line, row))
    if not data:
        raise DataError(f"{path} has a header but no data rows")
    return header, data, {**detected, "header_line": header_line}


def _column_index(header, key, path, what):
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if -len(header) <= key < len(header):
            return int(key) % len(header)
        raise DataError(f"{path}: {what} index {key} is out of range; the file has "
                        f"{len(header)} columns")
    if key in header:
        return header.index(key)
    raise DataError(f"{path}: no column named {key!r} for the {what}; columns are: "
                    f"{', '.join(header)}")


def load_csv(path, target=-1, features=None, encoding=None, delimiter=None, missing=None,
             task="auto", max_classes=MAX_CLASSES, raw=None, ignore=None, id=None,
             skip_rows=None, plan=None, sheet=None, missing_indicator=False,
             fill=True) -> Dataset:
    """Load a CSV file (first line = column names) as a ``Dataset``.

    Parameters
    ----------
    path : str or path-like
        A CSV file, or a workbook (see ``sheet``).
    target : str or int
        The column to predict, by name or index (default: the last column).
    features, ignore : str or list, optional
        The input columns to use / to leave out: names, globs (``px*``), 1-based
        positions or ranges (``3-10``) or name ranges (``体長:体重``). Default: every
        column but the target and the ID columns. Text columns become one-hot inputs
        (``漁港=A港``); a date column must be ignored.
    id : str or list or False, optional
        The ID column(s), carried along in ``Dataset.ids`` and never an input. Default:
        detected (``No.``, ``ID``, ``番号``, row numbers, a text different in every row).
    skip_rows : int or None
        Lines above the header to skip (a title row); None (the default) skips the
        lines that look like a title (fewer filled cells than the rows below them), as
        every command does.
    sheet : str or int, optional
        For a workbook (.xlsx, .xlsm, .xls, .ods; needs the ``excel`` extra): the
        sheet's name, or its number counted from 1; default the first sheet
        (``Dataset.info["sheet"]`` names the one read).
    plan : dict, optional
        A column plan from an earlier file (``Dataset.info["columns"]``, saved in
        ``model.info["columns"]``): encode this file the same way.
    encoding, delimiter : str, optional
        Detected when not given (UTF-8, UTF-8/16 with BOM, cp932; comma, semicolon, tab).
    missing : {"error", "drop", "mean", "median", "most-frequent"}, optional
        What to do with empty, NA, NaN or #N/A cells (default: the ``plan``'s rule, else
        "error"): fail, drop the row, or fill an input cell with its column's mean, median
        or most frequent value (a text column: its most frequent level). Fill values are
        fitted on this file's rows and saved in the plan (``info["columns"]``); with
        ``fill=False`` the blanks stay NaN, for ``pipeline.fit_missing`` to fill from the
        training rows after a split. A row with a blank target is dropped (and counted in
        ``info["missing"]``) under every rule but "error".
    missing_indicator : bool
        With a fill rule: a number column with blanks gets an extra 0/1 input
        ``name (missing)``, a text column with blanks a level ``(missing)``.
    task : {"auto", "classification", "regression"}
        "auto": a target whose cells are numbers (``4,719`` too) is regression, unless
        it holds at most 10 whole-number levels (then classes, and
        ``info["task_note"]`` says so); text labels are classes.
    max_classes : int
        The most classes a target may have (default 100); a column with more distinct
        labels is more likely an ID or a free-text column than a class.
    raw : bytes, optional
        The file's contents (an upload, say): parsed in memory, nothing is read from
        disk, and ``path`` only names the data in messages.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "fish.csv")
    >>> _ = open(path, "w", encoding="cp932").write("体長,体重,種\\n10,200,鯛\\n12,250,鮭\\n")
    >>> d = load_csv(path, target="種")
    >>> d.feature_names, d.class_names, d.labels.tolist()
    (['体長', '体重'], ['鮭', '鯛'], [1, 0])
    """
    path = os.fspath(path)
    check_choice("task", task, ("auto", "classification", "regression"))
    if skip_rows is not None and (not isinstance(skip_rows, int) or isinstance(skip_rows, bool)
                                  or skip_rows < 0):
        raise DataError(f"skip_rows must be a whole number >= 0, got {skip_rows!r}")
    header, rows, detected = read_table(path, encoding, delimiter, raw, skip_rows=skip_rows,
                                        sheet=sheet)
    t = _column_index(header, target, path, "target")
    decimal_comma = detected["delimiter"] == ";"
    if isinstance(features, int) or (isinstance(features, list) and features
                                     and all(isinstance(f, int) for f in features)):
        features = [header[_column_index(header, f, path, "feature")] for f in
                    ([features] if isinstance(features, int) else features)]
    cells = columns.Cells(rows, decimal_comma)
    missing = pipeline.check_rule(missing or (plan or {}).get("missing") or "error")
    if plan is None:
        plan = columns.plan_columns(header, rows, t, path, features, ignore, id, decimal_comma,
                                    cells, missing_indicator and missing in pipeline.FILL_RULES)
    else:
        plan = {**plan, "id": [n for n in plan.get("id", []) if n in header],
                "target": header[t]}

    labels_text = [csv_text(row[t].strip()) for _, row in rows]
    no_label = np.array([is_missing(label) for label in labels_text], dtype=bool)
    values = columns.encode(plan, header, rows, path, decimal_comma, "keep", cells)
    blank = np.isnan(values).any(axis=1)
    if missing == "error" and (blank | no_label).any():
        i = int(np.argmax(blank | no_label))  # the first, in file order
        if no_label[i]:
            raise DataError(f"{path}, line {rows[i][0]}, column {header[t]!r}: the target is "
                            "missing; fill it in or pass missing='drop' (its row is left "
                            "out)")
        columns.encode(plan, header, rows[i:i + 1], path, decimal_comma,  # raises, naming it
                       hint=" (or pass missing='drop', 'mean', 'median' or 'most-frequent')")
    keep = ~no_label & (~blank if missing == "drop" else True)
    report = {"rule": missing, "no_target": int(no_label.sum())}
    if missing == "drop":
        report.update(dropped_rows=int((blank & ~no_label).sum()),
                      dropped=pipeline.blank_counts(plan, values[blank & ~no_label]))
    ids = columns.id_values(plan, header, rows)
    lines = np.array([line for line, _ in rows])[keep]
    values, labels_text = values[keep], [s for s, k in zip(labels_text, keep) if k]
    if values.shape[0] == 0:
        raise DataError(f"{path}: no rows left after dropping rows with missing cells")
    names = columns.feature_names(plan)
    plan = {**plan, "missing": missing}
    if missing in pipeline.FILL_RULES and fill:
        if not pipeline.fitted(plan):  # a model's plan keeps its training rows' fills
            plan = pipeline.fit_fills(plan, values)
        values, report["filled"] = pipeline.fill(plan, values, where=path)

    labels, class_names = encode_target(labels_text, list(lines), task, path, header[t],
                                        max_classes, decimal_comma)
    return Dataset(values, labels, names, class_names, header[t], path,
                   {**detected, "rows_dropped": int((~keep).sum()), "columns": plan,
                    "skip_rows": skip_rows, "missing": report,
                    "task_note": task_note(header[t], class_names, task)},
                   ids=None if ids is None else ids[keep], id_names=list(plan["id"]),
                   lines=lines)
