"""Missing cells, from the training rows to the prediction: the rule, the fill values
fitted on the training rows only, and the counts a person reads.

The column plan (``columns.plan_columns``; saved with the model as
``model.info["columns"]``) carries the rule as ``plan["missing"]`` and, once fitted,
each input's fill values:

- a number column: ``{"mean": ..., "median": ..., "most-frequent": ...}`` of its
  training cells (all three are kept, so ``predict --missing median`` can change the rule
  without the training rows);
- a text column: ``{"most-frequent": level}``; with ``missing_indicator`` a text column
  that has blanks gets a level ``(missing)`` of its own instead;
- with ``missing_indicator`` a number column that has blanks gets a second input
  ``name (missing)``: 1 where the cell was blank (and filled), else 0.

Rules: ``error`` (refuse a blank cell, naming file, line and column), ``drop`` (leave
the row out, and say how many), ``mean``, ``median``, ``most-frequent``. A blank target
cannot be filled: under every rule but ``error`` its row is dropped and counted.

>>> plan = {"inputs": [{"name": "a", "kind": "number"}], "missing": "median"}
>>> x = np.array([[1.0], [np.nan], [3.0], [10.0]])
>>> plan = fit_fills(plan, x)
>>> plan["inputs"][0]["fill"]
{'mean': 4.666666666666667, 'median': 3.0, 'most-frequent': 1.0}
>>> filled, counts = fill(plan, x)
>>> filled[:, 0].tolist(), counts
([1.0, 3.0, 3.0, 10.0], {'a': 1})
"""

from __future__ import annotations

import numpy as np

from ..base.errors import DataError
from .columns import MISSING_LEVEL, spans

RULES = ("error", "drop", "mean", "median", "most-frequent")
FILL_RULES = ("mean", "median", "most-frequent")


def check_rule(value, what="missing") -> str:
    """The rule, or a DataError listing the rules (``missing=...`` in Python)."""
    if value not in RULES:
        raise DataError(f"{what} must be one of {', '.join(map(repr, RULES))}, got {value!r}")
    return value


def option(rule: str, cli: bool) -> str:
    """How a person asks for ``rule``: ``--missing drop`` or ``missing='drop'``."""
    return f"--missing {rule}" if cli else f"missing={rule!r}"


def fit_fills(plan: dict, features: np.ndarray) -> dict:
    """A copy of ``plan`` whose inputs carry fill values fitted on ``features`` (the
    training rows, NaN where a cell was blank)."""
    inputs = []
    for column, start, stop in spans(plan):
        block = features[:, start:stop]
        if column["kind"] == "category":
            levels = column["levels"]
            known = block[~np.isnan(block).any(axis=1)]
            counts = known.sum(axis=0) if len(known) else np.zeros(len(levels))
            if MISSING_LEVEL in levels:
                counts[levels.index(MISSING_LEVEL)] = -1  # never the filled-in level
            fills = {"most-frequent": levels[int(np.argmax(counts))]}
        else:
            values = block[:, 0][~np.isnan(block[:, 0])]
            if values.size == 0:
                fills = None
            else:
                distinct, counts = np.unique(values, return_counts=True)
                fills = {"mean": float(values.mean()), "median": float(np.median(values)),
                         "most-frequent": float(distinct[int(np.argmax(counts))])}
        inputs.append({**column, "fill": fills})
    return {**plan, "inputs": inputs}


def fitted(plan: dict) -> bool:
    """Whether the plan's inputs carry fill values (``fit_fills`` ran)."""
    return bool(plan.get("inputs")) and all("fill" in c for c in plan["inputs"])


def fill(plan: dict, features: np.ndarray, rule: str | None = None, where: str = "this data"):
    """(features with the blanks filled, {column: cells filled}); ``rule`` defaults to the
    plan's. Needs fitted fills (``fit_fills``)."""
    rule = rule or plan.get("missing", "error")
    features = np.array(features, dtype=np.float64)
    counts = {}
    for column, start, stop in spans(plan):
        block = features[:, start:stop]
        blank = np.isnan(block).any(axis=1)
        if not blank.any():
            continue
        fills = column.get("fill")
        if fills is None:
            raise DataError(f"{where}, column {column['name']!r}: every training cell is "
                            "missing, so there is no value to fill in; leave the column out "
                            f"with --ignore {column['name']} (ignore=[{column['name']!r}] in "
                            "Python)")
        if column["kind"] == "category":
            row = np.zeros(stop - start)
            row[column["levels"].index(fills["most-frequent"])] = 1.0
            block[blank] = row
        else:
            block[blank, 0] = fills["mean" if rule not in FILL_RULES else rule]
        features[:, start:stop] = block
        counts[column["name"]] = int(blank.sum())
    return features, counts


def encode_rows(plan, header, rows, path, decimal_comma=False, missing=None):
    """(inputs, rows kept, report) for new rows under a fitted plan: columns found by
    name, text levels as in training, blank cells handled by ``missing`` (default: the
    plan's rule, which fills with the training rows' values)."""
    from .columns import encode

    rule = check_rule(missing or plan.get("missing") or "error")
    x = encode(plan, header, rows, path, decimal_comma, "keep")
    blank = np.isnan(x).any(axis=1)
    report = {"rule": rule}
    if not blank.any():
        return x, rows, report
    if rule == "error":
        first = int(np.argmax(blank))
        encode(plan, header, rows[first:first + 1], path, decimal_comma,
               hint=" (or pass missing='drop', 'mean', 'median' or 'most-frequent')")
    if rule == "drop":
        report.update(dropped_rows=int(blank.sum()), dropped=blank_counts(plan, x[blank]))
        return x[~blank], [row for row, b in zip(rows, blank) if not b], report
    if not fitted(plan):
        raise DataError(f"{path}: {int(blank.sum())} rows have blank cells and the model "
                        "keeps no fill values (it was trained without missing='mean', "
                        "'median' or 'most-frequent'); pass missing='drop' to leave those "
                        "rows out")
    x, report["filled"] = fill(plan, x, rule, path)
    return x, rows, report


def blank_counts(plan, values) -> dict:
    """{column: rows with a blank cell in it} for the rows ``values``."""
    counts = {}
    for column, start, stop in spans(plan):
        n = int(np.isnan(values[:, start:stop]).any(axis=1).sum())
        if n:
            counts[column["name"]] = n
    return counts


def fit_missing(train, *others):
    """(train, *others) with the blanks filled by values fitted on ``train``'s rows only;
    the fitted plan goes into every part's ``info["columns"]`` (the model saves it), and
    ``info["missing"]`` says per column how many cells were filled in each part."""
    plan = train.info.get("columns")
    if not plan or plan.get("missing") not in FILL_RULES:
        return (train, *others)
    plan = fit_fills(plan, train.features)
    parts = []
    for part in (train, *others):
        if part is None:
            parts.append(None)
            continue
        filled, counts = fill(plan, part.features, where=part.source or "this data")
        done = part.subset(slice(None))
        done.features = filled
        done.info = {**part.info, "columns": plan,
                     "missing": {**part.info.get("missing", {}), "filled": counts}}
        parts.append(done)
    return tuple(parts)


def summary(info: dict, cli: bool = False) -> str | None:
    """One line: the rule, the rows dropped and the cells filled per column (or None),
    in the user's language.

    >>> print(summary({"missing": {"rule": "drop", "dropped_rows": 2, "dropped": {"面積": 2}}}))
    missing cells (missing='drop'): dropped 2 rows with blank cells (2 in 面積)
    """
    from ..base.i18n import _, ngettext

    missing = info.get("missing") or {}
    rule = missing.get("rule")
    if not rule or rule == "error":
        return None

    def counts(by):
        return _(", ").join(_("{n} in {column}").format(n=n, column=name)
                            for name, n in by.items())

    parts = []
    dropped = missing.get("dropped_rows") or 0
    target = missing.get("no_target") or 0
    if dropped:
        parts.append(ngettext("dropped {n} row with blank cells ({counts})",
                              "dropped {n} rows with blank cells ({counts})", dropped).format(
                                  n=dropped, counts=counts(missing.get("dropped") or {})))
    if target:
        parts.append(ngettext("dropped {n} row with a blank target",
                              "dropped {n} rows with a blank target", target).format(n=target))
    filled = missing.get("filled") or {}
    if filled:
        what = {"median": _("the training rows' median"),
                "most-frequent": _("the training rows' most frequent value")}.get(
                    rule, _("the training rows' mean"))
        parts.append(_("filled {counts} with {what} (text: the most frequent level)").format(
            counts=counts(filled), what=what))
    if not parts:
        parts.append(_("no blank cells"))
    return _("missing cells ({option}): {parts}").format(option=option(rule, cli),
                                                         parts=_("; ").join(parts))


def check_plan(plan, where: str, inputs=None) -> dict:
    """A column plan read from a model file, checked (``io.modelcheck``) for a model of
    ``inputs`` inputs (default: as many as the plan makes): a ModelFileError blames
    ``where`` (the model file) and names the field."""
    from ..io.modelcheck import check_columns
    from .columns import feature_names

    if inputs is None and isinstance(plan, dict) and isinstance(plan.get("inputs"), list):
        try:
            inputs = len(feature_names(plan))
        except (KeyError, TypeError):
            inputs = -1  # the check names what is wrong
    return check_columns(plan, where, inputs)
