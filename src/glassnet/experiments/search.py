"""Hyper-parameter search over learning rate and weight decay.

Three samplers:

- ``random``: both drawn log-uniformly ("Deep Learning from Scratch", chapter 6);
- ``grid``: a log-spaced grid, as many points as ``trials`` allows;
- ``tpe``: Optuna's Tree-structured Parzen Estimator through its ask/tell interface
  (``pip install 'glassnet[tune]'``), its study kept in an Optuna JournalStorage file
  in the result folder so that it resumes too.

Every trial trains on the same data and split and is judged on its best validation
accuracy (or loss). With ``prune=True`` hopeless trials stop early (``pruning``).

Same settings and seed, same trials and numbers, whatever the engine and the number of
workers: TPE proposes trials in waves of ``wave`` (a fixed number, not the number of
workers), each proposal from a sampler seeded with the trial's number and the results
of the waves before it.
"""

from __future__ import annotations

import math
import os

import numpy as np

from ..base.errors import ConfigError
from ..base.validation import check_choice, check_number
from .pruning import median_rule, monitor_for
from .runner import Sweep
from .trial import score

SAMPLERS = ("random", "grid", "tpe")
OPTUNA_JOURNAL = "optuna-journal.log"


def _check_ranges(**ranges):
    for name, (low, high) in ranges.items():
        if not 0 < low < high:
            raise ConfigError(f"{name} range must satisfy 0 < low < high, got ({low}, {high})")


def trial_spec(base: dict, number: int, learning_rate: float, weight_decay: float) -> dict:
    """The spec of search trial ``number`` (0-based): ``base`` with the two settings."""
    optimizer = dict(base.get("optimizer") or {"name": "sgd"})
    optimizer["learning_rate"] = learning_rate
    return {**base, "name": f"trial {number + 1}", "optimizer": optimizer, "l2": weight_decay,
            "search": {"learning_rate": learning_rate, "weight_decay": weight_decay}}


def random_specs(base: dict, trials=20, learning_rate=(1e-6, 1e-1), weight_decay=(1e-8, 1e-2),
                 seed=0) -> list[dict]:
    """``trials`` specs with learning rate and weight decay drawn log-uniformly."""
    trials = check_number("trials", trials, minimum=1, integer=True)
    _check_ranges(learning_rate=learning_rate, weight_decay=weight_decay)
    rng = np.random.default_rng(seed)
    specs = []
    for i in range(trials):
        lr = float(10 ** rng.uniform(np.log10(learning_rate[0]), np.log10(learning_rate[1])))
        wd = float(10 ** rng.uniform(np.log10(weight_decay[0]), np.log10(weight_decay[1])))
        specs.append(trial_spec(base, i, lr, wd))
    return specs


def grid_specs(base: dict, trials=20, learning_rate=(1e-6, 1e-1),
               weight_decay=(1e-8, 1e-2)) -> list[dict]:
    """A log-spaced grid of at most ``trials`` points: ⌊√trials⌋ learning rates times
    ``trials // ⌊√trials⌋`` weight decays (20 trials: 4 × 5).

    >>> [s["search"]["learning_rate"] for s in grid_specs({}, 4, (1e-3, 1e-1))][::2]
    [0.001, 0.1]
    """
    trials = check_number("trials", trials, minimum=1, integer=True)
    _check_ranges(learning_rate=learning_rate, weight_decay=weight_decay)
    n_lr = math.isqrt(trials)
    n_wd = trials // n_lr

    def axis(low, high, n):
        return [math.sqrt(low * high)] if n == 1 else [
            float(v) for v in np.logspace(np.log10(low), np.log10(high), n)]

    points = [(lr, wd) for lr in axis(*learning_rate, n_lr) for wd in axis(*weight_decay, n_wd)]
    return [trial_spec(base, i, lr, wd) for i, (lr, wd) in enumerate(points)]


def run_search(base: dict, sampler="random", trials=20, learning_rate=(1e-6, 1e-1),
               weight_decay=(1e-8, 1e-2), seed=0, out_dir=None, jobs=1, scheduler=None,
               resume=False, progress=None, prune=False, prune_startup=5,
               wave=4) -> list[dict]:
    """Run a search; the results in trial order (see ``runner.run_sweep`` for ``out_dir``,
    ``jobs``, ``scheduler``, ``resume`` and ``progress``).

    With ``prune``, the first ``prune_startup`` trials run to the end and form the median
    rule's reference; later trials stop when they fall behind it, after a warm-up of a
    fifth of the epochs.
    """
    sampler = check_choice("sampler", sampler, SAMPLERS)
    trials = check_number("trials", trials, minimum=1, integer=True)
    wave = check_number("wave", wave, minimum=1, integer=True)
    _check_ranges(learning_rate=learning_rate, weight_decay=weight_decay)
    startup = min(trials, check_number("prune_startup", prune_startup, minimum=1,
                                       integer=True)) if prune else 0
    warmup = max(1, int(base.get("epochs", 20)) // 5)
    with Sweep(out_dir, jobs, scheduler, resume, progress, total=trials) as sweep:
        if sampler == "tpe":
            return _tpe(sweep, base, trials, learning_rate, weight_decay, seed, out_dir,
                        wave, startup, warmup)
        specs = (random_specs(base, trials, learning_rate, weight_decay, seed)
                 if sampler == "random" else grid_specs(base, trials, learning_rate,
                                                        weight_decay))
        results = sweep.run(specs[:startup] if startup else specs)
        if startup and len(specs) > startup:
            rule = _rule(results, warmup)
            results += sweep.run([{**spec, "prune": rule} for spec in specs[startup:]])
        return results


def _rule(reference, warmup):
    histories = [r["history"] for r in reference]
    return median_rule(histories, monitor_for(histories[0]), warmup)


def _tpe(sweep, base, trials, learning_rate, weight_decay, seed, out_dir, wave, startup,
         warmup):
    try:
        import optuna
    except ImportError:
        raise ConfigError("sampler 'tpe' needs Optuna: pip install 'glassnet[tune]'") from None
    from optuna.distributions import FloatDistribution
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if out_dir is None:
        storage = optuna.storages.InMemoryStorage()
    else:
        from optuna.storages.journal import JournalFileBackend, JournalStorage

        storage = JournalStorage(JournalFileBackend(os.path.join(out_dir, OPTUNA_JOURNAL)))
    study = optuna.create_study(storage=storage, study_name="glassnet-search",
                                direction="maximize", load_if_exists=True)
    space = {"learning_rate": FloatDistribution(*learning_rate, log=True),
             "weight_decay": FloatDistribution(*weight_decay, log=True)}
    results, rule = [], None
    while len(results) < trials:
        first = len(results)
        size = startup - first if first < startup else wave
        numbers = range(first, min(trials, first + size))
        known = study.get_trials(deepcopy=False)
        specs = []
        for n in numbers:
            if n < len(known):  # asked before a crash: run the same settings again
                params = known[n].params
            else:
                study.sampler = optuna.samplers.TPESampler(seed=seed * 100003 + n)
                params = study.ask(space).params
            spec = trial_spec(base, n, params["learning_rate"], params["weight_decay"])
            specs.append({**spec, "prune": rule} if rule else spec)
        done = sweep.run(specs)
        known = study.get_trials(deepcopy=False)
        for n, result in zip(numbers, done):
            if known[n].state != TrialState.RUNNING:
                continue  # told before a crash
            value = score(result)
            if result.get("stop_reason") == "pruned":
                study.tell(n, state=TrialState.PRUNED)
            elif math.isfinite(value):
                study.tell(n, value)
            else:
                study.tell(n, state=TrialState.FAIL)
        results += done
        if startup and rule is None and len(results) >= startup:
            rule = _rule(results[:startup], warmup)
    return results
