"""The figures of seeds 000 and 002. Each function returns a matplotlib Figure.

- ``data_distribution``: the data by class (seed 000, step ii)
- ``learning_curves``: loss and accuracy per epoch, training solid, validation dashed,
  the best epoch marked, a verdict in the caption (seed 002)
- ``compare_runs``: several runs overlaid (seed 000, Fig 121)
- ``coefficient_trajectories``: every coefficient over the steps (Fig 122)
- ``decision_regions``: regions with every class's p = 0.5 and 0.95 contours (Fig 123,
  124, 126)
- ``probability_maps``: each class's probability over the plane (Fig 125)
- ``network_diagram``: the network, line width ∝ |weight|, colour by sign, each cell
  with its own response map (as TensorFlow Playground)
- ``regression_curve``: a 1-D regression model against its data (seed 002's example)
"""

from __future__ import annotations

import numpy as np

from ..diagnosis import diagnose
from .grid import class_probabilities, limits, probability_grid
from .style import MARKERS, colour, pyplot

POSITIVE, NEGATIVE = "#0072B2", "#D55E00"  # blue / vermillion: safe for colour blindness
MAX_LEGEND = 20  # classes named in a legend; beyond that colours repeat anyway


def _labelled(dataset):
    """The dataset with its names cut to label length, control characters escaped (the
    names come from a user's file; see ``sanitize.label``)."""
    import dataclasses

    from ..sanitize import label

    if dataset is None:
        return None
    return dataclasses.replace(
        dataset, feature_names=[label(n) for n in dataset.feature_names],
        target_name=label(dataset.target_name),
        class_names=None if dataset.class_names is None else [label(c) for c in
                                                              dataset.class_names])


def _class_names(dataset, k):
    return dataset.class_names if dataset is not None and dataset.class_names else [
        str(i + 1) for i in range(k)]


def _scatter(ax, dataset, size=18, alpha=0.9):
    if dataset.n_classes > MAX_LEGEND:  # one collection, not one per class: stays fast
        ax.scatter(dataset.features[:, 0], dataset.features[:, 1], s=size, alpha=alpha,
                   color=[colour(k) for k in dataset.labels], edgecolors="white",
                   linewidths=0.5, zorder=3)
        return
    for k, name in enumerate(dataset.class_names):
        rows = dataset.labels == k
        ax.scatter(dataset.features[rows, 0], dataset.features[rows, 1], s=size,
                   color=colour(k), marker=MARKERS[k % len(MARKERS)], edgecolors="white",
                   linewidths=0.5, alpha=alpha, label=f"{dataset.target_name} {name}", zorder=3)


def data_distribution(dataset, title=None):
    dataset = _labelled(dataset)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 5))
    if dataset.features.shape[1] >= 2 and dataset.is_classification:
        _scatter(ax, dataset, size=24)
        ax.set_xlabel(dataset.feature_names[0])
        ax.set_ylabel(dataset.feature_names[1])
        if dataset.n_classes <= MAX_LEGEND:
            ax.legend(loc="best", fontsize=8, framealpha=0.9)
    elif dataset.features.shape[1] == 1:
        y = dataset.labels if not dataset.is_classification else dataset.labels[:, None]
        ax.scatter(dataset.features[:, 0], y[:, 0], color=colour(0), s=30, zorder=3)
        ax.set_xlabel(dataset.feature_names[0])
        ax.set_ylabel(dataset.target_name)
    else:
        return None
    ax.set_title(title or f"Data: {len(dataset)} rows" + (
        f", {dataset.n_classes} classes" if dataset.is_classification else ""))
    ax.grid(alpha=0.25)
    return fig


def _metric_panels(history):
    keys = [k for k in history if not k.startswith("val_") and k not in
            ("learning_rate", "epoch_time")]
    return ["loss"] + [k for k in keys if k != "loss"]


def learning_curves(history, title="Learning curves"):
    """Training solid, validation dashed, lowest validation loss marked (seed 002)."""
    plt = pyplot()
    history = getattr(history, "history", history)
    panels = _metric_panels(history)[:2]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2), squeeze=False)
    epochs = np.arange(1, len(history["loss"]) + 1)
    result = diagnose(history)
    for ax, key in zip(axes[0], panels):
        ax.plot(epochs, history[key], color=colour(0), lw=1.8, label=f"training {key}")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], color=colour(1), lw=1.8, ls="--",
                    label=f"validation {key}")
        if result.best_epoch is not None:
            ax.axvline(result.best_epoch + 1, color="0.4", ls=":", lw=1.2,
                       label=f"lowest val_loss (epoch {result.best_epoch + 1})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.set_title(key.replace("_", " "))
        ax.grid(alpha=0.25)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.text(0.5, -0.02, result.message, ha="center", va="top", fontsize=9, wrap=True)
    fig.tight_layout()
    return fig


def compare_runs(histories: dict, key="loss", title=None):
    """Several runs overlaid: one colour per run, training solid, validation dashed.

    Runs that coincide (analytic and numerical gradients) stay visible: earlier runs
    are drawn wider and lighter underneath later ones.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    n = len(histories)
    for i, (name, history) in enumerate(histories.items()):
        history = getattr(history, "history", history)
        epochs = np.arange(1, len(history[key]) + 1)
        width = 1.5 + 2.5 * (n - 1 - i) / max(n - 1, 1)
        ax.plot(epochs, history[key], color=colour(i), lw=width, alpha=0.85,
                label=f"{name} (training)")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], color=colour(i), lw=width * 0.8, ls="--",
                    alpha=0.85, label=f"{name} (validation)")
    ax.set_xlabel("epoch (step)")
    ax.set_ylabel(key.replace("_", " "))
    ax.set_title(title or f"{key.replace('_', ' ')} per epoch")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def coefficient_trajectories(recorder, model, title="Coefficients during training"):
    """Every Dense coefficient over the recorded steps (seed 000 Fig 122)."""
    plt = pyplot()
    from ..layers import Dense

    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    weights = recorder.weights
    steps = np.asarray(recorder.steps)
    fig, axes = plt.subplots(1, len(dense), figsize=(5.4 * len(dense), 4.2), squeeze=False)
    styles = ["-", "--", ":", "-."]
    for ax, layer in zip(axes[0], dense):
        kernel = weights[f"{layer.name}.kernel"]
        bias = weights.get(f"{layer.name}.bias")
        for j in range(layer.units):
            series = ([bias[:, j]] if bias is not None else []) + [
                kernel[:, i, j] for i in range(layer.input_dim)]
            for s, values in enumerate(series[:12]):
                ax.plot(steps, values, color=colour(j), ls=styles[s % len(styles)], lw=1.4,
                        label=f"cell {j + 1}" if s == 0 else None)
        ax.set_title(f"{layer.name}: cells {layer.units} × (bias + {layer.input_dim} inputs)")
        ax.set_xlabel("step")
        ax.set_ylabel("coefficient")
        ax.grid(alpha=0.25)
        if layer.units <= 10:
            ax.legend(fontsize=7, ncol=2, title="colour = cell; — bias, -- 1st, ·· 2nd input",
                      title_fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def decision_regions(model, dataset, levels=(0.5, 0.95), zoom=1.0, resolution=250,
                     title=None, xlim=None, ylim=None):
    """Coloured class regions (lighter where uncertain), each class's probability
    contours at ``levels`` (0.5 solid, 0.95 dashed), and the data on top."""
    plt = pyplot()
    from matplotlib.lines import Line2D

    dataset = _labelled(dataset)
    if xlim is None or ylim is None:
        xlim, ylim = limits(dataset.features, zoom=zoom)
    xx, yy, P = probability_grid(model, xlim, ylim, resolution)
    K = P.shape[2]
    rgb = np.array([[int(colour(k)[i:i + 2], 16) / 255 for i in (1, 3, 5)] for k in range(K)])
    winner = P.argmax(axis=2)
    confidence = P.max(axis=2)[..., None]
    strength = 0.15 + 0.55 * (confidence - 1 / K) / (1 - 1 / K)  # 1/K → pale, 1 → strong
    image = 1 - strength * (1 - rgb[winner])
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    ax.imshow(image, origin="lower", extent=(*xlim, *ylim), aspect="auto", interpolation="bilinear")
    styles = {0.5: "-", 0.95: "--"}
    for k in range(K):
        for level in levels:
            if P[..., k].max() >= level:
                ax.contour(xx, yy, P[..., k], levels=[level], colors=[colour(k)],
                           linewidths=1.6 if level == 0.5 else 1.3,
                           linestyles=styles.get(level, ":"))
    if dataset is not None and dataset.is_classification:
        inside = ((dataset.features[:, 0] >= xlim[0]) & (dataset.features[:, 0] <= xlim[1]) &
                  (dataset.features[:, 1] >= ylim[0]) & (dataset.features[:, 1] <= ylim[1]))
        _scatter(ax, dataset.subset(inside), size=16)
        ax.set_xlabel(dataset.feature_names[0])
        ax.set_ylabel(dataset.feature_names[1])
    handles, _ = ax.get_legend_handles_labels()
    handles = handles[:MAX_LEGEND] + [
        Line2D([], [], color="0.2", ls=styles.get(level, ":"), label=f"p = {level}")
        for level in levels]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1),
              framealpha=0.95)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_title(title or ("Decision regions" + (" (zoomed)" if zoom < 1 else "")))
    fig.tight_layout()
    return fig


def probability_maps(model, dataset, points=None, resolution=200, title=None):
    """One panel per class: its probability over the plane, with the 0.5 and 0.95
    contours, and optional ``points`` (e.g. Table 67's grid) marked."""
    plt = pyplot()
    dataset = _labelled(dataset)
    shown = dataset.features if points is None else np.vstack([dataset.features, points])
    xlim, ylim = limits(shown)
    xx, yy, P = probability_grid(model, xlim, ylim, resolution)
    K = P.shape[2]
    names = _class_names(dataset, K)
    cols = min(K, 3)
    rows = int(np.ceil(K / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.1 * cols, 3.7 * rows), squeeze=False)
    for k in range(rows * cols):
        ax = axes[k // cols][k % cols]
        if k >= K:
            ax.axis("off")
            continue
        im = ax.imshow(P[..., k], origin="lower", extent=(*xlim, *ylim), aspect="auto",
                       vmin=0, vmax=1, cmap="viridis")
        for level, style in ((0.5, "-"), (0.95, "--")):
            if P[..., k].max() >= level:
                ax.contour(xx, yy, P[..., k], levels=[level], colors="white",
                           linestyles=style, linewidths=1.2)
        if points is not None:
            p = class_probabilities(model, points)[:, k]
            ax.scatter(points[:, 0], points[:, 1], c=p, vmin=0, vmax=1, cmap="viridis",
                       edgecolors="white", s=40, zorder=3)
        ax.set_title(f"p({dataset.target_name} = {names[k]})", fontsize=10)
        ax.set_xlabel(dataset.feature_names[0], fontsize=8)
        ax.set_ylabel(dataset.feature_names[1], fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.suptitle(title or "Probability of each class (white: p = 0.5 solid, 0.95 dashed)")
    fig.tight_layout()
    return fig


def network_diagram(model, dataset=None, title="The network"):
    """Cells as nodes, weights as lines (width ∝ |w|, blue positive, vermillion
    negative); for 2-D inputs each cell shows its response over the input plane."""
    plt = pyplot()
    from ..layers import Dense
    from ..tracing import trace

    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    sizes = [dense[0].input_dim] + [layer.units for layer in dense]
    shown = [min(s, 10) for s in sizes]
    fig = plt.figure(figsize=(2.4 * len(sizes) + 1, max(3.5, 0.9 * max(shown) + 1.5)))
    ax = fig.add_axes((0, 0, 1, 0.92))
    ax.axis("off")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-0.6, max(shown) - 0.4)
    pos = [[(i, (max(shown) - 1) / 2 - (j - (n - 1) / 2)) for j in range(n)]
           for i, n in enumerate(shown)]
    largest = max(float(np.abs(layer.kernel).max()) for layer in dense) or 1.0
    for i, layer in enumerate(dense):
        for a in range(shown[i]):
            for b in range(shown[i + 1]):
                w = layer.kernel[a, b]
                (x0, y0), (x1, y1) = pos[i][a], pos[i + 1][b]
                ax.plot([x0, x1], [y0, y1], color=POSITIVE if w >= 0 else NEGATIVE,
                        lw=0.3 + 5 * abs(w) / largest, alpha=0.75, zorder=1)
    maps = None
    if dense[0].input_dim == 2 and dataset is not None:
        xlim, ylim = limits(dataset.features)
        xs, ys = np.linspace(*xlim, 60), np.linspace(*ylim, 60)
        grid = np.column_stack([g.ravel() for g in np.meshgrid(xs, ys)])
        steps = [s for s in trace(model, grid) if s.kind == "Dense"]
        maps = [[grid[:, 0], grid[:, 1]]] + [[s.output[:, j] for j in range(s.output.shape[1])]
                                             for s in steps]
    from ..sanitize import label

    names = ([label(n) for n in model.info.get("feature_names") or []]
             or [f"x{i + 1}" for i in range(sizes[0])])
    classes = model.info.get("class_names")
    classes = classes and [label(c) for c in classes]
    fig.canvas.draw()
    for i, column in enumerate(pos):
        for j, (x, y) in enumerate(column):
            if maps is not None:
                (fx, fy) = ax.transData.transform((x, y))
                w, h = fig.transFigure.inverted().transform((fx, fy))
                size = 0.55 / max(len(sizes), 1) * 0.5
                inset = fig.add_axes((w - size / 2, h - size / 2 * fig.get_figwidth() /
                                      fig.get_figheight(), size, size * fig.get_figwidth() /
                                      fig.get_figheight()))
                inset.imshow(maps[i][j].reshape(60, 60), origin="lower", cmap="coolwarm",
                             aspect="auto")
                inset.set_xticks([])
                inset.set_yticks([])
            else:
                ax.scatter([x], [y], s=500, color="white", edgecolors="0.3", zorder=2)
            if i == 0:
                label = names[j] if j < len(names) else f"x{j + 1}"
            elif i == len(sizes) - 1 and classes and len(classes) == sizes[-1]:
                label = f"{classes[j]}"
            else:
                label = f"{dense[i - 1].activation.name} {j + 1}"
            ax.text(x, y - 0.42, label, ha="center", va="top", fontsize=8)
        if sizes[i] > shown[i]:
            ax.text(i, -0.55, f"… {sizes[i] - shown[i]} more", ha="center", fontsize=8)
    fig.suptitle(title + "  (line width ∝ |weight|; blue +, vermillion −)", fontsize=11)
    return fig


def regression_curve(model, dataset, title="Model against data"):
    plt = pyplot()
    dataset = _labelled(dataset)
    x = dataset.features[:, 0]
    span = x.max() - x.min() or 1.0
    xs = np.linspace(x.min() - 0.3 * span, x.max() + 0.3 * span, 300)
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.plot(xs, model.predict(xs[:, None])[:, 0], color=colour(0), lw=2, label="model")
    ax.scatter(x, dataset.labels[:, 0], color=colour(1), s=40, zorder=3, label="data")
    ax.set_xlabel(dataset.feature_names[0])
    ax.set_ylabel(dataset.target_name)
    ax.set_title(title)
    ax.grid(alpha=0.25)
    ax.legend()
    fig.tight_layout()
    return fig
