"""Which columns of a sheet are inputs, and how their cells become numbers.

A real Excel sheet holds more than features: a row number (``No.``), a date, a text
column (``漁港``), perhaps a title row above the header. This module decides, column by
column, what each one is, and writes the decision down as a *column plan*, a plain
JSON-able dict that the model keeps in ``model.info["columns"]``, so that new rows at
prediction time are encoded exactly as the training rows were:

- ``features=`` / ``ignore=`` pick columns by name, glob (``px*``), 1-based position
  range as Excel counts them (``3-10``) or name range (``体長:体重``);
- ID columns (named ``No.``, ``ID``, ``番号``…, consecutive row numbers, or text that
  is different in every row) are detected, or named with ``id=``; they are never
  inputs and are carried through to predictions;
- text columns become one-hot inputs ``漁港=A港``, their levels saved in the plan;
  an unseen level at prediction time is an error that names it;
- date columns are refused with a message naming the column and the ``ignore`` fix
  (a date is either an identifier of *when*, which does not carry over to new dates,
  or a season, whose encoding is a modelling choice glassnet should not guess).

>>> header = ["No.", "体長", "漁港", "魚種"]
>>> rows = [(2, ["1", "10", "A港", "鯛"]), (3, ["2", "12", "B港", "鮭"]),
...         (4, ["3", "11", "A港", "鯛"])]
>>> plan = plan_columns(header, rows, target=3, path="f.csv")
>>> plan["id"], feature_names(plan)
(['No.'], ['体長', '漁港=A港', '漁港=B港'])
>>> encode(plan, header, rows, "f.csv").tolist()
[[10.0, 1.0, 0.0], [12.0, 0.0, 1.0], [11.0, 1.0, 0.0]]
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import unicodedata

import numpy as np

from ..base.errors import DataError
from ..base.i18n import _
from .cells import Cells, _is_number, is_missing, not_a_number, parse_number, read_number, unit_of

#: The level a text column's blank cells get with ``missing_indicator``.
MISSING_LEVEL = "(missing)"
#: More distinct texts than this in a column is free text or an identifier, not categories.
MAX_LEVELS = 50
#: Text columns together may make at most this many one-hot inputs, and rows x one-hot
#: inputs at most this many cells (160 MB as float64): the cost of a file's text columns
#: is checked before its matrix is made, since a small file of many text columns makes
#: a huge one (400 columns x 50 texts x 1400 rows is 28 million cells from 1.7 MB).
MAX_ONE_HOT_INPUTS = 1000
MAX_ONE_HOT_CELLS = 20_000_000
#: Header names that mean "row identifier" (compared after NFKC, case-folding, no dots).
ID_NAMES = {"no", "id", "#", "番号", "連番", "通し番号", "index", "個体番号", "サンプル番号",
            "標本番号", "sampleid", "sample", "key"}
_DATE = re.compile(r"""^(
    \d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)? |   # 2024/2/2, 2024-02-02
    \d{1,2}/\d{1,2}/\d{4}([ T]\d{1,2}:\d{2}(:\d{2})?)? |              # 2/2/2024
    \d{4}年\d{1,2}月(\d{1,2}日)? | \d{1,2}月\d{1,2}日 |                 # 2024年2月2日, 2月2日
    [RHSTMrhstm令平昭大明]\D{0,1}\d{1,2}[/.年]\d{1,2}[/.月]\d{1,2}日? |  # R6.2.2, 令和6年2月2日
    \d{1,2}:\d{2}(:\d{2})?                                           # 13:45
)$""", re.VERBOSE)


# Choosing columns -------------------------------------------------------------------------
def as_specs(value) -> list[str] | None:
    """None, a string or a list of strings/ints -> a flat list of column specs."""
    if value is None:
        return None
    if isinstance(value, (str, int)):
        value = [value]
    return [str(v) if isinstance(v, int) else v for v in value]


def resolve(specs, header, path, what="features") -> list[int]:
    """Column indices (in header order) for specs: a name, a glob (``px*``), a 1-based
    position or range (``3``, ``3-10``), a name range (``体長:体重``), or several of
    these separated by commas.

    >>> resolve(["b:d", "1"], ["a", "b", "c", "d", "e"], "f.csv")
    [0, 1, 2, 3]
    >>> resolve(["px*"], ["px0", "px1", "y"], "f.csv")
    [0, 1]
    """
    picked = set()
    for spec in specs:
        parts = [spec] if spec in header else [p.strip() for p in spec.split(",") if p.strip()]
        for part in parts:
            picked.update(_resolve_one(part, header, path, what))
    return sorted(picked)


def _resolve_one(spec, header, path, what):
    if spec in header:
        return [header.index(spec)]
    if ":" in spec:
        first, last = (s.strip() for s in spec.split(":", 1))
        if first in header and last in header:
            a, b = sorted((header.index(first), header.index(last)))
            return list(range(a, b + 1))
    match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", spec)
    if match:
        a = int(match.group(1))
        b = int(match.group(2) or a)
        if not 1 <= min(a, b) <= max(a, b) <= len(header):
            raise DataError(f"{path}: {what} {spec!r}: column positions count from 1 to "
                            f"{len(header)} (the file has {len(header)} columns)")
        return list(range(min(a, b) - 1, max(a, b)))
    if any(ch in spec for ch in "*?["):
        found = [j for j, name in enumerate(header) if fnmatch.fnmatchcase(name, spec)]
        if not found:
            raise DataError(f"{path}: {what} {spec!r} matches no column; columns are: "
                            f"{summarize(header)}")
        return found
    close = ([n for n in header if n.startswith(spec)]  # 体長 for 体長(cm)
             or difflib.get_close_matches(spec, header, n=1, cutoff=0.5))
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise DataError(f"{path}: {what}: no column named {spec!r}{hint}; columns are: "
                    f"{summarize(header)}; a spec may also be a glob (px*), positions "
                    "(3-10) or a name range (first:last)")


def summarize(names, limit=12) -> str:
    """'a, b, c' for short lists, 'px0, px1, ..., px783 (784 columns)' for long ones.
    >>> summarize([f"px{i}" for i in range(784)])
    'px0, px1, px2, px3, px4, px5, …, px782, px783 (784 columns)'
    """
    names = [str(n) for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    head = ", ".join([*names[:limit // 2], "…", *names[-2:]])
    return head + _(" ({n} columns)").format(n=len(names))


def _id_name(name: str) -> bool:
    """No., ID, 番号, fish_id, サンプル番号, ... (after NFKC and case-folding)."""
    key = unicodedata.normalize("NFKC", name).casefold().strip()
    compact = re.sub(r"[ ._\-]", "", key)
    return (compact in ID_NAMES or compact.endswith("番号")
            or bool(re.search(r"[ _\-]id$", key)))


def _kind(name, cells, decimal_comma, first=False, values=None):
    """'number', 'id', 'date', 'category' or 'mixed' for one column's non-missing cells
    (``values``: them as numbers, when known); consecutive integers count as row
    numbers only in the ``first`` column."""
    if not cells:
        return "number"  # every cell missing: the missing= rule says what happens
    if values is None and all(_is_number(c, decimal_comma) for c in cells):
        values = np.array([parse_number(c, decimal_comma) for c in cells])
    if values is not None:
        if first and len(cells) >= 3 and np.isfinite(values).all():
            if (values == np.round(values)).all() and (np.diff(values) == 1).all():
                return "id"  # consecutive integers: row numbers
        return "id" if _id_name(name) and len(set(cells)) == len(cells) else "number"
    numeric = [c for c in cells if _is_number(c, decimal_comma)]
    units = [c for c in cells if c not in numeric and unit_of(c, decimal_comma)]
    if units and len(numeric) + len(units) == len(cells):
        return "unit"  # 1,234円 or 12%: refused with the fix
    if 2 * len(numeric) >= len(cells):
        return "mixed"
    if all(_DATE.match(c.strip()) for c in cells if not _is_number(c, decimal_comma)):
        return "date"
    distinct = len({c.strip() for c in cells})
    if _id_name(name) or (distinct == len(cells) and len(cells) >= 3):
        return "id"
    return "category"


def plan_columns(header, rows, target, path, features=None, ignore=None, id=None,
                 decimal_comma=False, cells=None, missing_indicator=False) -> dict:
    """Decide what every column is; return the column plan (JSON-able dict).

    Parameters
    ----------
    header : list of str
    rows : list of (line number, list of str)
    target : int
        Index of the target column.
    features, ignore : specs, optional
        Input columns to use / to leave out (see ``resolve``). Default: every column
        that is not the target, an ID or ignored.
    id : specs, False or None
        ID column(s); None detects them, False turns detection off.
    cells : Cells, optional
        The rows' cells by column, when the caller has them already.
    missing_indicator : bool
        A number column with blank cells gets a second input ``name (missing)``, a text
        column with blank cells a level ``(missing)``.
    """
    table = cells or Cells(rows, decimal_comma)
    n = len(header)
    ignored = set(resolve(as_specs(ignore), header, path, "ignore")) if ignore else set()
    if target in ignored:
        raise DataError(f"{path}: column {header[target]!r} is the target and cannot be "
                        "ignored")
    named_ids = (set(resolve(as_specs(id), header, path, "id")) if id not in (None, False)
                 else set())
    chosen = set(resolve(as_specs(features), header, path, "features")) if features else None
    if chosen is not None and target in chosen:
        raise DataError(f"{path}: column {header[target]!r} is both the target and a feature")
    if target in named_ids:
        raise DataError(f"{path}: column {header[target]!r} is the target and cannot be the ID")
    decided = {}
    for j in range(n):
        if j == target or j in ignored:
            continue
        numbers = table.numbers(j)
        cells = table.raw[j] if numbers is not None else [c for c in table.raw[j]
                                                            if not is_missing(c)]
        if j in named_ids:
            decided[j] = "id"
            continue
        kind = _kind(header[j], cells, decimal_comma, first=j == 0, values=numbers)
        if chosen is not None and j not in chosen:
            decided[j] = "id" if kind == "id" and id is not False else "unused"
            continue
        if kind == "id" and (id is False or chosen is not None or named_ids):
            kind = _kind_as_input(header[j], cells, decimal_comma)
        decided[j] = kind
    if chosen is None and all(kind in ("id", "unused") for kind in decided.values()):
        for j in decided:  # everything looked like an ID (x = 1, 2, 3, ...): use them
            decided[j] = _kind_as_input(header[j], [row[j] for _n, row in rows
                                                    if not is_missing(row[j])], decimal_comma)
    inputs = []
    for j, kind in decided.items():
        if kind in ("id", "unused"):
            continue
        name = header[j]
        if kind == "date":
            example = next(row[j].strip() for _n, row in rows if not is_missing(row[j]))
            raise DataError(
                f"{path}, column {name!r}: holds dates (e.g. {example!r}), which a network "
                f"cannot use as they are; leave the column out with --ignore {_quote(name)} "
                f"(ignore=[{name!r}] in Python)")
        if kind == "unit":
            line, cell = next((line, row[j]) for line, row in rows
                              if not is_missing(row[j]) and unit_of(row[j], decimal_comma))
            raise not_a_number(cell, decimal_comma, f"{path}, line {line}, column {name!r}")
        if kind == "mixed":
            line, cell = next((line, row[j]) for line, row in rows
                              if not is_missing(row[j]) and not _is_number(row[j], decimal_comma))
            read_number(cell, decimal_comma, f"{path}, line {line}, column {name!r}")
        if kind == "category":
            levels = sorted({row[j].strip() for _n, row in rows if not is_missing(row[j])})
            if len(levels) > MAX_LEVELS:
                raise DataError(
                    f"{path}, column {name!r}: {len(levels)} different texts, more than "
                    f"{MAX_LEVELS} categories; if it is an identifier or free text, leave it "
                    f"out with --ignore {_quote(name)} (ignore=[{name!r}] in Python)")
            blank = missing_indicator and any(is_missing(row[j]) for _n, row in rows)
            inputs.append({"name": name, "kind": "category",
                           "levels": levels + [MISSING_LEVEL] * blank})
        else:
            blank = missing_indicator and any(is_missing(row[j]) for _n, row in rows)
            inputs.append({"name": name, "kind": "number",
                           **({"indicator": True} if blank else {})})
    _check_one_hot(inputs, len(rows), path)
    if not inputs:
        raise DataError(f"{path}: no feature columns left; the file has only the target "
                        f"column {header[target]!r}"
                        + (" and ID or ignored columns" if n > 1 else ""))
    return {"inputs": inputs,
            "id": [header[j] for j, kind in decided.items() if kind == "id"],
            "ignored": [header[j] for j in sorted(ignored)],
            "target": header[target]}


def _check_one_hot(inputs, n_rows, path):
    """DataError when the text columns' one-hot inputs are over the limits."""
    texts = sorted((c for c in inputs if c["kind"] == "category"), key=lambda c: -len(c["levels"]))
    width = sum(len(c["levels"]) for c in texts)
    if width <= MAX_ONE_HOT_INPUTS and width * n_rows <= MAX_ONE_HOT_CELLS:
        return
    widest = ", ".join(f"{c['name']!r} ({len(c['levels'])})" for c in texts[:3])
    limit = (f"more than the limit of {MAX_ONE_HOT_INPUTS}" if width > MAX_ONE_HOT_INPUTS
             else f"{width * n_rows:,} cells for {n_rows} rows, more than the limit of "
                  f"{MAX_ONE_HOT_CELLS:,}")
    raise DataError(f"{path}: {len(texts)} text columns would become {width} one-hot inputs, "
                    f"{limit}; the most different texts are in {widest}; leave some out with "
                    f"--ignore (ignore=[...] in Python)")


def _kind_as_input(name, cells, decimal_comma):
    """A column that looks like an ID but was asked for as an input."""
    if all(_is_number(c, decimal_comma) for c in cells):
        return "number"
    return "category"


def _quote(name):
    return f'"{name}"' if re.search(r"[\s()&|;<>'$`\\]", name) else name


def describe(plan) -> str:
    """One line: the input columns (text ones with their level count), IDs, ignored.

    >>> describe({"inputs": [{"name": "体長", "kind": "number"}, {"name": "漁港",
    ...          "kind": "category", "levels": ["A", "B"]}], "id": ["No."], "ignored": []})
    'inputs 体長, 漁港 (text, 2 levels); ID No. (not an input)'
    """
    inputs = [c["name"] + (_(" (text, {n} levels)").format(n=len(c["levels"]))
                           if c["kind"] == "category" else "") for c in plan["inputs"]]
    parts = [_("inputs {names}").format(names=summarize(inputs))]
    if plan.get("id"):
        parts.append(_("ID {names} (not an input)").format(names=", ".join(plan["id"])))
    if plan.get("ignored"):
        parts.append(_("ignored {names}").format(names=summarize(plan["ignored"])))
    return _("; ").join(parts)


def feature_names(plan) -> list[str]:
    """The network's input names: a number column as is (and ``name (missing)`` with an
    indicator), a category as name=level."""
    names = []
    for column in plan["inputs"]:
        if column["kind"] == "category":
            names.extend(f"{column['name']}={level}" for level in column["levels"])
        else:
            names.append(column["name"])
            if column.get("indicator"):
                names.append(f"{column['name']} {MISSING_LEVEL}")
    return names


def spans(plan):
    """(column, first input, end) for each column of the plan; an indicator is the last
    input of its column's span but not part of what fills use."""
    k, out = 0, []
    for column in plan["inputs"]:
        span = len(column["levels"]) if column["kind"] == "category" else 1
        out.append((column, k, k + span))
        k += span + bool(column.get("indicator"))
    return out


def encode(plan, header, rows, path, decimal_comma=False, missing="error",
           cells=None, hint="") -> np.ndarray:
    """The (rows, inputs) matrix for ``rows`` under ``plan``; NaN where a cell is missing
    (unless ``missing="error"``, which raises, adding ``hint``). A category level the
    plan does not know is an error that names it and the known levels."""
    positions = {}
    for column in plan["inputs"]:
        if column["name"] not in header:
            absent = [c["name"] for c in plan["inputs"] if c["name"] not in header]
            raise DataError(f"{path}: missing column(s) {', '.join(map(repr, absent))}; "
                            f"the model's input columns are "
                            f"{summarize([c['name'] for c in plan['inputs']])}")
        positions[column["name"]] = header.index(column["name"])
    width = len(feature_names(plan))
    values = np.zeros((len(rows), width))
    k = 0
    for column in plan["inputs"]:
        j, name = positions[column["name"]], column["name"]
        levels = column.get("levels")
        index = {level: i for i, level in enumerate(levels)} if levels else None
        span = len(levels) if levels else 1
        if index is None:
            cells = cells or Cells(rows, decimal_comma)
            parsed = cells.parsed(j)
            for i in np.flatnonzero(~np.isfinite(parsed)):
                line, cell = rows[i][0], rows[i][1][j]
                if not is_missing(cell):  # raises, naming the cell (and a unit's fix)
                    read_number(cell, cells.mark(j), f"{path}, line {line}, column {name!r}")
                if missing == "error":
                    raise DataError(f"{path}, line {line}, column {name!r}: the cell is "
                                    f"missing ({cell.strip()!r}); expected a number{hint}")
            values[:, k] = parsed
            if column.get("indicator"):
                values[:, k + 1] = np.isnan(parsed)
            k += 1 + bool(column.get("indicator"))
            continue
        for i, (line, row) in enumerate(rows):
            cell = row[j]
            if is_missing(cell) and MISSING_LEVEL in index:
                values[i, k + index[MISSING_LEVEL]] = 1.0
            elif is_missing(cell):
                if missing == "error":
                    raise DataError(
                        f"{path}, line {line}, column {name!r}: the cell is missing "
                        f"({cell.strip()!r}); expected one of {summarize(levels)}{hint}")
                values[i, k:k + span] = np.nan
            else:
                level = index.get(cell.strip())
                if level is None:
                    raise DataError(
                        f"{path}, line {line}, column {name!r}: {cell.strip()!r} is not a "
                        f"category the model was trained on (known: "
                        f"{summarize(levels)}); fix the cell or leave the row out")
                values[i, k + level] = 1.0
        k += span
    return values


def id_values(plan, header, rows) -> np.ndarray | None:
    """The ID columns' cells as an (n, ids) object array of strings, or None."""
    if not plan.get("id"):
        return None
    index = [header.index(name) for name in plan["id"]]
    return np.array([[row[j].strip() for j in index] for _n, row in rows], dtype=object)
