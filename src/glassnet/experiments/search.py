"""Hyper-parameter search over the learning rate and the L2 penalty (``l2``: the λ of
the loss term λ Σ w² over the kernels, the same ``l2`` as ``glassnet train --l2``; it was once
called ``weight_decay`` here, which Keras and PyTorch use for a decoupled decay, so
``weight_decay=`` is still accepted with a ``FutureWarning``).

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
import warnings

import numpy as np

from ..base.errors import ConfigError
from ..base.validation import check_choice, check_number
from .pruning import median_rule, monitor_for
from .runner import Sweep
from .trial import score

SAMPLERS = ("random", "grid", "tpe")
L2_RANGE = (1e-8, 1e-2)  # the L2 penalties a search tries by default
OPTUNA_JOURNAL = "optuna-journal.log"
#: the most trials a search plans (each one is a spec in memory before any runs)
MAX_TRIALS = 10_000


def check_trials(trials) -> int:
    return check_number("trials", trials, minimum=1, maximum=MAX_TRIALS, integer=True)


def _check_ranges(**ranges):
    for name, value in ranges.items():
        if (not isinstance(value, (list, tuple)) or len(value) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           for v in value)):
            raise ConfigError(f"{name} range must be two numbers (low, high), got {value!r}")
        low, high = value
        if not (0 < low < high and math.isfinite(high)):
            raise ConfigError(f"{name} range must satisfy 0 < low < high < infinity, got "
                              f"({low}, {high})")


def l2_range(l2, weight_decay):
    """The L2 range, from ``l2`` or (deprecated) ``weight_decay``; both is an error."""
    if weight_decay is None:
        return l2
    if l2 is not None:
        raise ConfigError("give the L2 penalty's range once: l2=(low, high) (weight_decay is "
                          "its old name)")
    warnings.warn("weight_decay is the L2 penalty's range and is now called l2; write "
                  "l2=(low, high) (weight_decay= will be removed)", FutureWarning, stacklevel=3)
    return weight_decay


def trial_spec(base: dict, number: int, learning_rate: float, l2: float) -> dict:
    """The spec of search trial ``number`` (0-based): ``base`` with the two settings."""
    optimizer = dict(base.get("optimizer") or {"name": "sgd"})
    optimizer["learning_rate"] = learning_rate
    return {**base, "name": f"trial {number + 1}", "optimizer": optimizer, "l2": l2,
            "search": {"learning_rate": learning_rate, "l2": l2}}


def random_specs(base: dict, trials=20, learning_rate=(1e-6, 1e-1), l2=None, seed=0,
                 weight_decay=None) -> list[dict]:
    """``trials`` specs with learning rate and L2 penalty drawn log-uniformly (``l2``
    defaults to (1e-8, 1e-2))."""
    l2 = l2_range(l2, weight_decay) or L2_RANGE
    trials = check_trials(trials)
    _check_ranges(learning_rate=learning_rate, l2=l2)
    rng = np.random.default_rng(seed)
    specs = []
    for i in range(trials):
        lr = float(10 ** rng.uniform(np.log10(learning_rate[0]), np.log10(learning_rate[1])))
        penalty = float(10 ** rng.uniform(np.log10(l2[0]), np.log10(l2[1])))
        specs.append(trial_spec(base, i, lr, penalty))
    return specs


def grid_specs(base: dict, trials=20, learning_rate=(1e-6, 1e-1), l2=None,
               weight_decay=None) -> list[dict]:
    """A log-spaced grid of at most ``trials`` points: ⌊√trials⌋ learning rates times
    ``trials // ⌊√trials⌋`` L2 penalties (20 trials: 4 × 5; ``l2`` defaults to
    (1e-8, 1e-2)).

    >>> [s["search"]["learning_rate"] for s in grid_specs({}, 4, (1e-3, 1e-1))][::2]
    [0.001, 0.1]
    """
    l2 = l2_range(l2, weight_decay) or L2_RANGE
    trials = check_trials(trials)
    _check_ranges(learning_rate=learning_rate, l2=l2)
    n_lr = math.isqrt(trials)
    n_l2 = trials // n_lr

    def axis(low, high, n):
        return [math.sqrt(low * high)] if n == 1 else [
            float(v) for v in np.logspace(np.log10(low), np.log10(high), n)]

    points = [(lr, penalty) for lr in axis(*learning_rate, n_lr)
              for penalty in axis(*l2, n_l2)]
    return [trial_spec(base, i, lr, penalty) for i, (lr, penalty) in enumerate(points)]


def run_search(base: dict, sampler="random", trials=20, learning_rate=(1e-6, 1e-1),
               l2=None, seed=0, out_dir=None, jobs=1, scheduler=None,
               resume=False, progress=None, prune=False, prune_startup=5,
               wave=4, weight_decay=None) -> list[dict]:
    """Run a search; the results in trial order (see ``runner.run_sweep`` for ``out_dir``,
    ``jobs``, ``scheduler``, ``resume`` and ``progress``).

    With ``prune``, the first ``prune_startup`` trials run to the end and form the median
    rule's reference; later trials stop when they fall behind it, after a warm-up of a
    fifth of the epochs.
    """
    l2 = l2_range(l2, weight_decay) or L2_RANGE
    sampler = check_choice("sampler", sampler, SAMPLERS)
    trials = check_trials(trials)
    wave = check_number("wave", wave, minimum=1, integer=True)
    _check_ranges(learning_rate=learning_rate, l2=l2)
    startup = min(trials, check_number("prune_startup", prune_startup, minimum=1,
                                       integer=True)) if prune else 0
    warmup = max(1, int(base.get("epochs", 20)) // 5)
    with Sweep(out_dir, jobs, scheduler, resume, progress, total=trials) as sweep:
        if sampler == "tpe":
            return _tpe(sweep, base, trials, learning_rate, l2, seed, out_dir,
                        wave, startup, warmup)
        specs = (random_specs(base, trials, learning_rate, l2, seed)
                 if sampler == "random" else grid_specs(base, trials, learning_rate, l2))
        results = sweep.run(specs[:startup] if startup else specs)
        if startup and len(specs) > startup:
            rule = _rule(results, warmup)
            results += sweep.run([{**spec, "prune": rule} for spec in specs[startup:]])
        return results


def _rule(reference, warmup):
    histories = [r["history"] for r in reference]
    return median_rule(histories, monitor_for(histories[0]), warmup)


def _tpe(sweep, base, trials, learning_rate, l2, seed, out_dir, wave, startup, warmup):
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

        from .journal import check_own_file

        path = os.path.join(out_dir, OPTUNA_JOURNAL)
        for name in (path, path + ".lock"):
            check_own_file(name, "Optuna journal")
        storage = JournalStorage(JournalFileBackend(path))
    study = optuna.create_study(storage=storage, study_name="glassnet-search",
                                direction="maximize", load_if_exists=True)
    space = {"learning_rate": FloatDistribution(*learning_rate, log=True),
             "l2": FloatDistribution(*l2, log=True)}
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
            # (a study begun before the rename holds the L2 penalty as "weight_decay")
            penalty = params["l2"] if "l2" in params else params["weight_decay"]
            spec = trial_spec(base, n, params["learning_rate"], penalty)
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
