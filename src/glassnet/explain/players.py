"""The players of an explanation: the sheet's input columns, and the rows they are
compared against.

A network sees a text column as one input per level; a person sees one column. A
``Players`` maps each input column (a *player*, in Shapley's words) to the network
inputs it became, so a text column is shuffled, switched on and off, and credited as
one. The background rows are a seeded sample of the training rows, saved in the
model (``remember_background``) so ``glassnet explain`` can say what "average" means
without the training file.

>>> plan = {"inputs": [{"name": "体長", "kind": "number"},
...                    {"name": "漁港", "kind": "category", "levels": ["A港", "B港"]}]}
>>> p = Players.from_plan(plan, 3)
>>> p.names, [g.tolist() for g in p.groups]
(['体長', '漁港'], [[0], [1, 2]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.errors import ConfigError, DataError

#: background rows kept by default (the base value is their average output)
BACKGROUND_ROWS = 100
#: at most this many numbers of background rows are saved in a model's info
BACKGROUND_VALUES = 20_000


@dataclass
class Players:
    """Input column names and, for each, the network inputs (indices) it became."""

    names: list[str]
    groups: list[np.ndarray]

    @property
    def n_inputs(self) -> int:
        return sum(g.size for g in self.groups)

    def feature_mask(self, coalitions: np.ndarray) -> np.ndarray:
        """(c, players) bool -> (c, inputs) bool: which network inputs each coalition
        takes from the explained row."""
        owner = np.empty(self.n_inputs, dtype=np.intp)
        for player, group in enumerate(self.groups):
            owner[group] = player
        return coalitions[:, owner]

    @classmethod
    def from_plan(cls, plan, n_inputs, feature_names=None) -> Players:
        """Players from a column plan (``model.info["columns"]``); one player per input
        when there is no plan or it does not describe ``n_inputs`` inputs."""
        names, groups, k = [], [], 0
        for column in (plan or {}).get("inputs", []):
            # a text column's levels, a number column and its missing-cell indicator
            span = len(column["levels"]) if column.get("kind") == "category" else 1
            span += bool(column.get("indicator"))
            names.append(str(column["name"]))
            groups.append(np.arange(k, k + span))
            k += span
        if k != n_inputs or not names:
            names = [str(n) for n in (feature_names or [f"x{i + 1}" for i in range(n_inputs)])]
            groups = [np.array([i]) for i in range(n_inputs)]
        return cls(names, groups)


def players_of(model, names=None) -> Players:
    """The players of ``model``'s inputs, from the column plan it was trained with (else
    one per input, named by ``names`` (the data's) or as the model knows them)."""
    info = model.info or {}
    known = info.get("feature_names")
    if names is not None and len(names) == model.input_dim:
        known = list(names)
    return Players.from_plan(info.get("columns"), model.input_dim, known)


def background_rows(features, n=BACKGROUND_ROWS, seed=0) -> np.ndarray:
    """``n`` rows of ``features`` drawn without replacement (all of them when fewer),
    in their original order; the same seed draws the same rows."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[0] == 0:
        raise DataError(f"background rows must be a non-empty (rows, inputs) table, got "
                        f"shape {features.shape}")
    if n is None or n >= features.shape[0]:
        return features.copy()
    if n < 1:
        raise ConfigError(f"background rows must be at least 1, got {n}")
    picked = np.sort(np.random.default_rng(seed).choice(features.shape[0], n, replace=False))
    return features[picked]


def remember_background(model, features, n=BACKGROUND_ROWS, seed=0) -> None:
    """Keep a seeded sample of the training rows in ``model.info["background"]`` (fewer
    rows for wide inputs, so the model file stays small)."""
    features = np.asarray(features, dtype=np.float64)
    if not len(features) or not np.isfinite(features).all():
        return
    n = max(1, min(n, BACKGROUND_VALUES // max(1, features.shape[1])))
    rows = background_rows(features, n, seed)
    model.info["background"] = {"rows": rows.tolist(), "of": int(features.shape[0]),
                                "seed": int(seed)}


def saved_background(model) -> tuple[np.ndarray, str] | None:
    """The background rows saved in the model and a sentence saying what they are."""
    saved = (model.info or {}).get("background")
    if not saved:
        return None
    rows = np.asarray(saved["rows"], dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] != model.input_dim or not np.isfinite(rows).all():
        raise DataError(f"the background rows saved in the model have shape {rows.shape}; "
                        f"expected (rows, {model.input_dim}) finite numbers")
    return rows, describe_background(len(rows), saved.get("of"), saved.get("seed"))


def describe_background(n, of=None, seed=None) -> str:
    """'100 of 250 training rows (drawn with seed 0)'."""
    from ..base.i18n import _

    if of is None or n == of:
        return _("{n} training rows").format(n=n)
    return _("{n} of {all} training rows (drawn with seed {seed})").format(n=n, all=of,
                                                                           seed=seed)


def float64_model(model):
    """A float64 copy of ``model`` (the sums of an explanation must add up to far below
    what a float32 output shows)."""
    from ..training.model import Sequential

    if model.dtype == np.float64:
        return model
    config = model.get_config()
    config["dtype"] = "float64"
    copy = Sequential.from_config(config)
    copy.set_weights([np.asarray(w, dtype=np.float64) for w in model.get_weights()])
    copy.info = model.info
    return copy


def outputs(model, x) -> np.ndarray:
    """(n, K) what an explanation explains: class probabilities (both columns for one
    logistic output) or predicted values in the target's units."""
    from ..data.exports import class_probabilities

    if (model.info or {}).get("class_names"):
        return class_probabilities(model, x)
    return np.asarray(model.predict(x), dtype=np.float64)
