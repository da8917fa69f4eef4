"""compare and search on the command line: progress, resume, a Dask cluster started apart."""

import json
import os
import subprocess
import sys
import time

import pytest


def comparable(result):
    """A result without the fields that measure the machine rather than the model."""
    h = {k: v for k, v in result["history"].items() if k != "epoch_time"}
    return result["name"], h, result["params"], result["verdict"], result["stop_reason"]


def test_search_command_prints_progress_and_resumes(tmp_path, capsys):
    from glassnet.cli import run

    out = str(tmp_path / "s")
    args = ["search", "moons", "--trials", "4", "--epochs", "3", "--hidden", "4",
            "--sampler", "grid", "--jobs", "2", "--out", out]
    assert run(args) == 0
    lines = capsys.readouterr().out.splitlines()
    trials = [line for line in lines if "score" in line]
    assert len(trials) == 4 and lines[2].strip().startswith("[0/4 done, 2 running, 4 left]")
    assert all("lr " in line and "l2 " in line and "ETA " in line for line in trials)
    assert trials[-1].strip().startswith("[4/4 done, 0 running, 0 left]")
    results = json.loads(open(os.path.join(out, "results.json"), encoding="utf-8").read())
    assert sorted(r["spec"]["search"]["learning_rate"] for r in results)[::3] == [1e-6, 0.1]

    assert run(["search", "--resume", out]) == 0
    assert not [line for line in capsys.readouterr().out.splitlines() if "score" in line]
    assert run(["search", "moons", "--trials", "5", "--resume", out]) == 2
    assert "was started with other settings" in capsys.readouterr().err
    assert run(args) == 2  # a new sweep does not silently reuse a folder
    assert "already holds search results" in capsys.readouterr().err


def test_compare_on_a_dask_cluster_started_apart(tmp_path, capsys):
    """What a user with several machines does: `dask scheduler`, `dask worker ADDRESS`,
    then `glassnet compare --scheduler ADDRESS` (here all on loopback)."""
    pytest.importorskip("distributed")
    from glassnet.cli import run

    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    scheduler_file = str(tmp_path / "scheduler.json")
    started = [subprocess.Popen(dask + ["--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                        "--scheduler-file", scheduler_file],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(scheduler_file) and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(open(scheduler_file, encoding="utf-8").read())["address"]
        started.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "2",
             "--nthreads", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=60) as client:  # both workers, on a loaded machine too
            client.wait_for_workers(2, timeout=120)
        args = ["compare", "moons", "--hidden", "4", "--hidden", "16,16", "--epochs", "4"]
        assert run(args + ["--scheduler", address, "--out", str(tmp_path / "c")]) == 0, \
            capsys.readouterr().err
        assert f"Dask cluster at {address}" in capsys.readouterr().out
        assert run(args + ["--out", str(tmp_path / "here")]) == 0
        there, here = (json.loads((tmp_path / d / "results.json").read_text(encoding="utf-8"))
                       for d in ("c", "here"))
        assert [comparable(r) for r in there] == [comparable(r) for r in here]
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=30)


def test_the_scheduler_comes_from_glassnet_scheduler_by_default(tmp_path, capsys, monkeypatch):
    from glassnet.cli import run

    monkeypatch.setenv("GLASSNET_SCHEDULER", "not-an-address")
    code = run(["compare", "xor", "--hidden", "2", "--epochs", "1",
                "--out", str(tmp_path / "c")])
    assert code == 2
    assert "scheduler: expected 'local' or a Dask scheduler address" in capsys.readouterr().err
    monkeypatch.delenv("GLASSNET_SCHEDULER")  # the same folder serves once it is fixed
    assert run(["compare", "xor", "--hidden", "2", "--epochs", "1",
                "--out", str(tmp_path / "c")]) == 0


def test_search_l2_range_and_its_old_name(tmp_path, capsys):
    """--l2-range sets the L2 penalty each trial trains with; --wd-range, its old name,
    still works with a note; a folder whose plan says weight_decay resumes as l2."""
    from glassnet.cli import run

    args = ["search", "moons", "--trials", "1", "--epochs", "1", "--hidden", "2",
            "--sampler", "grid"]
    out = str(tmp_path / "new")
    assert run([*args, "--l2-range", "1e-6", "1e-2", "--out", out]) == 0
    assert "--wd-range" not in capsys.readouterr().err
    results = json.loads(open(os.path.join(out, "results.json"), encoding="utf-8").read())
    assert results[0]["spec"]["l2"] == results[0]["spec"]["search"]["l2"]
    assert results[0]["spec"]["l2"] == pytest.approx(1e-4)  # one trial: the geometric mean
    old = str(tmp_path / "old")
    assert run([*args, "--wd-range", "1e-6", "1e-2", "--out", old]) == 0
    assert "--wd-range is now called --l2-range" in capsys.readouterr().err
    again = json.loads(open(os.path.join(old, "results.json"), encoding="utf-8").read())
    assert again[0]["spec"] == results[0]["spec"]
    assert run([*args, "--wd-range", "1e-6", "1e-2", "--l2-range", "1e-6", "1e-2"]) == 2
    plan_path = os.path.join(old, "sweep.json")
    plan = json.loads(open(plan_path, encoding="utf-8").read())
    plan["weight_decay"] = plan.pop("l2")  # as an older glassnet wrote it
    with open(plan_path, "w", encoding="utf-8") as f:
        json.dump(plan, f)
    capsys.readouterr()
    assert run(["search", "--resume", old]) == 0
    assert not [line for line in capsys.readouterr().out.splitlines() if "score" in line]
