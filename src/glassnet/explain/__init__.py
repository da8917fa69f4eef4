"""Explanations: which input columns mattered (``importance``) and why one row got its
answer (``contributions``).

Both speak in the sheet's own columns, not the network's inputs: a text column that
became one input per level (``漁港=A港``, ``漁港=B港``) is shuffled as one column and
explained as one player, its levels summed (``players``). ``importance`` is permutation
importance on held-out rows, repeated, with its spread; ``contributions`` are Shapley
values over a stated background sample of the training rows, exact up to
``EXACT_LIMIT`` input columns and a sampling estimate with its standard error beyond
(``shapley``). The figures that draw them are in ``plotting.explain``.

May import: base, io, engine, training, data.
"""

from .importance import SCORINGS, Importance, importance
from .players import Players, background_rows, players_of, remember_background
from .shapley import EXACT_LIMIT, Contributions, contributions

__all__ = ["EXACT_LIMIT", "SCORINGS", "Contributions", "Importance", "Players",
           "background_rows", "contributions", "importance", "players_of",
           "remember_background"]
