"""Permutation importance: how much worse the model does when one column is shuffled.

For each input column, its cells are shuffled among the held-out rows (a text column's
one-hot inputs together, so every row still holds one level), the model scores the
shuffled rows, and the column's importance is how much the score got worse; repeated
``n_repeats`` times with different shuffles, it is reported as the mean and the
standard deviation of the repeats (scikit-learn's ``permutation_importance``, computed
on the sheet's columns). Shuffling keeps each column's distribution but breaks its
link to the target, so a column the model ignores scores 0 exactly.

The default score is the model's own kind of error: cross-entropy (log loss) for
classes, root mean squared error in the target's units for numbers. Both are smooth,
so on a small test part the ranking is not decided by a handful of rows flipping
class, as a ranking by accuracy would be (``scoring="accuracy"`` gives that one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.errors import ConfigError, DataError
from ..base.i18n import N_
from ..base.validation import check_number
from .players import Players, float64_model, outputs, players_of

#: score name -> (what it measures, higher is better?, needs classes?)
SCORINGS = {
    "log_loss": (N_("cross-entropy (log loss)"), False, True),
    "accuracy": (N_("accuracy"), True, True),
    "rmse": (N_("root mean squared error"), False, False),
    "mae": (N_("mean absolute error"), False, False),
    "r2": ("R²", True, False),
}
#: rows scored at once while shuffling (repeats × rows × inputs numbers per batch)
BATCH_VALUES = 4_000_000


def readable(value, digits=3) -> str:
    """A number for people: ``digits`` significant digits, thousands separated, no
    exponent between 0.001 and a billion (yen and probabilities alike).

    >>> readable(11120.4, 4), readable(2380.2, 2), readable(0.012345), readable(-0.5)
    ('11,120', '2,400', '0.0123', '-0.5')
    >>> readable(0.0), readable(1.5e-7)
    ('0', '1.5e-07')
    """
    value = float(value)
    size = abs(value)
    if size == 0:
        return "0"
    if not 1e-3 <= size < 1e9:
        return f"{value:.{digits}g}"
    magnitude = int(np.floor(np.log10(size)))
    decimals = max(0, digits - 1 - magnitude)
    if decimals:
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    return f"{round(value, digits - 1 - magnitude):,.0f}"


def score(name, labels, predicted) -> float:
    """One score of predictions against the truth (class indices or target values)."""
    if name == "log_loss":
        p = predicted[np.arange(len(labels)), labels]
        return float(-np.mean(np.log(np.clip(p, 1e-15, 1.0))))
    if name == "accuracy":
        return float(np.mean(predicted.argmax(axis=1) == labels))
    error = predicted - labels.reshape(predicted.shape)
    if name == "rmse":
        return float(np.sqrt(np.mean(error ** 2)))
    if name == "mae":
        return float(np.mean(np.abs(error)))
    spread = np.sum((labels - labels.mean(axis=0)) ** 2)
    return float(1.0 - np.sum(error ** 2) / spread) if spread > 0 else 0.0


@dataclass
class Importance:
    """Permutation importance of each input column.

    ``drops[i, r]`` is how much worse the score was with column ``names[i]`` shuffled in
    repeat ``r`` (positive: the column helped); ``mean`` and ``std`` summarise it.
    """

    names: list[str]
    drops: np.ndarray
    scoring: str
    baseline: float
    rows: int
    seed: int

    @property
    def mean(self) -> np.ndarray:
        return self.drops.mean(axis=1)

    @property
    def std(self) -> np.ndarray:
        return self.drops.std(axis=1)

    @property
    def order(self) -> np.ndarray:
        """Column indices, most important first (ties keep the sheet's order)."""
        return np.argsort(-self.mean, kind="stable")

    def unreliable(self) -> list[tuple[str, str, float, float]]:
        """Neighbours in the ranking whose gap is smaller than their spread: (name above,
        name below, gap, larger spread), for columns that matter (mean above spread)."""
        order, mean, std = self.order, self.mean, self.std
        out = []
        for a, b in zip(order, order[1:]):
            if mean[a] <= std[a]:  # from here on, columns indistinguishable from 0
                break
            gap, spread = mean[a] - mean[b], max(std[a], std[b])
            if spread > gap:
                out.append((self.names[a], self.names[b], float(gap), float(spread)))
        return out

    def summary(self, limit=3) -> list[str]:
        """Sentences for a person: the ranking's reliability, columns that did not matter."""
        from ..base.i18n import _

        out = []
        shaky = self.unreliable()
        for above, below, gap, spread in shaky[:limit]:
            out.append(_("The order of {above} and {below} is not reliable: their importances "
                         "differ by {gap}, less than their spread between repeats "
                         "({spread}).").format(above=above, below=below, gap=readable(gap),
                                               spread=readable(spread)))
        if len(shaky) > limit:
            out.append(_("{n} more neighbours in the ranking are as close.").format(
                n=len(shaky) - limit))
        mattered = self.mean > self.std
        if not shaky and mattered.sum() > 1:
            out.append(_("The ranking of the columns that mattered is clear: each differs "
                         "from the next by more than their spread between repeats."))
        idle = [self.names[i] for i in self.order if not mattered[i]]
        if idle:
            from ..base.i18n import ngettext
            from ..data.columns import summarize

            out.append(ngettext(
                "Shuffling {columns} changed the score by no more than its spread between "
                "repeats: the model does not rely on it.",
                "Shuffling {columns} changed the score by no more than its spread between "
                "repeats: the model does not rely on them.", len(idle)).format(
                columns=summarize(idle, 8)))
        return out

    def measure(self) -> str:
        """What the numbers are: 'increase in cross-entropy (log loss) when shuffled'."""
        from ..base.i18n import _

        what, higher_better, _classes = SCORINGS[self.scoring]
        text = (_("drop in {score} when the column is shuffled") if higher_better else
                _("increase in {score} when the column is shuffled"))
        return text.format(score=_(what))

    def table(self) -> tuple[list[str], list[list]]:
        """Header and rows of ``importance.csv``, most important first."""
        header = ["rank", "column", f"importance: {self.measure()}", "standard deviation",
                  *[f"repeat {r + 1}" for r in range(self.drops.shape[1])]]
        rows = [[rank + 1, self.names[i], float(self.mean[i]), float(self.std[i]),
                 *map(float, self.drops[i])] for rank, i in enumerate(self.order)]
        return header, rows

    def write_csv(self, path, overwrite=True, dialect=None) -> None:
        """``importance.csv`` (``dialect``: ``io.files.output_dialect``, the input's
        delimiter and decimal mark)."""
        from ..io.files import write_csv

        write_csv(path, *self.table(), overwrite, dialect=dialect)


def importance(model, data, n_repeats=5, seed=0, scoring=None, max_rows=2000,
               players: Players | None = None) -> Importance:
    """Permutation importance of each input column of ``model`` on ``data``.

    Parameters
    ----------
    model : Sequential
        A trained model (its column plan says which inputs form one column).
    data : Dataset
        Held-out rows with their targets (the test part; rows the model was trained on
        show what it memorised, not what generalises).
    n_repeats : int
        Shuffles per column; the spread of the repeats says how sure the ranking is.
    seed : int
        Seeds the shuffles (and the row sample when there are more than ``max_rows``).
    scoring : {"log_loss", "accuracy", "rmse", "mae", "r2"}, optional
        Default: log_loss for classes, rmse for numbers.
    max_rows : int or None
        Score at most this many rows (a seeded sample), to bound the time.

    Examples
    --------
    >>> import glassnet
    >>> data = glassnet.datasets.load("sample2")
    >>> spec = glassnet.ModelSpec(hidden=[4], epochs=50, seed=0, optimizer="adam")
    >>> model, _ = glassnet.train(spec, data)
    >>> result = importance(model, data, n_repeats=3)
    >>> result.names, bool((result.mean > 0).all())
    (['x1', 'x2'], True)
    """
    if not hasattr(data, "features") or not hasattr(data, "labels"):
        raise DataError("importance needs rows with their targets: a glassnet Dataset "
                        f"(features and labels), got {type(data).__name__}")
    n_repeats = check_number("n_repeats", n_repeats, minimum=1, integer=True)
    classes = bool((model.info or {}).get("class_names"))
    if scoring is None:
        scoring = "log_loss" if classes else "rmse"
    if scoring not in SCORINGS:
        raise ConfigError(f"scoring must be one of {', '.join(SCORINGS)}, got {scoring!r}")
    if SCORINGS[scoring][2] != classes:
        kind = "classes" if classes else "numbers"
        fits = [k for k, v in SCORINGS.items() if v[2] == classes]
        raise ConfigError(f"scoring={scoring!r} does not suit a model that predicts {kind}; "
                          f"use one of {', '.join(fits)}")
    x = np.asarray(data.features, dtype=np.float64)
    if len(x) < 2:
        raise DataError(f"importance needs at least 2 rows to shuffle, got {len(x)}")
    if x.shape[1] != model.input_dim:
        raise DataError(f"the data has {x.shape[1]} inputs, the model expects "
                        f"{model.input_dim}")
    labels = np.asarray(data.labels)
    rng = np.random.default_rng(seed)
    if max_rows is not None and len(x) > max_rows:
        picked = np.sort(rng.choice(len(x), max_rows, replace=False))
        x, labels = x[picked], labels[picked]
    model = float64_model(model)
    players = players or players_of(model, getattr(data, "feature_names", None))
    higher_better = SCORINGS[scoring][1]
    baseline = score(scoring, labels, outputs(model, x))
    drops = np.empty((len(players.names), n_repeats))
    n = len(x)
    per_batch = max(1, BATCH_VALUES // max(1, n * x.shape[1]))
    for i, group in enumerate(players.groups):
        shuffles = [rng.permutation(n) for _repeat in range(n_repeats)]
        for start in range(0, n_repeats, per_batch):
            chunk = shuffles[start:start + per_batch]
            shuffled = np.tile(x, (len(chunk), 1))
            for r, order in enumerate(chunk):  # a text column's levels move together
                shuffled[r * n:(r + 1) * n][:, group] = x[order][:, group]
            predicted = outputs(model, shuffled)
            for r in range(len(chunk)):
                value = score(scoring, labels, predicted[r * n:(r + 1) * n])
                drops[i, start + r] = baseline - value if higher_better else value - baseline
    return Importance(players.names, drops, scoring, baseline, n, seed)
