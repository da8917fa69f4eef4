"""Feature scaling as a layer, so a saved model always applies its own transform."""

from __future__ import annotations

import numpy as np

from ...base.errors import ConfigError
from ...base.validation import as_array, check_choice
from .base import LAYERS, Layer


@LAYERS.register("Normalization")
class Normalization(Layer):
    """Scale each input feature: y = (x - offset) / scale.

    ``method="standard"``: offset = mean, scale = standard deviation;
    ``method="minmax"``: offset = minimum, scale = maximum - minimum (to [0, 1]).
    ``adapt(x)`` computes them from the *training* rows only; they are stored as
    non-trainable weights, so they travel with the model into its file, and
    prediction on new rows applies exactly the same transform.

    >>> import numpy as np
    >>> layer = Normalization("minmax")
    >>> layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]]))
    >>> layer.build(2, None, "float64")   # a model does this when it builds
    >>> layer.forward(np.array([[1.0, 20.0]])).tolist()
    [[0.5, 0.5]]
    """

    weight_names = ("offset", "scale")

    def __init__(self, method="standard", name=None):
        super().__init__(name)
        self.method = check_choice("method", method, ("standard", "minmax"))
        self._pending = None

    def adapt(self, x) -> None:
        x = as_array("x", x, ndim=2)
        if x.shape[0] == 0:
            raise ConfigError("adapt() needs at least one row")
        with np.errstate(over="ignore", invalid="ignore"):  # too large data fail in fit
            if self.method == "standard":
                offset, scale = x.mean(axis=0), x.std(axis=0)
            else:
                offset, scale = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
        scale = np.where(scale > 0, scale, 1.0)  # a constant column is left as it is
        if self.built:
            if x.shape[1] != self.input_dim:
                raise ConfigError(f"adapt() got {x.shape[1]} features, the layer was built for "
                                  f"{self.input_dim}")
            self.weights[0][...] = offset
            self.weights[1][...] = scale
        else:
            self._pending = (offset, scale)

    def create_weights(self, rng):
        self.weight_trainable = [False, False]
        if self._pending is not None and self._pending[0].size == self.input_dim:
            offset, scale = self._pending
        else:
            offset, scale = np.zeros(self.input_dim), np.ones(self.input_dim)
        with np.errstate(over="ignore"):  # data beyond the dtype fail, named, in fit/predict
            return [np.asarray(offset, self.dtype).copy(), np.asarray(scale, self.dtype).copy()]

    def forward(self, x, training=False, weights=None):
        offset, scale = self.weights if weights is None else weights
        return (x - offset) / scale  # y = (x - offset) / scale

    def backward(self, grad_output, input_grad=True):
        return grad_output / self.weights[1] if input_grad else None

    def get_config(self):
        return {"name": self.name, "method": self.method}
