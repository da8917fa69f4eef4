"""The layer contract: ``forward(x)`` / ``backward(grad) -> grad_x``, side by side.

A layer keeps only what its backward needs (its input, pre-activation, output).
Weights live in ``self.weights`` in Keras order (Dense: kernel, bias) and the
gradients of the trainable ones in ``self.grads``, aligned, written in place by
``backward`` so the optimiser can read them without new allocations.

``call(x, weights, training)`` is the same forward computation as a pure function of
explicit weights, with no caching. Numerical differentiation uses it with *stacks*
of perturbed weights (a leading axis of length B), so that one vectorised forward
pass evaluates B perturbed networks at once.
"""

from __future__ import annotations

import numpy as np

from .._registry import Registry
from ..errors import ConfigError


class Layer:
    """Base class of every layer."""

    #: names of the weights in Keras order, e.g. ("kernel", "bias")
    weight_names: tuple[str, ...] = ()

    def __init__(self, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise ConfigError(f"layer name must be a string, got {name!r}")
        self.name = name
        self.built = False
        self.input_dim: int | None = None
        self.output_dim: int | None = None
        self.weights: list[np.ndarray] = []
        self.trainable: list[bool] = []
        self.grads: list[np.ndarray | None] = []

    # Construction -----------------------------------------------------------------
    def build(self, input_dim: int, rng: np.random.Generator, dtype) -> None:
        """Create the weights for inputs of ``input_dim`` features."""
        self.input_dim = int(input_dim)
        self.output_dim = self.compute_output_dim(self.input_dim)
        self.dtype = np.dtype(dtype)
        self.weights = self.create_weights(rng)
        self.grads = [np.zeros_like(w) if t else None for w, t in zip(self.weights, self.trainable)]
        self.built = True

    def compute_output_dim(self, input_dim: int) -> int:
        return input_dim

    def create_weights(self, rng) -> list[np.ndarray]:
        self.trainable = []
        return []

    # Computation ------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False, activate: bool = True):
        """Output for ``x``, caching what backward needs. With ``activate=False`` a layer
        that ends in an activation stops at its pre-activation (the model does that for
        an output activation fused with the loss)."""
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True):
        raise NotImplementedError

    def call(self, x, weights=None, training=False, activate=True):
        """Pure forward pass with explicit (possibly stacked) weights; no caching."""
        raise NotImplementedError

    def update_state(self) -> None:
        """Update non-trainable state (moving averages) after a training step."""

    #: name of the activation this layer ends with (for fused output deltas)
    @property
    def output_activation(self) -> str | None:
        return None

    @property
    def preactivation(self):
        """The pre-activation cached by the last forward pass."""
        raise NotImplementedError

    def backward_preactivation(self, delta, need_input_grad=True):
        """Backward from ∂E/∂(pre-activation) instead of ∂E/∂(output)."""
        raise NotImplementedError

    # Regularisation -------------------------------------------------------------------
    def regularizers(self) -> list:
        """Regularizer (or None) for each weight, aligned with ``weights``."""
        return [None] * len(self.weights)

    def penalty(self) -> float:
        return sum(reg(w) for reg, w in zip(self.regularizers(), self.weights) if reg)

    def add_penalty_gradients(self) -> None:
        for reg, w, g in zip(self.regularizers(), self.weights, self.grads):
            if reg is not None and g is not None:
                g += reg.gradient(w)

    # Stacked weights for numerical differentiation ---------------------------------
    def stack_for_broadcast(self, index: int, stack: np.ndarray) -> np.ndarray:
        """Reshape a stack (B, *shape) of weight ``index`` so it broadcasts in ``call``.

        Vectors (biases, γ, β) act along the last axis of (B, N, units) activations,
        so they get a sample axis: (B, units) -> (B, 1, units). Kernels broadcast as
        a batch of matrices in ``@`` as they are.
        """
        if self.weights[index].ndim == 1:
            return stack[:, None, :]
        return stack

    # Bookkeeping --------------------------------------------------------------------
    def count_params(self) -> int:
        return int(sum(w.size for w in self.weights))

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if v is not None)
        return f"{type(self).__name__}({args})"


LAYERS = Registry("layer", Layer, set_name=False)


def serialize(layer: Layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config: dict) -> Layer:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(f"a layer config needs 'class_name' and 'config', got {config!r}")
    cls = LAYERS.get_class(config["class_name"])
    return cls.from_config(dict(config.get("config", {})))
