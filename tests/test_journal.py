"""The journal of a sweep: whole records on disk, torn lines dropped, keys by content."""

import pytest

from glassnet.base.errors import DataError
from glassnet.experiments.journal import JOURNAL, Journal, read_journal, trial_key


def test_journal_round_trip_and_torn_last_line(tmp_path):
    path = tmp_path / JOURNAL
    journal = Journal(path)
    records = [{"key": "a", "trial": 0, "result": {"x": 0.1, "y": [1e-300, float("inf")]}},
               {"key": "b", "trial": 1, "result": {"名前": "モデル"}}]
    for record in records:
        journal.append(record)
    assert read_journal(path) == records  # floats come back bit for bit
    with open(path, "ab") as f:
        f.write(b'{"key": "c", "trial": 2, "res')  # a crash in the middle of a write
    assert read_journal(path) == records
    Journal(path).append({"key": "d", "trial": 3, "result": {}})
    assert [r["key"] for r in read_journal(path)] == ["a", "b", "d"]
    lines = path.read_bytes().split(b"\n")
    assert len(lines) == 4 and lines[-1] == b""


def test_journal_damage_in_the_middle_is_named(tmp_path):
    path = tmp_path / JOURNAL
    path.write_text('{"key": "a", "result": {}}\nnot json\n{"key": "b", "result": {}}\n',
                    encoding="utf-8")
    with pytest.raises(DataError, match="line 2: expected a JSON record"):
        read_journal(path)


def test_trial_key_ignores_key_order_and_sees_every_value():
    assert trial_key({"a": 1, "b": [2, 3]}) == trial_key({"b": [2, 3], "a": 1})
    assert trial_key({"a": 1.0}) != trial_key({"a": 1.0000000000000002})
