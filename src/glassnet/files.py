"""Writing files safely: atomically, and as CSV that Excel opens with Japanese intact.

The ground floor of the package: every layer may use it, it imports nothing of glassnet
but the errors.

- ``atomic_write(path, write)``: ``write(f)`` fills a temporary file in the same
  folder, which is flushed to disk and renamed over ``path``, so a crash or a full disk
  never leaves half a file behind.
- ``csv_bytes`` / ``write_csv``: UTF-8 with a byte-order mark, which Excel (Japanese
  Excel too) needs to show 体長 or 鯛 intact.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import tempfile

import numpy as np

from .errors import DataError
from .results import file_mode, place_file
from .sanitize import csv_row


def atomic_write(path, write, overwrite=True) -> None:
    """Call ``write(file)`` on a temporary file, then rename it to ``path``.

    The file gets the permissions the umask allows (as ``open()`` would give it). With
    ``overwrite=False`` an existing ``path`` is never replaced, even one that appeared
    while ``write`` ran (``results.ResultsError``).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise DataError(f"cannot write {path}: it is a folder; give a file name")
    if not os.path.isdir(folder):
        raise DataError(f"cannot write {path}: folder {folder} does not exist")
    handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(handle, file_mode())  # mkstemp makes 0600: a colleague could not read
        with os.fdopen(handle, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        place_file(tmp, path, overwrite)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_bytes(path, data: bytes, overwrite=True) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda f: f.write(data), overwrite)


def csv_bytes(header, rows) -> bytes:
    """A CSV table as UTF-8 with a BOM (for Excel).

    Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR
    at the start) gets a leading apostrophe; numbers stay numbers (``sanitize``).
    """
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    # The csv module quotes a cell holding "\n" but not one holding a lone "\r", which
    # Excel reads as a line break: such rather rare rows are written fully quoted.
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in itertools.chain([header], rows):
        row = csv_row(row)
        writer = quoted if any(isinstance(v, str) and "\r" in v for v in row) else plain
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(path, header, rows, overwrite=True) -> None:
    """Write a CSV for Excel (UTF-8 with BOM), atomically."""
    write_bytes(path, csv_bytes(header, rows), overwrite)


def json_default(value):
    """``json.dumps(default=...)`` for NumPy scalars and arrays."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in a JSON file")


__all__ = ["atomic_write", "csv_bytes", "json_default", "write_bytes", "write_csv"]
