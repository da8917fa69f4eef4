"""``model.summary()``: the layers, their output shapes and parameter counts, as text
(Keras's layout; the headings in the user's language, columns aligned by display width
so Japanese headings line up too)."""

from __future__ import annotations

from ..base.i18n import _, display_width


def summary_text(model) -> str:
    rows = [(_("Layer (type)"), _("Output shape"), _("Param #"), _("Activation"))]
    for layer in model.layers:
        rows.append((f"{layer.name} ({type(layer).__name__})", f"(None, {layer.output_dim})",
                     str(layer.count_params()),
                     layer.activation.name if layer.activation is not None else ""))
    widths = [max(display_width(r[c]) for r in rows) for c in range(4)]
    line = "  ".join("-" * w for w in widths)
    body = ["  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths))
            .rstrip() for row in rows]
    total = model.count_params()
    trainable = sum(w.size for layer in model.layers
                    for w, t in zip(layer.weights, layer.trainable_flags) if t)
    inputs = (_("{n} features").format(n=model.input_dim) if model.built
              else _("not known until the first data"))
    return "\n".join([
        _('Model: "{name}"  (input: {inputs}, dtype {dtype})').format(
            name=model.name, inputs=inputs, dtype=model.dtype),
        line, body[0], line, *body[1:], line,
        _("Total params: {n}").format(n=total),
        _("Trainable params: {n}").format(n=trainable),
        _("Non-trainable params: {n}").format(n=total - trainable),
    ])
