"""The journal of a sweep: one JSON line per finished trial, flushed to disk at once.

A sweep appends a line the moment a trial's result comes back, with one ``write`` and an
``fsync``, so a sweep killed at any point loses only the trials that were still running.
A line cut short by the crash (no final newline, or not valid JSON) is ignored when the
journal is read and removed before the next line is appended, so every line in the file
is a whole record.

A trial is known by its key: a hash of its spec written as canonical JSON. The same spec
always has the same key, so ``--resume`` can tell which trials have already finished.

The journal is data from disk, never trusted: it is opened without following a symbolic
link (a link planted in the folder cannot make a sweep read or overwrite a file
elsewhere) and must be a regular file (a FIFO or a device is refused, without waiting on
it); every record is checked field by field (``check_record``), and one that fails is
reported (a ``JournalWarning`` naming the line and the field) and skipped: its trial
simply runs again.

>>> check_record({"key": trial_key({"hidden": [4]}), "result": {"score": 0.5}})
"result field 'name' is missing"
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
import warnings

from ..base.errors import DataError

JOURNAL = "journal.jsonl"
#: a journal larger than this is not a sweep's (a trial's line is a few kilobytes)
MAX_JOURNAL_BYTES = 256 * 2**20


class JournalWarning(UserWarning):
    """A journal record was damaged or tampered with and is skipped."""


def open_regular(path, flags, what="journal"):
    """``os.open`` without following a symbolic link and without blocking on a FIFO; a
    ``DataError`` unless ``path`` is a regular file. Returns the descriptor."""
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0),
                     0o644)
    except OSError as exc:
        if os.path.islink(path):
            raise DataError(f"{path}: the {what} is a symbolic link; a sweep reads and "
                            "writes only its own files (remove the link)") from None
        if isinstance(exc, FileNotFoundError):
            raise
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise DataError(_not_regular(path, what, mode)) from None
        raise DataError(f"{path}: the {what} cannot be opened ({exc.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise DataError(_not_regular(path, what, mode))
    os.set_blocking(fd, True)  # a regular file: blocking or not reads the same
    return fd


def check_own_file(path, what="journal") -> None:
    """DataError when ``path`` exists but is a link or not a regular file (for files
    another library opens, such as Optuna's journal)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise DataError(f"{path}: the {what} is a symbolic link; a sweep reads and writes "
                        "only its own files (remove the link)")
    if not stat.S_ISREG(mode):
        raise DataError(_not_regular(path, what, mode))


def _not_regular(path, what, mode) -> str:
    return (f"{path}: the {what} is not a regular file (a {_kind(mode)}); a sweep reads and "
            "writes only its own files")


def _kind(mode) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISDIR, "folder"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def trial_key(spec: dict) -> str:
    """A short hash of the spec as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:20]


def read_journal(path) -> list[dict]:
    """Every whole, valid record in the journal, in the order they were written.

    A missing file is an empty journal; a torn last line (a crash during its write) is
    skipped silently; a damaged or tampered record elsewhere is skipped with a
    ``JournalWarning`` naming the line and what is wrong (its trial runs again).
    """
    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        return []
    with os.fdopen(fd, "rb") as f:
        if os.fstat(f.fileno()).st_size > MAX_JOURNAL_BYTES:
            raise DataError(f"{path}: {os.fstat(f.fileno()).st_size:,} bytes, larger than "
                            f"a sweep's journal can be ({MAX_JOURNAL_BYTES // 2**20} MiB)")
        lines = f.read(MAX_JOURNAL_BYTES + 1).split(b"\n")
    records = []
    # Every write ends with a newline, so whatever follows the last one is a torn line.
    for number, line in enumerate(lines[:-1], 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
            problem = check_record(record)
        except (ValueError, RecursionError) as exc:
            problem = f"not a JSON record ({type(exc).__name__})"
        if problem is not None:
            warnings.warn(f"{path}, line {number}: {problem}; the record is skipped and its "
                          "trial runs again", JournalWarning, stacklevel=2)
            continue
        records.append(record)
    return records


_NUMBER = (int, float)
#: the result fields a record must hold, with their types (None allowed where listed)
RESULT_FIELDS = {"name": (str,), "spec": (dict,), "history": (dict,), "seconds": _NUMBER,
                 "params": (int,), "verdict": (str,), "message": (str,),
                 "best_epoch": (int, type(None)), "final": (dict,), "best": (dict,),
                 "training_rows": (int,), "validation_rows": (int,)}
OPTIONAL_FIELDS = {"peak_memory_mb": _NUMBER, "stop_reason": (str, type(None)),
                   "model_spec": (dict,)}


def check_record(record) -> str | None:
    """What is wrong with a journal record, or None for a sound one: its key is the
    hash of its result's spec, and every field the reports read has its type (numbers
    finite where a sum or a sort uses them)."""
    if not isinstance(record, dict):
        return f"expected a JSON object, found {type(record).__name__}"
    key, result = record.get("key"), record.get("result")
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{20}", key):
        return "'key' must be a 20-digit hexadecimal trial key"
    if not isinstance(result, dict):
        return "'result' must be an object"
    for fields, required in ((RESULT_FIELDS, True), (OPTIONAL_FIELDS, False)):
        for name, types in fields.items():
            if name not in result:
                if required:
                    return f"result field {name!r} is missing"
                continue
            value = result[name]
            if isinstance(value, bool) or not isinstance(value, types):
                return (f"result field {name!r} must be "
                        f"{' or '.join(t.__name__ for t in types)}, got "
                        f"{type(value).__name__}")
    if key != trial_key(result["spec"]):
        return "'key' is not the hash of the result's spec (the spec was changed)"
    if not math.isfinite(result["seconds"]) or result["seconds"] < 0:
        return "result field 'seconds' must be a finite number of seconds"
    if result["params"] < 0 or result["training_rows"] < 0 or result["validation_rows"] < 0:
        return "result counts (params, rows) must not be negative"
    search = result["spec"].get("search")
    if search is not None and not (isinstance(search, dict) and all(
            isinstance(v, _NUMBER) and not isinstance(v, bool) and math.isfinite(v)
            for v in search.values())):
        return "the spec's 'search' must map names to finite numbers"
    history = result["history"]
    lengths = set()
    for name, values in history.items():
        if not isinstance(values, list) or not all(
                isinstance(v, _NUMBER) and not isinstance(v, bool) for v in values):
            return f"history {name!r} must be a list of numbers"
        if name != "epoch_time":
            lengths.add(len(values))
    if len(lengths) > 1:
        return "the history's lists have different lengths"
    if "loss" not in history:
        return "the history has no 'loss'"
    epochs = len(history["loss"])
    if result["best_epoch"] is not None and not 1 <= result["best_epoch"] <= epochs:
        return f"result field 'best_epoch' must be from 1 to {epochs}"
    for part in ("final", "best"):
        if not all(isinstance(v, _NUMBER) and not isinstance(v, bool)
                   for v in result[part].values()):
            return f"result field {part!r} must map names to numbers"
    return None


class Journal:
    """Appends whole records to ``path``; each is on disk before ``append`` returns."""

    def __init__(self, path):
        self.path = str(path)
        self._drop_torn_tail()

    def _drop_torn_tail(self):
        try:
            fd = open_regular(self.path, os.O_RDWR)
        except FileNotFoundError:
            return
        with os.fdopen(fd, "r+b") as f:
            data = f.read()
            whole = data.rfind(b"\n") + 1
            if whole != len(data):
                f.truncate(whole)
                f.flush()
                os.fsync(f.fileno())

    def append(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode(
            "utf-8")
        created = not os.path.lexists(self.path)
        try:
            fd = open_regular(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        except FileNotFoundError:  # its folder went away
            raise DataError(f"{self.path}: the journal's folder is gone") from None
        try:
            written = 0
            while written < len(line):  # one write in practice; a loop for signals
                written += os.write(fd, line[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:  # the file's name must survive a crash too
            _fsync_folder(os.path.dirname(os.path.abspath(self.path)))


def _fsync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder
    finally:
        os.close(fd)
