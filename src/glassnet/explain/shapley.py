"""Shapley contributions: why one row got its answer, column by column.

The explained output f is one class's probability (the predicted class unless asked
otherwise) or the predicted value in the target's units. A *coalition* S of input
columns is valued by the interventional expectation over background rows b (a stated
sample of the training rows):

    v(S) = mean over b of f(x_S, b_rest)     (x's cells in S, the background's elsewhere)

so v(∅) is the ``base`` (the average output over the background) and v(all) = f(x),
the ``output``. Column i's contribution is Shapley's average of what it adds:

    φ_i = Σ_{S ∌ i} |S|! (M - |S| - 1)! / M!  · (v(S ∪ {i}) - v(S))

and the contributions add up: base + Σ φ_i = output (efficiency).

Up to ``EXACT_LIMIT`` columns every one of the 2^M coalitions is evaluated on every
background row (batched forward passes: 2^12 × 100 rows for 12 columns). Beyond it
the contributions are estimated by permutation sampling with antithetic pairs: a
random order of the columns and its reverse, each paired with one background row,
credit each column with what it adds when it joins the ones before it (Štrumbelj and
Kononenko, 2014). Every background row is used equally often, and each order's
credits add up to f(x) - f(b), so the estimates add up to output - base exactly; the
standard error of each estimate is given beside it (from the spread of the pairs).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from ..base.errors import ConfigError, DataError
from ..base.validation import check_number
from .players import float64_model, outputs, players_of, saved_background

#: input columns up to which every coalition is evaluated (2^12 = 4096 coalitions)
EXACT_LIMIT = 12
#: antithetic pairs of orders per explained row in the sampling estimate (at least)
SAMPLED_PAIRS = 1000
#: numbers (rows × inputs) sent through the network at once
BATCH_VALUES = 4_000_000


@dataclass
class Contributions:
    """Per-row contributions of each input column.

    ``values[r, i]`` is column ``names[i]``'s contribution to row r's ``output[r]``;
    ``base[r] + values[r].sum() == output[r]``. ``explained[r]`` names what was
    explained (a class, or the target for numbers). ``standard_error`` is None for
    exact values.
    """

    names: list[str]
    values: np.ndarray
    base: np.ndarray
    output: np.ndarray
    explained: list[str]
    method: str
    background: str
    n_background: int
    standard_error: np.ndarray | None = None
    samples: int = 0
    classes: bool = False  # outputs are class probabilities (else values of the target)

    def table(self, ids=None, id_names=()) -> tuple[list[str], list[list]]:
        """Header and rows of ``contributions.csv``: IDs, explained, output, base, then
        one column per input column (and its standard error, when sampled)."""
        ids = [()] * len(self.output) if ids is None else ids
        header = [*id_names, "explained", "output", "base", *self.names]
        if self.standard_error is not None:
            header += [f"{name} (standard error)" for name in self.names]
        rows = []
        for r, idv in enumerate(ids):
            row = [*idv, self.explained[r], float(self.output[r]), float(self.base[r]),
                   *map(float, self.values[r])]
            if self.standard_error is not None:
                row += list(map(float, self.standard_error[r]))
            rows.append(row)
        return header, rows

    def describe(self) -> str:
        """One sentence: how the values were computed, over which background."""
        from ..base.i18n import _

        if self.method == "exact":
            return _("Exact Shapley values over {background}: every combination of the "
                     "{n} input columns evaluated.").format(background=self.background,
                                                             n=len(self.names))
        return _("Shapley values estimated from {samples} orders of the {n} input columns "
                 "(antithetic pairs) over {background}; each value has its standard error. "
                 "The values add up to the output exactly.").format(
            samples=self.samples, n=len(self.names), background=self.background)


def shapley_weights(m) -> np.ndarray:
    """w[k] = k! (m - k - 1)! / m!, the weight of a coalition of k others."""
    return np.array([math.factorial(k) * math.factorial(m - k - 1) / math.factorial(m)
                     for k in range(m)])


def exact_from_values(v, m) -> np.ndarray:
    """Shapley values from coalition values ``v`` (2^m, ...) indexed by bit mask."""
    masks = np.arange(2 ** m)
    sizes = np.array([bin(s).count("1") for s in masks])
    weights = shapley_weights(m)
    phi = np.empty((m, *v.shape[1:]))
    for i in range(m):
        without = masks[(masks >> i) & 1 == 0]
        w = weights[sizes[without]].reshape(-1, *([1] * (v.ndim - 1)))
        phi[i] = np.sum(w * (v[without | (1 << i)] - v[without]), axis=0)
    return phi


def _coalition_values(model, players, x, background):
    """(2^m, K): v(S) for every coalition S (bit i set: column i from x)."""
    m = len(players.names)
    masks = np.arange(2 ** m)
    coalitions = ((masks[:, None] >> np.arange(m)) & 1).astype(bool)
    take = players.feature_mask(coalitions)  # (2^m, inputs)
    nb, d = background.shape
    per_batch = max(1, BATCH_VALUES // (nb * d))
    values = []
    for start in range(0, len(take), per_batch):
        chunk = take[start:start + per_batch]
        mixed = np.where(chunk[:, None, :], x[None, None, :], background[None, :, :])
        out = outputs(model, mixed.reshape(-1, d))
        values.append(out.reshape(len(chunk), nb, -1).mean(axis=1))
    return np.concatenate(values)


def _sampled(model, players, x, background, pairs, rng):
    """(φ (m, K), standard error (m, K), orders used) by antithetic permutation sampling."""
    m, (nb, d) = len(players.names), background.shape
    pairs = nb * math.ceil(pairs / nb)  # every background row used equally often
    which = rng.permutation(np.repeat(np.arange(nb), pairs // nb))
    steps = np.tril(np.ones((m + 1, m), dtype=bool), -1)  # step k: the first k joined
    per_batch = max(1, BATCH_VALUES // (2 * (m + 1) * d))
    estimates = None  # per pair: (m, K), the mean credit of the order and its reverse
    for start in range(0, pairs, per_batch):
        chunk = range(start, min(pairs, start + per_batch))
        orders, inputs = [], []
        for p in chunk:
            order = rng.permutation(m)
            for o in (order, order[::-1]):
                joined = np.zeros((m + 1, m), dtype=bool)
                joined[:, o] = steps  # column o[j] is in from step j + 1 on
                inputs.append(np.where(players.feature_mask(joined), x, background[which[p]]))
                orders.append(o)
        out = outputs(model, np.concatenate(inputs)).reshape(len(orders), m + 1, -1)
        gains = np.diff(out, axis=1)  # gains[j, k]: what column orders[j][k] adds
        credit = np.empty_like(gains)
        for j, o in enumerate(orders):
            credit[j, o] = gains[j]
        if estimates is None:
            estimates = np.empty((pairs, m, out.shape[-1]))
        estimates[chunk.start:chunk.stop] = credit.reshape(len(chunk), 2, m, -1).mean(axis=1)
    phi = estimates.mean(axis=0)
    error = estimates.std(axis=0, ddof=1) / math.sqrt(pairs)
    return phi, error, 2 * pairs


def contributions(model, rows, background=None, class_name=None, exact_limit=EXACT_LIMIT,
                  pairs=SAMPLED_PAIRS, seed=0, background_note=None,
                  players=None) -> Contributions:
    """Shapley contributions of each input column to each row's output.

    Parameters
    ----------
    model : Sequential
        A trained model; a text column of its column plan is one player.
    rows : array (n, inputs) or Dataset
        The rows to explain, encoded as the model's inputs.
    background : array (b, inputs), optional
        Rows standing for "average" (a sample of the training rows; see
        ``background_rows``). Default: the sample saved in the model at training.
    class_name : str, optional
        Class whose probability is explained (default: each row's predicted class).
    exact_limit : int
        Up to this many input columns the values are exact; beyond, sampled.
    pairs : int
        Antithetic pairs of orders per row for the sampled estimate (rounded up to a
        multiple of the background rows).
    seed : int
        Seeds the sampled estimate (exact values use no randomness).
    background_note : str, optional
        What the background rows are, for ``describe`` (default: "N training rows").
    players : Players, optional
        Which inputs form one column (default: the model's column plan).

    Examples
    --------
    >>> import numpy as np, glassnet
    >>> from glassnet.layers import Dense
    >>> model = glassnet.Sequential([Dense(1)], input_dim=2, dtype="float64")
    >>> model.set_weights([np.array([[2.0], [-1.0]]), np.array([0.5])])
    >>> c = contributions(model, np.array([[1.0, 1.0]]), background=np.zeros((1, 2)))
    >>> c.values.tolist(), c.base.tolist(), c.output.tolist()
    ([[2.0, -1.0]], [0.5], [1.5])
    """
    x = np.asarray(getattr(rows, "features", rows), dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != model.input_dim:
        raise DataError(f"rows to explain must have {model.input_dim} inputs, got shape "
                        f"{x.shape}")
    if not np.isfinite(x).all():
        raise DataError("rows to explain must hold finite numbers (a missing cell cannot "
                        "be explained)")
    note = background_note
    if background is None:
        saved = saved_background(model)
        if saved is None:
            raise ConfigError("the model has no background rows saved with it; give "
                              "background= (a sample of the training rows, e.g. "
                              "glassnet.explain.background_rows(train.features))")
        background, note = saved
    background = np.asarray(getattr(background, "features", background), dtype=np.float64)
    if background.ndim != 2 or background.shape[1] != model.input_dim or not len(background):
        raise DataError(f"background rows must have {model.input_dim} inputs, got shape "
                        f"{background.shape}")
    if note is None:
        from .players import describe_background

        note = describe_background(len(background))
    exact_limit = check_number("exact_limit", exact_limit, minimum=1, maximum=20,
                               integer=True)
    pairs = check_number("pairs", pairs, minimum=2, integer=True)
    model = float64_model(model)
    players = players or players_of(model)
    classes = (model.info or {}).get("class_names")
    predicted = outputs(model, x)
    if classes:
        if class_name is not None:
            if str(class_name) not in map(str, classes):
                raise ConfigError(f"class {class_name!r} is not one of the model's classes: "
                                  f"{', '.join(map(str, classes))}")
            picks = np.full(len(x), [str(c) for c in classes].index(str(class_name)))
        else:
            picks = predicted.argmax(axis=1)
        explained = [str(classes[k]) for k in picks]
    else:
        if class_name is not None:
            raise ConfigError("class_name= is for models that predict classes; this one "
                              "predicts numbers")
        if predicted.shape[1] != 1:
            raise ConfigError(f"contributions explain one output; this model predicts "
                              f"{predicted.shape[1]} numbers")
        picks = np.zeros(len(x), dtype=int)
        explained = [str((model.info or {}).get("target_name") or "output")] * len(x)
    m = len(players.names)
    exact = m <= exact_limit
    values = np.empty((len(x), m))
    errors = None if exact else np.empty((len(x), m))
    base_all = outputs(model, background).mean(axis=0)
    samples = 0
    for r, row in enumerate(x):
        if exact:
            phi = exact_from_values(_coalition_values(model, players, row, background), m)
        else:
            # seeded by the row itself: a row gets the same values whichever rows
            # are explained with it
            rng = np.random.default_rng([seed, zlib.crc32(row.tobytes())])
            phi, error, samples = _sampled(model, players, row, background, pairs, rng)
            errors[r] = error[:, picks[r]]
        values[r] = phi[:, picks[r]]
    return Contributions(players.names, values, base_all[picks], predicted[np.arange(len(x)),
                         picks], explained, "exact" if exact else "sampled", note,
                         len(background), errors, samples, bool(classes))
