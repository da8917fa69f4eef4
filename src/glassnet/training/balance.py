"""Class weights: how much each class's rows count in the loss.

On a sheet with 7 % 陽性 a network lowers its loss most by answering 陰性 for everyone.
Weighing each row by its class (Keras's ``class_weight``; scikit-learn's
``class_weight="balanced"``) makes the rare class count as much as the common one:
``"balanced"`` gives class c the weight n / (k · n_c) (n rows, k classes, n_c rows of
class c), so every class carries the same total weight; a dict names the classes
(``{"陽性": 10}``) and the classes it leaves out weigh 1.

>>> import numpy as np
>>> from glassnet.data import Dataset
>>> data = Dataset(np.zeros((4, 1)), np.array([0, 0, 0, 1]), ["x"], ["陰性", "陽性"])
>>> class_weights("balanced", data).tolist()
[0.6666666666666666, 2.0]
>>> class_weights({"陽性": 5}, data).tolist()
[1.0, 5.0]
"""

from __future__ import annotations

import json
import math

import numpy as np

from ..base.errors import ConfigError, describe


def check_class_weight(value, name="class_weight"):
    """None, "balanced" or a dict {class name: weight > 0 and finite}; else ConfigError."""
    if value is None or value == "balanced":
        return value
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be 'balanced' or a dict {{class name: weight}}, got "
                          f"{describe(value)}")
    for key, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or \
                not math.isfinite(weight) or weight <= 0:
            raise ConfigError(f"{name}[{key!r}] must be a number > 0, got {weight!r}")
    return value


def parse_class_weight(text: str, option="--class-weight"):
    """The command line's text: ``balanced`` or a JSON object such as ``{"陽性": 10}``."""
    if text is None or text.strip().lower() == "balanced":
        return None if text is None else "balanced"
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    if not isinstance(value, dict):
        raise ConfigError(f"{option} expects balanced or a JSON object of class weights such "
                          f"as '{{\"陽性\": 10}}', got {text!r}")
    return check_class_weight(value, option)


def class_weights(value, data) -> np.ndarray | None:
    """One weight per class of ``data`` (in its class order), or None."""
    value = check_class_weight(value)
    if value is None:
        return None
    if not data.is_classification:
        raise ConfigError(f"class_weight applies to classes; the target {data.target_name!r} "
                          "is a number")
    names = [str(c) for c in data.class_names]
    if value == "balanced":
        counts = np.bincount(data.labels, minlength=len(names)).astype(float)
        present = counts > 0
        weights = np.ones(len(names))
        weights[present] = len(data) / (present.sum() * counts[present])
        return weights
    unknown = [k for k in value if str(k) not in names]
    if unknown:
        raise ConfigError(f"class_weight names class(es) {', '.join(map(repr, unknown))} that "
                          f"the target {data.target_name!r} does not have; its classes: "
                          f"{', '.join(names)}")
    given = {str(k): float(v) for k, v in value.items()}
    return np.array([given.get(name, 1.0) for name in names])


def row_weights(value, data, sample_weight=None):
    """Each row's weight: ``sample_weight`` times its class's weight (None when neither)."""
    weights = class_weights(value, data)
    if weights is None:
        return sample_weight
    rows = weights[data.labels]
    return rows if sample_weight is None else rows * np.asarray(sample_weight, dtype=float)


__all__ = ["check_class_weight", "class_weights", "parse_class_weight", "row_weights"]
