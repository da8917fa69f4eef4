"""The journal of a sweep: one JSON line per finished trial, flushed to disk at once.

A sweep appends a line the moment a trial's result comes back, with one ``write`` and an
``fsync``, so a sweep killed at any point loses only the trials that were still running.
A line cut short by the crash (no final newline, or not valid JSON) is ignored when the
journal is read and removed before the next line is appended, so every line in the file
is a whole record.

A trial is known by its key: a hash of its spec written as canonical JSON. The same spec
always has the same key, so ``--resume`` can tell which trials have already finished.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "journal.jsonl")
>>> journal = Journal(path)
>>> journal.append({"key": trial_key({"hidden": [4]}), "index": 0, "result": {"score": 0.5}})
>>> [r["result"]["score"] for r in read_journal(path)]
[0.5]
"""

from __future__ import annotations

import hashlib
import json
import os

from ..base.errors import DataError

JOURNAL = "journal.jsonl"


def trial_key(spec: dict) -> str:
    """A short hash of the spec as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:20]


def read_journal(path) -> list[dict]:
    """Every whole record in the journal, in the order they were written.

    A missing file is an empty journal; a torn last line (a crash during its write) is
    skipped; a damaged line elsewhere is a ``DataError`` naming the line.
    """
    try:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except FileNotFoundError:
        return []
    records = []
    # Every write ends with a newline, so whatever follows the last one is a torn line.
    for number, line in enumerate(lines[:-1], 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except ValueError:
            record = None
        if not isinstance(record, dict) or "key" not in record or "result" not in record:
            raise DataError(f"{path}, line {number}: expected a JSON record with 'key' and "
                            f"'result', found {line[:60]!r}")
        records.append(record)
    return records


class Journal:
    """Appends whole records to ``path``; each is on disk before ``append`` returns."""

    def __init__(self, path):
        self.path = str(path)
        self._drop_torn_tail()

    def _drop_torn_tail(self):
        try:
            with open(self.path, "r+b") as f:
                data = f.read()
                whole = data.rfind(b"\n") + 1
                if whole != len(data):
                    f.truncate(whole)
                    f.flush()
                    os.fsync(f.fileno())
        except FileNotFoundError:
            pass

    def append(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode(
            "utf-8")
        created = not os.path.exists(self.path)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
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
