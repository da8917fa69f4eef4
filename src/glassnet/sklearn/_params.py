"""The estimators' parameters: their constraints, and their translation into a ModelSpec.

Parameters that MLPClassifier also has keep its names, defaults and meaning; the
others (dropout, batch norm, L1, scaling, every glassnet optimiser and loss) take
glassnet's names. ``model_spec`` is the one place where they become a ``ModelSpec``,
the description every glassnet front end builds its networks from.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ..base.errors import ConfigError
from ..engine import activations, initializers, losses, optimizers
from ..training.spec import ModelSpec

#: solvers beyond glassnet's optimisers: L-BFGS (full batch, via SciPy) as MLPClassifier
FULL_BATCH_SOLVERS = ("lbfgs",)

CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions(set(activations.ACTIVATIONS.names()) - {"softmax"}),
                   "array-like"],
    "solver": [StrOptions(set(optimizers.names()) | set(FULL_BATCH_SOLVERS)), dict],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "l1": [Interval(Real, 0, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "batch_norm": ["boolean"],
    "kernel_initializer": [StrOptions(set(initializers.INITIALIZERS.names()) | {"auto"})],
    "bias_initializer": [StrOptions(set(initializers.INITIALIZERS.names()))],
    "scale": [StrOptions({"standard", "minmax", "none"})],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "dtype": [StrOptions({"float32", "float64"}), None],
}

#: losses a classifier can train with: log_loss (MLPClassifier's) or any glassnet loss
CLASSIFIER_LOSSES = {"log_loss"} | set(losses.LOSSES.names())
#: losses a regressor can train with: squared_error (MLPRegressor's) or any glassnet loss
REGRESSOR_LOSSES = {"squared_error"} | set(losses.LOSSES.names())


def hidden_layers(estimator) -> list:
    """``hidden_layer_sizes`` as a list of cell counts / layer dicts, with per-layer
    activations from a list-valued ``activation`` merged in."""
    sizes = estimator.hidden_layer_sizes
    sizes = [sizes] if isinstance(sizes, (Integral, dict)) else list(sizes)
    layers = []
    for i, item in enumerate(sizes):
        if isinstance(item, dict):
            layers.append(dict(item))
        elif isinstance(item, Integral) and not isinstance(item, bool) and item >= 1:
            layers.append(int(item))
        else:
            raise ConfigError(f"hidden_layer_sizes[{i}] must be a cell count >= 1 or a layer "
                              f"dict such as {{'units': 64, 'dropout': 0.2}}, got {item!r}")
    activation = estimator.activation
    if not isinstance(activation, str):
        activation = list(activation)
        if len(activation) != len(layers):
            raise ConfigError(f"activation has {len(activation)} names for "
                              f"{len(layers)} hidden layers; give one per layer or a "
                              "single name")
        layers = [{**(item if isinstance(item, dict) else {"units": item}), "activation": a}
                  if not (isinstance(item, dict) and "activation" in item) else item
                  for item, a in zip(layers, activation)]
    return layers


def batch_size_for(estimator, n_rows: int) -> int:
    """MLPClassifier's rule: "auto" is min(200, n); larger than n is clipped with a warning."""
    if estimator.batch_size == "auto":
        return min(200, n_rows)
    if estimator.batch_size > n_rows:
        warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is going "
                      "to be clipped", UserWarning, stacklevel=4)
    return int(np.clip(estimator.batch_size, 1, n_rows))


def optimizer_config(estimator) -> dict:
    """The glassnet optimiser a solver name (with MLPClassifier's settings) stands for."""
    solver, rate = estimator.solver, float(estimator.learning_rate_init)
    if isinstance(solver, dict):
        return {"learning_rate": rate, **solver}
    if solver == "sgd":
        return {"name": "sgd", "learning_rate": rate, "momentum": float(estimator.momentum),
                "nesterov": bool(estimator.nesterovs_momentum) and estimator.momentum > 0}
    if solver == "adam":
        return {"name": "adam", "learning_rate": rate, "beta_1": float(estimator.beta_1),
                "beta_2": float(estimator.beta_2), "epsilon": float(estimator.epsilon)}
    if solver in FULL_BATCH_SOLVERS:
        return {"name": "sgd", "learning_rate": rate}  # unused: SciPy drives the steps
    return {"name": solver, "learning_rate": rate}


def model_spec(estimator, n_rows: int, n_outputs: int, *, loss: str, output_activation: str,
               scale_target, seed: int, dtype: str, mean_weight: float = 1.0) -> ModelSpec:
    """The ModelSpec for an estimator's parameters and ``n_rows`` training rows.

    ``alpha`` is MLPClassifier's L2 term ``alpha / (2 n_batch) · Σ w²`` added to the mean
    loss of each batch; glassnet's L2 adds ``l2 · Σ w²``, hence ``l2 = alpha / (2 n_batch)``.
    MLPRegressor's squared error is half the mean squared error over every output, so
    there the same relative strength is ``l2 = alpha / (n_batch · n_outputs)``. With row
    weights MLPClassifier divides by their sum instead of n_batch: a further factor
    1 / ``mean_weight``.
    """
    batch = batch_size_for(estimator, n_rows)
    if estimator.solver in FULL_BATCH_SOLVERS:
        batch = n_rows
    if loss == "mean_squared_error" and estimator.loss == "squared_error":
        l2 = estimator.alpha / (batch * n_outputs)
    else:
        l2 = estimator.alpha / (2.0 * batch)
    l2 /= mean_weight
    spec = ModelSpec(
        hidden=hidden_layers(estimator),
        activation=estimator.activation if isinstance(estimator.activation, str) else "relu",
        output_activation=output_activation,
        loss=loss,
        kernel_initializer=estimator.kernel_initializer,
        bias_initializer=estimator.bias_initializer,
        l1=float(estimator.l1),
        l2=float(l2),
        dropout=float(estimator.dropout),
        batch_norm=bool(estimator.batch_norm),
        scale=estimator.scale,
        scale_target=scale_target,
        optimizer=optimizer_config(estimator),
        epochs=int(estimator.max_iter),
        batch_size=batch,
        shuffle=bool(estimator.shuffle),
        early_stopping=None,  # MLPClassifier's tol / n_iter_no_change rule: see _training
        metrics=[],  # no per-batch metrics: the estimator scores once per epoch if asked
        seed=seed,
        dtype=dtype,
    )
    return spec.validate()
