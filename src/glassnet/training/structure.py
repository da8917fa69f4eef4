"""A ``Sequential``'s layers as Keras users change them: ``add``, ``pop``, ``build``.

``Structure`` is the base class of ``Sequential``, built on ``weights.Weights`` (the
layers, their weights, the optimiser slot); it asks its subclass for ``name``, ``rng``
(the generator that draws the initial weights) and ``dtype``. It keeps Keras's rules:
one ``Input`` at the start, unique layer names, only layers in the list (which is
read-only: ``add`` and ``pop`` change it), and ``build(input_shape)`` reading the first
axis of a tuple as the batch axis.
"""

from __future__ import annotations

from ..base.errors import ConfigError, ShapeError, describe
from ..engine.layers import Flatten, Input, Layer
from ..engine.layers.shaping import flat_size, input_shape_of
from .weights import Weights


class NotALayerError(ConfigError, TypeError):
    """``add`` of something that is not a layer: Keras's ValueError, and a TypeError."""


class Structure(Weights):
    """Layers added, popped and built; a subclass sets ``name``, ``rng`` and ``dtype``."""

    name: str
    rng: object  # numpy.random.Generator

    def __init__(self):
        Weights.__init__(self)
        self.input_dim = None
        self.row_shape = None  # the shape of one input row: (n,), or (28, 28) before Flatten

    def add(self, layer: Layer) -> None:
        """Append a layer. An ``Input(shape=...)`` may come first, as in Keras; so may a
        layer given ``input_shape=`` / ``input_dim=``. Names must be unique."""
        if isinstance(layer, Input):
            if self._declared_shape is not None:
                raise ConfigError(f"Sequential model {self.name!r} has already been configured "
                                  f"to use input shape {(None, *self._declared_shape)}. You "
                                  "cannot add a different Input layer to it.")
            if self.layers or self.built:
                raise ConfigError("Input(shape=...) must come before the first layer")
            self._declared_shape = layer.shape
            return
        if not isinstance(layer, Layer):
            raise NotALayerError("Only instances of `glassnet.layers.Layer` can be added to a "
                                 f"Sequential model. Received: {describe(layer)}")
        if any(existing is layer for existing in self.layers):
            raise ConfigError(f"layer {layer!r} is already in this model")
        taken = {lay.name for lay in self.layers}
        if layer.name is None:
            base = _snake(type(layer).__name__)
            layer.name = base if base not in taken else next(
                f"{base}_{i}" for i in range(1, len(taken) + 2) if f"{base}_{i}" not in taken
            )
        elif layer.name in taken:
            raise ConfigError("All layers added to a Sequential model should have unique names. "
                              f"Name {layer.name!r} is already the name of a layer in this "
                              "model. Update the `name` argument to pass a unique name.")
        if not self.layers and self._declared_shape is None:
            self._declared_shape = layer.declared_input_shape
        self._layers.append(layer)
        if self.built:  # a built model grows: the new layer reads the last one's outputs
            layer.build(self.layers[-2].output_dim, self.rng, self.dtype)
            self._weights_changed()
        elif self._declared_shape is not None:
            self._build_rows(self._declared_shape)  # Keras builds once the input is known

    def pop(self, rebuild=True) -> Layer:
        """Remove the last layer and return it (Keras's ``pop``); the weights of the
        others stay, and a compiled optimiser starts afresh on them. ``rebuild`` is
        accepted for Keras's signature: the model is always usable at once."""
        if not self.layers:
            raise IndexError("pop() on a model without layers")
        layer = self._layers.pop()
        if self.built:
            if self.layers:
                self._weights_changed()
            else:  # nothing left to build; the input shape is still known
                self.built, self.input_dim = False, None
        return layer

    def _weights_changed(self) -> None:
        self._arrange_weights()
        if self.optimizer is not None:
            self.optimizer.state = None

    def build(self, input_shape) -> None:
        """Create every layer's weights, drawing from the model's generator in order.

        ``input_shape`` is Keras's: the shape of a batch, whose first axis (``None`` or
        a number of rows) is not the input's, as in ``build((None, 4))`` or
        ``build((32, 4))``; a number (or ``(n,)``) is the number of input features.
        Rows of more than one axis need ``Flatten`` first. A model built already (from
        ``Input``, ``input_dim`` or data) stays as it is for the same input shape and
        refuses another, as Keras.
        """
        if isinstance(input_shape, (tuple, list)) and len(input_shape) > 1:
            input_shape = tuple(input_shape)[1:]  # the batch axis
        if self.built:
            wanted = (None, *input_shape_of(input_shape))
            if wanted[1:] != self.row_shape:
                raise ConfigError(f"Sequential model {self.name!r} has already been configured "
                                  f"to use input shape {(None, *self.row_shape)}; it cannot "
                                  f"be built for input shape {wanted}")
            return  # built for this shape: the weights stay
        self._build_rows(input_shape)

    def _build_rows(self, row_shape) -> None:
        """``build`` for the shape of one row (no batch axis)."""
        if not self.layers:
            raise ConfigError("the model has no layers; add at least one before building")
        shape = input_shape_of(row_shape)
        if len(shape) > 1 and not isinstance(self.layers[0], Flatten):
            raise ShapeError(f"inputs of shape {shape} per row need a Flatten() layer first; "
                             "glassnet's layers read rows of features")
        self.row_shape, self.input_dim = shape, flat_size(shape)
        dim = self.input_dim
        for layer in self.layers:
            layer.build(dim, self.rng, self.dtype)
            dim = layer.output_dim
        self._arrange_weights()
        self.built = True

    @property
    def input_shape(self):
        """Keras's (None, *row shape); an AttributeError before the input is known."""
        if self.row_shape is None:
            raise AttributeError(f"The model {self.name!r} has not been built yet, so it has "
                                 "no input shape: give Input(shape=...), input_dim= or data")
        return (None, *self.row_shape)


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
