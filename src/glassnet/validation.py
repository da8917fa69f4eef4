"""Checks of user arguments, raising errors that say what was expected and received."""

from __future__ import annotations

import numbers

import numpy as np

from .errors import ConfigError, DataError, ShapeError, describe


def check_number(name, value, *, minimum=None, maximum=None, integer=False,
                 exclusive_minimum=False, exclusive_maximum=False):
    """Return ``value`` if it is a real number in range, else raise ConfigError.

    >>> check_number("rate", 0.5, minimum=0, maximum=1)
    0.5
    >>> check_number("rate", -1, minimum=0)
    Traceback (most recent call last):
    ...
    glassnet.errors.ConfigError: rate must be >= 0, got -1
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "an integer" if integer else "a number"
        raise ConfigError(f"{name} must be {expected}, got {describe(value)}")
    if not integer and not np.isfinite(value):
        raise ConfigError(f"{name} must be finite, got {value}")
    if minimum is not None:
        if exclusive_minimum and not value > minimum:
            raise ConfigError(f"{name} must be > {minimum:g}, got {value}")
        if not exclusive_minimum and not value >= minimum:
            raise ConfigError(f"{name} must be >= {minimum:g}, got {value}")
    if maximum is not None:
        if exclusive_maximum and not value < maximum:
            raise ConfigError(f"{name} must be < {maximum:g}, got {value}")
        if not exclusive_maximum and not value <= maximum:
            raise ConfigError(f"{name} must be <= {maximum:g}, got {value}")
    return int(value) if integer else value


def check_choice(name, value, choices):
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ConfigError(f"{name} must be one of {options}, got {value!r}")
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
    if finite and array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        where = ", ".join(str(i) for i in bad)
        raise DataError(
            f"{name} must contain only finite numbers, got {array[tuple(bad)]} at index [{where}]"
        )
    return array


def by_name(x, known, name="x"):
    """A table with named columns (a pandas DataFrame) reordered to ``known`` names, as
    an array; anything else, or unnamed columns, unchanged (matched by position)."""
    columns = getattr(x, "columns", None)
    if not known or columns is None or not hasattr(x, "to_numpy"):
        return x
    columns = [str(c) for c in columns]
    if columns == list(known) or all(c.isdigit() for c in columns):
        return x
    missing = [n for n in known if n not in columns]
    if missing:
        raise DataError(f"{name} has no column(s) {', '.join(map(repr, missing))}; the model "
                        f"was trained on columns {', '.join(map(repr, known))}")
    return x[[list(x.columns)[columns.index(n)] for n in known]].to_numpy()


def cast_in_range(x, dtype, name="x") -> np.ndarray:
    """``x`` as ``dtype``; a DataError naming the cell if a finite value overflows it
    (1e300 is finite in float64 and infinite in float32)."""
    with np.errstate(over="ignore"):
        cast = x.astype(dtype, copy=False)
    if cast is x or x.dtype.kind != "f" or np.isfinite(cast).all():
        return cast
    bad = tuple(np.argwhere(~np.isfinite(cast))[0])
    where = f"at row {bad[0]}, column {bad[1]}" if len(bad) == 2 else f"at index {bad}"
    raise DataError(f"{name} holds {x[bad]:g} {where}, beyond the range of {cast.dtype} "
                    f"(largest {np.finfo(cast.dtype).max:.4g}); scale the values, or use "
                    "dtype='float64' (--dtype float64)")
