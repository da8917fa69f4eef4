"""What ``fit`` and ``evaluate`` train and score on: features and targets checked
against the model, a Dataset unpacked into arrays, the validation rows split off (Keras's
last rows, or drawn at random or by class), the rows' weights.
"""

from __future__ import annotations

import numpy as np

from ..base.errors import ConfigError, ShapeError
from ..base.validation import as_array, by_name, cast_in_range, check_choice, check_number
from ..engine.layers import Flatten


def inputs(model, x, name="x") -> np.ndarray:
    """Validate features (named columns matched to ``feature_names`` by name) and
    cast them to the model's dtype, building the model if needed."""
    grid = bool(model.layers) and isinstance(model.layers[0], Flatten)
    x = as_array(name, by_name(x, model.info or {}, name),
                 ndim=None if grid else 2 if model.built else (1, 2))
    if x.ndim == 1:
        raise ShapeError(f"{name} must be 2-dimensional (n_samples, n_features), got shape "
                         f"{x.shape}; reshape a single feature with x.reshape(-1, 1)")
    if not model.built:
        model._build_rows(model._declared_shape or x.shape[1:])
    if grid:
        if x.shape[1:] != model.row_shape:
            raise ShapeError(f"{name} must have rows of shape {model.row_shape} as the "
                             f"model's input, got shape {x.shape}")
        x = x.reshape(x.shape[0], -1)
    if x.shape[1] != model.input_dim:
        raise ShapeError(f"{name} must have {model.input_dim} features (columns) as the "
                         f"model's input, got shape {x.shape}")
    if x.shape[0] == 0:
        raise ShapeError(f"{name} has no rows (shape {x.shape})")
    return cast_in_range(x, model.dtype, name)


def targets(model, y, loss, n_rows: int, name="y") -> np.ndarray:
    """Targets checked against the loss and the output layer, in the form the loss wants."""
    y = as_array(name, y, ndim=(1, 2))
    if y.shape[0] != n_rows:
        raise ShapeError(f"{name} must have {n_rows} rows like x, got shape {y.shape}")
    if loss.sparse_targets:
        return loss.check_targets(y, model.output_dim, name).astype(np.intp)
    if y.ndim == 1 and model.output_dim == 1:
        y = y.reshape(-1, 1)
    loss.check_targets(y, model.output_dim, name)
    return y.astype(model.dtype, copy=False)


def _unpack(model, x, y, name, remember=True):
    """A Dataset (anything with ``features`` and ``labels``) -> arrays, in the form the
    loss and the output layer want (``Dataset.targets_for``); its feature and class
    names are remembered in ``model.info``."""
    if not hasattr(x, "features"):
        if y is None:
            raise ConfigError(f"{name}: give targets y, or pass a Dataset")
        return x, y
    if y is not None:
        raise ConfigError(f"{name} is a Dataset, which holds its own targets; leave y unset")
    if remember:
        model.info.update(feature_names=list(x.feature_names), class_names=x.class_names,
                          target_name=x.target_name,
                          columns=(getattr(x, "info", None) or {}).get("columns"))
        if x.class_names is not None and len(x.class_names) == 2:  # the class looked for
            from .measures import positive_class

            model.info["positive_class"] = x.class_names[positive_class(x.labels)]
    if not model.built:  # the output layer's width decides the targets' form
        model._build_rows(model._declared_shape or x.features.shape[1:])
    return x.features, x.targets_for(model.loss, model.output_dim)


def _split_validation(model, x, y, fraction, method, w=None):
    """(x, y, w, x_val, y_val, w_val): Keras takes the *last* fraction of rows;
    'random' and 'stratified' draw them. Sample weights ``w`` (or None) follow their rows."""
    fraction = check_number("validation_split", fraction, minimum=0.0, maximum=1.0,
                            exclusive_maximum=True)
    n = x.shape[0]
    n_val = n - int(np.floor(n * (1.0 - fraction)))  # Keras trains on floor(n (1 - s)) rows
    if n_val == 0 or n_val == n:
        raise ConfigError(f"validation_split={fraction} leaves {n - n_val} training and "
                          f"{n_val} validation rows out of {n}; both need at least one")
    method = check_choice("validation_method", method, ("last", "random", "stratified"))
    rng = np.random.default_rng(model.seed)
    if method == "last":
        val = np.arange(n - n_val, n)
    elif method == "random":
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
    pick = (lambda rows: None) if w is None else (lambda rows: w[rows])
    return x[~mask], y[~mask], pick(~mask), x[mask], y[mask], pick(mask)


def validation_rows(model, x, y, w, validation_data, split, method):
    """(x, y, w, x_val, y_val, w_val) from ``validation_data`` (x_val, y_val[, w_val])
    or a split of the rows."""
    if validation_data is not None and hasattr(validation_data, "features"):
        validation_data = _unpack(model, validation_data, None, "validation_data",
                                  remember=False)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ConfigError("validation_data must be a tuple (x_val, y_val) or "
                              "(x_val, y_val, sample_weight_val)")
        x_val = model._inputs(validation_data[0], "validation_data x")
        y_val = model._targets(validation_data[1], model.loss, x_val.shape[0],
                               "validation_data y")
        w_val = None if len(validation_data) == 2 else row_weights(
            y_val, validation_data[2], None, x_val.shape[0], "validation_data sample_weight")
        return x, y, w, x_val, y_val, w_val
    if split:
        return _split_validation(model, x, y, split, method, w)
    return x, y, w, None, None, None


def row_weights(y, sample_weight, class_weight, n, name="sample_weight"):
    """One weight per row (Keras's sample_weight times class_weight[label]), or None.

    Labels are the class indices of sparse targets, the argmax of one-hot rows, and
    0/1 (rounded) for a single output column.
    """
    from ..base.validation import as_array

    w = None
    if sample_weight is not None:
        w = as_array(name, sample_weight, ndim=(1, 2)).astype(np.float64)
        if w.ndim == 2 and w.shape[1] == 1:
            w = w[:, 0]
        if w.shape != (n,):
            raise ConfigError(f"{name} must hold one weight per row, shape ({n},), got shape "
                              f"{w.shape}")
    if class_weight is not None:
        if not isinstance(class_weight, dict):
            raise ConfigError(f"class_weight must be a dict {{class index: weight}}, got "
                              f"{class_weight!r}")
        labels = (y if y.ndim == 1 else y.argmax(axis=1) if y.shape[1] > 1
                  else np.round(y[:, 0])).astype(np.int64)
        missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
        if missing:
            raise ConfigError(f"class_weight has no weight for class(es) {missing}; give one "
                              f"for every class, got keys {sorted(class_weight)}")
        table = np.array([float(class_weight.get(k, 0.0)) for k in range(labels.max() + 1)])
        w = table[labels] if w is None else w * table[labels]
    return w
