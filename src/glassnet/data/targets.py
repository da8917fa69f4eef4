"""The target column of a CSV file: classes or numbers, and the faults that lie.

Text labels and a few distinct integers are classes (at most ``max_classes``: more is
likely an ID or free-text column); other numbers are a numeric target. An Excel error
value (``#DIV/0!``), a stray word in a numeric column or ``inf`` is a ``DataError``
naming the file, the line and the column, never a class of its own.
"""

from __future__ import annotations

import math

import numpy as np

from ..base.errors import DataError
from ..base.validation import check_number

MAX_CLASSES = 100
# Excel writes these where a formula failed; they are never a value or a class.
EXCEL_ERRORS = {"#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#spill!",
                "#calc!", "#getting_data", "#field!", "#blocked!", "#connect!", "#busy!",
                "#unknown!"}


def encode_target(texts, lines, task, path, name, max_classes=MAX_CLASSES):
    """Labels and class names (None for a numeric target) from the target column's text;
    ``lines`` holds each cell's line in ``path`` for messages."""
    where = f"{path}, column {name!r}"

    def at(line):
        return f"{path}, line {line}, column {name!r}"

    max_classes = check_number("max_classes", max_classes, minimum=2, integer=True)
    numbers = [_number_or_none(s) for s in texts]
    for s, line in zip(texts, lines):
        if s.strip().lower() in EXCEL_ERRORS:
            raise DataError(f"{at(line)}: {s!r} is an Excel error value (a formula failed); "
                            "fix the cell or drop the row")
    numeric = sum(v is not None for v in numbers)
    all_numbers = numeric == len(texts)
    if numeric >= len(texts) / 2:
        for v, s, line in zip(numbers, texts, lines):
            if v is not None and not math.isfinite(v):
                raise DataError(f"{at(line)}: the target must be a finite number, found "
                                f"{s!r}")
    if task == "regression" or (task == "auto" and not all_numbers and numeric >= len(texts) / 2
                                and not _looks_like_classes(numbers, max_classes)):
        if not all_numbers:
            i = next(i for i, v in enumerate(numbers) if v is None)
            raise DataError(f"{at(lines[i])}: expected a number like the other {numeric} "
                            f"cells of this numeric target, found {texts[i]!r} (pass "
                            "task='classification' if the column holds classes)")
        return np.array(numbers, dtype=np.float64).reshape(-1, 1), None
    if all_numbers:
        if task == "auto" and not _looks_like_classes(numbers, max_classes):
            return np.array(numbers, dtype=np.float64).reshape(-1, 1), None
        order = sorted(set(numbers))  # numeric labels: numeric order (1, 2, ..., 10)
        names = [_label_text(v) for v in order]
        index = {v: i for i, v in enumerate(order)}
        labels = np.array([index[v] for v in numbers], dtype=np.intp)
    else:
        names = sorted(set(texts))  # text labels: sorted, so the order never depends on rows
        index = {v: i for i, v in enumerate(names)}
        labels = np.array([index[v] for v in texts], dtype=np.intp)
    if len(names) > max_classes:
        raise DataError(f"{where}: the target has {len(names)} distinct labels, more than "
                        f"the {max_classes} classes allowed; is it an ID or a free-text "
                        "column? Choose another target column, or raise the cap with "
                        "max_classes=... (--max-classes)")
    if len(names) < 2:
        raise DataError(f"{where}: the target has only one class ({names[0]!r}); "
                        "classification needs at least two")
    return labels, names


def _number_or_none(text):
    try:
        return float(text)
    except ValueError:
        return None


def _looks_like_classes(numbers, max_classes):
    """Integer labels, few of them: classes (1, 2, 3); anything else is a quantity."""
    present = [v for v in numbers if v is not None]
    return (all(v == int(v) and abs(v) < 2**31 for v in present)  # 1e300 is a quantity
            and len(set(present)) <= max_classes)


def _label_text(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)
