"""Shared look: headless matplotlib, a colour-blind-safe palette, Japanese text.

Importing matplotlib is slow, so nothing here runs until a figure is asked for.
"""

from __future__ import annotations

import os

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

_ready = False


def pyplot():
    """matplotlib.pyplot with the Agg backend and a font that has Japanese glyphs."""
    global _ready
    import matplotlib

    if not _ready:
        matplotlib.use("Agg", force=True)
        import logging

        from matplotlib import font_manager

        # IPAexGothic has no bold face; matplotlib would log that for every bold title.
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

        fallback = []
        try:  # IPAexGothic from matplotlib-fontja, as a fallback after DejaVu Sans
            import importlib.util

            spec = importlib.util.find_spec("matplotlib_fontja")
            if spec and spec.origin:
                font = os.path.join(os.path.dirname(spec.origin), "fonts", "ipaexg.ttf")
                if os.path.exists(font):
                    font_manager.fontManager.addfont(font)
                    fallback = ["IPAexGothic"]
        except ImportError:
            pass
        matplotlib.rcParams.update({
            "font.family": ["DejaVu Sans", *fallback],
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "svg.fonttype": "none",
        })
        _ready = True
    import matplotlib.pyplot as plt

    return plt


def colour(k: int) -> str:
    return PALETTE[k % len(PALETTE)]


def save(fig, path_without_extension: str, formats=("png", "svg")) -> list[str]:
    """Write the figure as PNG and SVG (atomically) and close it."""
    import io

    from ..files import atomic_write

    paths = []
    for fmt in formats:
        path = f"{path_without_extension}.{fmt}"
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, bbox_inches="tight")
        data = buffer.getvalue()
        atomic_write(path, lambda f, data=data: f.write(data))
        paths.append(path)
    pyplot().close(fig)
    return paths
