"""Reports: one self-contained HTML file per run.

May import: base, io, engine, training, data, explain, plotting.
"""

from .html import Report, png_bytes
from .run import confusion_matrix, save_figure, write_run

__all__ = ["Report", "confusion_matrix", "png_bytes", "save_figure", "write_run"]
