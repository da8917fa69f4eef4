"""Sweep engines side by side: overhead per trial, and the speed-up of two workers.

    python bench/sweeps.py [--trials 100] [--subsample 1000] [--mnist PATH] [--repeat 3]
                           [--skip-speedup]

1. Overhead: ``--trials`` tiny trials (XOR, 2-4-1, one epoch: about a millisecond of
   training each) run serially in this process, by joblib's loky backend with two
   workers, on a Dask LocalCluster with two worker processes, and serially with the
   journal (one fsynced line per trial) and with Optuna's TPE sampler asking and being
   told each trial. Start-up (worker processes, cluster) is timed apart from the trials.
2. Speed-up with two workers against the serial run (medians of ``--repeat`` rounds,
   the engines alternating), on seed 002's capacity preset in a
   quick version (Dense 400 / 4000 / 40000, ``--subsample`` rows, one epoch) and on a
   search of 8 trials of equal size. Three trials of very unequal size cannot be
   sped up beyond (sum of trial times) / (longest trial): the table shows that bound,
   and how many cores two processes really got at the time (two busy loops at once
   against one alone), since other work on the machine takes cores too.

Prints tables and writes bench/results/sweeps.json. Run on a quiet machine: other
processes on the same cores make the speed-up look worse than it is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import machine, print_table, write_results  # noqa: E402

from glassnet.experiments import capacity, random_specs, run_search  # noqa: E402
from glassnet.experiments.runner import Sweep  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MNIST = os.path.join(HERE, "..", "..", "shared", "data", "mnist.npz")
TINY = {"data": {"source": "xor", "split_seed": 0, "validation": 0.5}, "hidden": [4],
        "epochs": 1, "batch_size": 4, "optimizer": {"name": "sgd"}}


def timed_sweep(specs, jobs=1, scheduler=None, out_dir=None):
    """(start-up seconds, seconds for the trials, results)."""
    started = time.perf_counter()
    with Sweep(out_dir, jobs, scheduler, total=len(specs)) as sweep:
        ready = time.perf_counter()
        if scheduler is None and jobs > 1:  # loky starts its workers on first use
            sweep.run(random_specs(TINY, trials=jobs, seed=99))
            ready = time.perf_counter()
            sweep.total += jobs
        results = sweep.run(specs)
        done = time.perf_counter()
    return ready - started, done - ready, results


def overhead(trials):
    specs = random_specs(TINY, trials=trials, learning_rate=(1e-3, 1e-1), seed=0)
    rows = []
    cases = [("serial (this process)", {}), ("joblib loky, 2 workers", {"jobs": 2}),
             ("Dask LocalCluster, 2 workers", {"jobs": 2, "scheduler": "local"})]
    for name, options in cases:
        try:
            start, seconds, results = timed_sweep(specs, **options)
        except Exception as exc:  # e.g. the cluster extra is not installed
            rows.append({"engine": name, "note": f"skipped: {exc}"})
            continue
        rows.append(_overhead_row(name, start, seconds, results, options.get("jobs", 1)))
    with tempfile.TemporaryDirectory() as folder:
        start, seconds, results = timed_sweep(specs, out_dir=os.path.join(folder, "s"))
        rows.append(_overhead_row("serial + journal (fsync per trial)", start, seconds, results))
        try:
            started = time.perf_counter()
            results = run_search(TINY, "tpe", trials=trials, learning_rate=(1e-3, 1e-1),
                                 out_dir=os.path.join(folder, "t"))
            rows.append(_overhead_row("serial + journal + Optuna TPE", 0.0,
                                      time.perf_counter() - started, results))
        except Exception as exc:
            rows.append({"engine": "serial + journal + Optuna TPE", "note": f"skipped: {exc}"})
    return rows


def _overhead_row(name, start, seconds, results, workers=1):
    """Overhead per trial: the wall time beyond the trials' own training time shared out
    over the workers, per trial."""
    training = sum(r["seconds"] for r in results)
    return {"engine": name, "start-up s": start, "trials": len(results),
            "wall s": seconds, "ms per trial": 1000 * seconds / len(results),
            "training ms per trial": 1000 * training / len(results),
            "overhead ms per trial": 1000 * (seconds - training / workers) / len(results)}


ENGINES = [("serial", {}), ("joblib loky, 2 workers", {"jobs": 2}),
           ("Dask LocalCluster, 2 workers", {"jobs": 2, "scheduler": "local"})]


def speedup(name, specs, repeat):
    """Median wall time of each engine over ``repeat`` rounds, the engines alternating
    within each round so that a change in the machine's load hits them alike."""
    walls = {engine: [] for engine, _ in ENGINES}
    trials, notes = {}, {}
    for _ in range(repeat):
        for engine, options in ENGINES:
            try:
                _, seconds, results = timed_sweep(specs, **options)
            except Exception as exc:  # e.g. the cluster extra is not installed
                notes[engine] = f"skipped: {exc}"
                continue
            walls[engine].append(seconds)
            trials.setdefault(engine, []).append([r["seconds"] for r in results])
    rows, serial = [], statistics.median(walls["serial"])
    for engine, _ in ENGINES:
        if not walls[engine]:
            rows.append({"workload": name, "engine": engine, "note": notes.get(engine)})
            continue
        wall = statistics.median(walls[engine])
        bounds = [min(2.0, sum(t) / max(t)) for t in trials[engine]]
        rows.append({"workload": name, "engine": engine, "wall s": wall,
                     "speed-up": serial / wall, "bound with 2 workers": statistics.median(bounds),
                     "wall s, each round": " ".join(f"{w:.1f}" for w in walls[engine])})
    return rows


def busy() -> str:
    """How busy the machine is: other processes on the same cores slow the workers down
    and make a speed-up look worse than it is."""
    text = f"load average {os.getloadavg()[0]:.1f}"
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as f:  # Linux: time spent waiting
            some = f.readline().split()[2]  # "avg60=..."
        text += f", CPU pressure {some.split('=')[1]} % of the last minute"
    except (OSError, IndexError):
        pass
    return text


def _spin(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def available_parallelism(n=3_000_000) -> float:
    """How many cores two processes really get now: 2 x (one spin alone) / (two spins at
    once). 2.0 on an idle two-core machine; about 1.0 when other work fills the cores."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # start both workers
        started = time.perf_counter()
        pool.submit(_spin, n).result()
        alone = time.perf_counter() - started
        started = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        both = time.perf_counter() - started
    return 2 * alone / both


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--subsample", type=int, default=1000)
    parser.add_argument("--mnist", default=DEFAULT_MNIST)
    parser.add_argument("--skip-speedup", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the speed-up runs")
    args = parser.parse_args(argv)
    print(f"# Sweep engines ({machine()}; {busy()})\n")
    rows = overhead(args.trials)
    print_table(rows, ["engine", "start-up s", "trials", "wall s", "ms per trial",
                       "training ms per trial", "overhead ms per trial", "note"])
    speed = []
    if not args.skip_speedup:
        quick = capacity(subsample=args.subsample, epochs=1, path=args.mnist,
                         validation_rows=1000)
        equal = random_specs({**quick[1], "name": None}, trials=8, learning_rate=(1e-4, 1e-2),
                             l2=(1e-6, 1e-3), seed=0)
        for spec in equal:
            spec["optimizer"]["name"] = "adam"
        cores = available_parallelism()
        speed = speedup("capacity, quick (3 unequal trials)", quick, args.repeat) + speedup(
            "search of 8 Dense(4000) trials", equal, args.repeat)
        for row in speed:
            row["cores available"] = cores
        print()
        print_table(speed, ["workload", "engine", "wall s", "speed-up",
                            "bound with 2 workers", "cores available", "wall s, each round",
                            "note"])
    print(f"\nafter: {busy()}")
    print("written:", write_results("sweeps", rows + speed + [{"machine load": busy()}]))


if __name__ == "__main__":
    main()
