"""Numerical differentiation and gradient checking (seed 000's "numerical" method).

Central differences ∂E/∂w ≈ (E(w + h) - E(w - h)) / 2h for every parameter w. Done
naively that is two full forward passes per parameter, in a Python loop. Here a
parameter's perturbations are *stacked*: for a block of B parameters of one weight
array we build 2B perturbed copies of it (shape (2B, *shape)), run the layers from
that one onward once on the whole stack (NumPy broadcasts the leading axis through
``@`` and every elementwise operation), and read 2B losses at once. Layers below the
perturbed one are evaluated once and reused.

>>> import numpy as np
>>> from glassnet import Sequential
>>> from glassnet.layers import Dense
>>> model = Sequential([Dense(3, "tanh"), Dense(2, "softmax")], input_dim=2,
...                    seed=0, dtype="float64")
>>> x = np.random.default_rng(1).normal(size=(8, 2))
>>> y = np.eye(2)[[0, 1, 0, 1, 1, 0, 0, 1]]
>>> gradient_check(model, x, y, loss="categorical_crossentropy") < 1e-7
True
"""

from __future__ import annotations

import numpy as np

from . import losses

#: elements of activations one stacked evaluation may hold (bounds its memory)
DEFAULT_CHUNK_ELEMENTS = 1 << 22


def default_epsilon(dtype) -> float:
    """Step h ≈ ε_machine^(1/3), which balances truncation and rounding error."""
    return float(np.cbrt(np.finfo(np.dtype(dtype)).eps))


def numerical_gradients(model, x, y, loss, epsilon=None, *, draw_noise=True,
                        chunk_elements=DEFAULT_CHUNK_ELEMENTS):
    """Gradients of the mean loss (plus penalties) by central differences.

    Returns a list aligned with ``model.get_weights()``; non-trainable weights get
    zeros. Layers run in training mode; with ``draw_noise=False`` the dropout masks of
    the last forward pass are reused (that is how ``gradient_check`` compares like with
    like).
    """
    loss = losses.get(loss)
    layers = model.layers
    if draw_noise:
        model.forward(x, training=True)
    h = epsilon if epsilon is not None else default_epsilon(model.dtype)
    fused = model.fuses(loss)

    # Inputs of every layer in the unperturbed network, computed once (explicit weights:
    # nothing cached, the last dropout masks replayed).
    inputs = [x]
    for layer in layers[:-1]:
        inputs.append(layer.forward(inputs[-1], training=True, weights=layer.weights))

    gradients = []
    for li, layer in enumerate(layers):
        widest = max(lay.output_dim for lay in layers[li:])
        per_copy = x.shape[0] * max(widest, layer.input_dim)
        block = max(1, chunk_elements // (2 * per_copy))
        for wi, (w, regularizer) in enumerate(zip(layer.weights, layer.regularizers())):
            if not layer.trainable_flags[wi]:
                gradients.append(np.zeros_like(w))
                continue
            grad = np.empty(w.size, dtype=w.dtype)
            for start in range(0, w.size, block):
                index = np.arange(start, min(start + block, w.size))
                b = index.size
                rows = np.arange(b)
                stack = np.repeat(w.reshape(1, -1), 2 * b, axis=0)
                stack[rows, index] += h  # w + h in the first b copies
                stack[rows + b, index] -= h  # w - h in the last b copies
                step = stack[rows, index] - stack[rows + b, index]  # the 2h actually applied
                stack = stack.reshape((2 * b,) + w.shape)
                weights = list(layer.weights)
                weights[wi] = layer.stack_for_broadcast(wi, stack)
                energy = _stacked_loss(layers, li, inputs[li], weights, y, loss, fused)
                if regularizer is not None:
                    energy = energy + regularizer.penalty_stacked(stack, w.ndim)
                grad[index] = (energy[:b] - energy[b:]) / step
            gradients.append(grad.reshape(w.shape))
    return gradients


def _stacked_loss(layers, first, x, weights, y, loss, fused):
    """Mean loss of each perturbed network in a stack, shape (2B,)."""
    last = len(layers) - 1
    h = x
    for i in range(first, last):
        h = layers[i].forward(h, True, weights if i == first else layers[i].weights)
    out_weights = weights if first == last else layers[last].weights
    if fused:  # the loss takes the output layer's weighted sum, as in training
        return loss.value_from_logits(y, layers[last].weighted_sum(h, out_weights))
    return loss(y, layers[last].forward(h, True, out_weights))


#: below this norm a gradient array counts as zero in ``relative_error``
ZERO_GRADIENT_NORM = 1e-8


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a - b‖ / max(‖a‖ + ‖b‖, 1e-8).

    The floor keeps a gradient that is zero in exact arithmetic (say an MAE bias whose
    signs cancel) from comparing rounding noise with rounding noise.
    """
    denominator = max(float(np.linalg.norm(a) + np.linalg.norm(b)), ZERO_GRADIENT_NORM)
    return float(np.linalg.norm(a - b) / denominator)


def gradient_errors(model, x, y, loss=None, epsilon=None):
    """Analytic vs numerical gradients, one row per weight array.

    Each row is a dict with ``layer``, ``weight``, ``shape``, ``relative_error``,
    ``max_abs_error`` and ``checked``: False when both gradients are zero (their norms
    sum below ``ZERO_GRADIENT_NORM``), so the relative error compared nothing (saturated
    units on unscaled inputs give exactly that). The dropout masks are shared between
    the two methods.
    """
    analytic = model.compute_gradients(x, y, method="analytic", loss=loss)
    numerical = model.compute_gradients(x, y, method="numerical", loss=loss,
                                        epsilon=epsilon, _draw_noise=False)
    rows = []
    i = 0
    for layer in model.layers:
        for name, trainable in zip(layer.weight_names, layer.trainable_flags):
            a, n = analytic[i], numerical[i]
            i += 1
            if not trainable:
                continue
            rows.append({
                "layer": layer.name,
                "weight": name,
                "shape": a.shape,
                "relative_error": relative_error(a, n),
                "max_abs_error": float(np.abs(a - n).max()) if a.size else 0.0,
                "checked": float(np.linalg.norm(a) + np.linalg.norm(n)) >= ZERO_GRADIENT_NORM,
            })
    return rows


def gradient_check(model, x, y, loss=None, epsilon=None) -> float:
    """Maximum relative error between backprop and central differences.

    Seed 001 asks for < 1e-7; that needs a float64 model. ``loss`` defaults to the
    compiled loss.
    """
    rows = gradient_errors(model, x, y, loss=loss, epsilon=epsilon)
    return max((row["relative_error"] for row in rows), default=0.0)
