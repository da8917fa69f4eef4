"""Sweeps: engines (joblib, Dask), the journal, resuming, samplers and the median rule."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from glassnet.base.errors import ConfigError, ResultsError
from glassnet.experiments import describe, grid_specs, random_specs, run_search, run_sweep, score
from glassnet.experiments.journal import JOURNAL, read_journal
from glassnet.experiments.pruning import MedianStopping, median_rule

MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist.npz")
needs_mnist = pytest.mark.skipif(not os.path.exists(MNIST),
                                 reason="../shared/data/mnist.npz is not present")
MOONS = {"data": {"source": "moons", "split_seed": 0}, "hidden": [8], "epochs": 5,
         "batch_size": 16, "optimizer": {"name": "sgd"}}


def comparable(result):
    """A result without the fields that measure the machine rather than the model."""
    h = {k: v for k, v in result["history"].items() if k != "epoch_time"}
    return result["name"], h, result["params"], result["verdict"], result["stop_reason"]


def test_out_dir_is_not_silently_reused_nor_resumed_from_nothing(tmp_path):
    specs = random_specs(MOONS, trials=1)
    run_sweep(specs, out_dir=tmp_path / "s")
    with pytest.raises(ConfigError, match="already holds a sweep"):
        run_sweep(specs, out_dir=tmp_path / "s")
    with pytest.raises(ConfigError, match="is not a folder"):
        run_sweep(specs, out_dir=tmp_path / "missing", resume=True)
    (tmp_path / "killed-before-any-trial-ended").mkdir()
    assert len(run_sweep(specs, out_dir=tmp_path / "killed-before-any-trial-ended",
                         resume=True)) == 1


# -- engines: identical numbers -----------------------------------------------------------
@needs_mnist
def test_joblib_one_and_two_workers_and_a_dask_local_cluster_agree_bit_for_bit(monkeypatch):
    pytest.importorskip("distributed")
    from glassnet.experiments.runner import Sweep
    from glassnet.experiments.trial import data_key, load_split

    base = {"data": {"source": "mnist", "path": MNIST, "train_rows": 300,
                     "validation_rows": 300, "split_seed": 0},
            "hidden": [64, 32], "scale": "none", "epochs": 2, "batch_size": 32}
    specs = random_specs(base, trials=3, learning_rate=(1e-3, 1e-1), seed=2)
    one = [comparable(r) for r in run_sweep(specs, jobs=1)]
    two = [comparable(r) for r in run_sweep(specs, jobs=2)]
    dask = [comparable(r) for r in run_sweep(specs, jobs=2, scheduler="local")]
    assert one == two == dask
    # as when the workers cannot read the file: the split is broadcast to them once
    scattered = []

    def scatter_all(sweep, specs):
        scattered.append({data_key(s): load_split(data_key(s)) for s in specs})
        return scattered[-1]

    monkeypatch.setattr(Sweep, "_scattered_splits", scatter_all)
    sent = [comparable(r) for r in run_sweep(specs, jobs=2, scheduler="local")]
    assert len(scattered) == 1 and len(scattered[0]) == 1 and sent == one
    assert len({json.dumps(c[1]) for c in one}) == 3  # three different trials


def test_progress_counts_and_best_so_far():
    seen = []
    results = run_sweep(random_specs(MOONS, trials=3, seed=4), progress=seen.append)
    assert [(s["done"], s["left"]) for s in seen] == [(0, 3), (1, 2), (2, 1), (3, 0)]
    assert seen[0]["eta"] is None and seen[-1]["eta"] == 0
    assert seen[-1]["best"]["score"] == max(score(r) for r in results)
    line = describe(seen[1])
    lr = results[0]["spec"]["search"]["learning_rate"]
    assert line.startswith("[1/3 done, 1 running, 2 left]") and f"lr {lr:.3g}" in line
    assert f"score {score(results[0]):.4g}" in line


def test_eta_comes_from_measured_trial_times_shared_by_the_workers(monkeypatch):
    """Issue 28: compare estimated 3:51 for a 21 s run (the elapsed time, worker start-up
    included, over the finished trials only, as if one worker did everything). Here the
    trials say they took 100 s each, start-up 'takes' 50 s, and two workers share them."""
    from glassnet.experiments import runner

    clock = iter(range(0, 10_000, 50))
    monkeypatch.setattr(runner.time, "monotonic", lambda: float(next(clock)))

    def fake(self, specs):
        for i, spec in enumerate(specs):
            yield i, {"name": spec["name"], "seconds": 100.0, "history": {"val_loss": [0.5]},
                      "spec": spec}

    monkeypatch.setattr(runner.Sweep, "_execute", fake)
    seen = []
    specs = [{**MOONS, "name": f"trial {i}"} for i in range(5)]  # all of the same cost
    with runner.Sweep(jobs=2, progress=seen.append, total=5) as sweep:
        sweep.run(specs)
    # 100 s a trial; after the first, 4 trials left on 2 workers: 200 s; then 3 on 2...
    assert [s["eta"] for s in seen] == [None, 200.0, 150.0, 100.0, 100.0, 0.0]


# -- a killed sweep resumes -------------------------------------------------------------
KILLED = """
import sys
from glassnet.experiments import random_specs, run_sweep
base = {{"data": {{"source": "moons", "split_seed": 0}}, "hidden": [16], "epochs": {epochs},
        "batch_size": 8, "optimizer": {{"name": "sgd"}}}}
if __name__ == "__main__":
    run_sweep(random_specs(base, trials=8, seed=5), out_dir=sys.argv[1], jobs=2,
              resume=len(sys.argv) > 2)
"""


def test_a_killed_sweep_resumes_without_rerunning_finished_trials(tmp_path):
    epochs = 50
    script = tmp_path / "sweep.py"
    script.write_text(KILLED.format(epochs=epochs), encoding="utf-8")
    out = tmp_path / "run"
    # its own session, so that the worker processes it leaves behind can be ended after
    runner = subprocess.Popen([sys.executable, str(script), str(out)], start_new_session=True)
    journal = out / JOURNAL
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and runner.poll() is None:
        if journal.exists() and len(read_journal(journal)) >= 2:
            break
        time.sleep(0.05)
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    try:
        os.killpg(runner.pid, signal.SIGKILL)  # the orphaned workers
    except ProcessLookupError:
        pass
    before = read_journal(journal)
    assert 2 <= len(before) < 8, "the sweep should have been killed mid-way"

    base = {"data": {"source": "moons", "split_seed": 0}, "hidden": [16], "epochs": epochs,
            "batch_size": 8, "optimizer": {"name": "sgd"}}
    specs = random_specs(base, trials=8, seed=5)
    ran = []
    resumed = run_sweep(specs, out_dir=out, jobs=2, resume=True,
                        progress=lambda s: s["result"] and ran.append(s["result"]["name"]))
    finished_before = {r["result"]["name"] for r in before}
    assert not finished_before & set(ran)
    assert sorted(ran + list(finished_before)) == sorted(s["name"] for s in specs)
    after = read_journal(journal)
    assert len(after) == 8 and len({r["key"] for r in after}) == 8
    assert after[:len(before)] == before  # the journal was only appended to
    uninterrupted = run_sweep(specs, jobs=1)
    assert [comparable(r) for r in resumed] == [comparable(r) for r in uninterrupted]


# -- samplers -----------------------------------------------------------------------------
def test_grid_is_log_spaced_and_fits_in_the_trials():
    specs = grid_specs(MOONS, trials=20, learning_rate=(1e-4, 1e-1), l2=(1e-6, 1e-2))
    lrs = sorted({s["search"]["learning_rate"] for s in specs})
    l2s = sorted({s["search"]["l2"] for s in specs})
    assert len(specs) == 20 and len(lrs) == 4 and len(l2s) == 5
    assert np.allclose(lrs, [1e-4, 1e-3, 1e-2, 1e-1]) and np.allclose(l2s, np.logspace(-6, -2, 5))
    assert [s["l2"] for s in specs] == [s["search"]["l2"] for s in specs]  # what trains
    assert len(grid_specs(MOONS, trials=7)) == 6  # 2 × 3


def test_the_l2_range_under_its_old_name_still_works():
    """``weight_decay=`` was the search's name for the L2 penalty: same trials, a warning."""
    new = grid_specs(MOONS, trials=4, l2=(1e-6, 1e-2))
    with pytest.warns(FutureWarning, match=r"now called l2"):
        old = grid_specs(MOONS, trials=4, weight_decay=(1e-6, 1e-2))
    assert old == new
    with pytest.warns(FutureWarning):
        assert random_specs(MOONS, 3, weight_decay=(1e-6, 1e-2)) == random_specs(
            MOONS, 3, l2=(1e-6, 1e-2))
    with pytest.raises(ConfigError, match="once"):
        grid_specs(MOONS, l2=(1e-6, 1e-2), weight_decay=(1e-6, 1e-2))


def test_a_search_journal_from_before_the_rename_resumes_without_training_again(tmp_path):
    from glassnet.experiments.journal import Journal, trial_key
    from glassnet.experiments.runner import Sweep

    spec = grid_specs(MOONS, trials=1)[0]
    old = {**spec, "search": {"learning_rate": spec["search"]["learning_rate"],
                              "weight_decay": spec["search"]["l2"]}}
    Journal(str(tmp_path / JOURNAL)).append(
        {"key": trial_key(old), "trial": 0, "result": {
            "name": "trial 1", "spec": old, "history": {"loss": [0.5]}, "seconds": 1.0,
            "params": 1, "verdict": "good", "message": "", "best_epoch": None, "final": {},
            "best": {}, "training_rows": 1, "validation_rows": 1}})
    sweep = Sweep(str(tmp_path), resume=True)
    assert sweep.finished[trial_key(spec)]["spec"] == spec


def test_tpe_is_independent_of_workers_and_resumes_from_its_journals(tmp_path):
    pytest.importorskip("optuna")
    options = dict(sampler="tpe", trials=6, learning_rate=(1e-3, 1.0), seed=1, wave=2)
    out = tmp_path / "tpe"
    first = run_search(MOONS, out_dir=out, jobs=1, **options)
    assert (out / "optuna-journal.log").exists()
    two = run_search(MOONS, jobs=2, **options)
    assert [comparable(r) for r in first] == [comparable(r) for r in two]
    assert len({r["spec"]["search"]["learning_rate"] for r in first}) == 6
    # lose the last two trials of our journal: resuming runs exactly those again, with
    # the settings Optuna's journal remembers
    journal = out / JOURNAL
    lines = journal.read_bytes().split(b"\n")
    journal.write_bytes(b"\n".join(lines[:4]) + b"\n")
    ran = []
    again = run_search(MOONS, out_dir=out, resume=True, **options,
                       progress=lambda s: s["result"] and ran.append(s["result"]["name"]))
    assert len(ran) == 2
    assert [comparable(r) for r in again] == [comparable(r) for r in first]


def test_tpe_stopped_between_ask_and_tell_resumes_with_the_same_proposals(tmp_path):
    pytest.importorskip("optuna")
    options = dict(sampler="tpe", trials=6, learning_rate=(1e-3, 1.0), seed=2, wave=2)
    whole = run_search(MOONS, **options)

    def stop_after_three(status):
        if status["done"] == 3:
            raise KeyboardInterrupt  # trial 3 is journaled; trial 4 asked, never told

    out = tmp_path / "tpe"
    with pytest.raises(KeyboardInterrupt):
        run_search(MOONS, out_dir=out, progress=stop_after_three, **options)
    assert len(read_journal(out / JOURNAL)) == 3
    ran = []
    resumed = run_search(MOONS, out_dir=out, resume=True, **options,
                         progress=lambda s: s["result"] and ran.append(s["result"]["name"]))
    assert ran == ["trial 4", "trial 5", "trial 6"]
    assert [comparable(r) for r in resumed] == [comparable(r) for r in whole]


# -- the median rule -----------------------------------------------------------------------
class _Model:
    stop_training = False
    _stop_reason = None


def test_median_stopping_stops_only_behind_the_median_after_the_warm_up():
    rule = median_rule([{"val_accuracy": [0.5, 0.6, 0.7, 0.8]},
                        {"val_accuracy": [0.3, 0.5, 0.9, 0.9]},
                        {"val_accuracy": [0.2, 0.4, 0.6, 0.7]}], "val_accuracy", after=2)
    assert rule["median"] == [0.3, 0.5, 0.7, 0.8]
    stop = MedianStopping(rule["monitor"], rule["median"], rule["after"])
    stop.set_model(_Model())
    stop.on_train_begin()
    stop.on_epoch_end(0, {"val_accuracy": 0.1})  # behind, but in the warm-up
    assert not stop.model.stop_training
    stop.on_epoch_end(1, {"val_accuracy": 0.5})  # level with the median: goes on
    assert not stop.model.stop_training
    stop.on_epoch_end(2, {"val_accuracy": 0.65})  # best so far 0.65 < 0.7
    assert stop.model.stop_training and stop.model._stop_reason == "pruned"


def test_pruned_search_is_deterministic_and_stops_hopeless_trials():
    base = {**MOONS, "epochs": 10}
    options = dict(trials=8, learning_rate=(1e-5, 1.0), seed=0, prune=True, prune_startup=4)
    one = run_search(base, jobs=1, **options)
    two = run_search(base, jobs=2, **options)
    assert [comparable(r) for r in one] == [comparable(r) for r in two]
    assert all(r["stop_reason"] is None for r in one[:4])  # the reference runs in full
    pruned = [r for r in one[4:] if r["stop_reason"] == "pruned"]
    assert pruned, "a learning rate as low as 1e-5 should be hopeless"
    median = one[4]["spec"]["prune"]["median"]
    for r in pruned:
        epochs = len(r["history"]["val_accuracy"])
        assert 2 <= epochs < 10 and max(r["history"]["val_accuracy"]) < median[epochs - 1]


# -- a sweep's folder: plan, journal, results, report ---------------------------------------
def test_a_sweep_folder_resumes_from_its_plan_alone(tmp_path):
    from glassnet.experiments.plan import PLAN, compare_plan, run_experiment

    specs = [{**MOONS, "name": f"hidden {h}", "hidden": [h]} for h in (2, 8)]
    out = str(tmp_path / "cmp")
    results, report = run_experiment(compare_plan(specs), out)
    assert os.path.exists(report) and os.path.exists(os.path.join(out, PLAN))
    assert json.loads(open(os.path.join(out, "results.json"), encoding="utf-8").read())[1][
        "name"] == "hidden 8"
    ran = []
    again, _ = run_experiment(None, out, resume=True,
                              progress=lambda s: s["result"] and ran.append(s["result"]))
    assert ran == [] and [comparable(r) for r in again] == [comparable(r) for r in results]
    with pytest.raises(ConfigError, match=r"other settings \(specs differ\)"):
        run_experiment(compare_plan(specs[:1]), out, resume=True)
    with pytest.raises(ResultsError, match="already holds compare results"):
        run_experiment(compare_plan(specs), out)


def test_an_unfinished_sweep_folder_points_at_resume(tmp_path):
    from glassnet.experiments.plan import run_experiment, search_plan
    from glassnet.io.results import read_marker

    out = str(tmp_path / "s")
    plan = search_plan(MOONS, sampler="random", trials=2, seed=3)

    def stop_after_one(status):
        if status["done"] == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(plan, out, progress=stop_after_one)
    assert read_marker(out)["state"] == "sweep"  # a glassnet folder, unfinished
    with pytest.raises(ResultsError, match="an unfinished sweep: add --resume"):
        run_experiment(plan, out)
    results, report = run_experiment(plan, out, resume=True)
    assert len(results) == 2 and report.endswith("report.html")
    marker = read_marker(out)
    assert marker["state"] == "complete" and "journal.jsonl" in marker["files"]


def test_data_a_cluster_cannot_read_is_sent_once_not_per_trial(tmp_path):
    from glassnet.experiments.runner import Sweep, run_one
    from glassnet.experiments.trial import data_key, load_split

    csv = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    csv.write_text("x1,x2,label\n" + "".join(f"{a:.3f},{b:.3f},{'AB'[int(a > b)]}\n" for a, b in
                                               rng.normal(size=(60, 2))), encoding="utf-8")
    specs = [{**MOONS, "data": {"source": str(csv), "split_seed": 0}, "name": n}
             for n in ("a", "b")] + [MOONS]

    class Client:  # a cluster with one worker on another machine
        def __init__(self, sees):
            self.sees = sees

        def run(self, function, *args):
            return {"here": function(*args), "elsewhere": self.sees}

    sweep = Sweep()
    sweep.client = Client(sees=False)
    splits = sweep._scattered_splits(specs)
    assert list(splits) == [data_key(specs[0])]  # one split for both trials; moons is built in
    assert splits[data_key(specs[0])] is load_split(data_key(specs[0]))
    sweep.client = Client(sees=True)
    assert sweep._scattered_splits(specs) == {}
    sent = comparable(run_one(0, specs[0], splits[data_key(specs[0])])[1])
    assert sent == comparable(run_one(0, specs[0])[1])


def test_a_scheduler_that_is_not_an_address_is_named():
    with pytest.raises(ConfigError, match="expected 'local' or a Dask scheduler address"):
        run_sweep(random_specs(MOONS, trials=1), scheduler="my-cluster")


def test_overwrite_replaces_only_an_earlier_sweep(tmp_path):
    from glassnet.experiments.plan import compare_plan, run_experiment

    plan = compare_plan([{**MOONS, "name": "a", "hidden": [2]}])
    out = tmp_path / "sweep"
    run_experiment(plan, str(out), report=False)
    run_experiment(plan, str(out), overwrite=True)  # replaced, and this time a report
    assert (out / "report.html").exists() and (out / "journal.jsonl").exists()
    run_experiment(plan, str(out), overwrite=True, report=False)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ResultsError, match=r"files glassnet did not write there \(notes.txt\)"):
        run_experiment(plan, str(out), overwrite=True)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter1.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ResultsError, match="is a folder glassnet did not write"):
        run_experiment(plan, str(other), overwrite=True, report=False)
    assert (other / "chapter1.txt").read_text(encoding="utf-8") == "mine"


def test_overwrite_keeps_files_put_into_an_unfinished_sweep(tmp_path):
    from glassnet.experiments.plan import compare_plan, run_experiment

    plan = compare_plan([{**MOONS, "name": "a", "hidden": [2]}])
    out = tmp_path / "sweep"

    def stop(status):
        if status["done"] == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(plan, str(out), progress=stop)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"files a sweep does not write \(notes.txt\)"):
        run_experiment(plan, str(out), overwrite=True)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
