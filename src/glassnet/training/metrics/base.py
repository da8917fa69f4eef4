"""Metric objects (Keras's ``update_state`` / ``result`` / ``reset_state``) and the
per-sample functions averaged by ``MeanMetricWrapper``.

Labels are aligned with predictions as Keras does: (n,) labels go with (n, 1)
outputs, and sparse labels shaped (n, 1) are squeezed.
"""

from __future__ import annotations

import numpy as np

from ...base.errors import ShapeError


def _align(y_true, y_pred):
    """Keras's squeeze-or-expand for 2-D outputs: (n,) labels with (n, 1) outputs."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 1 and y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_true = y_true[:, None]
    elif y_true.ndim == 2 and y_pred.ndim == 1 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    return y_true, y_pred


def _sparse_labels(y_true):
    y_true = np.asarray(y_true)
    return y_true[:, 0] if y_true.ndim == 2 and y_true.shape[1] == 1 else y_true


def categorical_accuracy(y_true, y_pred):
    """1 where the largest output is the labelled class (one-hot labels)."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the largest output is the labelled class (class-index labels)."""
    return (np.argmax(y_pred, axis=-1) == _sparse_labels(y_true)).astype(np.float64)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 for each output on the labelled side of ``threshold`` (Keras 3: per output, so
    (n, k) sample weights can weigh each one)."""
    y_true, y_pred = _align(y_true, y_pred)
    return ((y_pred > threshold) == (y_true > 0.5)).astype(np.float64)


def _in_top_k(labels, y_pred, k):
    # the labelled class is among the k largest: fewer than k outputs beat it (ties count
    # for the label, as in Keras's in_top_k)
    target = np.take_along_axis(y_pred, labels.astype(np.intp)[:, None], axis=-1)
    return ((y_pred > target).sum(axis=-1) < k).astype(np.float64)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    return _in_top_k(np.argmax(y_true, axis=-1), np.asarray(y_pred), k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    return _in_top_k(_sparse_labels(y_true), np.asarray(y_pred), k)


def mean_squared_error(y_true, y_pred):
    y_true, y_pred = _align(y_true, y_pred)
    return ((y_pred - y_true) ** 2).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _align(y_true, y_pred)
    return np.abs(y_pred - y_true).mean(axis=-1)


def samplewise(values, sample_weight):
    """Keras's reduce_to_samplewise_values: (one weighted value per sample, the weight of
    each sample or None). Weights of shape (n,) weigh rows, (n, k) each of a row's k
    values (the row then weighs the mean of its weights), a scalar everything.

    >>> samplewise(np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 3.0], [2.0, 2.0]]))
    (array([0.5, 2. ]), array([2., 2.]))
    """
    values = np.asarray(values, dtype=np.float64)
    w = None
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        if values.ndim == w.ndim + 1 and values.shape[-1] == 1:
            values = values[..., 0] if w.ndim != 1 else values
            w = w[:, None] if w.ndim == 1 else w
        elif w.ndim == values.ndim + 1 and w.shape[-1] == 1:
            w = w[..., 0] if values.ndim != 1 else w
            values = values[:, None] if values.ndim == 1 else values
        if values.ndim > w.ndim:
            values = values.mean(axis=tuple(range(w.ndim, values.ndim)))
        try:
            w = np.broadcast_to(w, values.shape)
        except ValueError:
            raise ShapeError(f"sample_weight of shape {np.shape(sample_weight)} does not fit "
                             f"values of shape {values.shape}") from None
        values = values * w
        if w.ndim > 1:
            w = w.mean(axis=tuple(range(1, w.ndim)))
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, w


def sample_weights(sample_weight, shape):
    """Weights broadcast to ``shape``: (n,) or (n, 1) weigh rows, scalars everything."""
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 1 and len(shape) > 1:
        w = w.reshape((-1,) + (1,) * (len(shape) - 1))
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise ShapeError(f"sample_weight of shape {np.shape(sample_weight)} does not fit "
                         f"values of shape {tuple(shape)}") from None


class Metric:
    """A quantity accumulated over batches: ``update_state`` per batch, ``result`` at
    the end, ``reset_state`` before the next epoch (Keras's contract). Keras's ``dtype``
    argument is accepted and ignored: glassnet accumulates in float64."""

    def __init__(self, name=None, dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Update with one batch and return the result so far (as Keras)."""
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class MeanMetricWrapper(Metric):
    """Weighted mean of a per-sample function: Σ w v / Σ w over every batch seen
    (Keras's reduction, see ``samplewise``). ``fn(y_true, y_pred, **kwargs)``; ``dtype``
    is the metric's (Keras's argument), never passed to ``fn``."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self.fn, self._fn_kwargs = fn, kwargs
        super().__init__(name or getattr(fn, "__name__", "metric"))

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        values, w = samplewise(self.fn(y_true, y_pred, **self._fn_kwargs), sample_weight)
        self.total += float(values.sum())
        self.count += float(w.sum()) if w is not None else (values.shape[0] if values.ndim
                                                             else 1)

    def result(self):
        return self.total / self.count if self.count else 0.0

    def get_config(self):
        """Keras's config: the name, the function's arguments and (for a wrapper made
        from a function, not a metric class) the function itself as ``fn``."""
        config = {"name": self.name, **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = self.fn
        return config


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly (Keras's ``Accuracy``)."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(lambda t, p: np.equal(*_align(t, p)).astype(np.float64), name)

    def get_config(self):
        return {"name": self.name}


class BinaryAccuracy(MeanMetricWrapper):
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name, k=k)
        self.k = k


class AutoAccuracy(MeanMetricWrapper):
    """``"accuracy"`` without a classification loss: binary, sparse or categorical
    accuracy chosen from the shapes of the first batch, by Keras's rule."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(self._first, name)

    def _first(self, y_true, y_pred):
        self.fn = choose_accuracy(np.shape(y_true), np.shape(y_pred))
        return self.fn(y_true, y_pred)


def choose_accuracy(true_shape, pred_shape):
    """Keras's compile_utils.is_binary_or_sparse_categorical."""
    if pred_shape[-1] == 1:
        return binary_accuracy
    if len(true_shape) < len(pred_shape) or true_shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower()
                   for i, c in enumerate(name))
