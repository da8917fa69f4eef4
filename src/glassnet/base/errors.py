"""User-facing errors.

Every error a user can cause is a ``ValueError`` or ``TypeError`` subclass whose
message names the argument, file, row or column, what was expected and what was
received. The CLI turns them into one line on stderr and exit code 2.
"""

from __future__ import annotations


class GlassnetError(Exception):
    """Base class of every error glassnet raises on purpose."""


class ConfigError(GlassnetError, ValueError):
    """An argument, a name or a configuration is not valid."""


class ShapeError(GlassnetError, ValueError):
    """An array does not have the shape the model expects."""


class DataError(GlassnetError, ValueError):
    """Input data (an array or a file) cannot be used as it is."""


class ResultsError(GlassnetError, ValueError):
    """An output folder or file cannot be used: writing it would lose somebody's files."""


class ModelFileError(DataError):
    """A model file is damaged, hostile or not a glassnet model; the message names the
    file and what is wrong with it."""


# The public errors show under the names users import them by (``glassnet.DataError``),
# not the folder they are defined in; pickling finds them there too.
for _error in (GlassnetError, ConfigError, ShapeError, DataError, ModelFileError):
    _error.__module__ = "glassnet"



def describe(value) -> str:
    """Short description of a received value for error messages."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"an array of shape {tuple(shape)} and dtype {getattr(value, 'dtype', '?')}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"
