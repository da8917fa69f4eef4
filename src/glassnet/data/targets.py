"""The target column of a CSV file: classes or numbers, and the faults that lie.

With ``task="auto"`` a target whose cells are numbers (read by the one cell parser,
so ``"4,719"`` and ``10,5`` in a ``;`` file are numbers) is a regression target, unless
it holds few integer levels (at most ``AUTO_CLASSES``: ``0/1``, ratings ``1``-``5``),
which are classes; ``task_note`` says which rule chose
the task and how to choose the other. Text labels are classes (at most
``max_classes``: more is likely an ID or free-text column). An Excel error value
(``#DIV/0!``), a stray word in a numeric column or ``inf`` is a ``DataError`` naming the
file, the line and the column, never a class of its own.
"""

from __future__ import annotations

import math

import numpy as np

from ..base.errors import DataError
from ..base.validation import check_number
from .cells import column_decimal_comma, not_a_number, parse_number, unit_of

MAX_CLASSES = 100
#: An all-integer target with at most this many levels is taken for classes by task="auto".
AUTO_CLASSES = 10
# Excel writes these where a formula failed; they are never a value or a class.
EXCEL_ERRORS = {"#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#spill!",
                "#calc!", "#getting_data", "#field!", "#blocked!", "#connect!", "#busy!",
                "#unknown!"}


def task_option(task: str, cli: bool) -> str:
    """How the user chooses ``task``: ``--task regression`` or ``task='regression'``."""
    return f"--task {task}" if cli else f"task={task!r}"


def encode_target(texts, lines, task, path, name, max_classes=MAX_CLASSES, decimal_comma=False):
    """Labels and class names (None for a numeric target) from the target column's text;
    ``lines`` holds each cell's line in ``path`` for messages. Messages name the Python
    parameters (``task='classification'``) and, in brackets, the CLI options."""
    where = f"{path}, column {name!r}"

    def at(line):
        return f"{path}, line {line}, column {name!r}"

    max_classes = check_number("max_classes", max_classes, minimum=2, integer=True)
    mark = column_decimal_comma(texts, decimal_comma)
    numbers = [_number_or_none(s, mark) for s in texts]
    for s, line in zip(texts, lines):
        if s.strip().lower() in EXCEL_ERRORS:
            raise DataError(f"{at(line)}: {s!r} is an Excel error value (a formula failed); "
                            "fix the cell or drop the row")
    numeric = sum(v is not None for v in numbers)
    all_numbers = numeric == len(texts)
    units = [i for i, v in enumerate(numbers) if v is None and unit_of(texts[i], mark)]
    if units and task != "classification" and numeric + len(units) == len(texts):
        raise not_a_number(texts[units[0]], mark, at(lines[units[0]]))
    if numeric >= len(texts) / 2:
        for v, s, line in zip(numbers, texts, lines):
            if v is not None and not math.isfinite(v):
                raise DataError(f"{at(line)}: the target must be a finite number, found "
                                f"{s!r}")
    if task == "regression" or (task == "auto" and numeric >= len(texts) / 2
                                and not _looks_like_classes(numbers)):
        if not all_numbers:
            i = next(i for i, v in enumerate(numbers) if v is None)
            raise DataError(f"{at(lines[i])}: expected a number like the other {numeric} "
                            f"cells of this numeric target, found {texts[i]!r} (if the "
                            "column holds classes, pass task='classification'; "
                            "--task classification on the command line)")
        return np.array(numbers, dtype=np.float64).reshape(-1, 1), None
    if all_numbers:
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
                        "max_classes=...")
    if len(names) < 2:
        raise DataError(f"{where}: the target has only one class ({names[0]!r}); "
                        "classification needs at least two")
    return labels, names


def task_note(name, class_names, task, cli=False) -> str | None:
    """The line that says why task="auto" chose classes for a numeric target, and how to
    switch; None when there is nothing to say."""
    if task != "auto" or not class_names:
        return None
    try:
        [float(c) for c in class_names]
    except ValueError:
        return None
    from ..base.i18n import _

    levels = ", ".join(class_names[:6]) + (", ..." if len(class_names) > 6 else "")
    return _("target {name} holds {n} whole-number levels ({levels}): treated as classes; "
             "for a quantity pass {option}").format(name=repr(name), n=len(class_names),
                                                     levels=levels,
                                                     option=task_option("regression", cli))


def _number_or_none(text, decimal_comma=False):
    try:
        return parse_number(text, decimal_comma)
    except ValueError:
        return None


def _looks_like_classes(numbers):
    """Integer labels, few levels: classes (0/1, ratings 1-5); any other all-number column
    is a quantity."""
    present = [v for v in numbers if v is not None]
    if len(present) < len(numbers):
        return False
    levels = set(present)
    return (all(v == int(v) and abs(v) < 2**31 for v in present)  # 1e300 is a quantity
            and len(levels) <= AUTO_CLASSES)


def _label_text(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


# Units written after a name with an underscore or a space ("weight_kg", "price USD");
# anything is a unit inside brackets at the end ("価格(万円)", "price [USD]").
UNIT_WORDS = {"kg", "g", "mg", "t", "km", "m", "cm", "mm", "m2", "m3", "l", "ml", "s", "ms",
              "sec", "min", "h", "hours", "days", "usd", "eur", "gbp", "jpy", "yen", "pct",
              "percent", "kwh", "w", "kw", "v", "hz", "mph", "kmh"}
_BRACKETS = {"(": ")", "（": "）", "[": "]", "［": "］", "【": "】"}


def column_unit(name) -> str | None:
    """The unit a column name states, or None: the text in the brackets that end it
    (``()``, ``（）``, ``[]``, ``［］``, ``【】``; at most 12 characters, not a number), or a
    last word after ``_`` or a space that is a common unit (``UNIT_WORDS``).

    >>> column_unit("価格(万円)"), column_unit("price [USD]"), column_unit("weight_kg")
    ('万円', 'USD', 'kg')
    >>> column_unit("体温（℃）"), column_unit("area m2"), column_unit("price"), column_unit("x(2)")
    ('℃', 'm2', None, None)
    """
    text = str(name).strip()
    if text and text[-1] in _BRACKETS.values():
        close = text[-1]
        opens = [o for o, c in _BRACKETS.items() if c == close]
        start = max(text.rfind(o) for o in opens)
        inside = text[start + 1:-1].strip() if start > 0 else ""
        if inside and len(inside) <= 12 and not _number(inside):
            return inside
        return None
    for separator in ("_", " "):
        head, sep, word = text.rpartition(separator)
        if sep and head.strip() and word.lower() in UNIT_WORDS:
            return word
    return None


def _number(text) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def squared(unit: str) -> str:
    """'万円' -> '万円²'; 'km/h' -> '(km/h)²' (the unit of a squared error)."""
    plain = unit.isalnum() or all(ch.isalpha() or ch in "℃°%" for ch in unit)
    return f"{unit}²" if plain else f"({unit})²"
