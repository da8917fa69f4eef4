"""``solver="lbfgs"``: SciPy's L-BFGS-B on the full-batch loss, as MLPClassifier does.

The network computes the loss and its gradient (the same forward and backward passes
as every other solver); SciPy only proposes the next weights. L-BFGS needs the same
function every time it asks, so dropout (random masks) and batch normalisation
(batch statistics that are not weights) are not allowed with it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..base.errors import ConfigError
from ..engine.layers import BatchNormalization, Dropout
from ..training import spec as specs


def fit_lbfgs(estimator, data, validation=None, sample_weight=None):
    """Train ``estimator.model_`` on the Dataset ``data`` with L-BFGS-B (rows weighted by
    ``sample_weight`` if given)."""
    import scipy.optimize
    from sklearn.utils.optimize import _check_optimize_result

    model, spec = estimator.model_, estimator._spec_
    if any(isinstance(layer, (Dropout, BatchNormalization)) for layer in model.layers):
        raise ConfigError("solver='lbfgs' needs the same loss at every call: dropout and "
                          "batch_norm must be off (use solver='adam' or 'sgd' with them)")
    target = specs.target_scaling(spec, model, data)
    if target is not None:
        specs.unfold_target_scaling(model, *target)
        data = dataclasses.replace(data, labels=(data.labels - target[0]) / target[1])
    loss = model.loss
    x = model._inputs(data.features)
    y = model._targets(data.targets_for(loss, model.output_dim), loss, x.shape[0])
    weights, gradients = model.flat_weights, model.flat_gradients  # every trainable weight
    weights_of_rows = None if sample_weight is None else sample_weight.astype(model.dtype)

    def set_weights(flat):
        weights[...] = flat

    def loss_and_gradient(flat):
        set_weights(flat)
        _, value, delta = model.forward_loss(x, y, loss, True, weights_of_rows)
        model.backward(delta)
        return value, gradients.astype(np.float64)

    def after_iteration(intermediate_result):
        value = estimator._loss_in_mlp_units(intermediate_result.fun)
        estimator.loss_curve_.append(value)
        if validation is not None:
            set_weights(intermediate_result.x)
            score = estimator._score_during_fit(*validation)
            estimator.validation_scores_.append(score)
            estimator.best_validation_score_ = max(estimator.best_validation_score_, score)

    start = weights.astype(np.float64)
    estimator._target_during_fit = target
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            result = scipy.optimize.minimize(
                loss_and_gradient, start, method="L-BFGS-B", jac=True,
                callback=after_iteration,
                options={"maxfun": estimator.max_fun, "maxiter": estimator.max_iter,
                         "gtol": estimator.tol})
        set_weights(result.x)
    finally:
        estimator._target_during_fit = None
        if target is not None:
            specs.fold_target_scaling(model, *target)
    estimator.n_iter_ = _check_optimize_result("lbfgs", result, estimator.max_iter)
    estimator.loss_ = estimator._loss_in_mlp_units(result.fun)
    estimator.best_loss_ = min(estimator.best_loss_ or np.inf, estimator.loss_)
