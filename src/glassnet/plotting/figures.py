"""The figures of seeds 000 and 002. Each function returns a matplotlib Figure.

- ``data_distribution``: the data by class (seed 000, step ii)
- ``learning_curves``: loss and accuracy per epoch, training solid, validation dashed,
  the best epoch marked, a verdict in the caption (seed 002)
- ``compare_runs``: several runs overlaid (seed 000, Fig 121)
- ``coefficient_trajectories``: every coefficient over the steps (Fig 122)
- ``decision_regions``: regions with every class's p = 0.5 and 0.95 contours (Fig 123,
  124, 126)
- ``probability_maps``: each class's probability over the plane (Fig 125)
- ``regression_curve``: a 1-D regression model against its data (seed 002's example)
"""

from __future__ import annotations

import numpy as np

from ..base.i18n import _
from ..training.diagnosis import diagnose
from ..training.metrics import LABELS, metric_label
from .grid import class_probabilities, limits, probability_grid
from .projection import sample_rows
from .style import colour, marker, power_of_ten, pyplot

#: Most coefficients drawn as trajectories; beyond it, those that moved most.
MAX_TRACES = 200
MAX_LEGEND = 20  # classes named in a legend; beyond that colours repeat anyway


def _labelled(dataset):
    """The dataset with its names cut to label length, control characters escaped (the
    names come from a user's file; see ``sanitize.label``)."""
    import dataclasses

    from ..base.sanitize import label

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


def _scatter(ax, dataset, size=18, alpha=0.9, xy=None):
    """The rows by class (at most MAX_POINTS of them); ``xy`` their plane coordinates."""
    xy = dataset.features[:, :2] if xy is None else xy
    rows = sample_rows(np.arange(len(dataset)))
    if len(rows) < len(dataset):
        size, alpha = min(size, 10), min(alpha, 0.7)
    if dataset.n_classes > MAX_LEGEND:  # one collection, not one per class: stays fast
        ax.scatter(xy[rows, 0], xy[rows, 1], s=size, alpha=alpha,
                   color=[colour(k) for k in dataset.labels[rows]], edgecolors="white",
                   linewidths=0.5 if size > 12 else 0.2, zorder=3)
        return len(rows)
    labels = dataset.labels[rows]
    for k, name in enumerate(dataset.class_names):
        mine = rows[labels == k]
        ax.scatter(xy[mine, 0], xy[mine, 1], s=size, color=colour(k), marker=marker(k),
                   edgecolors="white", linewidths=0.5 if size > 12 else 0.2, alpha=alpha,
                   label=f"{dataset.target_name} {name}", zorder=3)
    return len(rows)


def _legend(ax, n_classes, **options):
    """Inside the axes for a few classes, beside them in columns for many."""
    if n_classes <= 6:
        ax.legend(loc="best", fontsize=8, framealpha=0.9, **options)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, framealpha=0.95,
                  ncol=1 if n_classes <= 16 else 2, markerscale=1.5, **options)


def data_distribution(dataset, title=None, plane=None):
    """The data by class: over the two inputs, or over a ``plane`` (see projection) when
    there are more; at most MAX_POINTS rows are drawn (the title says so)."""
    dataset = _labelled(dataset)
    plt = pyplot()
    from .projection import Plane

    fig, ax = plt.subplots(figsize=(6.4, 5))
    d = dataset.features.shape[1]
    if d >= 2 and dataset.is_classification:
        if d > 2 and plane is None:
            plane = Plane.pca(dataset.features)
        xy = None if plane is None else plane.project(dataset.features)
        shown = _scatter(ax, dataset, size=24, xy=xy)
        names = dataset.feature_names[:2] if plane is None else plane.labels
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        if dataset.n_classes <= MAX_LEGEND:
            _legend(ax, dataset.n_classes)
        if shown < len(dataset):
            title = title or (f"Data: {shown} of {len(dataset)} rows drawn, "
                              f"{dataset.n_classes} classes")
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


def learning_curves(history, title=None, diagnosis=None, units=None):
    """Training solid, validation dashed, lowest validation loss marked (seed 002).

    ``history`` is a ``History`` (its loss before the first update, when recorded, is
    drawn at epoch 0) or its dict; ``diagnosis`` is the verdict to print under the
    curves (the report passes the one it headlines; by default it is computed here from
    the same numbers). ``units`` maps a history key to its unit ("万円²"), shown on the
    axis. Losses spanning more than two decades get a logarithmic axis, so a divergence
    and the fall before it are both visible.
    """
    plt = pyplot()
    result = diagnosis or diagnose(history)
    start = (getattr(history, "params", None) or {}).get("first_loss")
    history = getattr(history, "history", history)
    panels = _metric_panels(history)[:2]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2), squeeze=False)
    epochs = np.arange(1, len(history["loss"]) + 1)
    for ax, key in zip(axes[0], panels):
        ax.plot(epochs, history[key], color=colour(0), lw=1.8, label=metric_label(key))
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], color=colour(1), lw=1.8, ls="--",
                    label=metric_label(f"val_{key}"))
        if key == "loss" and start is not None and np.isfinite(start):
            ax.plot([0], [start], ls="none", marker="o", color=colour(0), mfc="white",
                    label=_("before the first update"))
        _log_axis_if_wide(ax)  # before the best-epoch line, which spans the axes
        if result.best_epoch is not None:
            ax.axvline(result.best_epoch + 1, color="0.4", ls=":", lw=1.2,
                       label=_("lowest validation loss (epoch {epoch})").format(
                           epoch=result.best_epoch + 1))
        ax.set_xlabel(_("epoch"))
        name = _(LABELS.get(key, key.replace("_", " ")))
        unit = (units or {}).get(key)
        ax.set_ylabel(_("{quantity} ({unit})").format(quantity=name, unit=unit) if unit
                      else name)
        ax.set_title(name)
        ax.grid(alpha=0.25)
        ax.legend(fontsize=8)
    fig.suptitle(title or _("Learning curves"))
    fig.text(0.5, -0.02, result.message, ha="center", va="top", fontsize=9, wrap=True)
    fig.tight_layout()
    return fig


def _log_axis_if_wide(ax, decades=2.0):
    values = np.concatenate([np.asarray(line.get_ydata(), dtype=float)
                             for line in ax.get_lines()] or [np.zeros(0)])
    values = values[np.isfinite(values)]
    if not (values.size and values.min() > 0
            and np.log10(values.max() / values.min()) > decades):
        return
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    low, high = values.min(), values.max()
    # limits and ticks of our own: matplotlib's would reach past 1e308 on a run that
    # diverged that far
    ax.set_ylim(low / 1.5, high * 1.5 if high < 1e307 else high)
    ax.set_yscale("log")
    first, last = np.floor(np.log10(low)), np.ceil(np.log10(high))
    step = max(1, int(np.ceil((last - first) / 6)))
    ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(first, last + 1, step)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(power_of_ten))


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


def coefficient_trajectories(recorder, model, title=None, limit=MAX_TRACES):
    """Every Dense coefficient over the recorded steps (seed 000 Fig 122); with more
    than ``limit`` of them, the ``limit`` that moved most (max - min over the steps),
    shared among the layers, and the panel titles say how many of how many."""
    plt = pyplot()
    from ..engine.layers import Dense

    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    weights = recorder.weights
    steps = np.asarray(recorder.steps)
    fig, axes = plt.subplots(1, len(dense), figsize=(5.4 * len(dense), 4.2), squeeze=False)
    styles = ["-", "--", ":", "-."]
    share = max(1, limit // len(dense))
    for ax, layer in zip(axes[0], dense):
        kernel = weights[f"{layer.name}.kernel"]
        bias = weights.get(f"{layer.name}.bias")
        # One column per coefficient: the bias of each cell, then its inputs' weights.
        series = np.concatenate([bias[:, None, :] if bias is not None else
                                 np.zeros((len(steps), 0, layer.units)), kernel], axis=1)
        cell = np.broadcast_to(np.arange(layer.units), series.shape[1:])
        position = np.broadcast_to(np.arange(series.shape[1])[:, None], series.shape[1:])
        flat = series.reshape(len(steps), -1)
        total = flat.shape[1]
        chosen = np.arange(total)
        if total > share:
            movement = flat.max(axis=0) - flat.min(axis=0)
            chosen = np.sort(np.argsort(-movement, kind="stable")[:share])
        for c in chosen:  # line style = which input, while there are few to tell apart
            j, s = int(cell.ravel()[c]), int(position.ravel()[c])
            ax.plot(steps, flat[:, c], color=colour(j),
                    ls=styles[s % len(styles)] if total <= share else "-",
                    lw=1.4 if total <= share else 0.9)
        for j in sorted({int(cell.ravel()[c]) for c in chosen}):
            ax.plot([], [], color=colour(j), label=_("cell {k}").format(k=j + 1))
        heading = _("{layer}: cells {units} × (bias + {inputs} inputs)").format(
            layer=layer.name, units=layer.units, inputs=layer.input_dim)
        if total > share:
            heading += "\n" + _("the {n} of {total} coefficients that moved most").format(
                n=len(chosen), total=total)
        ax.set_title(heading, fontsize=10 if total > share else None)
        ax.set_xlabel(_("step"))
        ax.set_ylabel(_("coefficient"))
        ax.grid(alpha=0.25)
        if layer.units <= 10 and layer.input_dim <= 3:
            ax.legend(fontsize=7, ncol=2, title=_("colour = cell; — bias, -- 1st, ·· 2nd "
                                                  "input"), title_fontsize=7)
        elif layer.units <= 10:
            ax.legend(fontsize=7, ncol=2, title=_("colour = cell"), title_fontsize=7)
    fig.suptitle(title or _("Coefficients during training"))
    fig.tight_layout()
    return fig


def decision_regions(model, dataset, levels=(0.5, 0.95), zoom=1.0, resolution=250,
                     title=None, xlim=None, ylim=None, plane=None):
    """Coloured class regions (lighter where uncertain), each class's probability
    contours at ``levels`` (0.5 solid, 0.95 dashed), and the data on top; over a
    ``plane`` of the input space (see projection) when there are more than two inputs."""
    plt = pyplot()
    from matplotlib.lines import Line2D

    dataset = _labelled(dataset)
    xy = dataset.features if plane is None else plane.project(dataset.features)
    if xlim is None or ylim is None:
        xlim, ylim = limits(xy, zoom=zoom)
    xx, yy, P = probability_grid(model, xlim, ylim, resolution, plane)
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
        inside = ((xy[:, 0] >= xlim[0]) & (xy[:, 0] <= xlim[1]) &
                  (xy[:, 1] >= ylim[0]) & (xy[:, 1] <= ylim[1]))
        _scatter(ax, dataset.subset(inside), size=16, xy=xy[inside])
        names = dataset.feature_names[:2] if plane is None else plane.labels
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
    handles, _labels = ax.get_legend_handles_labels()
    handles = handles[:MAX_LEGEND] + [
        Line2D([], [], color="0.2", ls=styles.get(level, ":"), label=f"p = {level}")
        for level in levels]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1),
              framealpha=0.95, ncol=1 if len(handles) <= 18 else 2)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_title(title or (_("Decision regions (zoomed)") if zoom < 1 else _("Decision regions")))
    fig.tight_layout()
    return fig


def probability_maps(model, dataset, points=None, resolution=200, title=None, plane=None):
    """One panel per class: its probability over the plane (of the inputs, or a
    ``plane`` of a wider input space), with the 0.5 and 0.95 contours, and optional
    ``points`` (e.g. Table 67's grid) marked."""
    plt = pyplot()
    dataset = _labelled(dataset)
    xy = dataset.features if plane is None else plane.project(dataset.features)
    shown = xy if points is None else np.vstack([xy, points])
    xlim, ylim = limits(shown)
    xx, yy, P = probability_grid(model, xlim, ylim, resolution, plane)
    K = P.shape[2]
    names = _class_names(dataset, K)
    axis = dataset.feature_names[:2] if plane is None else plane.labels
    cols = min(K, 3 if K <= 9 else 4)
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
        ax.set_xlabel(axis[0], fontsize=8)
        ax.set_ylabel(axis[1], fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.suptitle(title or _("Probability of each class (white: p = 0.5 solid, 0.95 dashed)"))
    fig.tight_layout()
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
