"""Optimisers and learning-rate schedules (Keras names and defaults)."""

from .base import OPTIMIZERS, Optimizer
from .rules import SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop
from .schedules import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
    StepDecay,
)


def get(identifier) -> Optimizer | None:
    """Return an optimiser from a name, a config dict or an instance (None stays None)."""
    if identifier is None:
        return None
    return OPTIMIZERS.get(identifier)


def names() -> list[str]:
    return OPTIMIZERS.names()


__all__ = [
    "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "CosineDecay",
    "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
    "Nadam", "OPTIMIZERS", "Optimizer", "PiecewiseConstantDecay", "PolynomialDecay", "RMSprop",
    "StepDecay", "get", "names",
]
