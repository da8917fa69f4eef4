"""Tables in and out: the built-in datasets, CSV files from Excel, MNIST, splits, and the
tables written back (predictions for a CSV, coefficient tables, the model as JSON).

May import: base, io, engine, training.
"""

from .csvfile import load_csv
from .dataset import Dataset, as_dataset, train_test_split, training_ratio

__all__ = ["Dataset", "as_dataset", "load_csv", "train_test_split", "training_ratio"]
