"""``Dataset``: features plus labels, with the names a person gave them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..base.errors import ConfigError, DataError
from ..base.validation import check_number


@dataclass
class Dataset:
    """Features and targets with their names and where they came from.

    For classification ``labels`` holds class indices 0..K-1 and ``class_names`` the
    K names in that order; for regression ``labels`` is a float array (n, outputs)
    and ``class_names`` is None. ``ids`` (n, len(id_names)) holds the ID columns'
    cells as text and ``lines`` each row's line in its file, when read from one.

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
    ids: np.ndarray | None = None
    id_names: list[str] = field(default_factory=list)
    lines: np.ndarray | None = None

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
            raise DataError(f"dataset {self.source} has a numeric (regression) target, no "
                            "classes to one-hot encode")
        return (self.labels[:, None] == np.arange(self.n_classes)).astype(dtype)

    @property
    def targets(self) -> np.ndarray:
        """One-hot targets for classification, the float targets for regression."""
        return self.one_hot() if self.is_classification else self.labels

    def targets_for(self, loss, outputs=None) -> np.ndarray:
        """Targets in the form ``loss`` and a model with ``outputs`` output cells expect:
        class indices for a sparse loss, one 0/1 column (1 = the second class) for a
        single output of two classes (Keras's ``Dense(1, "sigmoid")`` with
        ``binary_crossentropy``), one-hot rows otherwise.

        >>> import numpy as np
        >>> d = Dataset(np.zeros((3, 1)), np.array([0, 1, 1]), ["x"], ["no", "yes"])
        >>> d.targets_for("binary_crossentropy", outputs=1).tolist()
        [[0.0], [1.0], [1.0]]
        """
        if not self.is_classification:
            return self.labels
        if getattr(loss, "sparse_targets", False):
            return self.labels
        if outputs == 1:
            if self.n_classes != 2:
                raise DataError(
                    f"{self.source or 'the data'}: the target {self.target_name!r} has "
                    f"{self.n_classes} classes, but the model has 1 output cell, which can "
                    f"tell only two apart; end the model with Dense({self.n_classes}, "
                    "'softmax') and loss='categorical_crossentropy'")
            return self.labels[:, None].astype(np.float64)
        return self.targets

    def subset(self, rows) -> Dataset:
        pick = lambda a: None if a is None else a[rows]  # noqa: E731
        return Dataset(self.features[rows], self.labels[rows], list(self.feature_names),
                       None if self.class_names is None else list(self.class_names),
                       self.target_name, self.source, dict(self.info), pick(self.ids),
                       list(self.id_names), pick(self.lines))

    def aligned_to(self, reference: Dataset) -> Dataset:
        """This dataset with its class labels re-indexed into ``reference``'s class order
        (a validation or test file may list its classes in another order, or lack some).
        """
        if not reference.is_classification or self.class_names == reference.class_names:
            return self
        if not self.is_classification:
            raise DataError(f"{self.source or 'this data'} has a numeric target, but the "
                            "training data has classes")
        unknown = [c for c in self.class_names if c not in reference.class_names]
        if unknown:
            raise DataError(f"{self.source or 'this data'}: class(es) "
                            f"{', '.join(map(repr, unknown))} do not occur in the training "
                            f"data (classes {', '.join(map(repr, reference.class_names))})")
        mapping = np.array([reference.class_names.index(c) for c in self.class_names],
                           dtype=np.intp)
        aligned = self.subset(slice(None))
        aligned.labels = mapping[self.labels]
        aligned.class_names = list(reference.class_names)
        return aligned

    def label_text(self) -> list[str]:
        if self.is_classification:
            return [self.class_names[i] for i in self.labels]
        return [repr(float(v)) for v in self.labels[:, 0]]

    def to_csv(self, path, overwrite=True) -> None:
        """Write the ID columns, features and the target column (class names) as UTF-8
        CSV with a BOM, which Excel, Japanese Excel included, opens with the names
        intact, or, for data read from a file, in that file's conventions (delimiter,
        decimal mark, encoding: ``files.output_dialect``); names that a spreadsheet
        would run as formulas are neutralised (``files.csv_bytes``)."""
        from ..io.files import output_dialect, write_csv


        targets = ([self.target_name] if self.is_classification or self.labels.shape[1] == 1
                   else [f"{self.target_name}_{i + 1}" for i in range(self.labels.shape[1])])
        labels = ([[name] for name in self.label_text()] if self.is_classification
                  else self.labels.tolist())
        ids = self.ids.tolist() if self.ids is not None else [()] * len(self)
        rows = ([*idv, *map(float, row), *label]
                for idv, row, label in zip(ids, self.features, labels))
        write_csv(path, [*self.id_names, *self.feature_names, *targets], rows, overwrite,
                  output_dialect(self.info))


def as_dataset(obj, target=None) -> Dataset:
    """A Dataset from a Dataset, a pandas DataFrame (with ``target``), or a tuple (x, y)."""
    if isinstance(obj, Dataset):
        return obj
    if hasattr(obj, "columns") and hasattr(obj, "to_numpy"):  # pandas DataFrame
        if target is None:
            raise ConfigError("a DataFrame needs target=... (the column to predict)")
        if target not in obj.columns:
            raise DataError(f"DataFrame has no column {target!r}; columns are: "
                            f"{', '.join(map(str, obj.columns))}")
        features = obj.drop(columns=[target])
        x = np.asarray(features.to_numpy(), dtype=np.float64)
        y = obj[target].to_numpy()
        labels, names = _encode_labels(y)
        return Dataset(x, labels, [str(c) for c in features.columns], names, str(target),
                       "DataFrame")
    if isinstance(obj, tuple) and len(obj) == 2:
        x = np.asarray(obj[0], dtype=np.float64)
        labels, names = _encode_labels(np.asarray(obj[1]))
        return Dataset(x, labels, [f"x{i + 1}" for i in range(x.shape[1])], names, "y",
                       "arrays")
    raise ConfigError(f"expected a Dataset, a DataFrame or a tuple (x, y), got "
                      f"{type(obj).__name__}")


def _encode_labels(y):
    if y.dtype.kind in "fc":
        return y.astype(np.float64).reshape(len(y), -1), None
    names = sorted(set(y.tolist()), key=lambda v: (isinstance(v, str), v))
    index = {v: i for i, v in enumerate(names)}
    return np.array([index[v] for v in y.tolist()], dtype=np.intp), [str(v) for v in names]


def training_ratio(dataset: Dataset, ratio: float = 1.0) -> tuple[Dataset, Dataset]:
    """Seed 000's TrainingRatio: the first ``ratio`` of the rows train, the rest test.

    >>> import numpy as np
    >>> d = Dataset(np.arange(8.0).reshape(4, 2), np.array([0, 1, 0, 1]), ["a", "b"], ["n", "y"])
    >>> train, test = training_ratio(d, 0.5)
    >>> len(train), len(test)
    (2, 2)
    """
    ratio = check_number("training_ratio", ratio, minimum=0.0, maximum=1.0,
                         exclusive_minimum=True)
    n_train = int(round(len(dataset) * ratio))
    if n_train == 0:
        raise ConfigError(f"training_ratio={ratio} leaves no training rows out of "
                          f"{len(dataset)}")
    return dataset.subset(slice(0, n_train)), dataset.subset(slice(n_train, None))


def train_test_split(dataset: Dataset, test_size: float = 0.25, stratify: bool = False,
                     seed: int | None = None) -> tuple[Dataset, Dataset]:
    """Random (optionally stratified) split; row order inside each part is kept."""
    test_size = check_number("test_size", test_size, minimum=0.0, maximum=1.0,
                             exclusive_minimum=True, exclusive_maximum=True)
    rng = np.random.default_rng(seed)
    n = len(dataset)
    if stratify:
        if not dataset.is_classification:
            raise ConfigError("stratify=True needs a classification target")
        test = []
        for k in range(dataset.n_classes):
            rows = rng.permutation(np.flatnonzero(dataset.labels == k))
            test.extend(rows[: int(round(rows.size * test_size))])
        test = np.array(test, dtype=np.intp)
    else:
        test = rng.permutation(n)[: int(round(n * test_size))]
    mask = np.zeros(n, dtype=bool)
    mask[test] = True
    if mask.all() or not mask.any():
        raise ConfigError(f"test_size={test_size} leaves an empty part out of {n} rows")
    return dataset.subset(~mask), dataset.subset(mask)
