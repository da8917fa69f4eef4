"""The layer contract: ``forward(x)`` / ``backward(grad) -> grad_x``, side by side.

A layer keeps only what its backward needs (its input, weighted sum α, output y).
Weights live in ``self.weights`` in Keras order (Dense: kernel, bias) and the
gradients of the trainable ones in ``self.grads``, aligned, written in place by
``backward`` so the optimiser reads them without new allocations. Inside a model every
weight is a view into one flat array of the model's (and every gradient into another),
so an optimiser can update all of them in one pass.

``forward(x, training, weights)`` has two uses. With ``weights=None`` it is the
layer's computation on its own weights, keeping what ``backward`` needs. With explicit
weights it evaluates the same formula on them and keeps nothing; they may be *stacks*
(a leading axis of length B), so that one vectorised pass evaluates B perturbed
networks at once (numerical differentiation), and random layers replay the noise of
their last ``forward`` so that the perturbed networks are the one backprop saw.

Layers that end in an activation (``Dense``, ``Activation``) have an ``activation``
and split in two steps, as seed 000's derivation does (docs/seeds.md): the weighted
sum α = ``weighted_sum(x)`` and y = f(α). ``backward(∂E/∂y)`` first forms
δ = ∂E/∂y ⊙ f'(α) and hands it to ``backward_delta(δ)``; a model whose loss is fused
with the output activation (softmax + cross-entropy: δ = z - t) enters at
``backward_delta`` directly.
"""

from __future__ import annotations

import numpy as np

from ...base.errors import ConfigError
from ...base.registry import Registry


class Layer:
    """Base class of every layer."""

    #: names of the weights in Keras order, e.g. ("kernel", "bias")
    weight_names: tuple[str, ...] = ()
    #: the activation the layer ends with (an ``activations.Activation``), or None
    activation = None
    #: the input shape given to the layer (Keras's ``input_shape=`` / ``input_dim=``)
    declared_input_shape: tuple[int, ...] | None = None

    def __init__(self, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise ConfigError(f"layer name must be a string, got {name!r}")
        self.name = name
        self.built = False
        self.input_dim: int | None = None
        self.output_dim: int | None = None
        self.weights: list[np.ndarray] = []
        #: per weight: can training change it at all (False for moving averages)
        self.weight_trainable: list[bool] = []
        self.grads: list[np.ndarray | None] = []
        self._frozen = False

    # Freezing (Keras's layer.trainable) -----------------------------------------------
    @property
    def trainable(self) -> bool:
        """False freezes the layer: fit leaves its weights alone, summary() counts them
        as non-trainable (Keras's ``layer.trainable = False``)."""
        return not self._frozen

    @trainable.setter
    def trainable(self, value) -> None:
        if isinstance(value, list):  # the per-weight flags, as layers set them before
            self.weight_trainable = value
            return
        if not isinstance(value, (bool, np.bool_)):
            raise ConfigError(f"layer.trainable must be True or False, got {value!r}")
        self._frozen = not value

    @property
    def trainable_flags(self) -> list[bool]:
        """Per weight: does training update it now (trainable weight, layer not frozen)."""
        return [t and not self._frozen for t in self.weight_trainable]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of this layer's weights in Keras order."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Overwrite this layer's weights in place from a list like ``get_weights()``."""
        from ...base.errors import ShapeError

        if len(weights) != len(self.weights):
            raise ShapeError(f"layer {self.name!r} has {len(self.weights)} weights "
                             f"{[tuple(w.shape) for w in self.weights]}, got {len(weights)}")
        arrays = [np.asarray(w) for w in weights]
        for name, new, old in zip(self.weight_names, arrays, self.weights):
            if new.shape != old.shape:
                raise ShapeError(f"weight {self.name}.{name} must have shape {old.shape}, "
                                 f"got {new.shape}")
        for new, old in zip(arrays, self.weights):
            old[...] = new

    # Construction -----------------------------------------------------------------
    def build(self, input_dim: int, rng: np.random.Generator, dtype) -> None:
        """Create the weights for inputs of ``input_dim`` features."""
        self.input_dim = int(input_dim)
        self.output_dim = self.compute_output_dim(self.input_dim)
        self.dtype = np.dtype(dtype)
        self.weights = self.create_weights(rng)
        self.grads = [np.zeros_like(w) if t else None
                      for w, t in zip(self.weights, self.weight_trainable)]
        self.built = True

    def compute_output_dim(self, input_dim: int) -> int:
        return input_dim

    def create_weights(self, rng) -> list[np.ndarray]:
        self.weight_trainable = []
        return []

    # Computation ------------------------------------------------------------------
    def __call__(self, x, training=False) -> np.ndarray:
        """``layer(x)`` as in Keras: build on the first call (weights drawn from a
        generator seeded 0), then the forward pass."""
        x = np.asarray(x)
        if not self.built:
            dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float32
            self.build(x.shape[-1], np.random.default_rng(0), dtype)
        return self.forward(x.astype(self.dtype, copy=False), training)

    def forward(self, x: np.ndarray, training: bool = False, weights=None) -> np.ndarray:
        """Output for ``x``; see the module docstring for ``weights``."""
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray, input_grad: bool = True):
        """Given ∂E/∂(output), write ∂E/∂weight into ``grads``; return ∂E/∂x (or None
        when ``input_grad`` is False: the first layer's input needs no gradient)."""
        raise NotImplementedError

    def backward_delta(self, delta: np.ndarray, input_grad: bool = True):
        """Backward from δ = ∂E/∂α; for a layer without activation α is its output."""
        return self.backward(delta, input_grad)

    # Regularisation -------------------------------------------------------------------
    def regularizers(self) -> list:
        """Regularizer (or None) for each weight, aligned with ``weights``."""
        return [None] * len(self.weights)

    def penalty(self) -> float:
        return sum(reg(w) for reg, w in zip(self.regularizers(), self.weights) if reg)

    def add_penalty_gradients(self) -> None:
        for reg, w, g in zip(self.regularizers(), self.weights, self.grads):
            if reg is not None and g is not None:
                reg.add_gradient(w, g)

    # Stacked weights for numerical differentiation ---------------------------------
    def stack_for_broadcast(self, index: int, stack: np.ndarray) -> np.ndarray:
        """Reshape a stack (B, *shape) of weight ``index`` so it broadcasts in ``forward``.

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

    def config_with_trainable(self, config: dict) -> dict:
        """``config`` plus ``"trainable": False`` for a frozen layer (as Keras saves it)."""
        return config if not self._frozen else {**config, "trainable": False}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        trainable = config.pop("trainable", True)
        layer = cls(**config)
        layer.trainable = bool(trainable)
        return layer

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if v is not None)
        return f"{type(self).__name__}({args})"


LAYERS = Registry("layer", Layer, set_name=False)


def serialize(layer: Layer) -> dict:
    return {"class_name": type(layer).__name__,
            "config": layer.config_with_trainable(layer.get_config())}


def deserialize(config: dict) -> Layer:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(f"a layer config needs 'class_name' and 'config', got {config!r}")
    cls = LAYERS.get_class(config["class_name"])
    return cls.from_config(dict(config.get("config", {})))
