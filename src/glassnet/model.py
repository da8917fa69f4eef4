"""``Sequential``: layers stacked one after another, Keras style.

The engine part of the model lives here: building, forward and backward passes,
weights in Keras order, gradients by backprop or by numerical differentiation, and
the JSON config. Training (``compile``/``fit``) is in ``training.py``.
"""

from __future__ import annotations

import json

import numpy as np

from . import losses
from .errors import ConfigError, ShapeError, describe
from .layers import Layer, deserialize, serialize
from .validation import as_array, check_choice, check_number

DTYPES = ("float32", "float64")


class Sequential:
    """A feed-forward network: ``layers[0]`` reads the input, ``layers[-1]`` is the output.

    Parameters
    ----------
    layers : list of Layer, optional
    input_dim : int, optional
        Number of input features. Without it the model builds on its first data.
    seed : int, optional
        Seed of the ``numpy.random.Generator`` behind weight initialisation, dropout
        and shuffling. Same seed, same data, same settings: same numbers.
    dtype : {"float32", "float64"}
        Floating-point type of weights and computations. Use float64 for gradient
        checks.
    name : str, optional

    Examples
    --------
    Seed 000's network: 2 inputs, 2 sigmoid cells, 5 softmax cells.

    >>> from glassnet.layers import Dense
    >>> model = Sequential([Dense(2, "sigmoid", kernel_initializer="uniform"),
    ...                     Dense(5, "softmax", kernel_initializer="uniform")],
    ...                    input_dim=2, seed=0)
    >>> [w.shape for w in model.get_weights()]
    [(2, 2), (2,), (2, 5), (5,)]
    >>> model.predict([[0.5, 0.5]]).shape
    (1, 5)
    """

    def __init__(self, layers=None, input_dim=None, seed=None, dtype="float32", name=None):
        self.dtype = np.dtype(check_choice("dtype", str(np.dtype(dtype)) if _is_dtype(dtype)
                                           else dtype, DTYPES))
        if seed is not None:
            check_number("seed", seed, minimum=0, integer=True)
        self.seed = seed
        self.name = name or "sequential"
        self.rng = np.random.default_rng(seed)
        self.layers: list[Layer] = []
        self.input_dim = None
        self.built = False
        self.loss = None  # set by compile()
        self.optimizer = None
        self.metrics = []
        self.compiled = False
        self.history = None
        #: JSON-able facts saved with the model: feature and class names, preprocessing,
        #: training settings (filled by the data and CLI layers)
        self.info: dict = {}
        for layer in layers or []:
            self.add(layer)
        if input_dim is not None:
            self.build(check_number("input_dim", input_dim, minimum=1, integer=True))

    # Structure ------------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        """Append a layer (before the model is built)."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer, got {describe(layer)}")
        if self.built:
            raise ConfigError("cannot add a layer to a model that is already built")
        if any(existing is layer for existing in self.layers):
            raise ConfigError(f"layer {layer!r} is already in this model")
        if layer.name is None:
            base = _snake(type(layer).__name__)
            taken = {lay.name for lay in self.layers}
            layer.name = base if base not in taken else next(
                f"{base}_{i}" for i in range(1, len(taken) + 2) if f"{base}_{i}" not in taken
            )
        self.layers.append(layer)

    def build(self, input_dim: int) -> None:
        """Create every layer's weights, drawing from the model's generator in order."""
        if not self.layers:
            raise ConfigError("the model has no layers; add at least one before building")
        self.input_dim = int(input_dim)
        dim = self.input_dim
        for layer in self.layers:
            layer.build(dim, self.rng, self.dtype)
            dim = layer.output_dim
        self.built = True

    @property
    def output_dim(self) -> int:
        return self.layers[-1].output_dim

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    # Data checks ----------------------------------------------------------------------
    def _inputs(self, x, name="x") -> np.ndarray:
        """Validate features and cast them to the model's dtype (building if needed)."""
        x = as_array(name, x, ndim=2 if self.built else (1, 2))
        if x.ndim == 1:
            raise ShapeError(
                f"{name} must be 2-dimensional (n_samples, n_features), got shape {x.shape}; "
                "reshape a single feature with x.reshape(-1, 1)"
            )
        if not self.built:
            self.build(x.shape[1])
        if x.shape[1] != self.input_dim:
            raise ShapeError(
                f"{name} must have {self.input_dim} features (columns) as the model's input, "
                f"got shape {x.shape}"
            )
        if x.shape[0] == 0:
            raise ShapeError(f"{name} has no rows (shape {x.shape})")
        return x.astype(self.dtype, copy=False)

    def _targets(self, y, loss, n_rows: int, name="y") -> np.ndarray:
        y = as_array(name, y, ndim=(1, 2))
        if y.shape[0] != n_rows:
            raise ShapeError(f"{name} must have {n_rows} rows like x, got shape {y.shape}")
        if loss.sparse_targets:
            return loss.check_targets(y, self.output_dim, name).astype(np.intp)
        if y.ndim == 1 and self.output_dim == 1:
            y = y.reshape(-1, 1)
        loss.check_targets(y, self.output_dim, name)
        return y.astype(self.dtype, copy=False)

    # Forward and backward -------------------------------------------------------------
    def _forward(self, x, training=False):
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def _forward_loss(self, x, y, loss, training=True):
        """Forward pass and mean loss (plus penalties): returns (output, loss value).

        When the output activation fuses with the loss, the output layer stops at its
        logits and the loss computes probabilities, value and output delta in one go;
        the delta waits in ``self._delta`` for ``_backward``.
        """
        fused = self._fused(loss)
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer.forward(x, training=training, activate=not (fused and i == last))
        if fused:
            value, output, self._delta = loss.fused(y, x)
        else:
            output, value, self._delta = x, loss(y, x), None
        return output, float(value) + self.penalty()

    def _fused(self, loss) -> bool:
        """True when the output activation and the loss fuse (softmax + cross-entropy)."""
        return loss.fuses_with(self.layers[-1].output_activation)

    def penalty(self) -> float:
        """Sum of every layer's regularisation penalty."""
        return float(sum(layer.penalty() for layer in self.layers)) if self._penalized else 0.0

    @property
    def _penalized(self) -> bool:
        return any(reg is not None for layer in self.layers for reg in layer.regularizers())

    def _backward(self, y, output, loss) -> None:
        """Backprop after ``_forward_loss``: fill every layer's ``grads`` with ∂E/∂weight."""
        last = self.layers[-1]
        many = len(self.layers) > 1
        if self._delta is not None:
            # seed 000: δ2 = z - t at the output's pre-activation (averaged over N)
            grad = last.backward_preactivation(self._delta, need_input_grad=many)
        else:
            grad = last.backward(loss.gradient(y, output).astype(self.dtype, copy=False),
                                 need_input_grad=many)
        # seed 001: δ1 = (W2ᵀ δ2) ⊙ f1'(z1), layer by layer down to the first
        for i in range(len(self.layers) - 2, -1, -1):
            grad = self.layers[i].backward(grad, need_input_grad=i > 0)

    def compute_gradients(self, x, y, method="analytic", loss=None, epsilon=None,
                          _draw_noise=True):
        """Gradients of the mean loss (plus penalties) w.r.t. every weight.

        Parameters
        ----------
        x, y : array-like
            Features (n_samples, n_features) and targets.
        method : {"analytic", "numerical"}
            Backprop, or central differences over every parameter (seed 000).
        loss : str or Loss, optional
            Defaults to the compiled loss.
        epsilon : float, optional
            Step of the central differences (numerical method only).

        Returns
        -------
        list of ndarray aligned with ``get_weights()`` (zeros for non-trainable ones).
        """
        check_choice("method", method, ("analytic", "numerical"))
        loss = self._resolve_loss(loss)
        x = self._inputs(x)
        y = self._targets(y, loss, x.shape[0])
        if method == "numerical":
            from .gradients import numerical_gradients

            return numerical_gradients(self, x, y, loss, epsilon, draw_noise=_draw_noise)
        output, _ = self._forward_loss(x, y, loss, training=True)
        self._backward(y, output, loss)
        return [
            g.copy() if g is not None else np.zeros_like(w)
            for layer in self.layers
            for w, g in zip(layer.weights, layer.grads)
        ]

    def _resolve_loss(self, loss):
        if loss is None:
            if self.loss is None:
                raise ConfigError("no loss given and the model is not compiled; pass loss=...")
            return self.loss
        return losses.get(loss)

    # Training (training.py) -----------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None) -> None:
        """Choose the optimiser (name or object), the loss and the metrics to report."""
        from . import training

        training.compile(self, optimizer, loss, metrics)

    def fit(self, x, y=None, epochs=1, batch_size=32, validation_data=None, validation_split=0.0,
            shuffle=True, verbose=1, callbacks=None, gradient="analytic", initial_epoch=0,
            validation_method="last"):
        """Train for ``epochs`` passes over ``(x, y)``; returns a ``History``.

        Parameters
        ----------
        x, y : array-like, or a Dataset as x (then y stays unset; its feature and class
            names are kept in ``model.info`` and saved with the model)
        batch_size : int or None
            Rows per step; ``None`` is the full batch (seed 000's gradient descent).
        validation_data : tuple (x_val, y_val), optional
        validation_split : float
            Fraction of rows held out for validation, chosen by ``validation_method``:
            ``"last"`` (Keras: the last rows, before shuffling), ``"random"`` or
            ``"stratified"`` (the same fraction of every class, seeded).
        shuffle : bool
            Reshuffle the rows before every epoch (seeded by the model's seed).
        verbose : {0, 1, 2}
            Silent, a live progress bar, or one line per epoch.
        callbacks : list of Callback
        gradient : {"analytic", "numerical"}
            Backprop, or seed 000's numerical differentiation.
        initial_epoch : int
            Epoch to start counting from (to resume training).

        Training stops early, keeping the last finite weights, if the loss becomes NaN
        or infinite (models above 2**24 parameters keep no fallback copy); Ctrl-C stops
        after the current step. ``History.stop_reason`` says
        why training ended early.
        """
        from . import training

        return training.fit(self, x, y, epochs, batch_size, validation_data, validation_split,
                            shuffle, verbose, callbacks, gradient, initial_epoch,
                            validation_method)

    def evaluate(self, x, y=None, batch_size=None, verbose=0, return_dict=False):
        """Loss and metrics on ``(x, y)``: a float, a list [loss, *metrics] or a dict."""
        from . import training

        return training.evaluate(self, x, y, batch_size, verbose, return_dict)

    def predict(self, x, batch_size=None, verbose=0) -> np.ndarray:
        """Outputs of the network for the rows of ``x`` (inference mode).

        ``batch_size`` bounds memory on large inputs; by default everything goes in
        one pass.
        """
        x = self._inputs(x)
        if batch_size is None or batch_size >= x.shape[0]:
            return self._forward(x, training=False)
        batch_size = check_number("batch_size", batch_size, minimum=1, integer=True)
        out = np.empty((x.shape[0], self.output_dim), dtype=self.dtype)
        for start in range(0, x.shape[0], batch_size):
            out[start:start + batch_size] = self._forward(x[start:start + batch_size])
        return out

    # Weights --------------------------------------------------------------------------
    def _require_built(self, what):
        if not self.built:
            raise ConfigError(
                f"{what} needs a built model: give Sequential(input_dim=...) or call "
                "build(input_dim) first"
            )

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

    def _trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w, t in zip(layer.weights, layer.trainable) if t]

    def get_random_state(self) -> dict:
        """JSON-able states of the model's generator and of each layer's own."""
        layers = {layer.name: layer._rng.bit_generator.state for layer in self.layers
                  if getattr(layer, "_rng", None) is not None}
        return {"model": self.rng.bit_generator.state, "layers": layers}

    def set_random_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state["model"]
        for layer in self.layers:
            if layer.name in state.get("layers", {}):
                layer._rng.bit_generator.state = state["layers"][layer.name]

    def save(self, path, include_optimizer=True) -> None:
        """Save structure, weights, compile settings and ``info`` to one file (atomic)."""
        from .io import save_model

        save_model(self, path, include_optimizer)

    def weight_names(self) -> list[str]:
        """Names of the weights in ``get_weights()`` order, like ``"dense.kernel"``."""
        return [f"{layer.name}.{name}" for layer in self.layers
                for name, _ in zip(layer.weight_names, layer.weights)]

    # Description ----------------------------------------------------------------------
    def summary(self, print_fn=print) -> str:
        """Print (and return) a table of layers, output shapes and parameter counts."""
        self._require_built("summary()")
        rows = [("Layer (type)", "Output shape", "Param #", "Activation")]
        for layer in self.layers:
            rows.append((
                f"{layer.name} ({type(layer).__name__})",
                f"(None, {layer.output_dim})",
                str(layer.count_params()),
                layer.output_activation or "",
            ))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        line = "  ".join("-" * w for w in widths)
        body = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows
        ]
        total = self.count_params()
        trainable = sum(w.size for layer in self.layers
                        for w, t in zip(layer.weights, layer.trainable) if t)
        text = "\n".join([
            f'Model: "{self.name}"  (input: {self.input_dim} features, dtype {self.dtype})',
            line, body[0], line, *body[1:], line,
            f"Total params: {total}",
            f"Trainable params: {trainable}",
            f"Non-trainable params: {total - trainable}",
        ])
        if print_fn is not None:
            print_fn(text)
        return text

    def get_config(self) -> dict:
        """The model's structure as a JSON-serialisable dict (no weights)."""
        return {
            "name": self.name,
            "input_dim": self.input_dim,
            "seed": self.seed,
            "dtype": str(self.dtype),
            "layers": [serialize(layer) for layer in self.layers],
        }

    @classmethod
    def from_config(cls, config: dict) -> Sequential:
        if not isinstance(config, dict) or "layers" not in config:
            raise ConfigError(f"a Sequential config needs a 'layers' list, got {config!r}")
        return cls(
            [deserialize(layer) for layer in config["layers"]],
            input_dim=config.get("input_dim"),
            seed=config.get("seed"),
            dtype=config.get("dtype", "float32"),
            name=config.get("name"),
        )

    def to_json(self) -> str:
        return json.dumps(self.get_config(), ensure_ascii=False)

    def __repr__(self) -> str:
        return f"Sequential({self.layers!r}, input_dim={self.input_dim}, dtype='{self.dtype}')"


def _is_dtype(value) -> bool:
    try:
        np.dtype(value)
    except TypeError:
        return False
    return True


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
