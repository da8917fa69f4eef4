"""Dense and Activation layers: seed 000's two-layer network is two Dense layers."""

from __future__ import annotations

import numpy as np

from ...base.errors import ConfigError
from ...base.validation import check_number
from .. import activations, initializers, regularizers
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
                 bias_regularizer=None, name=None, input_shape=None, input_dim=None):
        from .shaping import input_shape_of

        super().__init__(name)
        self.declared_input_shape = input_shape_of(input_shape, input_dim)
        self.units = check_number("units", units, minimum=1, integer=True)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        if not isinstance(use_bias, bool):
            raise TypeError(f"use_bias must be True or False, got {use_bias!r}")
        self.use_bias = use_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    @property
    def activation(self):
        """The activation y = f(α); setting None (or "linear") leaves y = α, as Keras."""
        return self._activation

    @activation.setter
    def activation(self, value):
        self._activation = activations.get(value)

    def compute_output_dim(self, input_dim):
        return self.units

    def create_weights(self, rng):
        kernel = self.kernel_initializer((self.input_dim, self.units), rng, self.dtype)
        weights = [kernel]
        if self.use_bias:
            weights.append(self.bias_initializer((self.units,), rng, self.dtype))
        self.weight_trainable = [True] * len(weights)
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
    def forward(self, x, training=False, weights=None):
        alpha = self.weighted_sum(x, weights)
        y = self.activation.forward(alpha)  # y = f(α)
        if weights is None:
            self.alpha, self.y = alpha, y
        return y

    def backward(self, grad_output, input_grad=True):
        # δ = ∂E/∂y ⊙ f'(α); for a hidden layer ∂E/∂y arrives from the layer above as
        # Σk δ2_k b_kj, which makes this seed 000's δ1_j = σ'(α_j) Σk δ2_k b_kj
        delta = self.activation.backward(grad_output, self.alpha, self.y)
        return self.backward_delta(delta, input_grad)

    def weighted_sum(self, x, weights=None):
        """α = x · kernel + bias for every row (seed 000: α_j = Σ_i a_ji x_i + a_j0)."""
        if weights is not None:  # explicit, maybe stacked weights: broadcast, keep nothing
            return x @ weights[0] + weights[1] if self.use_bias else x @ weights[0]
        alpha = x @ self.weights[0]  # Σ_i a_ji x_i
        if self.use_bias:
            alpha += self.weights[1]  # + a_j0 (the dummy input x0 = 1)
        self.x = x
        return alpha

    def backward_delta(self, delta, input_grad=True):
        # ∂E/∂a_ji = Σ_n δ_nj x_ni   and   ∂E/∂a_j0 = Σ_n δ_nj   (E already averaged)
        np.matmul(self.x.T, delta, out=self.grads[0])
        if self.use_bias:
            delta.sum(axis=0, out=self.grads[1])
        self.add_penalty_gradients()
        if not input_grad:
            return None
        return delta @ self.weights[0].T  # Σ_j δ_j a_ji: ∂E/∂x_i, sent to the layer below

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
    >>> Activation("relu").forward(np.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def __init__(self, activation, name=None):
        super().__init__(name)
        self.activation = activations.get(activation)

    def forward(self, x, training=False, weights=None):
        y = self.activation.forward(x)  # y = f(α): the input is the weighted sum α
        if weights is None:
            self.alpha, self.y = x, y
        return y

    def backward(self, grad_output, input_grad=True):
        return self.activation.backward(grad_output, self.alpha, self.y)  # ∂E/∂y ⊙ f'(α)

    def weighted_sum(self, x, weights=None):
        return x

    def backward_delta(self, delta, input_grad=True):
        return delta

    def get_config(self):
        return {"name": self.name, "activation": self.activation.get_config()}


def _config_or_none(obj):
    return None if obj is None else obj.get_config()


@LAYERS.register("ReLU")
class ReLU(Activation):
    """The rectifier as a layer (Keras's ``layers.ReLU``): max(x, 0), with Keras's
    ``max_value``, ``negative_slope`` and ``threshold``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, name=None):
        if threshold is None:
            raise ConfigError("threshold of a ReLU layer cannot be None or a negative value. "
                              "Received: threshold=None")
        check_number("threshold", threshold, minimum=0.0)  # Keras's layer refuses < 0 too
        super().__init__(activations.ReLU(max_value, negative_slope, threshold), name)

    def get_config(self):
        a = self.activation
        return {"name": self.name, "max_value": a.max_value,
                "negative_slope": a.negative_slope, "threshold": a.threshold}


@LAYERS.register("LeakyReLU")
class LeakyReLU(Activation):
    """max(s·x, x) as a layer; s = 0.01 by default (Keras's layer uses 0.3; see
    docs/keras-differences.md). ``alpha`` is Keras 2's name for s."""

    def __init__(self, negative_slope=0.01, name=None, alpha=None):
        super().__init__(activations.LeakyReLU(negative_slope, alpha=alpha), name)

    def get_config(self):
        return {"name": self.name, "negative_slope": self.activation.negative_slope}


@LAYERS.register("Softmax")
class Softmax(Activation):
    """Softmax over the classes as a layer (Keras's ``layers.Softmax``); fuses with a
    cross-entropy loss like ``Dense(k, "softmax")``."""

    def __init__(self, axis=-1, name=None):
        if axis not in (-1, 1):
            raise ConfigError(f"Softmax works over the last axis (the classes), got axis={axis}")
        super().__init__("softmax", name)

    def get_config(self):
        return {"name": self.name, "axis": -1}
