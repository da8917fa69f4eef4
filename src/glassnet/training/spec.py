"""One description of a network and its training, and the one builder every front end uses.

A ``ModelSpec`` is plain data: the hidden layers (cells, activation, dropout, batch
normalisation, penalties), the output and loss ("auto": softmax + cross-entropy for
classes, linear + mean squared error for numbers), the initial weights, feature scaling,
the optimiser, epochs, batch size and seed. It round-trips through JSON
(``to_dict`` / ``from_dict``), travels inside every saved model (``model.info["spec"]``)
and is what the command line, the experiments, the scikit-learn estimators and the
playground build their networks from. Its defaults are in this file only; they reproduce
the Keras program of the two-layer discriminant analysis this project starts from
(docs/seeds.md): 2 sigmoid cells, Keras's ``uniform`` initial weights, SGD with learning
rate 0.5, 1000 epochs, batches of 100 — with standardised features, because real
spreadsheets have columns in centimetres and kilograms.

``build_model(spec, data)`` returns the compiled, built ``Sequential``;
``fit_model(model, spec, data, validation)`` trains it, standardising a numeric target
for training and folding the scaling back into the output layer (so predictions come
in the data's own units) and aligning a validation set's classes with the training
classes; ``train(spec, data)`` does both.

>>> from glassnet import datasets
>>> spec = ModelSpec(hidden=[4], epochs=5)
>>> model, history = train(spec, datasets.load("sample2"))
>>> [w.shape for w in model.get_weights()][-2:]
[(4, 5), (5,)]
>>> ModelSpec.from_dict(spec.to_dict()) == spec
True
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from ..base.errors import ConfigError, describe
from ..base.validation import check_choice, check_number
from .balance import check_class_weight, row_weights
from .units import fold_target_scaling, target_scaling, unfold_target_scaling  # noqa: F401

#: activations for which "auto" initial weights are He's (else Glorot's)
RELU_FAMILY = ("relu", "leaky_relu", "elu", "relu6", "selu", "gelu", "swish", "silu")
#: The starting point of experiments (generalisation studies on MNIST and the like):
#: what a trial spec leaves out is taken from here, then from ``ModelSpec``'s defaults.
EXPERIMENT_DEFAULTS = {"hidden": [16], "activation": "relu", "kernel_initializer": "auto",
                       "optimizer": {"name": "adam", "learning_rate": 1e-3}, "epochs": 20,
                       "batch_size": 32}
#: keys a per-layer dict in ``hidden`` may hold
LAYER_KEYS = ("units", "activation", "dropout", "batch_norm", "l1", "l2", "kernel_initializer")


@dataclass
class ModelSpec:
    """A network and how to train it, as plain JSON-able values.

    Parameters
    ----------
    hidden : list of int or dict
        Hidden layers, first to last: a cell count, or a dict with ``units`` and any of
        ``activation``, ``dropout``, ``batch_norm``, ``l1``, ``l2``,
        ``kernel_initializer`` overriding the shared settings for that layer.
    activation : str
        Activation of the hidden cells.
    output_activation, loss : str
        "auto": softmax and categorical cross-entropy for classes, linear and mean
        squared error for numeric targets.
    kernel_initializer : str
        Initial weights of every Dense layer; "auto" is He uniform for the ReLU
        family and Glorot uniform otherwise.
    l1, l2 : float
        Penalties on every kernel.
    dropout : float
        Dropout rate after each hidden layer (0: none).
    batch_norm : bool
        Batch normalisation after each hidden layer.
    scale : {"standard", "minmax", "none"}
        Feature scaling, fitted on the training rows and saved inside the model.
    scale_target : {"auto", True, False}
        Standardise a numeric target while training (folded back afterwards); "auto"
        does it when the output is linear and features are scaled.
    optimizer : str or dict
        A name, or a config such as ``{"name": "sgd", "learning_rate": 0.5}``.
    epochs, batch_size : int
        ``batch_size=None`` is full-batch gradient descent.
    shuffle : bool
        Reshuffle the rows before every epoch (seeded).
    gradient : {"analytic", "numerical"}
        Backprop, or central differences over every weight.
    early_stopping : int, optional
        Patience in epochs; monitors the validation loss (or the training loss without
        validation data) and keeps the best weights.
    metrics : "auto" or list of str
        "auto": accuracy for classes, mean absolute error for numbers.
    class_weight : None, "balanced" or dict
        How much each class's rows count in the loss: "balanced" weighs class c by
        n / (k · n_c); a dict names classes (``{"陽性": 10}``; others weigh 1).
    seed : int, optional
    dtype : {"float32", "float64"}
    """

    hidden: list = field(default_factory=lambda: [2])
    activation: str = "sigmoid"
    output_activation: str = "auto"
    loss: str = "auto"
    kernel_initializer: str = "uniform"
    bias_initializer: str = "zeros"
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    batch_norm: bool = False
    scale: str = "standard"
    scale_target: object = "auto"
    optimizer: object = field(default_factory=lambda: {"name": "sgd", "learning_rate": 0.5})
    epochs: int = 1000
    batch_size: int | None = 100
    shuffle: bool = True
    gradient: str = "analytic"
    early_stopping: int | None = None
    metrics: object = "auto"
    class_weight: object = None
    seed: int | None = 0
    dtype: str = "float32"

    # JSON round trip -----------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain JSON-able values (lists and dicts are copies)."""
        return _plain(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, values: dict) -> ModelSpec:
        """A spec from a dict; unknown keys are an error that lists the known ones."""
        if isinstance(values, ModelSpec):
            return values
        if not isinstance(values, dict):
            raise ConfigError(f"a model spec must be a dict, got {describe(values)}")
        known = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in values if k not in known]
        if unknown:
            raise ConfigError(f"unknown model spec key(s) {', '.join(map(repr, unknown))}; "
                              f"known keys: {', '.join(known)}")
        spec = cls(**_plain(values))
        spec.validate()
        return spec

    def replace(self, **changes) -> ModelSpec:
        """A copy with some values changed (checked)."""
        return ModelSpec.from_dict({**self.to_dict(), **changes})

    # Checks and derived values ---------------------------------------------------------
    def validate(self) -> ModelSpec:
        """Raise ConfigError naming the first value that is not usable."""
        self.layers()
        check_choice("scale", self.scale, ("standard", "minmax", "none"))
        check_choice("scale_target", self.scale_target, ("auto", True, False))
        check_number("epochs", self.epochs, minimum=0, integer=True)
        if self.batch_size is not None:
            check_number("batch_size", self.batch_size, minimum=1, integer=True)
        check_choice("gradient", self.gradient, ("analytic", "numerical"))
        check_choice("shuffle", self.shuffle, (True, False))
        if self.early_stopping is not None:
            check_number("early_stopping", self.early_stopping, minimum=0, integer=True)
        if self.seed is not None:
            check_number("seed", self.seed, minimum=0, integer=True)
        check_choice("dtype", self.dtype, ("float32", "float64"))
        check_class_weight(self.class_weight)
        if not isinstance(self.optimizer, (str, dict)):
            raise ConfigError(f"optimizer must be a name or a config dict, got "
                              f"{describe(self.optimizer)}")
        return self

    def layers(self) -> list[dict]:
        """Every hidden layer as a full dict (shared settings filled in)."""
        if not isinstance(self.hidden, (list, tuple)):
            raise ConfigError(f"hidden must be a list of cell counts or layer dicts, got "
                              f"{describe(self.hidden)}")
        shared = {"activation": self.activation, "dropout": self.dropout,
                  "batch_norm": self.batch_norm, "l1": self.l1, "l2": self.l2,
                  "kernel_initializer": self.kernel_initializer}
        out = []
        for i, item in enumerate(self.hidden):
            layer = dict(shared)
            if isinstance(item, dict):
                unknown = [k for k in item if k not in LAYER_KEYS]
                if unknown:
                    raise ConfigError(f"hidden[{i}] has unknown key(s) "
                                      f"{', '.join(map(repr, unknown))}; known: "
                                      f"{', '.join(LAYER_KEYS)}")
                if "units" not in item:
                    raise ConfigError(f"hidden[{i}] needs 'units' (the number of cells)")
                layer.update(item)
            else:
                layer["units"] = item
            check_number(f"hidden[{i}] units", layer["units"], minimum=1, integer=True)
            check_number(f"hidden[{i}] dropout", layer["dropout"], minimum=0.0, maximum=1.0,
                         exclusive_maximum=True)
            for key in ("l1", "l2"):
                check_number(f"hidden[{i}] {key}", layer[key], minimum=0.0)
            out.append(layer)
        return out

    def kernel_initializer_for(self, activation: str, name=None) -> str:
        name = name or self.kernel_initializer
        if name != "auto":
            return name
        return "he_uniform" if activation in RELU_FAMILY else "glorot_uniform"


# Building ------------------------------------------------------------------------------
def output_of(spec: ModelSpec, data) -> tuple[int, str, str]:
    """(cells, activation, loss) of the output layer for ``data``'s target; two classes
    with binary cross-entropy or a sigmoid output get Keras's tutorial output: one
    sigmoid cell (the second class's probability) and binary cross-entropy."""
    if data.is_classification and data.n_classes == 2 and _binary(spec):
        return 1, "sigmoid", "binary_crossentropy"
    if data.is_classification:
        units, activation, loss = data.n_classes, "softmax", "categorical_crossentropy"
    else:
        units, activation, loss = data.labels.shape[1], "linear", "mean_squared_error"
    activation = activation if spec.output_activation == "auto" else spec.output_activation
    loss = loss if spec.loss == "auto" else spec.loss
    return units, activation, loss


def _binary(spec: ModelSpec) -> bool:
    from ..engine.losses import get
    return spec.output_activation in ("auto", "sigmoid") and (
        spec.output_activation == "sigmoid" if spec.loss == "auto"
        else get(spec.loss).name == "binary_crossentropy")


def build_model(spec, data):
    """The compiled, built ``Sequential`` a spec describes, for ``data``'s shape.

    ``data`` is a ``Dataset`` (features and targets with their names); feature scaling
    is fitted on its rows, so pass the training part only.
    """
    from ..engine.layers import BatchNormalization, Dense, Dropout, Normalization
    from .cost import check_cost
    from .model import Sequential

    spec = ModelSpec.from_dict(spec) if isinstance(spec, dict) else spec.validate()
    check_cost(spec, data.features.shape[1], output_of(spec, data)[0])  # before any array
    layers = []
    if spec.scale != "none":
        norm = Normalization(spec.scale)
        norm.adapt(data.features)  # fitted on the training rows only
        layers.append(norm)
    for layer in spec.layers():
        layers.append(Dense(layer["units"], layer["activation"],
                            kernel_initializer=spec.kernel_initializer_for(
                                layer["activation"], layer["kernel_initializer"]),
                            bias_initializer=spec.bias_initializer,
                            kernel_regularizer=_penalty(layer["l1"], layer["l2"])))
        if layer["batch_norm"]:
            layers.append(BatchNormalization())
        if layer["dropout"]:
            layers.append(Dropout(layer["dropout"]))
    units, activation, loss = output_of(spec, data)
    layers.append(Dense(units, activation,
                        kernel_initializer=spec.kernel_initializer_for(activation),
                        bias_initializer=spec.bias_initializer,
                        kernel_regularizer=_penalty(spec.l1, spec.l2)))
    model = Sequential(layers, input_dim=data.features.shape[1], seed=spec.seed,
                       dtype=spec.dtype)
    metrics = spec.metrics
    if metrics == "auto":
        metrics = ["accuracy"] if data.is_classification else ["mae"]
    optimizer = spec.optimizer
    model.compile(dict(optimizer) if isinstance(optimizer, dict) else optimizer, loss,
                  list(metrics))
    model.info["spec"] = spec.to_dict()
    return model


def _penalty(l1, l2):
    return {"name": "l1_l2", "l1": l1, "l2": l2} if l1 or l2 else None


# Training ------------------------------------------------------------------------------
def fit_model(model, spec, data, validation=None, *, epochs=None, callbacks=(), verbose=0,
              initial_epoch=0, sample_weight=None):
    """Train ``model`` (from ``build_model``) on ``data`` as the spec says.

    A validation ``Dataset`` has its classes re-indexed into the training classes' order;
    a numeric target is learnt standardised and the output layer rescaled afterwards.
    ``sample_weight`` (one weight per row of ``data``) goes to ``model.fit``, times the
    spec's ``class_weight``.
    Returns the ``History``.
    """
    from .callbacks import EarlyStopping

    spec = ModelSpec.from_dict(spec) if isinstance(spec, dict) else spec
    if validation is not None and len(validation) == 0:
        validation = None
    if validation is not None:
        validation = validation.aligned_to(data)
    sample_weight = row_weights(spec.class_weight, data, sample_weight)
    callbacks = list(callbacks)
    if spec.early_stopping is not None:
        callbacks.append(EarlyStopping(monitor="loss" if validation is None else "val_loss",
                                       patience=spec.early_stopping,
                                       restore_best_weights=True))
    from ..base.validation import cast_in_range

    for part in (data, validation):  # 1e300 in a float32 model: name the cell, not inf
        if part is not None:
            lines, where = getattr(part, "lines", None), part.source or "the data"
            cast_in_range(part.features, model.dtype, where, lines, part.feature_names)
            if not part.is_classification:
                names = [part.target_name] * part.labels.shape[-1]
                cast_in_range(part.labels, model.dtype, where, lines, names)
    target = target_scaling(spec, model, data)
    factors = {}
    if target is not None:
        from .units import InUnits, unit_factors

        unfold_target_scaling(model, *target)  # continue in standardised units
        data, validation = (None if part is None else dataclasses.replace(
            part, labels=(part.labels - target[0]) / target[1]) for part in (data, validation))
        factors = unit_factors(model, target[1])
        if factors and verbose:  # fit's own display, shown in the target's units too
            from .progress import ProgressCallback

            steps = math.ceil(len(data) / (spec.batch_size or len(data) or 1))
            callbacks.append(ProgressCallback(spec.epochs if epochs is None else epochs,
                                              steps, verbose))
            verbose = 0
        callbacks = [InUnits(c, factors) for c in callbacks] if factors else callbacks
    try:
        history = model.fit(data, epochs=spec.epochs if epochs is None else epochs,
                            batch_size=spec.batch_size or len(data), shuffle=spec.shuffle,
                            validation_data=validation,
                            verbose=verbose, gradient=spec.gradient, callbacks=callbacks,
                            initial_epoch=initial_epoch, sample_weight=sample_weight)
    finally:
        if target is not None:
            fold_target_scaling(model, *target)
    if target is not None:
        from .units import history_in_units

        history_in_units(model, history, factors)
    model.info["spec"] = spec.to_dict()
    return history


def train(spec, data, validation=None, *, callbacks=(), verbose=0):
    """Build and train the network a spec describes; returns ``(model, history)``."""
    model = build_model(spec, data)
    return model, fit_model(model, spec, data, validation, callbacks=callbacks, verbose=verbose)


def _plain(value):
    """Deep copy into JSON types (tuples become lists, NumPy scalars Python numbers)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"model spec values must be finite, got {value}")
    return value


__all__ = ["EXPERIMENT_DEFAULTS", "ModelSpec", "build_model", "fit_model", "fold_target_scaling",
           "output_of", "target_scaling", "train", "unfold_target_scaling"]
