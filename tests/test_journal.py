"""The journal of a sweep: whole records on disk, torn lines dropped, keys by content."""

import json
import os
import re
import time
from types import SimpleNamespace

import pytest

from glassnet.base.errors import DataError
from glassnet.experiments.journal import JOURNAL, Journal, JournalWarning, read_journal, trial_key


def record(i, **changes):
    """A journal record as a sweep writes it (trial ``i``), with ``changes`` to its result."""
    spec = {"name": f"model {i}", "hidden": [i + 1], "search": {"learning_rate": 0.1 / (i + 1)}}
    result = {"name": f"モデル {i}", "spec": spec, "history": {"loss": [1.0, 1e-300],
              "val_loss": [1.1, float("inf")]}, "seconds": 0.5, "params": 9, "verdict": "good",
              "message": "fine", "best_epoch": 1, "final": {"loss": 1e-300}, "best": {},
              "training_rows": 80, "validation_rows": 20, "stop_reason": None}
    result.update(changes)
    return {"key": trial_key(result["spec"]), "trial": i, "result": result}


def test_journal_round_trip_and_torn_last_line(tmp_path):
    path = tmp_path / JOURNAL
    journal = Journal(path)
    records = [record(0), record(1)]
    for r in records:
        journal.append(r)
    assert read_journal(path) == records  # floats come back bit for bit
    with open(path, "ab") as f:
        f.write(b'{"key": "c", "trial": 2, "res')  # a crash in the middle of a write
    assert read_journal(path) == records
    Journal(path).append(record(3))
    assert [r["trial"] for r in read_journal(path)] == [0, 1, 3]
    lines = path.read_bytes().split(b"\n")
    assert len(lines) == 4 and lines[-1] == b""


def test_journal_damage_in_the_middle_is_reported_and_skipped(tmp_path):
    path = tmp_path / JOURNAL
    good = [json.dumps(record(i)) for i in range(2)]
    path.write_text(f"{good[0]}\nnot json\n{good[1]}\n", encoding="utf-8")
    with pytest.warns(JournalWarning, match="line 2: not a JSON record"):
        assert [r["trial"] for r in read_journal(path)] == [0, 1]


TAMPERED = [
    ([], "expected a JSON object"),
    ({"key": "a", "result": {}}, "20-digit hexadecimal"),
    ({**record(0), "result": None}, "'result' must be an object"),
    (record(0, history=None), "'history' must be dict"),
    (record(0, history={"loss": "1"}), "history 'loss' must be a list of numbers"),
    (record(0, history={"loss": [1, 2], "val_loss": [1]}), "different lengths"),
    (record(0, history={"val_loss": [1]}), "no 'loss'"),
    (record(0, seconds="5"), "'seconds' must be int or float"),
    (record(0, seconds=float("nan")), "finite number of seconds"),
    (record(0, params=True), "'params' must be int"),
    (record(0, params=-1), "must not be negative"),
    (record(0, best_epoch=99), "'best_epoch' must be from 1 to 2"),
    (record(0, final={"loss": "x"}), "'final' must map names to numbers"),
    (record(0, name=["x"]), "'name' must be str"),
    ({**record(0), "result": {k: v for k, v in record(0)["result"].items() if k != "verdict"}},
     "'verdict' is missing"),
    ({**record(0), "key": record(1)["key"]}, "spec was changed"),
    (record(0, spec={"search": {"learning_rate": "1"}}), "finite numbers"),
]


@pytest.mark.parametrize("bad, words", TAMPERED)
def test_every_tampered_record_is_named_and_skipped(tmp_path, bad, words):
    path = tmp_path / JOURNAL
    path.write_text(json.dumps(record(1)) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.warns(JournalWarning, match="line 2: .*" + re.escape(words)):
        assert [r["trial"] for r in read_journal(path)] == [1]


def test_a_deeply_nested_record_is_skipped(tmp_path):
    path = tmp_path / JOURNAL
    path.write_bytes(b"[" * 100000 + b"]" * 100000 + b"\n")
    with pytest.warns(JournalWarning, match="line 1: not a JSON record"):
        assert read_journal(path) == []


def test_a_journal_that_is_a_link_is_neither_read_nor_written(tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / JOURNAL).symlink_to(outside)
    with pytest.raises(DataError, match="symbolic link"):
        read_journal(folder / JOURNAL)
    with pytest.raises(DataError, match="symbolic link"):
        Journal(folder / JOURNAL)
    (folder / "other.jsonl").symlink_to(tmp_path / "missing")  # a dangling link too
    with pytest.raises(DataError, match="symbolic link"):
        Journal(folder / "other.jsonl").append(record(0))
    assert outside.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_folder_journal_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / JOURNAL
    os.mkfifo(fifo)
    started = time.monotonic()
    for action in (lambda: read_journal(fifo), lambda: Journal(fifo),
                   lambda: Journal.append(SimpleNamespace(path=str(fifo)), record(0))):
        with pytest.raises(DataError, match="not a regular file \\(a FIFO\\)"):
            action()
    assert time.monotonic() - started < 5
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    with pytest.raises(DataError, match="not a regular file \\(a folder\\)"):
        read_journal(folder)


def test_trial_key_ignores_key_order_and_sees_every_value():
    assert trial_key({"a": 1, "b": [2, 3]}) == trial_key({"b": [2, 3], "a": 1})
    assert trial_key({"a": 1.0}) != trial_key({"a": 1.0000000000000002})
