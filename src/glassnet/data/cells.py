"""Cells of a sheet as numbers: the one cell parser every front end uses.

A cell is a number when, after Unicode NFKC (full-width ``１２３``, ``，``, ``．``, the
full-width space) and surrounding spaces are undone, it reads as

- an optional sign: ``-``, ``+``, the minus sign ``−`` and other dashes, or Japanese
  accounting's ``▲``/``△`` for a negative number (``▲5`` is -5);
- digits with the file's decimal mark: a point, or, in a file that uses ``;`` between
  cells (Excel in Germany, France, ...), a comma (``10,5``);
- optionally thousands separators in groups of three: ``1,234`` and ``1 234`` in a
  point file, ``1.234,5`` and ``1 234,5`` in a decimal-comma file. In a ``;`` file a
  column with no comma at all whose points are decimal points (``0.125``, ``1.5``) is
  read with points throughout, so ``1.250`` there is 1.25, not 1250;
- or ``1e-3``, ``inf`` and ``nan`` as Python writes them (``inf`` is refused later as
  not finite; ``nan`` is a missing cell).

A unit glued to a number (``1,234円``, ``12%``, ``¥500``) is *refused*, with a message
naming the file, line and column and the fix (take the unit out of the cells and put it
in the column's name, ``価格(円)``): whether ``12%`` means 12 or 0.12 is the user's
decision, not glassnet's.

>>> read_number(" 1,250.5 ", False, "f.csv, line 2, column 'x'")
1250.5
>>> [parse_number(c) for c in ["１２３", "−5", "▲5", "1 234", "+0.5"]]
[123.0, -5.0, -5.0, 1234.0, 0.5]
>>> [parse_number(c, decimal_comma=True) for c in ["10,5", "1.234,5", "1.234", "0.125"]]
[10.5, 1234.5, 1234.0, 0.125]
>>> parse_column(["1.5", "1.250", ""], decimal_comma=True).tolist()
[1.5, 1.25, nan]
>>> Cells([(2, ["1", "a"]), (3, ["2", "b"])]).numbers(0).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np

from ..base.errors import DataError

MISSING = {"", "na", "n/a", "nan", "null", "none", "#n/a", "#na", "?"}
# NFKC leaves these dashes alone; a sheet (or a word processor) writes them for minus.
_DASHES = str.maketrans({c: "-" for c in "\u2212\u2010\u2011\u2012\u2013\ufe63"})
_NEGATIVE = "▲△"  # Japanese accounting: ▲5 is -5
_POINT_GROUPS = re.compile(r"[1-9]\d{0,2}(?P<sep>[, ])\d{3}(?:(?P=sep)\d{3})*(?:\.\d*)?")
_COMMA_GROUPS = re.compile(r"[1-9]\d{0,2}(?P<sep>[. ])\d{3}(?:(?P=sep)\d{3})*(?:,\d*)?")
_COMMA_DECIMAL = re.compile(r"\d*,\d+|\d+,")
#: Units refused when glued to a number (the message says how to fix the sheet).
UNITS = ("%", "‰", "円", "万円", "千円", "百万円", "億円", "ドル", "ユーロ", "¥", "$", "€",
         "£", "kg", "g", "mg", "t", "km", "m", "cm", "mm", "m2", "m²", "㎡", "坪", "歳", "才",
         "人", "個", "件", "回", "分", "秒", "時間", "kwh", "w", "kw", "℃", "°c", "度")
_UNIT = re.compile(r"(?P<pre>[¥$€£])?\s*(?P<num>[-+▲△]?[\d.,  ]*\d[\d.,  ]*)\s*"
                   r"(?P<post>[^\d\s.,+-][^\d]{0,3})?")


def normalize(cell: str) -> str:
    """The cell as plain ASCII where Unicode allows: NFKC (full-width digits, comma, point,
    space), dashes as ``-``, no surrounding spaces.

    >>> normalize(" －１２．５ "), normalize("−5")
    ('-12.5', '-5')
    """
    if cell.isascii():
        return cell.strip()
    return unicodedata.normalize("NFKC", cell).translate(_DASHES).strip()


def is_missing(cell: str) -> bool:
    """Empty, NA, N/A, NaN, NULL, None, #N/A or ? (any case, full-width too)."""
    text = cell.strip().lower()
    if text in MISSING:
        return True
    return not text.isascii() and normalize(text).lower() in MISSING


def parse_number(cell: str, decimal_comma: bool = False) -> float:
    """The number a cell holds (see the module's rules), or ValueError.

    >>> parse_number("1,250.5"), parse_number("1,5", True), parse_number("△1.234,5", True)
    (1250.5, 1.5, -1234.5)
    """
    text = normalize(cell)
    sign = 1.0
    if text[:1] in _NEGATIVE:
        sign, text = -1.0, text[1:].lstrip()
    elif text[:1] in "+-":
        sign, text = (-1.0 if text[0] == "-" else 1.0), text[1:]
    if not text or text[0] in "+-▲△" or text[0].isspace():
        raise ValueError(f"not a number: {cell!r}")
    if decimal_comma:
        if _COMMA_GROUPS.fullmatch(text):
            text = text.replace(".", "").replace(" ", "").replace(",", ".")
        elif _COMMA_DECIMAL.fullmatch(text):
            text = text.replace(",", ".")
    elif _POINT_GROUPS.fullmatch(text):
        text = text.replace(",", "").replace(" ", "")
    if "," in text or " " in text:
        raise ValueError(f"not a number: {cell!r}")
    return sign * float(text)


def is_number(cell: str, decimal_comma: bool = False) -> bool:
    """Whether the cell is written as a number (inf too: read_number then says why not)."""
    try:
        parse_number(cell, decimal_comma)
    except ValueError:
        return False
    return True


_is_number = is_number  # the name columns.py used


def unit_of(cell: str, decimal_comma: bool = False) -> str | None:
    """The unit glued to a number in ``cell`` (``円`` in ``1,234円``), or None.

    >>> unit_of("1,234円"), unit_of("12 %"), unit_of("¥500"), unit_of("2LDK"), unit_of("5")
    ('円', '%', '¥', None, None)
    """
    match = _UNIT.fullmatch(normalize(cell))
    if not match or bool(match.group("pre")) == bool(match.group("post")):
        return None
    unit = match.group("pre") or match.group("post")
    if unit.strip().lower() not in UNITS or not is_number(match.group("num"), decimal_comma):
        return None
    return unit.strip()


def not_a_number(cell: str, decimal_comma: bool, where: str) -> DataError:
    """The error for a cell that should hold a number and does not, naming ``where`` (file,
    line, column) and, for a number with a unit, how to fix the sheet."""
    shown = cell.strip()
    unit = unit_of(cell, decimal_comma)
    if unit is None:
        return DataError(f"{where}: expected a number, found {shown!r}")
    column = re.search(r"column '(.*)'$", where)
    example = f"{column.group(1)}({unit})" if column else f"price({unit})"
    return DataError(
        f"{where}: {shown!r} is a number with the unit {unit!r} attached; glassnet reads "
        f"only plain numbers. Take {unit!r} out of the cells (in Excel: Find and Replace "
        f"{unit!r} with nothing, or format the cells as numbers) and put the unit in the "
        f"column name instead, e.g. {example!r}")


def read_number(cell: str, decimal_comma: bool, where: str) -> float:
    """A finite number from a cell, or a DataError naming ``where`` (file, line, column)."""
    try:
        if is_missing(cell):
            raise ValueError
        number = parse_number(cell, decimal_comma)
    except ValueError:
        raise not_a_number(cell, decimal_comma, where) from None
    if not math.isfinite(number):
        raise DataError(f"{where}: expected a finite number, found {cell.strip()!r}")
    return number


def column_decimal_comma(cells, decimal_comma: bool) -> bool:
    """The decimal mark a column uses: in a decimal-comma file, a column with no comma and
    a point that cannot be a thousands separator (``0.125``, ``1.5``) uses points."""
    if not decimal_comma:
        return False
    points = False
    for cell in cells:
        if "," in cell or "，" in cell:
            return True
        if not points and ("." in cell or "．" in cell):
            text = normalize(cell).lstrip("+-▲△ ")
            points = not _COMMA_GROUPS.fullmatch(text)
    return not points


def _fast_numbers(cells):
    """The cells as a float array when Python's float reads every one (NumPy's loop, a
    hundred times faster than parse_number; it agrees with parse_number wherever it reads
    a cell), else None."""
    try:
        values = np.fromiter(map(float, cells), np.float64, count=len(cells))
    except ValueError:
        return None
    return values if not np.isnan(values).any() else None  # "nan" is a missing mark


def parse_column(cells, decimal_comma: bool = False, strict: bool = False) -> np.ndarray:
    """A column of cells as floats, NaN where a cell is missing or (unless ``strict``, which
    raises ValueError) not a number.

    >>> parse_column(["1,234", "NA", "▲5", "x"]).tolist()
    [1234.0, nan, -5.0, nan]
    """
    cells = list(cells)
    mark = column_decimal_comma(cells, decimal_comma)
    if not mark or not any("," in c or "." in c for c in cells):
        fast = _fast_numbers(cells)
        if fast is not None:
            return fast
    values = np.empty(len(cells))
    for i, cell in enumerate(cells):
        if is_missing(cell):
            values[i] = np.nan
            continue
        try:
            values[i] = parse_number(cell, mark)
        except ValueError:
            if strict:
                raise
            values[i] = np.nan
    return values


class Cells:
    """A table's cells column by column (transposed in one pass), each column parsed at
    most once; shared by ``plan_columns`` and ``encode``."""

    def __init__(self, rows, decimal_comma=False):
        self.raw = list(zip(*(row for _, row in rows)))
        self.decimal_comma = decimal_comma
        self._numbers = {}
        self._marks = {}

    def mark(self, j) -> bool:
        """Whether column j writes decimals with a comma."""
        if j not in self._marks:
            self._marks[j] = column_decimal_comma(self.raw[j], self.decimal_comma)
        return self._marks[j]

    def numbers(self, j):
        """Column j as floats if every cell is a number (none missing), else None."""
        if j not in self._numbers:
            values = parse_column(self.raw[j], self.decimal_comma)
            self._numbers[j] = None if np.isnan(values).any() else values
        return self._numbers[j]

    def parsed(self, j) -> np.ndarray:
        """Column j as floats, NaN for missing cells and cells that are not numbers."""
        values = self.numbers(j)
        return values if values is not None else parse_column(self.raw[j], self.decimal_comma)
