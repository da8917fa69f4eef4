"""Optimisers and learning-rate schedules (Keras names and defaults)."""

from .base import OPTIMIZERS, Optimizer
from .rules import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop
from .schedules import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    StepDecay,
)


def get(identifier) -> Optimizer:
    """Return an optimiser from a name, a config dict or an instance."""
    return OPTIMIZERS.get(identifier)


def names() -> list[str]:
    return OPTIMIZERS.names()


__all__ = [
    "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "CosineDecay", "ExponentialDecay",
    "InverseTimeDecay", "LearningRateSchedule", "OPTIMIZERS", "Optimizer", "RMSprop",
    "StepDecay", "get", "names",
]
