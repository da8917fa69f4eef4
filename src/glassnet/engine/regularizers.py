"""Weight penalties added to the loss: L1, L2 and both (elastic net).

As in Keras, ``L2(l2)`` adds l2 · Σ w² (no factor 1/2), so its gradient is 2 · l2 · w,
and the penalty is added once per step, not per sample.

>>> import numpy as np
>>> reg = L1L2(l1=0.1, l2=0.01)
>>> w = np.array([1.0, -2.0])
>>> round(float(reg(w)), 6), np.round(reg.gradient(w), 6).tolist()
(0.35, [0.12, -0.14])
"""

from __future__ import annotations

import numpy as np

from ..base.registry import Configurable, Registry


class Regularizer(Configurable):
    _config = ("l1", "l2")

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        from ..base.validation import check_number

        self.l1 = float(check_number("l1", l1, minimum=0.0))
        self.l2 = float(check_number("l2", l2, minimum=0.0))

    def __call__(self, weight: np.ndarray) -> float:
        """Penalty l1 Σ|w| + l2 Σ w² (Σ w² as one dot product: this runs every step)."""
        w = weight.ravel()
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(w).sum())
        if self.l2:
            total += self.l2 * float(w @ w)
        return total

    def penalty_stacked(self, stack: np.ndarray, weight_ndim: int):
        """Penalty of each of a stack of weights (leading axis) -> shape (B,)."""
        axes = tuple(range(1, weight_ndim + 1))
        return self.l1 * np.abs(stack).sum(axis=axes) + self.l2 * (stack * stack).sum(axis=axes)

    def gradient(self, weight: np.ndarray) -> np.ndarray:
        """∂/∂w = l1 sign(w) + 2 l2 w."""
        return self.add_gradient(weight, np.zeros_like(weight))

    def add_gradient(self, weight: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """grad += ∂/∂w, in place (the training step's form)."""
        if self.l1:
            grad += self.l1 * np.sign(weight)
        if self.l2:
            grad += (2.0 * self.l2) * weight
        return grad


REGULARIZERS = Registry("regularizer", Regularizer)
REGULARIZERS.register("l1_l2", "l1l2", "elastic_net")(Regularizer)
L1L2 = Regularizer


@REGULARIZERS.register("l1")
class L1(Regularizer):
    _config = ("l1",)

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)


@REGULARIZERS.register("l2")
class L2(Regularizer):
    _config = ("l2",)

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)


# Keras's lower-case spellings: regularizers.l2(0.01), regularizers.l1_l2(l1=..., l2=...)
l1, l2, l1_l2 = L1, L2, L1L2


def get(identifier) -> Regularizer | None:
    """Return a regularizer from None, a name, a config dict or an instance."""
    if identifier is None:
        return None
    return REGULARIZERS.get(identifier)
