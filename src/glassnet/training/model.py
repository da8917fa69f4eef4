"""``Sequential``: layers stacked one after another, Keras style.

The model's own computation lives here: building (every weight a view into one flat
array, every gradient into another), the forward pass with the loss, backprop down
the layers, gradients by backprop or by numerical differentiation, weights in Keras
order, the JSON config, and files (``save`` / ``load_model``). ``compile`` stores the
loss, optimiser and metrics on the model; ``fit`` / ``evaluate`` / ``train_on_batch``
hand the model to a ``training.Trainer``, which runs the loop (Keras's ``Model``
inherits its trainer; here the trainer is given the model). The layers' structure
(``add``, ``pop``, ``build``) and weights come from the base classes ``Structure`` and
``Weights``.
"""

from __future__ import annotations

import json

import numpy as np

from ..base.errors import ConfigError
from ..base.validation import check_choice, check_number
from ..engine import losses
from ..engine.layers import Input, deserialize, serialize
from . import fitdata
from .record import ModelRecord
from .structure import Structure
from .trainer import Trainer, compile_settings

DTYPES = ("float32", "float64")


class Sequential(Structure):
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
    The two-layer network of the discriminant analysis (docs/seeds.md): 2 inputs,
    2 sigmoid cells, 5 softmax cells.

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
        Structure.__init__(self)  # layers, built, the declared input shape, the optimiser slot
        #: JSON-able facts saved with the model: feature and class names, preprocessing,
        #: the model spec, training settings (filled by the data and front-end layers)
        self.info = ModelRecord()
        self.loss, self.metrics, self.compiled = None, [], False  # set by compile()
        self._metric_weighted: list[bool] = []  # per metric: weighed by sample weights
        self.history, self.stop_training, self._stop_reason = None, False, None  # by fit()
        for layer in layers or []:
            self.add(layer)
        if input_dim is not None:
            input_dim = check_number("input_dim", input_dim, minimum=1, integer=True)
            if not self.built:
                self.build(input_dim)
            elif self.input_dim != input_dim:
                raise ConfigError(f"input_dim={input_dim} contradicts the input shape "
                                  f"{self.row_shape} given to the first layer")

    @property
    def info(self) -> ModelRecord:
        """What the model knows about its data and training, saved with it: a typed
        record (``training.record``) that reads like the dict it replaces."""
        return self._info

    @info.setter
    def info(self, value):
        self._info = value if isinstance(value, ModelRecord) else ModelRecord(value or {})

    @property
    def output_dim(self) -> int:
        return self.layers[-1].output_dim

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    @property
    def output_shape(self):
        return None if not self.built else (None, self.output_dim)

    def __call__(self, x, training=False) -> np.ndarray:
        """``model(x)`` as in Keras: the outputs for the rows of ``x``."""
        return self.forward(self._inputs(x), training)

    # Data checks (fitdata.py) ---------------------------------------------------------
    def _inputs(self, x, name="x") -> np.ndarray:
        return fitdata.inputs(self, x, name)

    def _targets(self, y, loss, n_rows: int, name="y") -> np.ndarray:
        return fitdata.targets(self, y, loss, n_rows, name)

    # Forward and backward -------------------------------------------------------------
    def forward(self, x, training=False) -> np.ndarray:
        """The network's output for the rows of ``x`` (no checks; see ``predict``)."""
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def forward_loss(self, x, t, loss, training=True, sample_weight=None):
        """Forward pass and loss: returns ``(output, E, δ)``.

        E is the mean loss plus the penalties; δ = ∂E/∂α, the gradient at the output
        layer's weighted sum (its output, for a layer without activation). When the
        output activation fuses with the loss (softmax + cross-entropy), the output
        layer stops at its weighted sum and the loss computes the probabilities, E and
        seed 000's δ2 = z - t in one pass.
        """
        for layer in self.layers[:-1]:
            x = layer.forward(x, training)
        out = self.layers[-1]
        if self.fuses(loss):
            value, y, delta = loss.fused(t, out.weighted_sum(x), sample_weight)
        else:
            y = out.forward(x, training)
            value = loss(t, y, sample_weight)
            delta = loss.gradient(t, y, sample_weight).astype(self.dtype, copy=False)  # ∂E/∂y
            if out.activation is not None:
                delta = out.activation.backward(delta, out.alpha, y)  # δ = ∂E/∂y ⊙ f'(α)
        return y, float(value) + self.penalty(), delta

    def backward(self, delta) -> list:
        """Backprop from δ at the output layer down to the first; every layer's ``grads``
        receive ∂E/∂weight. Returns the gradients sent down, one per layer: the δ that
        entered each layer from above (``[..., ∂E/∂y of the second last layer, δ]``)."""
        sent = [delta]
        last = len(self.layers) - 1
        # seed 000: ∂E/∂b_kj = δ2_k y_j at the output, then δ1_j = σ'(α_j) Σk δ2_k b_kj
        grad = self.layers[-1].backward_delta(delta, input_grad=last > 0)
        for i in range(last - 1, -1, -1):
            sent.append(grad)
            grad = self.layers[i].backward(grad, input_grad=i > 0)
        return sent[::-1]

    def fuses(self, loss) -> bool:
        """True when the output activation and the loss fuse (softmax + cross-entropy)."""
        activation = self.layers[-1].activation
        return activation is not None and loss.fuses_with(activation.name)

    def penalty(self) -> float:
        """Sum of every layer's regularisation penalty."""
        layers = self._penalty_layers
        return float(sum(layer.penalty() for layer in layers)) if layers else 0.0

    @property
    def _penalized(self) -> bool:
        return bool(self._penalty_layers)

    def compute_gradients(self, x, y, method="analytic", loss=None, epsilon=None,
                          _draw_noise=True):
        """Gradients of the mean loss (plus penalties) w.r.t. every weight, by backprop
        (``method="analytic"``) or central differences with step ``epsilon``
        (``"numerical"``), for features ``x`` and targets ``y``; ``loss`` defaults to the
        compiled one. A list aligned with ``get_weights()`` (zeros for non-trainable
        weights)."""
        from ..engine.gradients import numerical_gradients

        check_choice("method", method, ("analytic", "numerical"))
        loss = self._resolve_loss(loss)
        x = self._inputs(x)
        y = self._targets(y, loss, x.shape[0])
        if method == "numerical":
            return numerical_gradients(self, x, y, loss, epsilon, draw_noise=_draw_noise)
        # A training pass moves batch normalisation's moving averages; a gradient
        # computation must not, so they are put back afterwards.
        frozen = [(w, w.copy()) for layer in self.layers
                  for w, t in zip(layer.weights, layer.weight_trainable) if not t]
        self.backward(self.forward_loss(x, y, loss, training=True)[2])
        for w, saved in frozen:
            w[...] = saved
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

    def predict(self, x, batch_size=None, verbose=0) -> np.ndarray:
        """Outputs for the rows of ``x`` (inference); ``batch_size`` bounds memory."""
        if batch_size is not None:
            batch_size = check_number("batch_size", batch_size, minimum=1, integer=True)
        x = self._inputs(x)
        if batch_size is None or batch_size >= x.shape[0]:
            return self.forward(x, training=False)
        out = np.empty((x.shape[0], self.output_dim), dtype=self.dtype)
        for start in range(0, x.shape[0], batch_size):
            out[start:start + batch_size] = self.forward(x[start:start + batch_size])
        return out

    # Training: compile's settings live here, a Trainer runs the loop ---------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None,
                weighted_metrics=None) -> None:
        """Choose the optimiser (name or object), the loss and the metrics to report.

        As in Keras, ``metrics`` are computed without sample or class weights and
        ``weighted_metrics`` with them (a name in both lists is logged a second time
        as ``weighted_<name>``).
        """
        (self.optimizer, self.loss, self.metrics,
         self._metric_weighted) = compile_settings(optimizer, loss, metrics, weighted_metrics)
        self.compiled = True
        self._sync_trainable()

    def fit(self, x, y=None, epochs=1, batch_size=None, validation_data=None,
            validation_split=0.0, shuffle=True, verbose=1, callbacks=None, gradient="analytic",
            initial_epoch=0, validation_method="last", sample_weight=None, class_weight=None,
            validation_freq=1):
        # (its docstring is Trainer.fit's, set below the class)
        return Trainer(self).fit(x, y, epochs, batch_size, validation_data, validation_split,
                                 shuffle, verbose, callbacks, gradient, initial_epoch,
                                 validation_method, sample_weight, class_weight,
                                 validation_freq)

    def evaluate(self, x, y=None, batch_size=None, verbose=0, return_dict=False,
                 sample_weight=None):
        """Loss (with penalties) and metrics on ``(x, y)`` in inference mode, rows
        weighted by ``sample_weight`` if given: a float, a list [loss, *metrics] or a dict."""
        return Trainer(self).evaluate(x, y, batch_size, return_dict, sample_weight)

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on ``(x, y)``; the loss (and metrics) of that batch."""
        return Trainer(self).train_on_batch(x, y, sample_weight, class_weight, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) on one batch in inference mode; nothing changes."""
        return self.evaluate(x, y, return_dict=return_dict, sample_weight=sample_weight)

    def predict_on_batch(self, x):
        return self.predict(x)

    # Random state ---------------------------------------------------------------------
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

    # Files ----------------------------------------------------------------------------
    def save(self, path, include_optimizer=True) -> None:
        """Save structure, weights, compile settings and ``info`` to one file (atomic):
        a zip of ``config.json`` and ``weights.npz`` that never holds code."""
        from ..io import modelfile, saving

        self._require_built("save()")
        saving.check_path(path, "model")
        modelfile.write(path, saving.file_config(self), self.weights,
                        saving.optimizer_state(self) if include_optimizer else None)

    # Description ----------------------------------------------------------------------
    def export(self, path, format=None) -> list[str]:
        """Write the model as ONNX (the table's preprocessing inside) or Keras
        (``format="onnx"|"keras"``, else by extension); notes on what changed."""
        return EXPORTERS[0](self, path, format)

    def summary(self, print_fn=print) -> str:
        """Print (and return) a table of layers, output shapes and parameter counts."""
        from .summary import summary_text

        text = summary_text(self)
        if print_fn is not None:
            print_fn(text)
        return text

    def get_config(self) -> dict:
        """The model's structure as a JSON-serialisable dict (no weights)."""
        config = {"name": self.name, "input_dim": self.input_dim, "seed": self.seed,
                  "dtype": str(self.dtype), "layers": [serialize(lay) for lay in self.layers]}
        if self.row_shape is not None and len(self.row_shape) > 1:
            config["input_shape"] = list(self.row_shape)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Sequential:
        if not isinstance(config, dict) or "layers" not in config:
            raise ConfigError(f"a Sequential config needs a 'layers' list, got {config!r}")
        shape = config.get("input_shape") or config.get("input_dim")
        layers = [Input(shape=shape)] if shape else []
        model = cls(layers + [deserialize(layer) for layer in config["layers"]],
                    seed=config.get("seed"), dtype=config.get("dtype", "float32"),
                    name=config.get("name"))
        return model

    def to_json(self) -> str:
        return json.dumps(self.get_config(), ensure_ascii=False)

    def __repr__(self) -> str:
        return f"Sequential({self.layers!r}, input_dim={self.input_dim}, dtype='{self.dtype}')"


#: ``Sequential.export``'s writer, installed by the front door (interop is a floor above)
EXPORTERS: list = []


Sequential.fit.__doc__ = Trainer.fit.__doc__  # one text: help(model.fit) shows it all


def load_model(path, compile=True) -> Sequential:
    """Read a model written by ``Sequential.save``; every fault is a ModelFileError."""
    from ..io import modelfile, saving

    config, weights, state = modelfile.read(path)
    try:
        model = Sequential.from_config(config["model"])
    except saving.FAULTS as exc:
        raise saving.invalid(path, f"the model config is not valid: {exc}") from None
    if not model.built:
        raise saving.invalid(path, "the model config has no input_dim")
    saving.restore(model, path, config, weights, state if compile else None, compile)
    return model


def _is_dtype(value) -> bool:
    try:
        np.dtype(value)
    except TypeError:
        return False
    return True
