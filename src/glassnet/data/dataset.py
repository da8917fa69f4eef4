"""``Dataset``: features plus labels, with the names a person gave them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    """Features and targets with their names and where they came from.

    For classification ``labels`` holds class indices 0..K-1 and ``class_names`` the
    K names in that order; for regression ``labels`` is a float array (n, outputs)
    and ``class_names`` is None.

    >>> import numpy as np
    >>> d = Dataset(np.zeros((3, 2)), np.array([0, 1, 1]), ["x1", "x2"], ["a", "b"])
    >>> d.one_hot().tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    """

    features: np.ndarray
    labels: np.ndarray
    feature_names: list[str]
    class_names: list[str] | None = None
    target_name: str = "class"
    source: str = ""
    info: dict = field(default_factory=dict)

    @property
    def is_classification(self) -> bool:
        return self.class_names is not None

    @property
    def n_classes(self) -> int:
        return len(self.class_names) if self.class_names is not None else 0

    def __len__(self) -> int:
        return self.features.shape[0]

    def one_hot(self, dtype="float64") -> np.ndarray:
        """Targets T as one-hot rows (seed 000), for classification data."""
        if not self.is_classification:
            raise ValueError(f"dataset {self.source or ''} is a regression dataset: no classes")
        return (self.labels[:, None] == np.arange(self.n_classes)).astype(dtype)

    @property
    def targets(self) -> np.ndarray:
        """One-hot targets for classification, the float targets for regression."""
        return self.one_hot() if self.is_classification else self.labels

    def subset(self, rows) -> Dataset:
        return Dataset(self.features[rows], self.labels[rows], list(self.feature_names),
                       None if self.class_names is None else list(self.class_names),
                       self.target_name, self.source, dict(self.info))
