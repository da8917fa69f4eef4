"""The first layer's weights as images, for image data (seed 002's MNIST networks).

Each hidden cell of the first layer has one weight per pixel; drawn as a 28 × 28
picture, it shows the stroke pattern the cell responds to (blue: the cell's sum grows
with ink there; vermillion: it shrinks).
"""

from __future__ import annotations

import numpy as np

from .style import pyplot

#: Most cells drawn as tiles.
MAX_TILES = 64


def first_layer_images(model, image_shape, limit=MAX_TILES, title=None):
    """One tile per cell of the first Dense layer (at most ``limit``, the first ones),
    each on its own symmetric colour scale, blue positive and red negative."""
    plt = pyplot()
    from ..engine.layers import Dense

    first = next(layer for layer in model.layers if isinstance(layer, Dense))
    kernel = np.asarray(first.kernel, dtype=np.float64)
    height, width = (int(v) for v in image_shape[:2])
    if kernel.shape[0] != height * width:
        raise ValueError(f"the first layer has {kernel.shape[0]} inputs, not "
                         f"{height}x{width} pixels")
    n = min(first.units, limit)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.25 * cols + 0.4, 1.3 * rows + 0.8),
                             squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.axis("off")
            continue
        tile = kernel[:, k].reshape(height, width)
        scale = float(np.abs(tile).max()) or 1.0
        ax.imshow(tile, cmap="RdBu", vmin=-scale, vmax=scale, interpolation="nearest")
        ax.set_title(f"{first.activation.name} {k + 1}", fontsize=7, pad=2)
        for spine in ax.spines.values():
            spine.set_visible(False)
    shown = (f"all {first.units} cells" if n == first.units
             else f"the first {n} of {first.units} cells")
    fig.suptitle(title or f"First-layer weights as {height}×{width} images ({shown}; "
                 "blue +, red −)", fontsize=10)
    fig.tight_layout()
    return fig
