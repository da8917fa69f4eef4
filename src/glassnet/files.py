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
import os
import tempfile

import numpy as np

from .errors import DataError


def atomic_write(path, write) -> None:
    """Call ``write(file)`` on a temporary file, then rename it to ``path``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DataError(f"cannot write {path}: folder {folder} does not exist")
    handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda f: f.write(data))


def csv_bytes(header, rows) -> bytes:
    """A CSV table as UTF-8 with a BOM (for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(path, header, rows) -> None:
    """Write a CSV for Excel (UTF-8 with BOM), atomically."""
    write_bytes(path, csv_bytes(header, rows))


def json_default(value):
    """``json.dumps(default=...)`` for NumPy scalars and arrays."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in a JSON file")


__all__ = ["atomic_write", "csv_bytes", "json_default", "write_bytes", "write_csv"]
