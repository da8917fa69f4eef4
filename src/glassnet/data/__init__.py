"""Data in: datasets, CSV files, splits and scaling."""

from .dataset import Dataset

__all__ = ["Dataset"]
