"""Running a sweep of trials: here, in joblib worker processes, or on a Dask cluster.

The runner knows nothing about models: it maps ``run_trial`` over JSON-able specs.

- ``jobs=1``: the trials run one after another in this process.
- ``jobs=N``: joblib's loky backend runs them in N worker processes.
- ``scheduler="local"``: a Dask ``LocalCluster`` with ``jobs`` worker processes;
  ``scheduler="tcp://host:8786"``: an existing Dask cluster. Both go through joblib's
  Dask backend (``pip install glassnet[cluster]``).

Every trial computes with one BLAS thread, wherever it runs: a matrix product split
over a different number of threads may round differently, and with every trial also
carrying its own seed, the same sweep gives identical numbers whatever the engine or
the number of workers.

Data travels by reference: a trial's spec names its data (a built-in dataset, a CSV
file or the MNIST file) and each worker process loads it once. When the workers of a
cluster cannot see the file, the split is loaded here and broadcast to every worker
once (``client.scatter``), never pickled with each trial.

With ``out_dir`` a sweep keeps a journal there (``journal.Journal``): each finished
trial is on disk the moment it ends, and ``resume=True`` skips the trials the journal
already holds, so a killed sweep loses only the trials that were running.
"""

from __future__ import annotations

import os
import time

from ..base.errors import ConfigError
from ..base.validation import check_number
from .journal import JOURNAL, Journal, read_journal, trial_key
from .trial import data_key, load_split, run_trial, score


def run_sweep(specs, out_dir=None, jobs=1, scheduler=None, resume=False,
              progress=None) -> list[dict]:
    """Results of every spec, in the order of ``specs``.

    Parameters
    ----------
    specs : list of dict
        Trial specs (see ``trial``).
    out_dir : str, optional
        Folder for the journal (``journal.jsonl``); without it nothing is kept.
    jobs : int
        Worker processes (joblib), or the workers of a ``LocalCluster``.
    scheduler : str, optional
        ``"local"`` or a Dask scheduler address such as ``"tcp://host:8786"``.
    resume : bool
        Skip the trials already in ``out_dir``'s journal.
    progress : callable, optional
        Called with a status dict (see ``Sweep.status``) when the sweep starts and
        whenever a trial finishes; ``describe(status)`` makes a console line of it.
    """
    specs = list(specs)
    with Sweep(out_dir, jobs, scheduler, resume, progress, total=len(specs)) as sweep:
        return sweep.run(specs)


class Sweep:
    """An engine, a journal and the progress of one sweep, run wave by wave.

    ``run(specs)`` runs one wave and may be called again with specs that depend on
    earlier results (the median rule's reference, a sampler's next proposals).
    """

    def __init__(self, out_dir=None, jobs=1, scheduler=None, resume=False, progress=None,
                 total=None):
        self.jobs = check_number("jobs", jobs, minimum=1, integer=True)
        self.scheduler, self.progress, self.total = scheduler, progress, total
        self.journal, self.finished, self.results = None, {}, []
        self.client = self.cluster = None
        if out_dir is not None:
            path = os.path.join(out_dir, JOURNAL)
            if resume and not os.path.isdir(out_dir):
                raise ConfigError(f"resume: {out_dir} is not a folder; expected the result "
                                  "folder of an earlier sweep")
            if not resume and os.path.exists(path):
                raise ConfigError(f"{out_dir} already holds a sweep ({JOURNAL}); resume it "
                                  "(--resume) or choose another folder")
            os.makedirs(out_dir, exist_ok=True)
            self.finished = dict(_renamed(r) for r in read_journal(path))
            self.journal = Journal(path)
        self.count = 0            # trials of this sweep seen so far, journaled or run
        self.ran, self.started = 0, None
        # estimated costs (see _cost) of the trials run here, of those still to run, and
        # the mean over every trial seen, and the measured seconds of the trials run here:
        # the ETA is measured seconds per unit of cost times the cost left, over workers
        self.cost_ran = self.cost_pending = self.cost_mean = self.seconds_ran = 0.0

    # -- engine ------------------------------------------------------------------------
    def __enter__(self):
        if self.scheduler:
            workers = min(self.jobs, self.total) if self.total else self.jobs
            self.client, self.cluster = _dask_client(self.scheduler, workers)
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    @property
    def capacity(self) -> int:
        """How many trials run at once."""
        if self.client is not None:
            return max(1, sum(self.client.ncores().values()))
        return self.jobs

    def _execute(self, specs):
        """(position, result) pairs, as the trials finish."""
        jobs = min(self.jobs, len(specs))  # no idle worker processes
        if self.client is None and jobs <= 1:
            for i, spec in enumerate(specs):
                yield run_one(i, spec)
            return
        from joblib import Parallel, delayed, parallel_config

        if self.client is None:
            config = {"backend": "loky", "inner_max_num_threads": 1}
            splits = {}
        else:
            splits = self._scattered_splits(specs)
            config = {"backend": "dask", "client": self.client,
                      "scatter": list(splits.values()) or None}
        with parallel_config(**config):
            yield from Parallel(n_jobs=jobs if self.client is None else -1,
                                batch_size=1, return_as="generator_unordered")(
                delayed(run_one)(i, spec, splits.get(data_key(spec)))
                for i, spec in enumerate(specs))

    def _scattered_splits(self, specs) -> dict:
        """Loaded splits of the data files some cluster worker cannot read, by data key."""
        import json

        splits = {}
        for key in {data_key(spec) for spec in specs}:
            data = json.loads(key)
            path = data.get("path") if data.get("source") == "mnist" else data.get("source")
            if data.get("source") != "mnist" and not (path and os.path.isfile(path)):
                continue  # a built-in dataset: every worker makes it itself
            if path and all(self.client.run(os.path.isfile, path).values()):
                continue  # every worker reads the file itself
            splits[key] = load_split(key)
        return splits

    # -- sweep -------------------------------------------------------------------------
    def run(self, specs) -> list[dict]:
        """Results of ``specs`` in their order; journaled trials are not run again."""
        specs = list(specs)
        keys = [trial_key(spec) for spec in specs]
        results = [self.finished.get(key) for key in keys]
        self.results += [r for r in results if r is not None]
        # Longest first: the last trials to start are then short ones, and workers finish
        # together (dispatch order changes no number, only the wall time).
        costs = [_cost(spec) for spec in specs]
        todo = sorted((i for i, r in enumerate(results) if r is None), key=lambda i: -costs[i])
        first = self.count
        self.count += len(specs)
        self.cost_mean += (sum(costs) - len(specs) * self.cost_mean) / self.count
        self.cost_pending += sum(costs[i] for i in todo)
        self._report(None)
        for position, result in self._execute([specs[i] for i in todo]):
            i = todo[position]
            results[i] = result
            if self.journal is not None:
                self.journal.append({"key": keys[i], "trial": first + i, "result": result})
            self.finished[keys[i]] = result
            self.results.append(result)
            self.ran += 1
            self.seconds_ran += float(result.get("seconds") or 0.0)
            self.cost_ran += costs[i]
            self.cost_pending -= costs[i]
            self._report(result)
        return results

    def status(self, result=None) -> dict:
        """done / running / left, seconds elapsed, ETA, best so far, the last result."""
        total = max(self.total or 0, self.count)
        done = len(self.results)
        left = total - done
        elapsed = time.monotonic() - self.started
        best = max(self.results, key=score, default=None)
        work_left = self.cost_pending + max(0, total - self.count) * self.cost_mean
        return {"total": total, "done": done, "running": min(self.capacity, self.count - done),
                "left": left, "elapsed": elapsed,
                "eta": (eta(self.seconds_ran, self.cost_ran, work_left, min(self.capacity, left))
                        if self.ran else None),
                "best": best and {"name": best["name"], "score": score(best)},
                "result": result}

    def _report(self, result):
        if self.progress is not None:
            self.progress(self.status(result))


def _renamed(record) -> tuple[str, dict]:
    """(key, result) of a journal record; a search trial from before the L2 penalty was
    called ``l2`` (its ``search`` said ``weight_decay``) under the name and key it has now,
    so a resumed old search does not train its finished trials again."""
    result = record["result"]
    spec = result.get("spec") or {}
    search = spec.get("search") or {}
    if "weight_decay" not in search:
        return record["key"], result
    spec = {**spec, "search": {("l2" if k == "weight_decay" else k): v
                               for k, v in search.items()}}
    return trial_key(spec), {**result, "spec": spec}


def eta(seconds_ran, cost_ran, cost_left, workers) -> float:
    """Seconds left: the trials' own measured seconds per unit of estimated cost, times
    the cost left, shared by the workers. Measured trial times leave out what the
    elapsed time holds besides trials (starting the worker processes, loading the data),
    and the workers run side by side: 4 trials of cost 4, 4, 1, 1 on 2 workers, the
    first done in 8 s, leave 2 s × (4 + 1 + 1) / 2 workers = 6 s.

    >>> eta(8.0, 4.0, 6.0, 2)
    6.0
    """
    if cost_ran <= 0 or cost_left <= 0:
        return 0.0
    return seconds_ran / cost_ran * cost_left / max(1, workers)


def _cost(spec) -> float:
    """A rough relative cost of a trial: epochs times rows times weights. Before the data
    is loaded the widths are guessed: 784 inputs for MNIST, else 10; 10 outputs."""
    try:
        data = spec.get("data") or {}
        inputs = 784 if data.get("source") == "mnist" else 10
        units = [inputs, *(h.get("units", 0) if isinstance(h, dict) else h
                           for h in spec.get("hidden", [16])), 10]
        weights = sum(a * b for a, b in zip(units, units[1:]))
        rows = data.get("train_rows") or 1000
        return float(float(spec.get("epochs", 20)) * rows * weights)
    except (TypeError, ValueError, AttributeError):  # the trial itself will say what is wrong
        return 1.0


def run_one(position, spec, split=None):
    """One trial with one BLAS thread (the task every engine runs)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return position, run_trial(spec, split)


WAIT_FOR_WORKERS = 120  # seconds a cluster may take to give its first worker
CONNECT_TIMEOUT = 5  # seconds a scheduler may take to answer Dask's handshake
SCHEMES = ("tcp", "tls")


def scheduler_address(scheduler) -> tuple[str, int]:
    """(host, port) of a Dask scheduler address ``tcp://host:port`` (or ``host:port``);
    ConfigError with one line for anything else (a web address, a bad port, garbage)."""
    import re

    text = str(scheduler).strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.\-]+):(\d{1,5})", rest)
    if scheme.lower() not in SCHEMES or match is None or not 0 < int(match.group(2)) < 65536:
        hint = (" (that is a web address; the scheduler itself listens on tcp://, by default "
                "port 8786)" if scheme.lower() in ("http", "https") else "")
        raise ConfigError(f"scheduler: expected 'local' or a Dask scheduler address such as "
                          f"tcp://host:8786, got {text[:100]!r}{hint}")
    return match.group(1).strip("[]"), int(match.group(2))


def _probe(scheduler, host, port, scheme):
    """ConfigError within seconds when nothing listens at ``host``:``port``, or (plain
    TCP) when what answers does not greet as a Dask scheduler does: Dask's peers both
    send a handshake frame the moment they connect, while a web server or anything else
    waits for the client to speak first."""
    import socket

    try:
        conn = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise ConfigError(f"scheduler: nothing answers at {scheduler} "
                          f"({exc.strerror or type(exc).__name__}); start a scheduler with "
                          f"`dask scheduler` and workers with `dask worker {scheduler}`") from None
    with conn:
        if scheme != "tcp":
            return
        try:
            greeting = conn.recv(64)
        except OSError:
            greeting = b""
    size = int.from_bytes(greeting[:8], "little") if len(greeting) >= 16 else 0
    frames = int.from_bytes(greeting[8:16], "little") if size else 0
    if not (0 < size < 2**20 and 0 < frames < 64):
        raise ConfigError(f"scheduler: {scheduler} answers, but not as a Dask scheduler (no "
                          f"handshake within {CONNECT_TIMEOUT} s); give the address `dask "
                          "scheduler` prints (tcp://host:8786)")


def _connect(scheduler):
    """``distributed.Client(scheduler)``, given up (ConfigError) after a few seconds."""
    import threading

    from distributed import Client

    out = {}

    def connect():
        try:
            out["client"] = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - distributed raises many kinds; all mean "not Dask"
            out["error"] = exc

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT * 2)
    if "client" in out:
        return out["client"]
    why = type(out["error"]).__name__ if "error" in out else "no answer"
    raise ConfigError(f"scheduler: no Dask scheduler answered at {scheduler} within "
                      f"{CONNECT_TIMEOUT} s ({why}); start one with `dask scheduler` and "
                      f"workers with `dask worker {scheduler}`")


def _dask_client(scheduler, jobs):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("scheduler: running on a Dask cluster needs the 'cluster' extra "
                          "(pip install 'glassnet[cluster]')") from None
    if scheduler == "local":
        import dask

        # Any free port for the scheduler's web page (8787 may be another cluster's); no
        # statistical profiler in the workers (it wakes every 10 ms and takes the
        # interpreter lock from the trial); and no MALLOC_TRIM_THRESHOLD_ (the nanny's
        # default 65536 makes glibc map and unmap every temporary array of a training
        # step: twice the CPU time per trial, measured).
        environ = {**dask.config.get("distributed.nanny.pre-spawn-environ"),
                   "MALLOC_TRIM_THRESHOLD_": None}
        with dask.config.set({"distributed.worker.profile.enabled": False,
                              "distributed.nanny.pre-spawn-environ": environ}):
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=":0")
        return Client(cluster), cluster
    host, port = scheduler_address(scheduler)
    _probe(scheduler, host, port, scheduler.partition("://")[0].lower() if "://" in scheduler
           else "tcp")
    client = _connect(scheduler)
    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
    except TimeoutError:
        client.close()
        raise ConfigError(f"scheduler: no Dask worker joined {scheduler} within "
                          f"{WAIT_FOR_WORKERS} s; start workers with `dask worker "
                          f"{scheduler} --nthreads 1`") from None
    return client, None
