"""Reports: one self-contained HTML file per run.

May import: base, io, engine, training, data, explain, plotting.
"""

from ..training.metrics import confusion_matrix  # its home; kept here for old callers
from .html import Report, png_bytes
from .run import save_figure, write_run

__all__ = ["Report", "confusion_matrix", "png_bytes", "save_figure", "write_run"]
