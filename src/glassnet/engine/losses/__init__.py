"""Loss functions: a per-sample loss, its weighted reduction, and the gradient.

Each loss computes ``per_sample(t, y)`` (shape ``(..., N)``; leading axes are allowed
so numerical differentiation can evaluate many perturbed networks at once) and
``__call__(t, y, sample_weight=None)``, the reduction Keras calls
``sum_over_batch_size``: E = Σn w_n l_n / N. ``gradient(t, y, sample_weight)`` is
∂E/∂y_pred. ``reduction`` may also be ``"sum"``, ``"mean_with_sample_weight"``
(divide by Σ w) or ``None`` (one value per sample), as in Keras.

Labels are aligned with predictions as Keras does: (n,) labels go with (n, 1)
outputs, sparse labels shaped (n, 1) are squeezed, and any other shape mismatch is a
``ShapeError`` (a ``ValueError``).

Cross-entropies fuse with their natural output activation (``fuses_with``): the
model then hands the loss the output layer's *logits*, ``value_from_logits`` uses
log-sum-exp (logits of ±1000 stay finite) and ``fused`` returns seed 000's
δ2 = z - t (divided by N, because E is a mean). With ``from_logits=True`` the loss
itself takes logits and fuses with a linear output layer.

>>> import numpy as np
>>> cce = get("categorical_crossentropy")
>>> t = np.array([[0.0, 1.0]])
>>> float(cce.value_from_logits(t, np.array([[0.0, 0.0]])))  # -log 0.5
0.6931471805599453
>>> cce.fused(t, np.array([[1000.0, -1000.0]]))[2].tolist()
[[1.0, -1.0]]
"""

from .base import LOSSES, REDUCTIONS, Loss
from .probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    HalfPoissonDeviance,
    KLDivergence,
    MultilabelLogLoss,
    Poisson,
    SparseCategoricalCrossentropy,
)
from .regression import (
    CosineSimilarity,
    Hinge,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    SquaredHinge,
)


def get(identifier) -> Loss:
    """Return a loss from a name, a config dict or an instance."""
    return LOSSES.get(identifier)


def names() -> list[str]:
    return LOSSES.names()


__all__ = [
    "LOSSES", "REDUCTIONS", "BinaryCrossentropy", "CategoricalCrossentropy", "CosineSimilarity",
    "HalfPoissonDeviance", "Hinge", "Huber", "KLDivergence", "LogCosh", "Loss", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
    "MultilabelLogLoss",
    "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "get", "names",
]
