"""compare and search against hostile folders and arguments (issue 25): a journal that
is a link, a FIFO or tampered with, a damaged sweep.json, a scheduler that is not Dask,
and arguments whose cost or range is impossible. Every case is one line and exit 2 (or a
warning and a re-run trial), never a traceback, a hang or a file changed elsewhere."""

import json
import os
import socket
import threading
import time

import pytest

from glassnet.cli import run
from glassnet.experiments.journal import JOURNAL
from glassnet.experiments.plan import PLAN

TINY = ["moons", "--epochs", "2", "--subsample", "60", "--validation-rows", "20"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished compare of two tiny models (copied for each test that changes it)."""
    out = str(tmp_path_factory.mktemp("sweeps") / "done")
    assert run(["compare", *TINY, "--hidden", "2", "--hidden", "3", "--out", out]) == 0
    return out


@pytest.fixture
def sweep(finished, tmp_path):
    import shutil

    out = str(tmp_path / "sweep")
    shutil.copytree(finished, out)
    return out


def one_line_exit_2(capsys, args, *words):
    assert run(args) == 2
    err = "".join(line for line in capsys.readouterr().err.splitlines(True)
                  if not line.startswith("note: --wd-range"))  # the old name's notice
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


# The journal ---------------------------------------------------------------------------------
def test_a_journal_linked_to_a_file_elsewhere_is_refused_and_the_file_kept(sweep, tmp_path,
                                                                           capsys):
    outside = tmp_path / "precious.txt"
    outside.write_text("not a journal\n", encoding="utf-8")
    os.remove(os.path.join(sweep, JOURNAL))
    os.symlink(outside, os.path.join(sweep, JOURNAL))
    one_line_exit_2(capsys, ["compare", "--resume", sweep], "symbolic link", JOURNAL)
    assert outside.read_text(encoding="utf-8") == "not a journal\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_journal_is_refused_at_once(sweep, capsys):
    os.remove(os.path.join(sweep, JOURNAL))
    os.mkfifo(os.path.join(sweep, JOURNAL))
    started = time.monotonic()
    one_line_exit_2(capsys, ["compare", "--resume", sweep], "not a regular file (a FIFO)")
    assert time.monotonic() - started < 10


def test_a_tampered_record_is_reported_skipped_and_its_trial_run_again(sweep, capsys):
    path = os.path.join(sweep, JOURNAL)
    lines = open(path, encoding="utf-8").read().splitlines()
    record = json.loads(lines[0])
    record["result"]["history"] = {"loss": "oops"}
    lines[0] = json.dumps(record)
    open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    os.remove(os.path.join(sweep, "results.json"))
    assert run(["compare", "--resume", sweep]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "line 1" in warnings[0] and "history 'loss'" in warnings[0]
    assert len([line for line in captured.out.splitlines() if "score" in line]) == 1
    results = json.load(open(os.path.join(sweep, "results.json"), encoding="utf-8"))
    assert all(isinstance(r["history"]["loss"], list) for r in results) and len(results) == 2


# sweep.json -----------------------------------------------------------------------------------
@pytest.mark.parametrize("change, words", [
    (lambda p: {**p, "specs": []}, "non-empty list"),
    (lambda p: {**p, "specs": ["x"]}, "non-empty list"),
    (lambda p: {**p, "specs": [{**p["specs"][0], "epochs": -1}]}, "epochs must be >= 1"),
    (lambda p: {**p, "specs": [{**p["specs"][0], "hidden": "2"}]}, "hidden must be a list"),
    (lambda p: {**p, "specs": [{**p["specs"][0], "data": 7}]}, "data must be an object"),
    (lambda p: {**p, "specs": [{}] * 20000}, "trials must be <= 10000"),
    (lambda p: {**p, "kind": "hack"}, "kind 'compare' or 'search'"),
    (lambda p: [p], "kind 'compare' or 'search'"),
    (lambda p: {**p, "title": {"a": 1}}, "'title' must be text"),
    (lambda p: {**p, "specs": [{"deep": json.loads("[" * 40 + "]" * 40)}]}, "nested deeper"),
    (lambda p: {"kind": "search", "base": 5}, "'base' must be an object"),
    (lambda p: {"kind": "search", "base": {}, "trials": 10**9}, "trials must be <= 10000"),
    (lambda p: {"kind": "search", "base": {}, "trials": "20"}, "trials must be an integer"),
    (lambda p: {"kind": "search", "base": {}, "learning_rate": [1, "a"]}, "two numbers"),
    (lambda p: {"kind": "search", "base": {}, "l2": [1e-8, 1e999]}, "< infinity"),
    (lambda p: {"kind": "search", "base": {}, "sampler": "evil"}, "'sampler' must be one of"),
    (lambda p: {"kind": "search", "base": {}, "prune": "yes"}, "'prune' must be true or false"),
    (lambda p: {"kind": "search", "base": {}, "wave": 0}, "wave must be >= 1"),
])
def test_a_tampered_plan_is_one_line_naming_the_file_and_setting(sweep, capsys, change, words):
    path = os.path.join(sweep, PLAN)
    plan = json.load(open(path, encoding="utf-8"))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(change(plan), f)
    one_line_exit_2(capsys, ["compare", "--resume", sweep], PLAN, words)


@pytest.mark.parametrize("raw, words", [(b"{not json", "is damaged"),
                                        (b"[" * 200000 + b"]" * 200000, "is damaged")])
def test_a_damaged_plan_is_one_line(sweep, capsys, raw, words):
    with open(os.path.join(sweep, PLAN), "wb") as f:
        f.write(raw)
    one_line_exit_2(capsys, ["compare", "--resume", sweep], PLAN, words)


def test_a_plan_linked_elsewhere_is_refused(sweep, tmp_path, capsys):
    elsewhere = tmp_path / "plan.json"
    os.replace(os.path.join(sweep, PLAN), elsewhere)
    os.symlink(elsewhere, os.path.join(sweep, PLAN))
    one_line_exit_2(capsys, ["compare", "--resume", sweep], "symbolic link")


# The scheduler --------------------------------------------------------------------------------
@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never speaks (a web server, say)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("address, words", [
    ("http://127.0.0.1:8787", "a web address"),
    ("garbage::::", "expected 'local' or a Dask scheduler address"),
    ("tcp://127.0.0.1:99999", "expected 'local' or a Dask scheduler address"),
    ("tcp://127.0.0.1:1", "nothing answers"),
    ("tcp://127.0.0.1:8786\nINJECTED", "expected 'local'"),
])
def test_a_scheduler_that_is_not_dask_fails_in_seconds(tmp_path, capsys, address, words):
    pytest.importorskip("distributed")
    started = time.monotonic()
    err = one_line_exit_2(capsys, ["compare", *TINY, "--hidden", "2", "--scheduler", address,
                                   "--out", str(tmp_path / "s")], words)
    assert time.monotonic() - started < 15
    assert "INJECTED" not in err.split("'")[0]


def test_a_silent_server_is_not_taken_for_a_scheduler(tmp_path, capsys, silent_server):
    pytest.importorskip("distributed")
    started = time.monotonic()
    one_line_exit_2(capsys, ["compare", *TINY, "--hidden", "2", "--scheduler", silent_server,
                             "--out", str(tmp_path / "s")], "not as a Dask scheduler")
    assert time.monotonic() - started < 15


# Arguments ------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (["search", *TINY, "--trials", "1000000000"], "--trials must be at most 10000"),
    (["search", *TINY, "--trials", "0"], "--trials must be >= 1"),
    (["search", *TINY, "--wd-range", "1e-8", "inf"], "--wd-range must be two numbers"),
    (["search", *TINY, "--l2-range", "1e-8", "nan"], "--l2-range must be"),
    (["search", *TINY, "--l2-range", "0.1", "0.01"], "--l2-range must be"),
    (["search", *TINY, "--lr-range", "0", "1"], "--lr-range must be"),
    (["search", "moons", "--epochs", "-0"], "--epochs must be >= 1, got 0"),
    (["compare", "moons", "--hidden", "2", "--epochs", "0"], "--epochs must be >= 1"),
    (["compare", "moons", "--hidden", "2", "--batch-size", "-5"], "--batch-size must be >= 1"),
    (["compare", "moons", "--hidden", "2", "--jobs", "0"], "--jobs must be >= 1"),
])
def test_impossible_arguments_are_one_line(tmp_path, capsys, args, words):
    started = time.monotonic()
    one_line_exit_2(capsys, [*args, "--out", str(tmp_path / "s")], words)
    assert time.monotonic() - started < 10
    assert not (tmp_path / "s").exists()


def test_a_deeply_nested_config_is_one_line(tmp_path, capsys):
    config = tmp_path / "models.json"
    config.write_text('{"models": [{"hidden": ' + "[" * 5000 + "]" * 5000 + "}]}",
                      encoding="utf-8")
    one_line_exit_2(capsys, ["compare", "moons", "--config", str(config), "--out",
                             str(tmp_path / "s")], "nested deeper than 32")


def test_jobs_beyond_the_trials_start_no_idle_workers(tmp_path, monkeypatch):
    """One trial with --jobs 12 runs here, in this process: no pool of 12 is started."""
    from glassnet.experiments import runner

    calls = []
    real = runner.run_one
    monkeypatch.setattr(runner, "run_one", lambda *a: calls.append(a) or real(*a))
    assert run(["compare", *TINY, "--hidden", "2", "--jobs", "12", "--out",
                str(tmp_path / "s")]) == 0
    assert len(calls) == 1  # run in this process (a worker process would not be seen)
