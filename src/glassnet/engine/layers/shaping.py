"""Keras's ways of saying what goes in: ``Input(shape=...)`` before the first layer, and
``Flatten`` for inputs that arrive as grids (MNIST's 28 × 28 images).

glassnet's layers work on tables (rows × features). A model whose first layer is
``Flatten`` accepts rows of any shape and reads each as one long row of features;
``Flatten`` itself then has nothing left to do.
"""

from __future__ import annotations

import math

from ...base.errors import ConfigError
from .base import LAYERS, Layer


def input_shape_of(shape, input_dim=None, name="input_shape") -> tuple[int, ...] | None:
    """A validated input shape (without the batch axis) from Keras's spellings."""
    if shape is None and input_dim is None:
        return None
    if shape is None:
        shape = (input_dim,)
    if isinstance(shape, int):
        shape = (shape,)
    shape = tuple(shape)
    if shape and shape[0] is None:  # Keras's (None, n): the batch axis
        shape = shape[1:]
    if not shape or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0
                            for d in shape):
        raise ConfigError(f"{name} must be a tuple of positive integers such as (4,) or "
                          f"(28, 28), got {shape!r}")
    return shape


class Input:
    """The shape of one input row, as the first element of a ``Sequential`` (Keras's
    ``keras.Input(shape=(n,))``); it holds no weights and computes nothing.

    >>> Input(shape=(28, 28)).shape
    (28, 28)
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None):
        self.shape = input_shape_of(shape, name="Input shape")
        if self.shape is None:
            raise ConfigError("Input needs a shape, e.g. Input(shape=(4,))")
        self.name = name

    def __repr__(self):
        return f"Input(shape={self.shape})"


InputLayer = Input


@LAYERS.register("Flatten")
class Flatten(Layer):
    """Reads every input row as one long row: (n, 28, 28) images become (n, 784).

    >>> import numpy as np
    >>> Flatten().forward(np.zeros((2, 3, 4))).shape
    (2, 12)
    >>> Flatten().forward(np.zeros(5)).shape   # a value per row: one column, as Keras
    (5, 1)
    """

    def __init__(self, name=None, input_shape=None):
        super().__init__(name)
        self.declared_input_shape = input_shape_of(input_shape)

    def forward(self, x, training=False, weights=None):
        if weights is None and x.ndim != 2:  # (n,) -> (n, 1), as Keras
            return x.reshape(x.shape[0], -1)
        return x  # inside a model the rows arrive flat already

    def backward(self, grad_output, input_grad=True):
        return grad_output if input_grad else None


def flat_size(shape) -> int:
    return int(math.prod(shape))
