"""The version of glassnet (ground floor: model files record it)."""

__version__ = "0.1.0"
