"""Writing files safely: atomically, and as CSV that Excel opens with Japanese intact.

The ground floor of the package: every layer may use it, it imports nothing of glassnet
but the errors.

- ``atomic_write(path, write)``: ``write(f)`` fills a temporary file in the same
  folder, which is flushed to disk and renamed over ``path``, so a crash or a full disk
  never leaves half a file behind.
- ``csv_bytes`` / ``write_csv``: UTF-8 with a byte-order mark, which Excel (Japanese
  Excel too) needs to show 体長 or 鯛 intact, formula cells neutralised (``sanitize``);
  or, given a ``dialect`` (``output_dialect``), in the conventions of the file the
  data came from: its delimiter, decimal mark and encoding (German ``;`` and ``10,5``
  in, the same out). Numbers are written in the shortest form that reads back as the
  same value of their own type (``format_number``: a float32 ``2812.6365``, not
  ``2812.636474609375``).
- ``check_output_file`` / ``place_file``: a single output file is never an input of the
  run, and never replaces an existing file unless asked to.
- ``rename_exchange`` / ``rename_noreplace``: atomic renames (Linux ``renameat2``) for
  ``results``; ``file_mode``: what the umask allows.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import sys
import tempfile

import numpy as np

from ..base.errors import DataError, ResultsError
from ..base.sanitize import csv_row


def atomic_write(path, write, overwrite=True) -> None:
    """Call ``write(file)`` on a temporary file, then rename it to ``path``.

    The file gets the permissions the umask allows (as ``open()`` would give it). With
    ``overwrite=False`` an existing ``path`` is never replaced, even one that appeared
    while ``write`` ran (``ResultsError``).
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


#: How glassnet writes a table when nothing says otherwise: what Excel opens everywhere.
DEFAULT_DIALECT = {"delimiter": ",", "decimal": ".", "encoding": "utf-8-sig"}


def format_number(value, decimal=".") -> str:
    """A number as the shortest text that reads back as the same value of its type:
    a float32 by float32's digits, a float by float64's, with ``decimal`` as the mark.

    >>> format_number(np.float32(2812.6365)), format_number(2812.636474609375)
    ('2812.6365', '2812.636474609375')
    >>> format_number(np.float32(0.1), ","), format_number(3), format_number(1e-30)
    ('0,1', '3', '1e-30')
    >>> format_number(np.float32(2.0)), format_number(-2.0, ",")
    ('2.0', '-2,0')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (np.float32, np.float16)):
        text = str(value)  # NumPy's shortest round-trip digits (Dragon4) for the type
    else:
        text = repr(float(value))
    return text.replace(".", decimal) if decimal != "." else text


def output_dialect(detected=None) -> dict:
    """The conventions to write a table in, from what was detected reading its input
    (``read_table``'s ``detected``): the input's delimiter and decimal mark (German
    ``;`` and ``10,5`` in, the same out; a workbook's: ``,`` and ``.``), and always
    UTF-8 with a byte-order mark, whatever the input's encoding. Excel opens such a
    file with every character intact in every language (Japanese Excel included),
    glassnet reads it back without guessing, and it holds any name, where cp932 has no
    ``ü`` and Latin-1 no ``鯛``; a run folder's files all share it.

    >>> output_dialect({"delimiter": ";", "decimal": ",", "encoding": "cp932"})
    {'delimiter': ';', 'decimal': ',', 'encoding': 'utf-8-sig'}
    >>> output_dialect({"delimiter": None, "encoding": None})["delimiter"]
    ','
    """
    detected = detected or {}
    return {"delimiter": detected.get("delimiter") or ",",
            "decimal": detected.get("decimal") or ".", "encoding": "utf-8-sig"}


def csv_text(header, rows, delimiter=",", decimal=".") -> str:
    """A CSV table as text: formula cells neutralised (``sanitize``), numbers by
    ``format_number``, the cells between ``delimiter``."""
    buffer = io.StringIO()
    plain = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    # The csv module quotes a cell holding "\n" but not one holding a lone "\r", which
    # Excel reads as a line break: such rather rare rows are written fully quoted.
    quoted = csv.writer(buffer, delimiter=delimiter, lineterminator="\n",
                        quoting=csv.QUOTE_ALL)
    for row in itertools.chain([header], rows):
        row = [v if isinstance(v, str) else format_number(v, decimal)
               if isinstance(v, (int, float, np.number)) else v for v in csv_row(row)]
        writer = quoted if any(isinstance(v, str) and "\r" in v for v in row) else plain
        writer.writerow(row)
    return buffer.getvalue()


def csv_bytes(header, rows, dialect=None) -> bytes:
    """A CSV table as UTF-8 with a BOM (for Excel), or in ``dialect`` (a dict like
    :data:`DEFAULT_DIALECT`, see ``output_dialect``).

    Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR
    at the start) gets a leading apostrophe; numbers stay numbers (``sanitize``).
    """
    return encode_table(header, rows, dialect)[0]


def encode_table(header, rows, dialect=None) -> tuple[bytes, str]:
    """(bytes, encoding used): ``dialect``'s encoding (one a caller chose), or UTF-8
    with a BOM when the table holds a character that encoding cannot."""
    dialect = {**DEFAULT_DIALECT, **(dialect or {})}
    text = csv_text(header, rows, dialect["delimiter"], dialect["decimal"])
    try:
        return text.encode(dialect["encoding"]), dialect["encoding"]
    except UnicodeEncodeError:
        return text.encode("utf-8-sig"), "utf-8-sig"


def write_csv(path, header, rows, overwrite=True, dialect=None) -> str:
    """Write a CSV for Excel (UTF-8 with BOM, or ``dialect``), atomically; return the
    encoding used."""
    data, used = encode_table(header, rows, dialect)
    write_bytes(path, data, overwrite)
    return used


def json_default(value):
    """``json.dumps(default=...)`` for NumPy scalars and arrays."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in a JSON file")


# Atomic renames ---------------------------------------------------------------------------
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_renameat2 = None


def _libc_renameat2():
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                function = libc.renameat2
                function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.c_char_p, ctypes.c_uint]
                function.restype = ctypes.c_int
                _renameat2 = function
            except (OSError, AttributeError):
                _renameat2 = False
    return _renameat2


def rename_exchange(a: str, b: str) -> bool:
    """Swap two paths in one atomic step; False when the system cannot."""
    function = _libc_renameat2()
    if not function:
        return False
    import ctypes
    import errno

    at_fdcwd = -100
    if function(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), b)


def rename_noreplace(source: str, target: str) -> None:
    """Rename ``source`` to ``target``; FileExistsError if ``target`` exists."""
    function = _libc_renameat2()
    if function:
        import ctypes
        import errno

        at_fdcwd = -100
        if function(at_fdcwd, os.fsencode(source), at_fdcwd, os.fsencode(target),
                    _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code in (errno.EEXIST, errno.ENOTEMPTY):
            raise FileExistsError(code, os.strerror(code), target)
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), target)
    if os.path.isdir(source):
        # POSIX rename never replaces a non-empty folder; an empty one holds nothing.
        if os.path.lexists(target) and not os.path.isdir(target):
            raise FileExistsError(17, "File exists", target)
        try:
            os.rename(source, target)
        except OSError as exc:
            if os.path.lexists(target):
                raise FileExistsError(17, "File exists", target) from exc
            raise
        return
    os.link(source, target)  # fails when target exists; then drop the temporary name
    os.unlink(source)


# Single output files ------------------------------------------------------------------------
def _real(path) -> str:
    return os.path.realpath(os.path.abspath(os.fspath(path)))


def check_output_file(path, inputs=(), overwrite=False, option="--out") -> str:
    """Refuse an output file that is a folder, an input of the run, or exists already."""
    given = os.fspath(path)
    real = _real(given)
    if os.path.isdir(real):
        raise ResultsError(f"{option} {given} is a folder; give a file name")
    for source in (_real(p) for p in inputs if p):
        if real == source or (os.path.exists(real) and os.path.exists(source)
                              and os.path.samefile(real, source)):
            raise ResultsError(f"{option} {given} is an input of this run; write the results "
                               "to another file")
    if os.path.lexists(real) and not overwrite:
        raise ResultsError(f"{option} {given} exists; choose another file, or pass "
                           "--overwrite to replace it")
    return real


def place_file(temporary, path, overwrite) -> None:
    """Move a finished temporary file to ``path``; never replace it unless ``overwrite``."""
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        rename_noreplace(temporary, path)
    except FileExistsError:
        os.unlink(temporary)
        raise ResultsError(f"{path} appeared while this run worked; it was left as it is "
                           "(pass --overwrite to replace it)") from None


def umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new regular file gets from ``open()``: 0o666 less the umask."""
    return 0o666 & ~umask()


__all__ = ["DEFAULT_DIALECT", "atomic_write", "check_output_file", "csv_bytes", "csv_text",
           "encode_table", "file_mode", "format_number", "json_default", "output_dialect",
           "place_file", "rename_exchange", "rename_noreplace", "write_bytes", "write_csv"]
