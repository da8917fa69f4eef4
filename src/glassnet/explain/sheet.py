"""The rows of a CSV file to explain, read the way the model was trained.

``glassnet explain MODEL DATA`` reads DATA with the model's column plan (its inputs by
name, text columns as their saved levels, its ID columns), keeps each row's number,
line and IDs, and, when DATA has the target column, the targets of the rows where it
is filled in (for importance).

>>> parse_rows("1-3,7", 10).tolist()
[0, 1, 2, 6]
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from ..base.errors import DataError


@dataclass
class Sheet:
    """Encoded rows of a file: ``x`` (rows, inputs), each row's ``lines`` in the file,
    ``ids`` (rows, ID columns) or None, and, when the file has the target, ``targets``
    (class indices or values, one per row; ``known`` says which rows have one)."""

    path: str
    x: np.ndarray
    lines: np.ndarray
    ids: np.ndarray | None
    id_names: list[str]
    targets: np.ndarray | None = None
    known: np.ndarray | None = None
    left_out: tuple = ()
    detected: dict | None = None  # how the file was written (delimiter, decimal mark)
    numbers: np.ndarray | None = None  # each row's number under the header (from 1)
    total: int = 0  # rows under the header, with any left out for blank cells

    def __len__(self) -> int:
        return len(self.x)

    def row_names(self) -> list[str]:
        """How a person finds each row: its IDs, else 'line N' of the file."""
        if self.ids is not None:
            return [" ".join(map(str, idv)) for idv in self.ids]
        return [f"line {line}" for line in self.lines]

    def labelled(self, model):
        """A Dataset of the rows with a known target (None when the file has no target)."""
        from ..data import Dataset

        if self.targets is None or not self.known.any():
            return None
        info = model.info or {}
        pick = self.known
        labels = self.targets[pick]
        if not info.get("class_names"):
            labels = labels.reshape(-1, 1).astype(np.float64)
        else:
            labels = labels.astype(np.intp)
        return Dataset(self.x[pick], labels, list(info.get("feature_names") or []),
                       info.get("class_names"), info.get("target_name") or "target",
                       self.path)


def pick_rows(sheet, text, option="--rows") -> np.ndarray:
    """Indices into ``sheet``'s rows for row numbers ``text`` ('1-20'), counted under the
    header of the file; a row left out for its blank cells is an error naming it."""
    wanted = parse_rows(text, sheet.total, option) + 1
    picks = np.flatnonzero(np.isin(sheet.numbers, wanted))
    gone = sorted(set(wanted.tolist()) - set(sheet.numbers[picks].tolist()))
    if gone:
        raise DataError(f"{sheet.path}: row {gone[0]} has blank input cells and is left out "
                        "(the model's rule for missing cells is 'drop'); choose other rows")
    return picks


def parse_rows(text, n, option="--rows") -> np.ndarray:
    """0-based indices of rows given as '1-20', '3,5,9-12' (counted from 1, the first
    row under the header)."""
    picked = []
    for part in str(text).split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match:
            raise DataError(f"{option}: expected row numbers like 1-20 or 3,5,9-12 (counted "
                            f"from 1, the first row under the header), got {text!r}")
        a, b = int(match.group(1)), int(match.group(2) or match.group(1))
        if a > b:
            raise DataError(f"{option} {part.strip()}: a range goes from low to high, "
                            f"e.g. {b}-{a}")
        if not 1 <= a <= b <= n:
            raise DataError(f"{option} {part.strip()}: the file has rows 1 to {n} under its "
                            "header")
        picked.extend(range(a - 1, b))
    return np.array(sorted(set(picked)), dtype=np.intp)


def read_sheet(model, path, encoding=None, skip_rows=None, sheet=None) -> Sheet:
    """Read ``path`` (a workbook's ``sheet``) with ``model``'s column plan (see the
    module docstring)."""
    from ..data import columns
    from ..data.cells import is_missing, parse_number
    from ..data.csvfile import read_table
    from ..data.exports import input_plan
    from ..data.pipeline import encode_rows

    path = os.fspath(path)
    header, rows, detected = read_table(path, encoding, skip_rows=skip_rows, sheet=sheet)
    if not rows:
        raise DataError(f"{path}: no rows under the header")
    plan = input_plan(model, header)
    decimal_comma = detected["delimiter"] == ";"
    first_lines = [line for line, _cells in rows]
    # blank cells as the model was trained to treat them (filled, or the row refused)
    x, rows, _blanks = encode_rows(plan, header, rows, path, decimal_comma)
    plan_ids = [name for name in plan.get("id", []) if name in header]
    ids = columns.id_values({**plan, "id": plan_ids}, header, rows)
    lines = np.array([line for line, _cells in rows])
    numbers = np.searchsorted(first_lines, lines) + 1
    sheet = Sheet(path, x, lines, ids, plan_ids, detected=detected, numbers=numbers,
                  total=len(first_lines))
    info = model.info or {}
    target = info.get("target_name")
    if target is None or target not in header:
        return sheet
    j = header.index(target)
    classes = info.get("class_names")
    targets = np.zeros(len(rows))
    known = np.zeros(len(rows), dtype=bool)
    unknown = set()
    index = {str(c): k for k, c in enumerate(classes or [])}
    for i, (line, cells) in enumerate(rows):
        text = cells[j].strip()
        if is_missing(text):
            continue
        if classes:
            k = index.get(text, index.get(_integer_text(text)))
            if k is None:
                unknown.add(text)
                continue
            targets[i] = k
        else:
            try:
                targets[i] = parse_number(text, decimal_comma)
            except ValueError:
                raise DataError(f"{path}, line {line}, column {target!r}: the model's target "
                                f"is a number, got {text!r}") from None
        known[i] = True
    sheet.targets, sheet.known, sheet.left_out = targets, known, tuple(sorted(unknown))
    return sheet


def _integer_text(text):
    """'1.0' -> '1' (a class written as a float), anything else as it is."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if np.isfinite(value) and value == int(value) else text
