"""Layers: each one a ``forward`` and a ``backward`` you can read side by side."""

from .base import LAYERS, Layer, deserialize, serialize
from .core import Activation, Dense
from .preprocessing import Normalization
from .regularization import BatchNormalization, Dropout

__all__ = [
    "LAYERS",
    "Activation",
    "BatchNormalization",
    "Dense",
    "Dropout",
    "Layer",
    "Normalization",
    "deserialize",
    "serialize",
]
