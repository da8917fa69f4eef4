"""Shared look: headless matplotlib, a colour-blind-safe palette, Japanese text.

Importing matplotlib is slow, so nothing here runs until a figure is asked for.
"""

from __future__ import annotations

import os

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
# Classes 9-16 (MNIST has 10): Paul Tol's dark and muted colours, none close to the above,
# each with its own marker, so no two of 16 classes share colour or marker.
MORE_COLOURS = ["#882255", "#999933", "#332288", "#44AA99", "#DDCC77", "#AA4499", "#117733",
                "#88CCEE"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
MORE_MARKERS = ["p", "h", "<", ">", "d", "8", "H", "x"]

_ready = False
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value, _position=None) -> str:
    """10⁵ as plain text (the figures draw no mathtext: names come from users' files).

    >>> power_of_ten(1e-3), power_of_ten(1.0)
    ('10⁻³', '1')
    """
    import math

    exponent = int(round(math.log10(value)))
    return "1" if exponent == 0 else "10" + str(exponent).translate(SUPERSCRIPT)


def log_axis(ax, which="x") -> None:
    """Put ``ax``'s ``which`` axis ("x" or "y") on a log scale with its decades labelled
    10⁻³ in plain text: matplotlib's own labels are mathtext, which glassnet's figures
    do not parse (they would show as ``$\\mathdefault{10^{-3}}$``)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_formatter(FuncFormatter(power_of_ten))
    axis.set_minor_formatter(NullFormatter())


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
            # Names come from users' files: "$...$" in a column name is text, not mathtext.
            "text.parse_math": False,
        })
        _ready = True
    import matplotlib.pyplot as plt

    return plt


def colour(k: int) -> str:
    """Class/series k's colour: 16 distinct ones, then they repeat."""
    colours = PALETTE + MORE_COLOURS
    return colours[k % len(colours)]


def marker(k: int) -> str:
    """Class k's marker: 16 distinct ones; from class 17 on they shift by one per round
    of 16, so colour and marker together stay distinct for 256 classes."""
    markers = MARKERS + MORE_MARKERS
    return markers[(k + k // len(markers)) % len(markers)]


MAX_TEXT = 300  # characters of one text in a figure; names are cut well before


def safe_text(fig):
    """Every text of ``fig`` drawn as plain text, control characters escaped, and cut to
    MAX_TEXT characters: a 100 000-character class name costs no gigabytes to draw."""
    from matplotlib.text import Text

    from ..base.sanitize import label

    for text in fig.findobj(Text):
        value = text.get_text()
        lines = value.split("\n")
        if len(value) > 80 or any(not line.isprintable() for line in lines):
            text.set_text("\n".join(label(line, MAX_TEXT) for line in lines[:20]))
        text.set_parse_math(False)
    return fig


def save(fig, path_without_extension: str, formats=("png", "svg")) -> list[str]:
    """Write the figure as PNG and SVG (atomically) and close it."""
    import io

    from ..io.files import atomic_write

    safe_text(fig)
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
