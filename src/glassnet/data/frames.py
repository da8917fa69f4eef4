"""pandas DataFrames through the same cells and plan as a CSV file.

``encode_frame`` reads a DataFrame's columns by *name* under a model's column plan
(text levels, fills for blank cells, the one cell parser for text such as ``"1,234"``),
so ``model.predict(df)`` gives what ``glassnet predict`` gives for the same table;
``numeric_frame`` turns a DataFrame's text columns that hold numbers into numbers for
the scikit-learn estimators, refusing other text with the column and row named.
"""

from __future__ import annotations

import math

import numpy as np

from ..base.errors import DataError
from .cells import is_missing, parse_column, read_number


def cell_text(value) -> str:
    """A DataFrame value as the text a CSV cell would hold ("" for None/NaN)."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    return str(value)


def is_table(x) -> bool:
    """Whether ``x`` is a table with named columns (a pandas DataFrame)."""
    return hasattr(x, "columns") and hasattr(x, "to_numpy")


def encode_frame(plan, frame, name="x", missing=None) -> np.ndarray:
    """The model's inputs for the rows of ``frame`` under ``plan``: columns matched by
    name (a missing one is an error naming it), text levels and blank cells as in
    training. Messages count rows from 1."""
    from .pipeline import encode_rows

    header = [str(c) for c in frame.columns]
    absent = [c["name"] for c in plan["inputs"] if c["name"] not in header]
    if absent:
        raise DataError(f"{name} has no column(s) {', '.join(map(repr, absent))}; the model "
                        f"was trained on columns "
                        f"{', '.join(repr(c['name']) for c in plan['inputs'])}")
    rows = [(i + 1, [cell_text(v) for v in row])
            for i, row in enumerate(frame.itertuples(index=False, name=None))]
    try:
        x, kept, _report = encode_rows(plan, header, rows, name, False, missing)
    except DataError as exc:
        raise DataError(str(exc).replace(f"{name}, line ", f"{name}, row ")) from None
    if len(kept) != len(rows):
        raise DataError(f"{name}: {len(rows) - len(kept)} rows have blank cells; the model "
                        "fills none (pass a DataFrame without blanks)")
    return x


def matches_plan(plan, frame) -> bool:
    """Whether ``frame`` holds the plan's input columns by their own names (区, not 区=A)."""
    header = {str(c) for c in frame.columns}
    return bool(plan and plan.get("inputs")) and all(c["name"] in header
                                                      for c in plan["inputs"])


def numeric_frame(frame, name="X"):
    """``frame`` with each text (object) column that holds numbers as floats, read by the
    one cell parser (``"1,234"``, ``"▲5"``, ``"１２"``; blanks as NaN); a text column
    that does not is a DataError naming the column and row."""
    texts = [c for c in frame.columns if frame[c].dtype == object
             or str(frame[c].dtype) in ("string", "str")]
    if not texts:
        return frame
    converted = {}
    for column in texts:
        cells = [cell_text(v) for v in frame[column].tolist()]
        values = parse_column(cells)
        for i in np.flatnonzero(np.isnan(values)):
            if not is_missing(cells[i]):
                try:
                    read_number(cells[i], False, f"{name}, row {i + 1}, column {str(column)!r}")
                except DataError as exc:
                    raise DataError(f"{exc}; a text column needs encoding first (scikit-learn's "
                                    "OneHotEncoder in a ColumnTransformer)") from None
        converted[column] = values
    frame = frame.copy()
    for column, values in converted.items():
        frame[column] = values
    return frame
