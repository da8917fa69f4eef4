"""Small helpers Keras users reach for: ``to_categorical``.

>>> to_categorical([0, 2, 1]).tolist()
[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

import numpy as np

from .errors import DataError


def to_categorical(x, num_classes=None) -> np.ndarray:
    """One-hot encode integer class labels 0..num_classes-1 (Keras's function).

    Labels shaped (..., 1), as ``keras.datasets`` ship them, lose the trailing 1; the
    classes go on a new last axis. ``num_classes`` defaults to ``max(x) + 1``.

    Raises
    ------
    DataError
        If a label is not a whole number in 0..num_classes-1.
    """
    labels = np.asarray(x)
    if labels.dtype.kind not in "iub" and not (
            labels.dtype.kind == "f" and np.all(np.isfinite(labels))
            and np.all(labels == np.floor(labels))):
        raise DataError(f"to_categorical expects integer class labels, got values of dtype "
                        f"{labels.dtype}" + ("" if labels.dtype.kind != "f" else
                                             " that are not whole numbers"))
    labels = labels.astype(np.int64)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    bad = (labels < 0) | (labels >= num_classes)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"to_categorical: label {labels[i]} at position {i} is outside "
                        f"0..{num_classes - 1} (num_classes={num_classes})")
    categorical = np.zeros((labels.size, num_classes))
    categorical[np.arange(labels.size), labels] = 1.0
    return categorical.reshape(shape + (num_classes,))
