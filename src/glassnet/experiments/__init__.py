"""Generalisation experiments (seed 002): compare models, presets, random search.

``trial`` says what a trial is, ``runner`` runs many (in parallel if asked), and
``report`` shows them; the three never reach into each other.
"""

from .presets import PRESETS, capacity, overfit, preset
from .runner import run_trials
from .search import random_specs, score
from .trial import run_trial

__all__ = ["PRESETS", "capacity", "overfit", "preset", "random_specs", "run_trial",
           "run_trials", "score"]
