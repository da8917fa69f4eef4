"""``Recorder``: a callback that keeps every weight (and per-layer gradient norms) as
training goes, for the figures of how coefficients move (seed 000's Fig 122)."""

from __future__ import annotations

import math

import numpy as np

from ..base.validation import check_choice
from .callback import Callback


class Recorder(Callback):
    """Record every weight after every step or epoch, and per-layer gradient norms.

    Seed 000's Fig 122 plots how each coefficient moves during training; seed 001 asks
    to watch gradient norms for vanishing or exploding gradients. Recording copies the
    weights, so it is opt-in.

    After training, ``weights[name]`` is an array (records, *shape) for names like
    ``"dense.kernel"``, ``steps`` the optimiser step of each record, and
    ``gradient_norms[layer]`` the L2 norm of that layer's gradients at each record.
    """

    def __init__(self, every="epoch", weights=True, gradient_norms=True):
        self.every = check_choice("every", every, ("epoch", "step"))
        self.record_weights, self.record_gradients = weights, gradient_norms

    def on_train_begin(self, logs=None):
        self.steps: list[int] = []
        self._weights: dict[str, list] = {}
        self._norms: dict[str, list] = {}
        self._record(initial=True)

    def _record(self, initial=False):
        model = self.model
        self.steps.append(model.optimizer.iterations)
        if self.record_weights:
            for name, w in zip(model.weight_names(), model.weights):
                self._weights.setdefault(name, []).append(w.copy())
        for layer in model.layers:
            if self.record_gradients and any(g is not None for g in layer.grads):
                norm = math.nan if initial else float(np.sqrt(sum(
                    float((g * g).sum()) for g in layer.grads if g is not None)))
                self._norms.setdefault(layer.name, []).append(norm)

    def on_train_batch_end(self, batch, logs=None):
        if self.every == "step":
            self._record()

    def on_epoch_end(self, epoch, logs=None):
        if self.every == "epoch":
            self._record()

    @property
    def weights(self) -> dict[str, np.ndarray]:
        return {name: np.stack(values) for name, values in self._weights.items()}

    @property
    def gradient_norms(self) -> dict[str, np.ndarray]:
        return {name: np.array(values) for name, values in self._norms.items()}
