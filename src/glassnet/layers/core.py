"""Dense and Activation layers: seed 000's two-layer network is two Dense layers."""

from __future__ import annotations

import numpy as np

from .. import activations, initializers, regularizers
from ..validation import check_number
from .base import LAYERS, Layer


@LAYERS.register("Dense")
class Dense(Layer):
    """Fully connected layer y = f(x · kernel + bias).

    The kernel has Keras's layout (inputs, units): column j holds cell j's weights,
    so seed 000's coefficient a_ji is ``kernel[i, j]`` and its constant term a_j0 is
    ``bias[j]``.

    Parameters
    ----------
    units : int
        Number of cells.
    activation : str, dict or Activation, optional
        Applied to the weighted sum; ``None`` means linear.
    kernel_initializer, bias_initializer : str, dict or Initializer
    use_bias : bool
    kernel_regularizer, bias_regularizer : str, dict or Regularizer, optional
    name : str, optional

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(2, activation="relu")
    >>> layer.build(2, np.random.default_rng(0), "float64")
    >>> layer.weights[0].shape, layer.weights[1].shape
    ((2, 2), (2,))
    """

    weight_names = ("kernel", "bias")

    def __init__(self, units, activation=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", use_bias=True, kernel_regularizer=None,
                 bias_regularizer=None, name=None):
        super().__init__(name)
        self.units = check_number("units", units, minimum=1, integer=True)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        if not isinstance(use_bias, bool):
            raise TypeError(f"use_bias must be True or False, got {use_bias!r}")
        self.use_bias = use_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def compute_output_dim(self, input_dim):
        return self.units

    def create_weights(self, rng):
        kernel = self.kernel_initializer((self.input_dim, self.units), rng, self.dtype)
        weights = [kernel]
        if self.use_bias:
            weights.append(self.bias_initializer((self.units,), rng, self.dtype))
        self.trainable = [True] * len(weights)
        return weights

    @property
    def kernel(self):
        return self.weights[0]

    @property
    def bias(self):
        return self.weights[1] if self.use_bias else None

    def regularizers(self):
        regs = [self.kernel_regularizer]
        return regs + [self.bias_regularizer] if self.use_bias else regs

    # forward / backward, side by side -------------------------------------------------
    def forward(self, x, training=False, activate=True):
        self._x = x
        z = x @ self.weights[0]  # α = x · a  (seed 000: α_j = Σ_i a_ji x_i)
        if self.use_bias:
            z += self.weights[1]  # ... + a_j0 (the dummy input x0 = 1)
        self._z = z
        self._y = self.activation.forward(z) if activate else None  # y = f(α)
        return self._y if activate else z

    def backward(self, grad_output, need_input_grad=True):
        delta = self.activation.backward(grad_output, self._z, self._y)  # δ = ∂E/∂y ⊙ f'(α)
        return self.backward_preactivation(delta, need_input_grad)

    def backward_preactivation(self, delta, need_input_grad=True):
        # ∂E/∂a_ji = Σ_n δ_nj x_ni   and   ∂E/∂a_j0 = Σ_n δ_nj   (E already averaged)
        np.matmul(self._x.T, delta, out=self.grads[0])
        if self.use_bias:
            delta.sum(axis=0, out=self.grads[1])
        self.add_penalty_gradients()
        if not need_input_grad:
            return None
        return delta @ self.weights[0].T  # ∂E/∂x_i = Σ_j δ_j a_ji: sent to the layer below

    def call(self, x, weights=None, training=False, activate=True):
        kernel, *rest = self.weights if weights is None else weights
        z = x @ kernel
        if self.use_bias:
            z = z + rest[0]
        return self.activation.forward(z) if activate else z

    @property
    def output_activation(self):
        return self.activation.name

    @property
    def preactivation(self):
        return self._z

    def get_config(self):
        return {
            "name": self.name,
            "units": self.units,
            "activation": self.activation.get_config(),
            "kernel_initializer": self.kernel_initializer.get_config(),
            "bias_initializer": self.bias_initializer.get_config(),
            "use_bias": self.use_bias,
            "kernel_regularizer": _config_or_none(self.kernel_regularizer),
            "bias_regularizer": _config_or_none(self.bias_regularizer),
        }


@LAYERS.register("Activation")
class Activation(Layer):
    """Applies an activation function on its own: y = f(x).

    >>> import numpy as np
    >>> Activation("relu").call(np.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def __init__(self, activation, name=None):
        super().__init__(name)
        self.activation = activations.get(activation)

    def forward(self, x, training=False, activate=True):
        self._x = x
        self._y = self.activation.forward(x) if activate else None
        return self._y if activate else x

    def backward(self, grad_output, need_input_grad=True):
        return self.activation.backward(grad_output, self._x, self._y)

    def backward_preactivation(self, delta, need_input_grad=True):
        return delta

    def call(self, x, weights=None, training=False, activate=True):
        return self.activation.forward(x) if activate else x

    @property
    def output_activation(self):
        return self.activation.name

    @property
    def preactivation(self):
        return self._x

    def get_config(self):
        return {"name": self.name, "activation": self.activation.get_config()}


def _config_or_none(obj):
    return None if obj is None else obj.get_config()
