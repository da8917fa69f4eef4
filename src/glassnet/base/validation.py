"""Checks of user arguments, raising errors that say what was expected and received."""

from __future__ import annotations

import numbers

import numpy as np

from .errors import ConfigError, DataError, ShapeError, describe
from .i18n import _


def check_number(name, value, *, minimum=None, maximum=None, integer=False,
                 exclusive_minimum=False, exclusive_maximum=False):
    """Return ``value`` if it is a real number in range, else raise ConfigError.

    >>> check_number("rate", 0.5, minimum=0, maximum=1)
    0.5
    >>> check_number("rate", -1, minimum=0)
    Traceback (most recent call last):
    ...
    glassnet.ConfigError: rate must be >= 0, got -1
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = (_("{name} must be an integer, got {value}") if integer else
                    _("{name} must be a number, got {value}"))
        raise ConfigError(expected.format(name=name, value=describe(value)))
    if not integer and not np.isfinite(value):
        raise ConfigError(_("{name} must be finite, got {value}").format(name=name, value=value))
    for bound, exclusive, fails, message in (
            (minimum, exclusive_minimum, lambda b: not value > b, _("{name} must be > {bound}")),
            (minimum, not exclusive_minimum, lambda b: not value >= b,
             _("{name} must be >= {bound}")),
            (maximum, exclusive_maximum, lambda b: not value < b, _("{name} must be < {bound}")),
            (maximum, not exclusive_maximum, lambda b: not value <= b,
             _("{name} must be <= {bound}"))):
        if bound is not None and exclusive and fails(bound):
            raise ConfigError(_("{rule}, got {value}").format(
                rule=message.format(name=name, bound=f"{bound:g}"), value=value))
    return int(value) if integer else value


def check_choice(name, value, choices):
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ConfigError(_("{name} must be one of {options}, got {value}").format(
            name=name, options=options, value=repr(value)))
    return value


def as_array(name, value, *, dtype=None, ndim=None, finite=True) -> np.ndarray:
    """Convert input data to an array, checking dimensions and finiteness."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{name} must be numeric array-like, got {describe(value)}: {exc}") from None
    if array.dtype == object or array.dtype.kind in "USV":
        raise DataError(f"{name} must be numeric, got values of dtype {array.dtype}")
    if array.dtype.kind == "c":
        raise DataError(f"{name} must hold real numbers, got complex values (dtype "
                        f"{array.dtype}); pass the real part or the magnitude explicitly")
    if ndim is not None and array.ndim not in (ndim if isinstance(ndim, tuple) else (ndim,)):
        raise ShapeError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if finite and array.dtype.kind == "f":
        bad = first_non_finite(array)
        if bad is not None:
            where = ", ".join(str(i) for i in bad)
            raise DataError(f"{name} must contain only finite numbers, got {array[bad]} at "
                            f"index [{where}]")
    return array


#: elements checked at a time when looking for the first NaN or infinity
_CHUNK = 1 << 16


def first_non_finite(array: np.ndarray) -> tuple[int, ...] | None:
    """Index of the first NaN or ±inf in a float array, or None when all are finite.

    One pass without a data-sized temporary: the sum of the array is finite when every
    element is (NaN and ±inf propagate into it); only when it is not (a bad value, or a
    sum of huge values that overflows) are the elements scanned, in small chunks.

    >>> first_non_finite(np.array([[1.0, 2.0], [np.nan, 3.0]]))
    (1, 0)
    >>> first_non_finite(np.full(3, 3e38, dtype=np.float32)) is None   # the sum overflows
    True
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(array.sum(dtype=array.dtype)):
            return None
    flat = array.reshape(-1)  # a view for the contiguous arrays data usually comes in
    for start in range(0, flat.size, _CHUNK):
        bad = np.flatnonzero(~np.isfinite(flat[start:start + _CHUNK]))
        if bad.size:
            return tuple(int(i) for i in np.unravel_index(start + bad[0], array.shape))
    return None


#: Set by ``glassnet/__init__``: reads a table under a column plan (``data.frames``).
TABLE_READERS: list = []


def by_name(x, known, name="x"):
    """A table with named columns (a pandas DataFrame) reordered to ``known`` names, as
    an array; a Dataset (``features`` with ``feature_names``) likewise; anything else,
    or unnamed columns, unchanged (matched by position). ``known`` may be a model's
    info: a DataFrame holding the plan's own columns (区, not 区=A) is then read under
    the plan (text levels, the fills for blank cells, "1,234" read as 1234)."""
    plan = known.get("columns") if isinstance(known, dict) else None
    known = known.get("feature_names") if isinstance(known, dict) else known
    if hasattr(x, "features") and hasattr(x, "feature_names"):  # a glassnet Dataset
        columns, values = [str(c) for c in x.feature_names], np.asarray(x.features)
    elif getattr(x, "columns", None) is not None and hasattr(x, "to_numpy"):
        columns, values = [str(c) for c in x.columns], x
        if (plan and plan.get("inputs") and TABLE_READERS
                and not (known and set(known) <= set(columns))  # not already encoded
                and not all(c.isdigit() for c in columns)):  # unnamed: by position
            return TABLE_READERS[0](plan, x, name)
    else:
        return x
    if not known or columns == list(known) or all(c.isdigit() for c in columns):
        return values
    missing = [n for n in known if n not in columns]
    if missing:
        raise DataError(f"{name} has no column(s) {', '.join(map(repr, missing))}; the model "
                        f"was trained on columns {', '.join(map(repr, known))}")
    picked = [columns.index(n) for n in known]
    if values is x:
        return x[[list(x.columns)[i] for i in picked]].to_numpy()
    return values[:, picked]


def cast_in_range(x, dtype, name="x", lines=None, columns=None) -> np.ndarray:
    """``x`` as ``dtype``; a DataError naming the cell if a finite value overflows it
    (1e300 is finite in float64 and infinite in float32). With ``lines`` (each row's
    line in its file) and ``columns`` (names) the cell is named as the file has it."""
    with np.errstate(over="ignore"):
        cast = x.astype(dtype, copy=False)
    bad = None if cast is x or x.dtype.kind != "f" else first_non_finite(cast)
    if bad is None:
        return cast
    fix = (f"beyond the range of {cast.dtype} (largest {np.finfo(cast.dtype).max:.4g}); scale "
           "the values, or use dtype='float64' (--dtype float64)")
    if len(bad) == 2 and lines is not None and columns is not None:
        raise DataError(f"{name}, line {lines[bad[0]]}, column {columns[bad[1]]!r}: "
                        f"{x[bad]:g} is {fix}")
    where = f"at row {bad[0]}, column {bad[1]}" if len(bad) == 2 else f"at index {bad}"
    raise DataError(f"{name} holds {x[bad]:g} {where}, {fix}")
