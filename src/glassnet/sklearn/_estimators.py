"""NetClassifier and NetRegressor: MLPClassifier's and MLPRegressor's contract, glassnet's
network underneath."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from . import _params
from ._base import BaseNet
from ._training import r2

_SHARED_DOC = """
    hidden_layer_sizes : int, or list of int or dict, default=(100,)
        Cells of each hidden layer. A dict describes one layer with ``units`` and any
        of ``activation``, ``dropout``, ``batch_norm``, ``l1``, ``l2``,
        ``kernel_initializer`` (``l1``/``l2`` in glassnet's units: ``l2 · Σ w²``).
    activation : str or list of str, default="relu"
        Hidden activation ("identity", "logistic", "tanh", "relu" as MLPClassifier, or
        any glassnet activation such as "leaky_relu", "elu", "swish"), or one per
        hidden layer.
    solver : str or dict, default="adam"
        "adam", "sgd", "lbfgs" (full batch, SciPy's L-BFGS-B) as MLPClassifier, or any
        glassnet optimiser ("rmsprop", "adagrad", "adadelta", "adamw"), or an optimiser
        config such as ``{"name": "rmsprop", "rho": 0.8}``.
    alpha : float, default=0.0001
        L2 penalty with MLPClassifier's scaling: ``alpha / (2 n_batch) · Σ w²``.
    batch_size : int or "auto", default="auto"
        Rows per step; "auto" is min(200, n_samples).
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of the "sgd" solver, as MLPClassifier.
    learning_rate_init, power_t, momentum, nesterovs_momentum, beta_1, beta_2, epsilon
        As MLPClassifier (momentum for "sgd", betas and epsilon for "adam").
    max_iter : int, default=200
        Epochs (iterations of L-BFGS for "lbfgs").
    shuffle : bool, default=True
        Reshuffle the rows before every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, dropout, shuffling and the early-stopping split.
    tol : float, default=1e-4
    n_iter_no_change : int, default=10
        Training stops when the training loss (or, with ``early_stopping``, the
        validation score) has not improved by ``tol`` for this many epochs.
    verbose : bool, default=False
        Print the loss after each epoch.
    warm_start : bool, default=False
        Continue from the previous fit's weights.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (or use ``eval_set`` given to
        ``fit``), stop on its score and keep the best weights.
    validation_fraction : float, default=0.1
        Used only with ``early_stopping=True``.
    max_fun : int, default=15000
        Most loss evaluations of "lbfgs".
    dropout : float, default=0.0
        Dropout rate after each hidden layer.
    batch_norm : bool, default=False
        Batch normalisation after each hidden layer.
    l1 : float, default=0.0
        L1 penalty ``l1 · Σ |w|`` on every kernel (glassnet's units).
    kernel_initializer : str, default="glorot_uniform"
        Initial weights ("glorot_uniform" is MLPClassifier's rule for ReLU and tanh;
        "auto" picks He uniform for the ReLU family).
    bias_initializer : str, default="glorot_uniform"
        Initial biases. MLPClassifier draws them from a uniform range like the
        kernels, which on standardised features trains faster than zeros (Keras's
        convention, ``"zeros"``); Glorot's range for a bias of n cells is ±√(3/n).
    scale : {"standard", "minmax", "none"}, default="standard"
        Feature scaling fitted on the training rows and kept inside the network (so
        ``model_`` and its saved file apply it too).
    dtype : {"float64", "float32"} or None, default=None
        Floating-point type of the network; None follows ``X`` as MLPClassifier does
        (float32 features train a float32 network whose ``coefs_`` and outputs are
        float32; anything else trains in float64)."""

_ATTRIBUTES_DOC = """
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names of a DataFrame given to ``fit`` (then every X must carry them).
    n_iter_ : int
        Epochs run by the last call to ``fit``.
    t_ : int
        Training samples seen in all calls.
    loss_, loss_curve_ : float, list of float
        Training loss (with penalties) of the last epoch, and of every epoch; for a
        regressor with ``scale_target`` in standardised target units, the units it
        learns in.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    validation_scores_ : list of float or None
        Score on the validation rows after every epoch (early stopping or eval_set).
    validation_loss_curve_ : list of float or None
        Loss on the validation rows after every epoch.
    best_validation_score_ : float or None
    coefs_, intercepts_ : list of ndarray
        Kernels (inputs, cells) and biases of the layers in MLPClassifier's layout,
        with the feature scaling folded into the first layer.
    n_layers_, n_outputs_ : int
    out_activation_ : str
    model_ : glassnet.Sequential
        The fitted network: every glassnet figure, report and ``model_.save(path)`` work
        on it."""


def _store(estimator, arguments):
    """Keep every ``__init__`` argument unchanged under its own name."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


class NetClassifier(ClassifierMixin, BaseNet):
    __doc__ = f"""Feed-forward network classifier: MLPClassifier's contract, glassnet's layers.

    Parameters
    ----------{_SHARED_DOC}
    loss : str, default="log_loss"
        "log_loss" (one logistic output for two classes, softmax otherwise, as
        MLPClassifier) or any glassnet loss on softmax outputs.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes ({{label: weight}}, or "balanced": n / (K · n_k)),
        multiplied into the rows' weights.

    Attributes
    ----------
    classes_ : ndarray
        Class labels (any type: numbers, strings, Japanese names).{_ATTRIBUTES_DOC}

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from glassnet.sklearn import NetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NetClassifier(hidden_layer_sizes=(8,), max_iter=300, random_state=0).fit(X, y)
    >>> clf.predict(X[:2]).tolist(), clf.predict_proba(X[:2]).shape
    ([0, 0], (2, 3))
    >>> [c.shape for c in clf.coefs_]
    [(4, 8), (8, 3)]
    """

    _parameter_constraints = {
        **BaseNet._parameter_constraints,
        "loss": [StrOptions(_params.CLASSIFIER_LOSSES)],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _is_clf = True
    _multi_output = True  # multilabel 0/1 columns; a column vector is raveled with a warning

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 loss="log_loss", dropout=0.0, batch_norm=False, l1=0.0,
                 kernel_initializer="glorot_uniform", bias_initializer="glorot_uniform",
                 scale="standard", class_weight=None, dtype=None):
        _store(self, locals())  # __init__ only stores its arguments, as scikit-learn asks

    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Train on ``(X, y)``; ``eval_set=(X_val, y_val)`` is scored after every epoch.

        ``sample_weight`` weighs each row's loss (scaled to a mean of 1, so the loss is
        MLPClassifier's weighted mean).

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=False, sample_weight=sample_weight,
                         eval_set=eval_set)

    @available_if(lambda self: self.solver not in _params.FULL_BATCH_SOLVERS)
    def partial_fit(self, X, y, sample_weight=None, classes=None, eval_set=None):
        """One epoch over ``(X, y)``, continuing from the current weights.

        ``classes`` (every class that will ever appear) is required on the first call.
        """
        if not hasattr(self, "classes_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if (hasattr(self, "classes_") and classes is not None and not self._multilabel
                and not np.array_equal(self.classes_, np.unique(np.asarray(classes)))):
            raise ValueError(f"`classes={np.unique(np.asarray(classes))!r}` is not the same as "
                             f"on last call to partial_fit, was: {self.classes_!r}")
        return self._fit(X, y, incremental=True, sample_weight=sample_weight,
                         eval_set=eval_set, classes=classes)

    def _encode_targets(self, y, first_pass, classes=None, name="y", warm=False):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if y.ndim == 2:
            return self._encode_multilabel(y, first_pass, name)
        if first_pass:
            labels = np.unique(y if classes is None else np.asarray(classes))
            self.classes_ = labels  # one class is fitted too, as MLPClassifier does
            self._class_names = [str(c) for c in labels]
            self._multilabel = False
        elif self._multilabel:
            raise ValueError(f"{name} has one label per row, but the network was fitted on "
                             f"multilabel rows ({len(self.classes_)} 0/1 columns)")
        if warm and not np.array_equal(np.unique(y), self.classes_):
            raise ValueError("warm_start can only be used where `y` has the same classes as in "
                             f"the previous call to fit. Previously got {self.classes_}, `y` "
                             f"has {np.unique(y)}")
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(f"{name} has classes not in `self.classes_`. `self.classes_` has "
                             f"{self.classes_}. {name!r} has {unseen} too.")
        index = np.searchsorted(self.classes_, y)
        if self._binary_logistic:
            return index.astype(np.float64).reshape(-1, 1)
        return index

    def _encode_multilabel(self, y, first_pass, name):
        """Multilabel rows (0/1 indicator columns), as MLPClassifier: one logistic cell
        per label."""
        if type_of_target(y) != "multilabel-indicator":
            raise ValueError(f"{name} has several columns that are not all 0/1: "
                             f"{type(self).__name__} learns one label per row or multilabel "
                             "0/1 columns, not several multiclass targets")
        if first_pass:
            self.classes_ = np.arange(y.shape[1])
            self._class_names = None  # labels, not classes that exclude each other
            self._multilabel = True
        elif not self._multilabel or y.shape[1] != len(self.classes_):
            raise ValueError(f"{name} has {y.shape[1]} label columns; the network was fitted "
                             f"on {len(self.classes_)}")
        return np.asarray(y, dtype=np.float64)

    @property
    def _binary_logistic(self):
        return len(self.classes_) <= 2 and self.loss == "log_loss" and not self._multilabel

    def _output(self):
        if self._multilabel:  # MLPClassifier's log-loss sums over the labels
            loss = "multilabel_log_loss" if self.loss == "log_loss" else self.loss
            return loss, "sigmoid", False
        if self._binary_logistic:
            return "binary_crossentropy", "sigmoid", False
        loss = "categorical_crossentropy" if self.loss == "log_loss" else self.loss
        return loss, "softmax", False

    def _score_during_fit(self, x, targets):
        out = self.model_.predict(x)
        if targets.ndim == 2:  # one logistic cell per column: every column must be right
            return float(np.mean(((out > 0.5) == (targets > 0.5)).all(axis=1)))
        return float(np.mean(out.argmax(axis=1) == targets))

    def predict_proba(self, X):
        """Probability of each class (or label), columns in ``classes_`` order."""
        out = self._network_output(X)  # in the network's dtype, as MLPClassifier
        if out.shape[1] == 1 and not self._multilabel:
            if len(self.classes_) == 1:  # one class: its probability (the net learns 0)
                return 1.0 - out
            return np.hstack([1.0 - out, out])
        return out

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row (labels as given to ``fit``), or the 0/1
        label columns of multilabel rows."""
        proba = self.predict_proba(X)
        if self._multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[proba.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class NetRegressor(RegressorMixin, BaseNet):
    __doc__ = f"""Feed-forward network regressor: MLPRegressor's contract, glassnet's layers.

    Parameters
    ----------{_SHARED_DOC}
    loss : str, default="squared_error"
        "squared_error" (MLPRegressor's) or any glassnet loss, such as
        "mean_absolute_error".
    output_activation : str, default="identity"
        Activation of the output cells.
    scale_target : bool, default=True
        Learn a standardised target; the scaling is folded back into the output layer
        afterwards, so ``predict`` and ``model_`` answer in the target's own units.

    Attributes
    ----------{_ATTRIBUTES_DOC}

    Examples
    --------
    >>> import numpy as np
    >>> from glassnet.sklearn import NetRegressor
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> reg = NetRegressor((16,), "tanh", max_iter=400, random_state=0).fit(X, 3 * X[:, 0])
    >>> round(reg.score(X, 3 * X[:, 0]), 2) > 0.95
    True
    """

    _parameter_constraints = {
        **BaseNet._parameter_constraints,
        "loss": [StrOptions(_params.REGRESSOR_LOSSES)],
        "output_activation": [StrOptions(set(_params.activations.ACTIVATIONS.names()))],
        "scale_target": ["boolean"],
    }
    _is_clf = False
    _multi_output = True

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 loss="squared_error", output_activation="identity", scale_target=True,
                 dropout=0.0, batch_norm=False, l1=0.0, kernel_initializer="glorot_uniform",
                 bias_initializer="glorot_uniform", scale="standard", dtype=None):
        _store(self, locals())  # __init__ only stores its arguments, as scikit-learn asks

    fit = NetClassifier.fit

    @available_if(lambda self: self.solver not in _params.FULL_BATCH_SOLVERS)
    def partial_fit(self, X, y, sample_weight=None, eval_set=None):
        """One epoch over ``(X, y)``, continuing from the current weights."""
        return self._fit(X, y, incremental=True, sample_weight=sample_weight,
                         eval_set=eval_set)

    def _encode_targets(self, y, first_pass, classes=None, name="y", warm=False):
        y = np.asarray(y, dtype=np.float64)
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(f"Some value(s) of {name} are negative which is not allowed for "
                             "Poisson regression.")
        targets = y.reshape(-1, 1) if y.ndim == 1 else y
        if first_pass:
            self._y_columns = targets.shape[1]
        elif targets.shape[1] != self._y_columns:
            raise ValueError(f"{name} has {targets.shape[1]} target columns; the network was "
                             f"fitted on {self._y_columns}")
        return targets

    def _output(self):
        if self.loss == "poisson":  # MLPRegressor's: a log link and half the deviance
            return "half_poisson_deviance", "exponential", False
        loss = "mean_squared_error" if self.loss == "squared_error" else self.loss
        return loss, self.output_activation, bool(self.scale_target)

    def _loss_in_mlp_units(self, value):
        # MLPRegressor's squared error is half the mean squared error
        return float(value) / 2.0 if self.loss == "squared_error" else float(value)

    def _score_during_fit(self, x, targets):
        out = self.model_.predict(x).astype(np.float64)
        if self._target_during_fit is not None:  # the network still learns standardised units
            mean, std = self._target_during_fit
            out = out * std + mean
        return r2(targets, out)

    def predict(self, X):
        """Predicted targets: shape (n,) for one target column, else (n, n_outputs)."""
        out = self._network_output(X)  # in the network's dtype, as MLPRegressor
        return out[:, 0] if out.shape[1] == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
