"""A model's weights as Keras users handle them: in Keras order, per layer, trainable or
frozen, to and from ``.npz`` files.

``Weights`` is the first base class of ``Sequential`` (then ``structure.Structure``): it
owns what it works on (the ``layers``, whether they are ``built``, the declared input
shape, the ``optimizer`` slot whose state follows the weights) and asks its subclasses
for two things only, ``dtype`` and ``_build_rows(row_shape)``. Inside a built model every
trainable weight is a view into one flat array (``flat_weights``) and every gradient into
another, so an optimiser can update all of them in one pass; freezing a layer
(``layer.trainable = False``) re-arranges them.
A pickled model (``pickle``, ``joblib``) is unpickled with that arrangement rebuilt, so
it trains on exactly as the original would.
"""

from __future__ import annotations

import numpy as np

from ..base.errors import ConfigError, DataError, ShapeError, describe
from ..base.validation import as_array


class Weights:
    """The weights of a stack of layers; a subclass sets ``dtype`` and defines
    ``_build_rows``."""

    dtype: np.dtype

    def __init__(self):
        self._layers = []
        self.built = False
        self._declared_shape = None  # from Input(shape=...) or input_shape= on the first layer
        self._penalty_layers = []  # found when the weights are arranged
        self.optimizer = None  # set by compile(); its state is laid out like the weights

    @property
    def layers(self) -> list:
        """The layers, first to last (change them with ``add`` and ``pop``)."""
        return self._layers

    @layers.setter
    def layers(self, value) -> None:
        raise AttributeError("`Sequential.layers` attribute is reserved and should not be "
                             "used. Use `add()` and `pop()` to change the layers in this model.")

    def _build_rows(self, row_shape) -> None:
        """Create every layer's weights for rows of ``row_shape`` (the subclass knows how
        its layers connect)."""
        raise NotImplementedError

    def _require_built(self, what):
        if not self.built and self._declared_shape is not None and self.layers:
            self._build_rows(self._declared_shape)  # Input(shape=...) said what goes in
        if not self.built:
            raise ConfigError(f"{what} needs a built model: give Sequential(input_dim=...) or "
                              "call build(input_dim) first")

    def _arrange_weights(self) -> None:
        """Move every trainable weight into one flat array (``flat_weights``) and every
        gradient into another (``flat_gradients``), leaving views in the layers, so an
        optimiser can update all weights in one pass. Values are kept."""
        trainable = [(layer, i) for layer in self.layers
                     for i, t in enumerate(layer.trainable_flags) if t]
        size = sum(layer.weights[i].size for layer, i in trainable)
        self.flat_weights = np.empty(size, self.dtype)
        self.flat_gradients = np.zeros(size, self.dtype)
        start = 0
        for layer, i in trainable:
            w = layer.weights[i]
            view = self.flat_weights[start:start + w.size].reshape(w.shape)
            view[...] = w
            layer.weights[i] = view
            layer.grads[i] = self.flat_gradients[start:start + w.size].reshape(w.shape)
            start += w.size
        self._trainable = [layer.weights[i] for layer, i in trainable]
        self._gradients = [layer.grads[i] for layer, i in trainable]
        self._arranged_flags = self._trainable_flags()
        self._find_penalties()

    def __getstate__(self) -> dict:
        """Pickle the layers' weights, not the flat arrays they are views of: a pickler
        copies each array on its own (joblib even keeps no identities), so the views
        would come back as arrays no optimiser step reaches."""
        state = self.__dict__.copy()
        for key in ("flat_weights", "flat_gradients", "_trainable", "_gradients"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.built:
            self._arrange_weights()
            if self.optimizer is not None and self.optimizer.state is not None:
                self.optimizer.rebind(self._trainable)

    def _find_penalties(self) -> None:
        """The layers with a penalty, looked up once rather than at every step."""
        self._penalty_layers = [layer for layer in self.layers
                                if any(reg is not None for reg in layer.regularizers())]

    def _trainable_flags(self) -> list[bool]:
        return [t for layer in self.layers for t in layer.trainable_flags]

    def _sync_trainable(self) -> None:
        """After ``layer.trainable`` changed: train exactly the unfrozen weights from now
        on (the optimiser starts afresh on the new set, as after Keras's re-compile)."""
        if self.built:
            self._find_penalties()  # a regularizer may have been set since
        if self.built and self._trainable_flags() != self._arranged_flags:
            self._arrange_weights()
            if self.optimizer is not None:
                self.optimizer.state = None

    @property
    def weights(self) -> list[np.ndarray]:
        """The live weight arrays (not copies), in Keras order."""
        return [w for layer in self.layers for w in layer.weights]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights in Keras order: [kernel1, bias1, kernel2, bias2, ...]."""
        self._require_built("get_weights()")
        return [w.copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Overwrite the weights in place from a list in ``get_weights()`` order."""
        self._require_built("set_weights()")
        current = self.weights
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"set_weights expects a list of arrays, got {describe(weights)}")
        if len(weights) != len(current):
            expected = [w.shape for w in current]
            raise ShapeError(
                f"set_weights expects {len(current)} arrays with shapes {expected}, "
                f"got {len(weights)}"
            )
        arrays = []
        for i, (new, old) in enumerate(zip(weights, current)):
            new = as_array(f"weights[{i}]", new)
            if new.shape != old.shape:
                raise ShapeError(
                    f"weights[{i}] ({self.weight_names()[i]}) must have shape {old.shape}, "
                    f"got {new.shape}"
                )
            arrays.append(new)
        for new, old in zip(arrays, current):
            old[...] = new

    def weight_names(self) -> list[str]:
        """Names of the weights in ``get_weights()`` order, like ``"dense.kernel"``."""
        return [f"{layer.name}.{name}" for layer in self.layers
                for name, _ in zip(layer.weight_names, layer.weights)]

    def save_weights(self, path) -> None:
        """Only the weights, as an ``.npz`` of plain arrays (atomic)."""
        self._require_built("save_weights()")
        from ..io import saving

        saving.check_path(path, "weights")
        saving.write_weights(path, self.weights)

    def load_weights(self, path) -> None:
        """Read weights written by ``save_weights`` (plain arrays only, never pickle);
        DataError naming the file when they do not fit this architecture."""
        import os
        import zipfile

        self._require_built("load_weights()")
        path = os.fspath(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except FileNotFoundError:
            raise DataError(f"weights file {path} does not exist") from None
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
            raise DataError(f"{path} is not a weights file of plain arrays ({exc})") from None
        keys = [f"w{i}" for i in range(len(self.weights))]
        if sorted(arrays) != sorted(keys):
            raise DataError(f"{path} holds {len(arrays)} arrays; this model has "
                            f"{len(keys)} weights ({', '.join(self.weight_names())})")
        try:
            self.set_weights([arrays[k] for k in keys])
        except ValueError as exc:
            raise DataError(f"{path}: {exc}") from None

    @property
    def trainable(self) -> bool:
        """False freezes every layer (Keras's ``model.trainable = False``): fit changes
        no weight. Setting it sets each layer's ``trainable``; a layer can be unfrozen
        on its own afterwards."""
        return getattr(self, "_model_trainable", True)

    @trainable.setter
    def trainable(self, value) -> None:
        from ..base.errors import ConfigError

        if not isinstance(value, (bool, np.bool_)):
            raise ConfigError(f"model.trainable must be True or False, got {value!r}")
        self._model_trainable = bool(value)
        for layer in self.layers:
            layer.trainable = bool(value)
        self._sync_trainable()

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        """The weights fit updates (live arrays): not moving averages, not frozen layers."""
        return [w for layer in self.layers
                for w, t in zip(layer.weights, layer.trainable_flags) if t]

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers
                for w, t in zip(layer.weights, layer.trainable_flags) if not t]
