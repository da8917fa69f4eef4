"""The network drawn as TensorFlow Playground does: cells as nodes, weights as lines.

Line width ∝ |weight|, blue positive, vermillion negative; for 2-D inputs each cell
shows its own output over the input plane. A layer wider than MAX_NODES is collapsed:
the cells with the largest weights are drawn, and a marker says how many are not.
"""

from __future__ import annotations

import numpy as np

from ..base.i18n import _, ngettext
from .grid import limits
from .style import pyplot

POSITIVE, NEGATIVE = "#0072B2", "#D55E00"  # blue / vermillion: safe for colour blindness
#: Most cells drawn per layer; wider layers show their most-weighted cells.
MAX_NODES = 10


def shown_cells(sizes, kernels, limit=MAX_NODES) -> list[np.ndarray]:
    """For each column of the diagram, the indices of the cells drawn (sorted): all of
    them, or the ``limit`` with the largest summed |weight| in and out."""
    shown = []
    for i, n in enumerate(sizes):
        if n <= limit:
            shown.append(np.arange(n))
            continue
        weight = np.zeros(n)
        if i > 0:
            weight += np.abs(kernels[i - 1]).sum(axis=0)
        if i < len(kernels):
            weight += np.abs(kernels[i]).sum(axis=1)
        shown.append(np.sort(np.argsort(-weight, kind="stable")[:limit]))
    return shown


def network_diagram(model, dataset=None, title=None):
    """Cells as nodes, weights as lines (width ∝ |w|, blue positive, vermillion
    negative); for 2-D inputs each cell shows its response over the input plane."""
    plt = pyplot()
    from ..engine.layers import Dense
    from ..engine.tracing import trace

    title = _("The network") if title is None else title
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    kernels = [np.asarray(layer.kernel, dtype=np.float64) for layer in dense]
    sizes = [dense[0].input_dim] + [layer.units for layer in dense]
    cells = shown_cells(sizes, kernels)
    rows = max(len(c) for c in cells) + any(len(c) < n for c, n in zip(cells, sizes))
    fig = plt.figure(figsize=(2.6 * len(sizes) + 1.5, max(3.5, 0.75 * rows + 1.6)))
    ax = fig.add_axes((0.08, 0, 0.84, 0.88))
    ax.axis("off")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-0.8, rows - 0.2)
    pos = [{int(c): (i, (rows - 1) / 2 - (j - (len(column) - 1) / 2))
            for j, c in enumerate(column)} for i, column in enumerate(cells)]
    largest = max(float(np.abs(k).max()) for k in kernels) or 1.0
    for i, kernel in enumerate(kernels):
        for a, (x0, y0) in pos[i].items():
            for b, (x1, y1) in pos[i + 1].items():
                w = kernel[a, b]
                ax.plot([x0, x1], [y0, y1], color=POSITIVE if w >= 0 else NEGATIVE,
                        lw=0.3 + 5 * abs(w) / largest, alpha=0.75, zorder=1)
    maps = _response_maps(model, dataset, trace) if sizes[0] == 2 else None
    from ..base.sanitize import label as plain  # names from a user's file, cut and escaped

    info = model.info or {}
    names = ([plain(n) for n in info.get("feature_names") or []]
             or [f"x{i + 1}" for i in range(sizes[0])])
    classes = info.get("class_names")
    classes = classes and [plain(c) for c in classes]
    fig.canvas.draw()
    for i, column in enumerate(pos):
        side = "right" if i == 0 else "left" if i == len(sizes) - 1 else "center"
        for j, (x, y) in column.items():
            if maps is not None:
                _inset(fig, ax, (x, y), maps[i][j])
            else:
                ax.scatter([x], [y], s=360, color="white", edgecolors="0.3", zorder=2)
            if i == 0:
                label = names[j] if j < len(names) else f"x{j + 1}"
            elif i == len(sizes) - 1 and classes and len(classes) == sizes[-1]:
                label = f"{classes[j]}"
            elif i == len(sizes) - 1 and classes and len(classes) == 2 and sizes[-1] == 1:
                label = f"p({classes[1]})"  # one logistic output: the second class's p
            else:
                label = f"{dense[i - 1].activation.name} {j + 1}"
            dx = {"right": -0.17, "left": 0.17, "center": 0.0}[side]
            dy = -0.36 if side == "center" else 0.0
            ax.text(x + dx, y + dy, label, ha=side, va="top" if dy else "center", fontsize=8,
                    zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8,
                                    "pad": 0.6})
        n = sizes[i]
        heading = (ngettext("{n} input", "{n} inputs", n) if i == 0 else
                   ngettext("{n} output", "{n} outputs", n) if i == len(sizes) - 1 else
                   ngettext("{n} {activation} unit", "{n} {activation} units", n))
        ax.text(i, rows - 0.3, heading.format(n=n, activation=dense[i - 1].activation.name),
                ha="center", va="bottom", fontsize=9, fontweight="bold")
        hidden = sizes[i] - len(column)
        if hidden:
            ax.text(i, -0.55, _("⋮ {n} more").format(n=hidden), ha="center", va="center",
                    fontsize=8, color="0.3")
    fig.suptitle((title or _("The network")) + "  "
                 + _("(line width ∝ |weight|; blue +, vermillion −)"),
                 fontsize=11)
    return fig


def _response_maps(model, dataset, trace):
    """Each cell's output over the 2-D input plane (60 × 60), per column, or None."""
    if dataset is None:
        return None
    xlim, ylim = limits(dataset.features)
    xs, ys = np.linspace(*xlim, 60), np.linspace(*ylim, 60)
    grid = np.column_stack([g.ravel() for g in np.meshgrid(xs, ys)])
    steps = [s for s in trace(model, grid) if s.kind == "Dense"]
    return [[grid[:, 0], grid[:, 1]]] + [[s.output[:, j] for j in range(s.output.shape[1])]
                                         for s in steps]


def _inset(fig, ax, at, values):
    """A square response map centred on a node, smaller than the gap between nodes."""
    (x0, y0), (x1, y1) = ax.transData.transform([at, (at[0] + 1, at[1] + 1)])
    side = 0.68 * min(abs(y1 - y0), 0.4 * abs(x1 - x0))  # pixels
    width, height = fig.get_size_inches() * fig.dpi
    inset = fig.add_axes((x0 / width - side / width / 2, y0 / height - side / height / 2,
                          side / width, side / height))
    inset.imshow(np.asarray(values).reshape(60, 60), origin="lower", cmap="coolwarm",
                 aspect="auto")
    inset.set_xticks([])
    inset.set_yticks([])
