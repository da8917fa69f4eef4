"""What the page draws, computed from a model: one JSON-able "frame" at a time.

A frame holds every Dense layer's weights (links) and last gradients, each cell's
response over the plane of two chosen features (thumbnails), the class
probabilities over that plane (decision regions, contoured at p = 0.5 and 0.95 by
the page), and seed 003's trace of one row: the inputs, weighted sum α, output y
and backward delta δ of every cell. Grids travel as base64 bytes (0..255) with the
range they were scaled from, so ten frames a second stay small.
"""

from __future__ import annotations

import base64

import numpy as np

#: side of the decision-region grid and of each cell's thumbnail grid
REGION_SIZE = 64
THUMB_SIZE = 20
#: above this many links in a layer only the strongest are sent (the drawing would
#: be a grey smear anyway, and the frame must stay small)
MAX_LINKS = 400


_PLANES: dict = {}


def plane(view, size, dtype="float64"):
    """Rows covering the plane of features ``view["x"]``, ``view["y"]`` (a size × size grid,
    row-major from the top-left), every other feature at ``view["fixed"]``.

    The last few planes are kept: a wide input (784 pixels) makes a plane of megabytes,
    and the same one is drawn ten times a second.
    """
    key = (view["x"], view["y"], tuple(view["fixed"]), tuple(view["xlim"]),
           tuple(view["ylim"]), size, str(dtype))
    if key not in _PLANES:
        if len(_PLANES) >= 8:
            _PLANES.pop(next(iter(_PLANES)))
        rows = _plane(view, size).astype(dtype)
        rows.flags.writeable = False
        _PLANES[key] = rows
    return _PLANES[key]


def _plane(view, size):
    fixed = np.asarray(view["fixed"], dtype=np.float64)
    (x0, x1), (y0, y1) = view["xlim"], view["ylim"]
    xs = np.linspace(x0, x1, size)
    ys = np.linspace(y1, y0, size)  # top row = largest y, as on screen
    xx, yy = np.meshgrid(xs, ys)
    rows = np.repeat(fixed[None, :], size * size, axis=0)
    rows[:, view["x"]] = xx.ravel()
    if view["y"] != view["x"]:
        rows[:, view["y"]] = yy.ravel()
    return rows


def measured_pair(features) -> tuple[int, int]:
    """The first two columns that are measurements, not 0/1 indicators of a text
    column's levels (産地=秋田): the plane a newcomer wants to see first."""
    n = features.shape[1]
    binary = [bool(np.isin(features[:, k], (0.0, 1.0)).all()) for k in range(n)]
    pair = ([k for k in range(n) if not binary[k]] + [k for k in range(n) if binary[k]])[:2]
    return (pair[0], pair[1]) if n > 1 else (0, 0)


def default_view(features, x=0, y=1):
    """Both axes padded by 10 %, other features held at their mean."""
    x = min(x, features.shape[1] - 1)
    y = min(y, features.shape[1] - 1)
    low, high = features.min(axis=0), features.max(axis=0)
    pad = np.where(high > low, (high - low) * 0.1, 1.0)
    return {"x": int(x), "y": int(y), "fixed": features.mean(axis=0).tolist(),
            "xlim": [float(low[x] - pad[x]), float(high[x] + pad[x])],
            "ylim": [float(low[y] - pad[y]), float(high[y] + pad[y])]}


def grid_bytes(values, low=None, high=None) -> dict:
    """A float grid as base64 bytes 0..255 plus the [low, high] it was scaled from."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if low is None and finite.size else (low or 0.0)
    high = float(finite.max()) if high is None and finite.size else (high or 1.0)
    span = high - low if high > low else 1.0
    q = np.clip(np.nan_to_num((values - low) / span * 255.0, nan=0.0), 0, 255)
    return {"low": low, "high": high,
            "data": base64.b64encode(np.rint(q).astype(np.uint8).tobytes()).decode("ascii")}


def dense_layers(model):
    """(index in model.layers, layer) for every Dense layer: the drawn columns."""
    from ..engine.layers import Dense

    return [(i, layer) for i, layer in enumerate(model.layers) if isinstance(layer, Dense)]


def layer_outputs(model, rows):
    """Output of every layer for ``rows`` (inference mode), without touching caches."""
    h = rows.astype(model.dtype, copy=False)
    outputs = []
    for layer in model.layers:
        h = layer.forward(h, False, weights=layer.weights)  # explicit weights: keeps nothing
        outputs.append(h)
    return outputs


def links(layer, grads) -> dict:
    """Kernel, bias and their last gradients; only the strongest links of a big layer."""
    kernel = np.asarray(layer.kernel, dtype=np.float64)
    out = {"bias": layer.bias.tolist(), "bias_grad": grads[1].tolist() if grads else None,
           "shape": list(kernel.shape)}
    if kernel.size <= MAX_LINKS:
        out["kernel"] = kernel.tolist()
        out["kernel_grad"] = grads[0].tolist() if grads else None
        return out
    flat = np.argpartition(np.abs(kernel).ravel(), -MAX_LINKS)[-MAX_LINKS:]
    i, j = np.unravel_index(flat, kernel.shape)
    out["strongest"] = [[int(a), int(b), float(kernel[a, b]),
                         float(grads[0][a, b]) if grads else 0.0] for a, b in zip(i, j)]
    return out


def plane_outputs(model, view, size):
    """``layer_outputs`` over the view's plane, the first Dense layer's weighted sums
    computed as a plane: α is affine in the inputs (and so is any scaling before it),
    and only two inputs change, so α(x) = α(x₀) + Δx ∂α/∂x_i + Δy ∂α/∂x_j, with the two
    columns read off α at x₀ + e_i and x₀ + e_j. A 784-pixel input then costs two
    columns instead of 784 per point (the page redraws MNIST's network ten times a
    second). Any other layer before the first Dense: the plain forward pass."""
    from ..engine.layers import Dense, Dropout, Normalization

    first = next((i for i, layer in enumerate(model.layers) if isinstance(layer, Dense)), None)
    if first is None or not all(isinstance(layer, (Normalization, Dropout))
                                for layer in model.layers[:first]):
        return layer_outputs(model, plane(view, size, model.dtype))
    i, j = view["x"], view["y"]
    probes = np.repeat(np.asarray(view["fixed"], dtype=np.float64)[None, :], 3, axis=0)
    probes[1, i] += 1.0
    probes[2, j] += 1.0
    for layer in model.layers[:first]:
        probes = layer.forward(probes, False, weights=layer.weights)
    dense = model.layers[first]
    alpha0, alpha_i, alpha_j = dense.weighted_sum(probes, dense.weights)
    (x0, x1), (y0, y1) = view["xlim"], view["ylim"]
    dx = (np.linspace(x0, x1, size) - view["fixed"][i])[None, :, None]
    dy = (np.linspace(y1, y0, size) - view["fixed"][j])[:, None, None]  # top row first
    alpha = alpha0 + dx * (alpha_i - alpha0) + (dy * (alpha_j - alpha0) if j != i else 0)
    alpha = np.broadcast_to(alpha, (size, size, alpha0.shape[-1]))  # also when i == j
    h = dense.activation.forward(alpha.reshape(size * size, -1).astype(model.dtype))
    outputs = [None] * first + [h]
    for layer in model.layers[first + 1:]:
        h = layer.forward(h, False, weights=layer.weights)
        outputs.append(h)
    return outputs


def network_frame(model, view) -> dict:
    """Links of every Dense layer and a thumbnail of every cell's response."""
    dense = dense_layers(model)
    outputs = plane_outputs(model, view, THUMB_SIZE)
    layers = []
    for index, layer in dense:
        grads = layer.grads if all(g is not None for g in layer.grads[:2]) else None
        cells = outputs[index]
        layers.append({**links(layer, grads),
                       "thumbs": [grid_bytes(cells[:, j]) for j in range(cells.shape[1])]})
    return {"layers": layers}


def region_frame(model, view, classification: bool, unscale=None) -> dict:
    """Class probabilities (or the predicted value) over the view's plane."""
    size = region_size(model)
    p = np.asarray(plane_outputs(model, view, size)[-1], dtype=np.float64)
    if not classification:
        return {"size": size, "value": grid_bytes(unscale(p)[:, 0] if unscale else p[:, 0])}
    if p.shape[1] == 1:  # one sigmoid cell: P(class 2) = p
        p = np.hstack([1.0 - p, p])
    return {"size": size,
            "classes": [grid_bytes(p[:, k], 0.0, 1.0)["data"] for k in range(p.shape[1])]}


def region_size(model) -> int:
    """Grid side for the regions: a little coarser for wide inputs (MNIST's 784 pixels)."""
    return REGION_SIZE if model.input_dim <= 100 else 48


def curve_frame(model, view, unscale=None, points=200) -> dict:
    """Regression: the prediction along the x feature, other features held fixed."""
    fixed = np.asarray(view["fixed"], dtype=np.float64)
    xs = np.linspace(*view["xlim"], points)
    rows = np.repeat(fixed[None, :], points, axis=0)
    rows[:, view["x"]] = xs
    y = np.asarray(model.predict(rows), dtype=np.float64)
    return {"x": xs.tolist(), "y": (unscale(y) if unscale else y)[:, 0].tolist()}


def row_trace(model, x, target, loss) -> dict:
    """Seed 003's table for one row: per Dense layer, each cell's inputs, α, y and δ.

    Forward in inference mode, then one backward pass of the loss for this row; a
    Dense cell's δ = ∂E/∂α is its bias gradient for a single row, and its weights'
    gradients for the row are ∂E/∂a_ji = δ_j x_i. The gradients of the last training
    step are put back afterwards (the page shows them as ∂E/∂w of the last batch).
    """
    saved = [g.copy() for lay in model.layers for g in lay.grads if g is not None]
    x = model._inputs(np.asarray(x, dtype=np.float64).reshape(1, -1))
    t = np.asarray(target)
    t = model._targets(t.reshape(1) if loss.sparse_targets else t.reshape(1, -1), loss, 1)
    output, value, delta = model.forward_loss(x, t, loss, training=False)
    model.backward(delta)
    steps = []
    for _, layer in dense_layers(model):
        alpha = layer.weighted_sum(layer.x, layer.weights)  # explicit weights: pure
        steps.append({
            "layer": layer.name,
            "activation": layer.activation.name,
            "inputs": np.asarray(layer.x[0], dtype=np.float64).tolist(),
            "alpha": np.asarray(alpha[0], dtype=np.float64).tolist(),
            "output": np.asarray(layer.activation.forward(alpha)[0], dtype=np.float64).tolist(),
            "delta": np.asarray(layer.grads[1], dtype=np.float64).tolist(),
        })
    for g, old in zip((g for lay in model.layers for g in lay.grads if g is not None), saved):
        g[...] = old
    return {"layers": steps, "loss": float(value),
            "output": np.asarray(output[0], dtype=np.float64).tolist()}
