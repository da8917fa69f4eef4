"""Generalisation experiments (seed 002): compare models, presets, searches.

``trial`` says what a trial is, ``runner`` runs many (here, in joblib workers or on a
Dask cluster, with a ``journal`` to resume from), ``search`` proposes trials and
``report`` shows them; none reaches into another's internals.

May import: base, io, engine, training, data, explain, plotting, report.
"""

from .console import describe
from .presets import PRESETS, capacity, overfit, preset
from .runner import Sweep, run_sweep
from .search import SAMPLERS, grid_specs, random_specs, run_search
from .trial import run_trial, score

__all__ = ["PRESETS", "SAMPLERS", "Sweep", "capacity", "describe", "grid_specs", "overfit",
           "preset", "random_specs", "run_search", "run_sweep", "run_trial",
           "score"]
