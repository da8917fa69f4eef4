"""Layers: each one a ``forward`` and a ``backward`` you can read side by side."""

from .base import LAYERS, Layer, deserialize, serialize
from .core import Activation, Dense, LeakyReLU, ReLU, Softmax
from .preprocessing import Normalization
from .regularization import BatchNormalization, Dropout
from .shaping import Flatten, Input, InputLayer

__all__ = [
    "LAYERS",
    "Activation",
    "BatchNormalization",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "LeakyReLU",
    "Layer",
    "Normalization",
    "ReLU",
    "Softmax",
    "deserialize",
    "serialize",
]
