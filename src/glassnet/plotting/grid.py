"""Class probabilities over a grid of the 2-D input plane (shared by several figures)."""

from __future__ import annotations

import numpy as np

from ..data.exports import class_probabilities


def limits(features, pad=0.1, zoom=1.0):
    """Plot limits around the data: padded, optionally zoomed on the centre."""
    low, high = features.min(axis=0), features.max(axis=0)
    centre, half = (low + high) / 2, (high - low) / 2 * (1 + pad) * zoom
    half = np.where(half > 0, half, 1.0)
    return (centre[0] - half[0], centre[0] + half[0]), (centre[1] - half[1], centre[1] + half[1])


#: Grid cells (points × inputs) evaluated at once for a figure; wide inputs get a
#: coarser grid rather than hundreds of megabytes.
GRID_BUDGET = 4_000_000


def probability_grid(model, xlim, ylim, resolution=250, plane=None):
    """xx, yy (resolution × resolution) and P (resolution, resolution, K).

    With a ``plane`` (see ``projection.Plane``) the grid lies in that plane of a wider
    input space; the resolution then shrinks so the grid stays within GRID_BUDGET."""
    if plane is not None:
        width = plane.origin.size
        resolution = int(max(40, min(resolution, np.sqrt(GRID_BUDGET / width))))
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    p = class_probabilities(model, points if plane is None else plane.lift(points))
    return xx, yy, p.reshape(resolution, resolution, -1)


def region_areas(P, levels=(0.5, 0.95)) -> dict:
    """Share of the grid where each class's probability reaches each level."""
    return {level: (P >= level).mean(axis=(0, 1)) for level in levels}
