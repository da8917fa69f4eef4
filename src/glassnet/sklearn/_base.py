"""What NetClassifier and NetRegressor share: fitting through the model spec, and the
fitted attributes in MLPClassifier's layout."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..base.errors import ConfigError
from ..data import Dataset
from ..training import spec as specs
from ..training.fallback import NonFiniteStartError
from . import _params
from ._training import Convergence

#: largest matrix product per step (multiply-adds) still run on one BLAS thread
SINGLE_THREAD_WORK = 1 << 22


def _blas_threads(model, batch_size):
    """One BLAS thread for small networks: their matrix products take microseconds, and
    waking a second thread costs more than it saves (far more on a busy machine)."""
    import contextlib

    from threadpoolctl import threadpool_limits

    widths = [model.input_dim] + [layer.output_dim for layer in model.layers]
    work = batch_size * max(a * b for a, b in zip(widths, widths[1:]))
    return threadpool_limits(1, "blas") if work <= SINGLE_THREAD_WORK else contextlib.nullcontext()


#: sparse matrices are accepted (as MLPClassifier does) and made dense for the network,
#: up to this many bytes of dense matrix: a 300 x 2**20 matrix from HashingVectorizer's
#: default width would be 2.3 GiB (and its first layer alone 2**20 x units weights), so
#: above it fit refuses with the size; predict densifies a block of rows at a time
SPARSE = ("csr", "csc", "coo")
MAX_DENSE_BYTES = 256 * 2**20


def _dense(x, name="X"):
    if not hasattr(x, "toarray"):
        return x
    need = x.shape[0] * x.shape[1] * x.dtype.itemsize
    if need > MAX_DENSE_BYTES:
        raise ConfigError(
            f"{name} is a sparse {x.shape[0]} x {x.shape[1]} matrix; the network needs it "
            f"dense, which would take {need / 2**30:.2f} GiB ({x.dtype}), more than the limit "
            f"of {MAX_DENSE_BYTES // 2**20} MiB; reduce the columns first (e.g. "
            "HashingVectorizer(n_features=2**12) or TruncatedSVD) or pass fewer rows")
    return x.toarray()


def _dense_blocks(x):
    """Row blocks of ``x`` as dense arrays, each at most MAX_DENSE_BYTES (one for dense x)."""
    if not hasattr(x, "toarray"):
        yield x
        return
    x = x.tocsr()
    step = max(1, MAX_DENSE_BYTES // max(1, x.shape[1] * x.dtype.itemsize))
    for start in range(0, x.shape[0], step):
        yield x[start:start + step].toarray()



def _numbers(X, name="X"):
    """A DataFrame's text columns that hold numbers ("1,234", "▲5") read by glassnet's
    one cell parser, as every other front end reads them; other input unchanged."""
    from ..data.frames import is_table, numeric_frame

    return numeric_frame(X, name) if is_table(X) else X

class BaseNet(BaseEstimator):
    """Base class; use NetClassifier or NetRegressor."""

    _parameter_constraints: dict = dict(_params.CONSTRAINTS)

    # What subclasses provide --------------------------------------------------------
    def _encode_targets(self, y, first_pass, classes=None, name="y", warm=False):
        """Targets as the network learns them; sets ``classes_`` etc. on a first pass."""
        raise NotImplementedError

    def _output(self):
        """(loss, output activation, scale_target) for the spec."""
        raise NotImplementedError

    def _score_during_fit(self, x, y):
        raise NotImplementedError

    def _loss_in_mlp_units(self, value):
        return float(value)

    # Fitting ------------------------------------------------------------------------
    def _network(self, data, random_state, first_pass, incremental, validation):
        """The network to train (new, or kept for a warm start / partial_fit) and the
        curves that follow it; returns its ModelSpec."""
        if first_pass:
            seed = int(random_state.randint(np.iinfo(np.int32).max))
            spec = self._spec(data, seed)
            self.model_ = specs.build_model(spec, data)
            self.t_ = 0
            self.loss_curve_ = []
            self.best_loss_ = np.inf
            self._no_improvement_count = 0
        else:
            spec = self._spec(data, self.model_.seed)
            if not incremental:  # a warm start restarts the optimiser, as MLPClassifier
                self.model_.compile(spec.optimizer, self.model_.loss, [])
        self._spec_ = spec
        if first_pass or (validation is not None and self.validation_scores_ is None):
            watched = validation is not None
            self.validation_scores_ = [] if watched else None
            self.best_validation_score_ = -np.inf if watched else None
            self.validation_loss_curve_ = [] if watched else None
        if self.early_stopping:
            self.best_loss_ = None
        elif self.best_loss_ is None:
            self.best_loss_ = np.inf
        return spec

    def _fit(self, X, y, *, incremental, sample_weight=None, eval_set=None, classes=None):
        self._validate_params()
        first_pass = not hasattr(self, "model_") or (not self.warm_start and not incremental)
        if first_pass:  # a pandas Series names the target column for glassnet's files
            name = getattr(y, "name", None)
            self._target_name = name if isinstance(name, str) else "y"
        X, y = self._validate_xy(X, y, reset=first_pass)
        if first_pass:  # MLPClassifier's rule: the network takes the features' dtype
            self._dtype = self.dtype or ("float32" if X.dtype == np.float32 else "float64")
        targets = self._encode_targets(y, first_pass, classes,
                                       warm=not first_pass and not incremental)
        weights, self._mean_weight = self._row_weights(X, y, sample_weight)
        random_state = check_random_state(self.random_state)
        if self.solver in _params.FULL_BATCH_SOLVERS and incremental:
            raise AttributeError(f"partial_fit is only available for stochastic optimizers. "
                                 f"{self.solver} is not stochastic.")
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True; pass "
                             "eval_set=(X_val, y_val) to follow a validation score instead")

        validation = None
        if eval_set is not None:
            validation = self._eval_rows(eval_set)
        if self.early_stopping and validation is None:
            X, targets, weights, validation = self._split_validation(X, targets, weights,
                                                                     random_state)
        data = self._dataset(X, targets)
        spec = self._network(data, random_state, first_pass, incremental, validation)
        self.n_iter_ = 0
        self._no_improvement_count = 0
        if self.solver in _params.FULL_BATCH_SOLVERS:
            from ._lbfgs import fit_lbfgs

            with _blas_threads(self.model_, len(data)):
                fit_lbfgs(self, data, None if validation is None else validation[:2], weights)
            self._remember_names()
            return self
        monitor = Convergence(self, X.shape[0], None if validation is None else validation[:2],
                              self.early_stopping, incremental)
        self._target_during_fit = specs.target_scaling(spec, self.model_, data)
        try:
            with _blas_threads(self.model_, spec.batch_size):
                specs.fit_model(
                    self.model_, spec, data,
                    validation=None if validation is None else validation[2],
                    epochs=1 if incremental else spec.epochs, callbacks=[monitor], verbose=0,
                    sample_weight=weights)
        except NonFiniteStartError as exc:  # MLPClassifier's words first, then glassnet's
            raise ValueError("Solver produced non-finite parameter weights. The input data "
                             f"may contain large values and need to be preprocessed. ({exc})"
                             ) from None
        finally:
            self._target_during_fit = None
        self._remember_names()
        if not incremental and not monitor.converged and self.n_iter_ == self.max_iter:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                          "and the optimization hasn't converged yet.", ConvergenceWarning,
                          stacklevel=3)
        return self

    def _remember_names(self):
        """Class names travel with the network into its file (a two-class logistic
        output learns 0/1 targets, which carry no names of their own)."""
        if self._is_clf and self._class_names is not None:
            self.model_.info["class_names"] = list(self._class_names)

    def _validate_xy(self, X, y, reset):
        X, y = validate_data(self, _numbers(X), y, reset=reset, dtype=(np.float64, np.float32),
                             accept_sparse=SPARSE, multi_output=self._multi_output,
                             y_numeric=not self._is_clf)
        return _dense(X, "X"), y

    def _eval_rows(self, eval_set):
        """``eval_set=(X_val, y_val)`` checked like X: (x, encoded y, Dataset)."""
        if not isinstance(eval_set, (tuple, list)) or len(eval_set) != 2:
            raise ConfigError("eval_set must be a tuple (X_val, y_val), got "
                              f"{type(eval_set).__name__}")
        x_val, y_val = validate_data(self, _numbers(eval_set[0], "eval_set X"), eval_set[1],
                                     reset=False,
                                     dtype=(np.float64, np.float32), accept_sparse=SPARSE,
                                     multi_output=self._multi_output,
                                     y_numeric=not self._is_clf)
        x_val = _dense(x_val, "eval_set X")
        targets = self._encode_targets(y_val, first_pass=False, name="eval_set y")
        return x_val, targets, self._dataset(x_val, targets)

    def _row_weights(self, X, y, sample_weight):
        """One weight per row from ``sample_weight`` and ``class_weight``, scaled to a
        mean of 1 (or None), and their mean before scaling. glassnet's loss is Keras's
        Σ w l / N; with mean-1 weights that is MLPClassifier's weighted mean Σ w l / Σ w,
        whose penalty is divided by Σ w instead of N (see ``_spec``)."""
        class_weight = getattr(self, "class_weight", None)
        if sample_weight is None and class_weight is None:
            return None, 1.0
        weights = np.ones(X.shape[0])
        if sample_weight is not None:
            weights = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if class_weight is not None:
            if y.ndim == 2:
                raise ConfigError("class_weight needs one class per row; with multilabel "
                                  "rows give sample_weight instead")
            weights = weights * compute_sample_weight(class_weight, y)
        if not weights.sum() > 0:
            raise ValueError(f"sample weights must have a positive sum, got {weights.sum()}")
        return weights / weights.mean(), float(weights.mean())

    def _split_validation(self, X, targets, weights, random_state):
        """MLPClassifier's early-stopping split: validation_fraction of the rows,
        stratified for classes, drawn with the estimator's random state (the rows'
        weights go with them)."""
        stratify = None  # multilabel rows and numbers are not stratified (as MLPClassifier)
        if self._is_clf and (targets.ndim == 1 or targets.shape[1] == 1) \
                and not self._multilabel:  # by label, so messages name the user's classes
            stratify = self.classes_[targets.reshape(len(targets), -1)[:, 0].astype(int)]
        arrays = (X, targets) if weights is None else (X, targets, weights)
        parts = train_test_split(*arrays, random_state=random_state,
                                 test_size=self.validation_fraction, stratify=stratify)
        x_train, x_val, t_train, t_val = parts[:4]
        w_train = None if weights is None else parts[4]
        if x_val.shape[0] < 2:
            raise ValueError("The validation set is too small. Increase 'validation_fraction' "
                             "or the size of your dataset.")
        return x_train, t_train, w_train, (x_val, t_val, self._dataset(x_val, t_val))

    def _dataset(self, x, targets) -> Dataset:
        names = (list(map(str, self.feature_names_in_)) if hasattr(self, "feature_names_in_")
                 else [f"x{i + 1}" for i in range(x.shape[1])])
        class_names = getattr(self, "_class_names", None)
        if targets.ndim == 2:  # numeric target (regression, or a binary logistic output)
            class_names = None
        return Dataset(x, targets, names, class_names, getattr(self, "_target_name", "y"),
                       "scikit-learn")

    def _spec(self, data, seed):
        loss, output_activation, scale_target = self._output()
        n_outputs = 1 if data.is_classification else data.labels.shape[1]
        return _params.model_spec(self, len(data), n_outputs, mean_weight=self._mean_weight,
                                  loss=loss,
                                  output_activation=output_activation,
                                  scale_target=scale_target, seed=seed,
                                  dtype=self._dtype)

    # Prediction ---------------------------------------------------------------------
    def _network_output(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, _numbers(X), reset=False, dtype=(np.float64, np.float32),
                          accept_sparse=SPARSE)
        if not hasattr(X, "toarray"):
            return self.model_.predict(X)
        return np.concatenate([self.model_.predict(block) for block in _dense_blocks(X)])

    # MLPClassifier's attributes -------------------------------------------------------
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Kernels of the Dense layers (inputs, cells), MLPClassifier's layout.

        Feature scaling is folded into the first one, so these coefficients act on the
        raw features: an MLPClassifier given them computes the same outputs (without
        batch normalisation, which has no place in that layout)."""
        return self._folded()[0]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Biases of the Dense layers, with the feature scaling folded into the first."""
        return self._folded()[1]

    @property
    def _optimizer(self):
        """The optimiser training uses, under MLPClassifier's (private) name, which
        scikit-learn's own tests read (``_optimizer.learning_rate``)."""
        check_is_fitted(self)
        return self.model_.optimizer

    @property
    def out_activation_(self) -> str:
        name = self.model_.layers[-1].activation.name
        return {"linear": "identity", "sigmoid": "logistic"}.get(name, name)  # MLP's names

    @property
    def n_outputs_(self) -> int:
        return self.model_.output_dim

    @property
    def n_layers_(self) -> int:
        return len(self._dense_layers()) + 1

    def _dense_layers(self):
        from ..engine.layers import Dense

        check_is_fitted(self)
        return [layer for layer in self.model_.layers if isinstance(layer, Dense)]

    def _folded(self):
        from ..engine.layers import Normalization

        dense = self._dense_layers()
        dtype = self.model_.dtype  # float32 networks give float32 coefficients (as MLP)
        coefs = [layer.kernel.astype(np.float64) for layer in dense]
        intercepts = [layer.bias.astype(np.float64) for layer in dense]
        first = self.model_.layers[0]
        if isinstance(first, Normalization):
            # (x - offset) / scale · W + b  =  x · (W / scale) + (b - (offset / scale) · W)
            offset, scale = (w.astype(np.float64) for w in first.weights)
            intercepts[0] = intercepts[0] - (offset / scale) @ coefs[0]
            coefs[0] = coefs[0] / scale[:, None]
        return ([c.astype(dtype) for c in coefs], [b.astype(dtype) for b in intercepts])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        return tags
