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
import math
import os

import numpy as np

from ..errors import DataError
from ..validation import check_choice
from .dataset import Dataset

DELIMITERS = (",", ";", "\t")
MISSING = {"", "na", "n/a", "nan", "null", "none", "#n/a", "#na", "?"}
MAX_CLASSES = 100


def decode(raw: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Bytes -> (text, encoding used). Tries BOMs, then UTF-8, then cp932."""
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            raise DataError(f"{path}: unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: cannot be read as {encoding} (byte {exc.start}: "
                            f"{exc.reason}); leave encoding unset to detect it") from None
    for bom, name, body in ((codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
                            (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
                            (codecs.BOM_UTF16_BE, "utf-16", "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode("utf-8-sig" if body == "utf-8" else body), name
            except UnicodeDecodeError as exc:
                raise DataError(f"{path} starts with a {body.upper()} byte-order mark but is "
                                f"not valid {body.upper()} text (byte {exc.start}: "
                                f"{exc.reason})") from None
    if b"\x00" in raw[:4096]:
        raise DataError(f"{path} is not a text file (it contains NUL bytes); expected a CSV "
                        "file saved as text")
    for candidate in ("utf-8", "cp932"):
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise DataError(f"{path} is not text in UTF-8 or Shift-JIS (cp932); save it from Excel as "
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


def _is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING


def parse_number(cell: str, decimal_comma: bool) -> float:
    """float(cell), also reading "1,5" when the file uses ; and decimal commas."""
    text = cell.strip()
    if decimal_comma and "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def read_number(cell: str, decimal_comma: bool, where: str) -> float:
    """A finite number from a cell, or a DataError naming ``where`` (file, line, column)."""
    try:
        if _is_missing(cell):
            raise ValueError
        number = parse_number(cell, decimal_comma)
    except ValueError:
        raise DataError(f"{where}: expected a number, found {cell.strip()!r}") from None
    if not math.isfinite(number):
        raise DataError(f"{where}: expected a finite number, found {cell.strip()!r}")
    return number


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path} is a folder, expected a CSV file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from None


def read_table(path, encoding=None, delimiter=None, raw=None
               ) -> tuple[list[str], list[list[str]], dict]:
    """Header, data rows (with their 1-based line numbers), and what was detected.

    With ``raw`` (the file's bytes, say an upload) nothing is read from disk and
    ``path`` only names the data in messages.
    """
    path = os.fspath(path)
    text, used = decode(_read_bytes(path) if raw is None else raw, path, encoding)
    if not text.strip():
        raise DataError(f"{path} is empty; expected a header line and at least one data row")
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    elif delimiter not in DELIMITERS and len(delimiter) != 1:
        raise DataError(f"delimiter must be one character, got {delimiter!r}")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise DataError(f"{path}: not valid CSV ({exc})") from None
    numbered = [(i, row) for i, row in enumerate(rows, start=1)
                if any(cell.strip() for cell in row)]  # skip blank lines and ",,,," rows
    if not numbered:
        raise DataError(f"{path} is empty; expected a header line and at least one data row")
    header_line, header = numbered[0]
    header = [name.strip() for name in header]
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
            raise DataError(f"{path}, line {line}: expected {len(header)} cells like the "
                            f"header, found {len(row)}")
        data.append((line, row))
    if not data:
        raise DataError(f"{path} has a header but no data rows")
    return header, data, {"encoding": used, "delimiter": delimiter}


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
             task="auto", raw=None) -> Dataset:
    """Load a CSV file (first line = column names) as a ``Dataset``.

    Parameters
    ----------
    path : str or path-like
    target : str or int
        The column to predict, by name or index (default: the last column).
    features : list of str or int, optional
        The input columns; default every column but the target.
    encoding, delimiter : str, optional
        Detected when not given (UTF-8, UTF-8/16 with BOM, cp932; comma, semicolon, tab).
    missing : {"error", "drop", "mean"}
        What to do with empty, NA, NaN or #N/A cells: fail, drop the row, or fill a
        feature cell with its column's mean (a missing target always drops the row
        under "drop" and fails otherwise).
    task : {"auto", "classification", "regression"}
        "auto": text labels or integer labels (at most 100 distinct) are classes;
        other numbers are a regression target.
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
    header, rows, detected = read_table(path, encoding, delimiter, raw)
    t = _column_index(header, target, path, "target")
    if features is None:
        cols = [j for j in range(len(header)) if j != t]
    else:
        if isinstance(features, (str, int)):
            features = [features]
        cols = [_column_index(header, f, path, "feature") for f in features]
        if t in cols:
            raise DataError(f"{path}: column {header[t]!r} is both the target and a feature")
    if not cols:
        raise DataError(f"{path}: no feature columns; the file has only the target column "
                        f"{header[t]!r}")
    decimal_comma = detected["delimiter"] == ";"

    values = np.full((len(rows), len(cols)), np.nan)
    keep = np.ones(len(rows), dtype=bool)
    labels_text = []
    for i, (line, row) in enumerate(rows):
        label = row[t].strip()
        if _is_missing(label):
            if missing != "drop":
                raise DataError(f"{path}, line {line}, column {header[t]!r}: the target is "
                                "missing; fill it in or pass missing='drop'")
            keep[i] = False
        labels_text.append(label)
        for k, j in enumerate(cols):
            cell = row[j]
            if _is_missing(cell):
                if missing == "error":
                    raise DataError(f"{path}, line {line}, column {header[j]!r}: the cell is "
                                    f"missing ({cell.strip()!r}); expected a number (or pass "
                                    "missing='drop' or 'mean')")
                if missing == "drop":
                    keep[i] = False
                continue
            values[i, k] = read_number(cell, decimal_comma,
                                       f"{path}, line {line}, column {header[j]!r}")
    values, labels_text = values[keep], [s for s, k in zip(labels_text, keep) if k]
    if values.shape[0] == 0:
        raise DataError(f"{path}: no rows left after dropping rows with missing cells")
    if missing == "mean":
        empty = np.isnan(values).all(axis=0)
        if empty.any():
            column = header[cols[int(np.argmax(empty))]]
            raise DataError(f"{path}, column {column!r}: every cell is missing")
        values = np.where(np.isnan(values), np.nanmean(values, axis=0), values)

    labels, class_names = _encode_target(labels_text, task, path, header[t])
    return Dataset(values, labels, [header[j] for j in cols], class_names, header[t], path,
                   {**detected, "rows_dropped": int((~keep).sum())})


def _encode_target(texts, task, path, name):
    numbers = []
    for s in texts:
        try:
            numbers.append(float(s))
        except ValueError:
            numbers = None
            break
    if task == "regression":
        if numbers is None:
            bad = next(s for s in texts if not _is_float(s))
            raise DataError(f"{path}, column {name!r}: a regression target must be numeric, "
                            f"found {bad!r}")
        return np.array(numbers, dtype=np.float64).reshape(-1, 1), None
    if numbers is not None:
        integral = all(math.isfinite(v) and v == int(v) for v in numbers)
        if task == "auto" and not (integral and len(set(numbers)) <= MAX_CLASSES):
            return np.array(numbers, dtype=np.float64).reshape(-1, 1), None
        order = sorted(set(numbers))  # numeric labels: numeric order (1, 2, ..., 10)
        names = [_label_text(v) for v in order]
        index = {v: i for i, v in enumerate(order)}
        labels = np.array([index[v] for v in numbers], dtype=np.intp)
    else:
        names = sorted(set(texts))  # text labels: sorted, so the order never depends on rows
        index = {v: i for i, v in enumerate(names)}
        labels = np.array([index[v] for v in texts], dtype=np.intp)
    if len(names) < 2:
        raise DataError(f"{path}, column {name!r}: the target has only one class "
                        f"({names[0]!r}); classification needs at least two")
    return labels, names


def _is_float(s):
    try:
        float(s)
    except ValueError:
        return False
    return True


def _label_text(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)
