"""What ``fit`` and ``evaluate`` train and score on: a Dataset unpacked into arrays,
the validation rows split off (Keras's last rows, or drawn at random or by class).
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError
from .validation import check_choice, check_number


def _unpack(model, x, y, name, remember=True):
    """A Dataset (anything with ``features`` and ``labels``) -> arrays, in the form the
    loss wants; its feature and class names are remembered in ``model.info``."""
    if not hasattr(x, "features"):
        if y is None:
            raise ConfigError(f"{name}: give targets y, or pass a Dataset")
        return x, y
    if y is not None:
        raise ConfigError(f"{name} is a Dataset, which holds its own targets; leave y unset")
    if remember:
        model.info.update(feature_names=list(x.feature_names), class_names=x.class_names,
                          target_name=x.target_name)
    return x.features, x.targets_for(model.loss)


def _split_validation(model, x, y, fraction, method):
    """Keras takes the *last* fraction of rows; 'random' and 'stratified' draw them."""
    fraction = check_number("validation_split", fraction, minimum=0.0, maximum=1.0,
                            exclusive_maximum=True)
    n = x.shape[0]
    n_val = int(round(n * fraction))
    if n_val == 0 or n_val == n:
        raise ConfigError(f"validation_split={fraction} leaves {n - n_val} training and "
                          f"{n_val} validation rows out of {n}; both need at least one")
    method = check_choice("validation_method", method, ("last", "random", "stratified"))
    if method == "last":
        return x[:-n_val], y[:-n_val], x[-n_val:], y[-n_val:]
    rng = np.random.default_rng(model.seed)
    if method == "random":
        val = rng.permutation(n)[:n_val]
    else:
        labels = y if y.ndim == 1 else y.argmax(axis=1)
        val = []
        for label in np.unique(labels):
            rows = rng.permutation(np.flatnonzero(labels == label))
            val.extend(rows[: int(round(rows.size * fraction))])
        val = np.array(sorted(val), dtype=np.intp)
    mask = np.zeros(n, dtype=bool)
    mask[val] = True
    return x[~mask], y[~mask], x[mask], y[mask]
