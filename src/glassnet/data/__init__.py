"""Data in: datasets, CSV files from Excel, splits."""

from .csvfile import load_csv
from .dataset import Dataset, as_dataset, train_test_split, training_ratio

__all__ = ["Dataset", "as_dataset", "load_csv", "train_test_split", "training_ratio"]
