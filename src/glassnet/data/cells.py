"""Cells of a sheet as numbers: missing marks, decimal commas, Excel's thousands
separators, and whole columns parsed at once.

>>> read_number(" 1,250.5 ", False, "f.csv, line 2, column 'x'")
1250.5
>>> Cells([(2, ["1", "a"]), (3, ["2", "b"])]).numbers(0).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..base.errors import DataError

MISSING = {"", "na", "n/a", "nan", "null", "none", "#n/a", "#na", "?"}
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING


def parse_number(cell: str, decimal_comma: bool) -> float:
    """float(cell), also reading "1,5" when the file uses ; and decimal commas, and
    Excel's thousands separators ("1,250.5") otherwise.

    >>> parse_number("1,250.5", False), parse_number("1,5", True)
    (1250.5, 1.5)
    """
    text = cell.strip()
    if decimal_comma and "," in text and "." not in text:
        text = text.replace(",", ".")
    elif not decimal_comma and _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    return float(text)


def read_number(cell: str, decimal_comma: bool, where: str) -> float:
    """A finite number from a cell, or a DataError naming ``where`` (file, line, column)."""
    try:
        if is_missing(cell):
            raise ValueError
        number = parse_number(cell, decimal_comma)
    except ValueError:
        raise DataError(f"{where}: expected a number, found {cell.strip()!r}") from None
    if not math.isfinite(number):
        raise DataError(f"{where}: expected a finite number, found {cell.strip()!r}")
    return number


def _is_number(cell: str, decimal_comma: bool) -> bool:
    """Whether the cell is written as a number (inf too: read_number then says why not)."""
    try:
        parse_number(cell, decimal_comma)
    except ValueError:
        return False
    return True


def _fast_numbers(cells, decimal_comma):
    """The cells as a float array when every one is a plain number (NumPy's C parser, a
    hundred times faster than a loop), else None."""
    if decimal_comma:
        return None
    try:
        values = np.fromiter(map(float, cells), np.float64, count=len(cells))
    except ValueError:
        return None
    return values if not np.isnan(values).any() else None  # "nan" is a missing mark


class Cells:
    """A table's cells column by column (transposed in one pass), each column parsed as
    plain numbers at most once; shared by ``plan_columns`` and ``encode``."""

    def __init__(self, rows, decimal_comma=False):
        self.raw = list(zip(*(row for _, row in rows)))
        self.decimal_comma = decimal_comma
        self._numbers = {}

    def numbers(self, j):
        """Column j as floats if every cell is a plain number, else None."""
        if j not in self._numbers:
            self._numbers[j] = _fast_numbers(self.raw[j], self.decimal_comma)
        return self._numbers[j]
