"""Seed 003's tables: for each input row, each layer and each cell, the inputs,
weights, bias, weighted sum and activation.

>>> import numpy as np
>>> from glassnet import Sequential
>>> from glassnet.layers import Dense
>>> model = Sequential([Dense(2, "relu"), Dense(1, "relu")], input_dim=2)
>>> model.set_weights([[[5, -5], [5, -5]], [-5, 5], [[-10], [-10]], [10]])
>>> steps = trace(model, [[1, 1], [0, 1], [1, 0], [0, 0]])
>>> steps[0].weighted_sum[:, 0].tolist()   # hidden cell 1: 5·design + 5·quality - 5
[5.0, 0.0, 0.0, -5.0]
>>> steps[1].output[:, 0].tolist()          # output: ReLU(10) is 10, not 1
[0.0, 10.0, 10.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class LayerTrace:
    """What one layer did to a batch of rows.

    ``weighted_sum`` is α = x · kernel + bias (None for layers without
    weights); ``output`` is what the layer passes on.
    """

    layer: str
    kind: str
    activation: str | None
    inputs: np.ndarray
    kernel: np.ndarray | None
    bias: np.ndarray | None
    weighted_sum: np.ndarray | None
    output: np.ndarray


def trace(model, x) -> list[LayerTrace]:
    """Run ``x`` through the model in inference mode and record every layer."""
    h = model._inputs(x)
    steps = []
    for layer in model.layers:
        out = layer.forward(h, training=False)
        kernel = getattr(layer, "kernel", None)
        steps.append(LayerTrace(
            layer=layer.name,
            kind=type(layer).__name__,
            activation=None if layer.activation is None else layer.activation.name,
            inputs=h,
            kernel=None if kernel is None else kernel.copy(),
            bias=None if getattr(layer, "bias", None) is None else layer.bias.copy(),
            weighted_sum=layer.alpha.copy() if kernel is not None else None,
            output=out.copy(),
        ))
        h = out
    return steps


def format_trace(steps: list[LayerTrace], row_labels=None, precision: int = 4) -> str:
    """Seed 003's tables as text: one table per layer and cell, one line per input row."""

    def num(v):
        text = f"{v:.{precision}g}"
        return text

    lines = []
    n_rows = steps[0].inputs.shape[0]
    labels = row_labels or [f"row {i + 1}" for i in range(n_rows)]
    for step in steps:
        if step.kernel is None:
            continue
        for j in range(step.kernel.shape[1]):
            bias = step.bias[j] if step.bias is not None else 0.0
            lines.append(f"{step.layer}, cell {j + 1} ({step.activation}): "
                         f"weights {[num(w) for w in step.kernel[:, j]]}, bias {num(bias)}")
            for r in range(n_rows):
                terms = " + ".join(f"{num(xi)}×{num(wi)}"
                                   for xi, wi in zip(step.inputs[r], step.kernel[:, j]))
                lines.append(f"  {labels[r]}: {terms} + ({num(bias)}) = "
                             f"{num(step.weighted_sum[r, j])} -> {num(step.output[r, j])}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["LayerTrace", "format_trace", "trace"]
