"""``model.summary()``: the layers, their output shapes and parameter counts, as text."""

from __future__ import annotations


def summary_text(model) -> str:
    rows = [("Layer (type)", "Output shape", "Param #", "Activation")]
    for layer in model.layers:
        rows.append((f"{layer.name} ({type(layer).__name__})", f"(None, {layer.output_dim})",
                     str(layer.count_params()),
                     layer.activation.name if layer.activation is not None else ""))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    line = "  ".join("-" * w for w in widths)
    body = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    total = model.count_params()
    trainable = sum(w.size for layer in model.layers
                    for w, t in zip(layer.weights, layer.trainable_flags) if t)
    return "\n".join([
        f'Model: "{model.name}"  (input: '
        + (f"{model.input_dim} features" if model.built else "not known until the first data")
        + f", dtype {model.dtype})",
        line, body[0], line, *body[1:], line,
        f"Total params: {total}",
        f"Trainable params: {trainable}",
        f"Non-trainable params: {total - trainable}",
    ])
