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
from . import columns
from .cells import MISSING, is_missing, parse_number, read_number  # noqa: F401 (re-exported)
from .dataset import Dataset
from .targets import MAX_CLASSES, encode_target

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
               skip_rows=0) -> tuple[list[str], list[list[str]], dict]:
    """Header, data rows (with their 1-based line numbers), and what was detected.

    ``skip_rows`` lines at the top (a title above the header) are left out; None
    leaves out the lines that look like a title (``columns.title_rows``).

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
    bom = _bom_encoding(head)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(f"{path}: unknown encoding {encoding!r}") from None
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
    numbered = [(i, row) for i, row in numbered if i > (skip_rows or 0)]
    if skip_rows is None and (title := columns.title_rows(numbered)):
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
            title = columns.title_rows(numbered)
            where = "line 1 looks" if title == 1 else f"lines 1-{title} look"
            hint = (f"; {where} like a title above the header: pass "
                    f"--skip-rows {title} (skip_rows={title} in Python)" if title else "")
            raise DataError(f"{path}, line {line}: expected {len(header)} cells like the "
                            f"header, found {len(row)}{hint}")
        data.append((line, row))
    if not data:
        raise DataError(f"{path} has a header but no data rows")
    return header, data, {"encoding": used, "delimiter": delimiter, "blank_lines": blank}


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


def load_csv(path, target=-1, features=None, encoding=None, delimiter=None, missing="error",
             task="auto", max_classes=MAX_CLASSES, raw=None, ignore=None, id=None,
             skip_rows=0, plan=None) -> Dataset:
    """Load a CSV file (first line = column names) as a ``Dataset``.

    Parameters
    ----------
    path : str or path-like
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
        Lines above the header to skip (a title row); None skips the lines that look
        like a title (fewer filled cells than the rows below them).
    plan : dict, optional
        A column plan from an earlier file (``Dataset.info["columns"]``, saved in
        ``model.info["columns"]``): encode this file the same way.
    encoding, delimiter : str, optional
        Detected when not given (UTF-8, UTF-8/16 with BOM, cp932; comma, semicolon, tab).
    missing : {"error", "drop", "mean"}
        What to do with empty, NA, NaN or #N/A cells: fail, drop the row, or fill a
        feature cell with its column's mean (a missing target always drops the row
        under "drop" and fails otherwise).
    task : {"auto", "classification", "regression"}
        "auto": text labels or integer labels (at most 100 distinct) are classes;
        other numbers are a regression target.
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
    check_choice("missing", missing, ("error", "drop", "mean"))
    check_choice("task", task, ("auto", "classification", "regression"))
    if skip_rows is not None and (not isinstance(skip_rows, int) or isinstance(skip_rows, bool)
                                  or skip_rows < 0):
        raise DataError(f"skip_rows must be a whole number >= 0, got {skip_rows!r}")
    header, rows, detected = read_table(path, encoding, delimiter, raw, skip_rows=skip_rows)
    t = _column_index(header, target, path, "target")
    decimal_comma = detected["delimiter"] == ";"
    if isinstance(features, int) or (isinstance(features, list) and features
                                     and all(isinstance(f, int) for f in features)):
        features = [header[_column_index(header, f, path, "feature")] for f in
                    ([features] if isinstance(features, int) else features)]
    cells = columns.Cells(rows, decimal_comma)
    if plan is None:
        plan = columns.plan_columns(header, rows, t, path, features, ignore, id, decimal_comma,
                                    cells)
    else:
        plan = {**plan, "id": [n for n in plan.get("id", []) if n in header],
                "target": header[t]}

    keep = np.ones(len(rows), dtype=bool)
    labels_text = [csv_text(row[t].strip()) for _, row in rows]
    no_label = np.array([is_missing(label) for label in labels_text], dtype=bool)
    values = columns.encode(plan, header, rows, path, decimal_comma, "keep", cells)
    blank = np.isnan(values).any(axis=1) | no_label
    if blank.any() and (missing == "error" or (missing == "mean" and no_label.any())):
        i = int(np.argmax(blank if missing == "error" else no_label))  # the first, in order
        if no_label[i]:
            raise DataError(f"{path}, line {rows[i][0]}, column {header[t]!r}: the target is "
                            "missing; fill it in or pass missing='drop'")
        columns.encode(plan, header, rows[i:i + 1], path, decimal_comma,  # raises, naming it
                       hint=" (or pass missing='drop' or 'mean')")
    if missing == "drop":
        keep &= ~blank
    ids = columns.id_values(plan, header, rows)
    lines = np.array([line for line, _ in rows])[keep]
    values, labels_text = values[keep], [s for s, k in zip(labels_text, keep) if k]
    if values.shape[0] == 0:
        raise DataError(f"{path}: no rows left after dropping rows with missing cells")
    names = columns.feature_names(plan)
    if missing == "mean":
        empty = np.isnan(values).all(axis=0)
        if empty.any():
            raise DataError(f"{path}, column {names[int(np.argmax(empty))]!r}: every cell is "
                            "missing")
        values = np.where(np.isnan(values), np.nanmean(values, axis=0), values)

    labels, class_names = encode_target(labels_text, list(lines), task, path, header[t],
                                        max_classes, decimal_comma)
    return Dataset(values, labels, names, class_names, header[t], path,
                   {**detected, "rows_dropped": int((~keep).sum()), "columns": plan,
                    "skip_rows": skip_rows},
                   ids=None if ids is None else ids[keep], id_names=list(plan["id"]),
                   lines=lines)
