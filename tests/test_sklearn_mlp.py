"""scikit-learn's own ``sklearn/neural_network/tests/test_mlp.py``, ported to NetClassifier
and NetRegressor (golden behaviour from MLPClassifier's suite), and the conventions a user
moving over from MLPClassifier meets."""

import io
import pickle
import re
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

import joblib  # noqa: E402
from sklearn.datasets import load_digits, load_iris, make_multilabel_classification  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from glassnet.sklearn import NetClassifier, NetRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_DIGITS, Y_DIGITS = load_digits(n_class=3, return_X_y=True)
X_DIGITS = X_DIGITS[:200]
Y_DIGITS = Y_DIGITS[:200]


def _joblib_copy(estimator):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def _pickle_copy(estimator):
    return pickle.loads(pickle.dumps(estimator))


# Persistence: a loaded estimator trains on exactly as the original -------------------
@pytest.mark.parametrize("copy", [_pickle_copy, _joblib_copy])
@pytest.mark.parametrize("cls, solver, hidden", [
    (NetClassifier, "adam", (8,)), (NetRegressor, "sgd", (8,)),
    (NetClassifier, "rmsprop", (200, 100)),  # big enough for the fused kernel
])
def test_a_loaded_estimator_continues_training_bit_for_bit(copy, cls, solver, hidden):
    y = Y_IRIS if cls is NetClassifier else X_IRIS[:, 0] * 2 - X_IRIS[:, 1]
    net = cls(hidden, solver=solver, max_iter=3, random_state=0).fit(X_IRIS, y)
    loaded = copy(net)
    for estimator in (net, loaded):
        estimator.partial_fit(X_IRIS, y)
        estimator.partial_fit(X_IRIS[:50], y[:50])
    for a, b in zip(net.coefs_ + net.intercepts_, loaded.coefs_ + loaded.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert loaded.t_ == net.t_ and loaded.loss_curve_ == net.loss_curve_
    # a warm-start fit continues from the loaded weights too
    net.set_params(warm_start=True, max_iter=2)
    again = copy(net)
    net.fit(X_IRIS, y)
    again.fit(X_IRIS, y)
    np.testing.assert_array_equal(net.predict(X_IRIS), again.predict(X_IRIS))
    np.testing.assert_array_equal(net.coefs_[0], again.coefs_[0])


def test_mlp_loading_from_joblib_partial_fit(tmp_path):
    """scikit-learn #19626: a joblib-loaded regressor learns a new target."""
    estimator = NetRegressor(hidden_layer_sizes=(42,), random_state=42,
                             learning_rate_init=0.01, max_iter=200)
    estimator.fit([[2]], [4])
    joblib.dump(estimator, tmp_path / "mlp.pkl")
    loaded = joblib.load(tmp_path / "mlp.pkl")
    for _ in range(200):
        loaded.partial_fit([[2]], [1])
    np.testing.assert_allclose(loaded.predict([[2]]), [1], rtol=1e-4)


# Classes: MLPClassifier's rules for partial_fit and warm starts -------------------------
def test_partial_fit_classes_error():
    clf = NetClassifier(solver="sgd")
    clf.partial_fit([[3, 2]], [0], classes=[0, 1])
    with pytest.raises(ValueError, match="is not the same as on last call to partial_fit"):
        clf.partial_fit([[3, 2]], [0], classes=[1, 2])


def test_partial_fit_unseen_classes():
    """scikit-learn #6994: a class announced in ``classes`` may come later."""
    clf = NetClassifier(random_state=0)
    clf.partial_fit([[1], [2], [3]], ["a", "b", "c"], classes=["a", "b", "c", "d"])
    clf.partial_fit([[4]], ["d"])
    assert clf.score([[1], [2], [3], [4]], ["a", "b", "c", "d"]) > 0


@pytest.mark.parametrize("y_i", [
    np.array([0] * 75 + [1] * 75), np.array([0] * 50 + [1] * 50 + [3] * 50),
    np.array([0] * 37 + [1] * 37 + [2] * 38 + [3] * 38),
    np.array([0] * 30 + [1] * 30 + [2] * 30 + [3] * 30 + [4] * 30)])
def test_warm_start_needs_the_same_classes(y_i):
    clf = NetClassifier(hidden_layer_sizes=2, solver="lbfgs", warm_start=True,
                        random_state=42, tol=1e-2).fit(X_IRIS, Y_IRIS)
    clf.fit(X_IRIS, np.array([0] * 40 + [1] * 40 + [2] * 70))  # the same classes: fine
    message = ("warm_start can only be used where `y` has the same classes as in the "
               f"previous call to fit. Previously got [0 1 2], `y` has {np.unique(y_i)}")
    with pytest.raises(ValueError, match=re.escape(message)):
        clf.fit(X_IRIS, y_i)


def test_one_class_is_learnt_as_mlpclassifier_does():
    clf = NetClassifier((4,), max_iter=50, random_state=0).fit(X_IRIS[:50], Y_IRIS[:50])
    assert clf.classes_.tolist() == [0]
    assert (clf.predict(X_IRIS) == 0).all()


# dtypes: the features' float32 is kept --------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls", [NetClassifier, NetRegressor])
def test_mlp_param_dtypes(dtype, cls):
    X, y = X_DIGITS.astype(dtype), Y_DIGITS
    net = cls(alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=1, max_iter=50, tol=1e-1)
    pred = net.fit(X[:150], y[:150]).predict(X[150:])
    assert all(b.dtype == dtype for b in net.intercepts_)
    assert all(c.dtype == dtype for c in net.coefs_)
    if cls is NetRegressor:
        assert pred.dtype == dtype
    else:
        assert net.predict_proba(X[150:]).dtype == dtype
    # dtype= chooses explicitly, whatever X is
    forced = cls((3,), max_iter=5, random_state=1, dtype="float64").fit(X[:150], y[:150])
    assert forced.coefs_[0].dtype == np.float64


def test_mlp_classifier_dtypes_casting():
    params = dict(alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=1, max_iter=100, tol=1e-1)
    net64 = NetClassifier(**params).fit(X_DIGITS[:150], Y_DIGITS[:150])
    net32 = NetClassifier(**params).fit(X_DIGITS[:150].astype(np.float32), Y_DIGITS[:150])
    np.testing.assert_array_equal(net64.predict(X_DIGITS[150:]),
                                  net32.predict(X_DIGITS[150:].astype(np.float32)))
    np.testing.assert_allclose(net64.predict_proba(X_DIGITS[150:]),
                               net32.predict_proba(X_DIGITS[150:].astype(np.float32)),
                               rtol=1e-2, atol=1e-4)


# Multilabel: MLPClassifier's log-loss sums over the labels ------------------------------
def test_multilabel_loss_is_mlpclassifiers_sum_over_labels():
    X, y = make_multilabel_classification(n_samples=50, random_state=0, return_indicator=True)
    clf = NetClassifier(hidden_layer_sizes=50, solver="lbfgs", alpha=0.0, max_iter=5,
                        random_state=0, activation="logistic").fit(X, y)
    p = np.clip(clf.predict_proba(X), 1e-15, 1 - 1e-15)
    summed = -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1).mean()
    assert clf.loss_ == pytest.approx(summed, rel=1e-9)
    assert clf.model_.loss.name == "multilabel_log_loss"
    # scikit-learn's own test: the fit and partial_fit reach its scores
    clf = NetClassifier(solver="lbfgs", hidden_layer_sizes=50, alpha=1e-5, max_iter=150,
                        random_state=0, activation="logistic").fit(X, y)
    assert clf.score(X, y) > 0.97
    clf = NetClassifier(solver="sgd", hidden_layer_sizes=50, random_state=0,
                        activation="logistic", alpha=1e-5, learning_rate_init=0.2)
    for _ in range(100):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3, 4])
    assert clf.score(X, y) > 0.9


# Divergence and non-finite values -------------------------------------------------------
def test_mlp_diverging_loss():
    """scikit-learn #29504: a diverging fit scores nan, it does not raise."""
    net = NetRegressor(hidden_layer_sizes=100, activation="identity", solver="sgd",
                       learning_rate_init=1, max_iter=20, early_stopping=True,
                       n_iter_no_change=10, random_state=0, scale="none", scale_target=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X_IRIS, Y_IRIS)
    assert str(net.validation_scores_[-1]) == "nan"
    assert isinstance(net.validation_scores_[-1], float)
    assert not np.isneginf(net.validation_scores_).any()


def test_nonfinite_params():
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    with pytest.raises(ValueError, match="Solver produced non-finite parameter weights. The "
                       "input data may contain large values and need to be preprocessed."):
        NetRegressor().fit(X, rng.standard_normal(size=10))


def test_no_false_divergence_warning_with_one_row_batches():
    """One row's loss is no yardstick: a run that learns is not called diverged."""
    from glassnet.training import DivergedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergedWarning)
        for seed in range(3):
            NetClassifier((8,), batch_size=1, max_iter=5, random_state=seed).fit(X_IRIS, Y_IRIS)


# L-BFGS -------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [NetClassifier, NetRegressor])
def test_lbfgs_maxfun_limits_the_loss_evaluations(cls):
    import scipy.optimize

    calls = []
    minimize = scipy.optimize.minimize

    def counting(fun, *args, **kwargs):
        return minimize(lambda w: calls.append(1) or fun(w), *args, **kwargs)

    y = Y_IRIS if cls is NetClassifier else X_IRIS[:, 0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scipy.optimize, "minimize", counting)
        with pytest.warns(ConvergenceWarning, match="EVALUATIONS EXCEEDS LIMIT"):
            net = cls(solver="lbfgs", hidden_layer_sizes=50, tol=0.0, max_iter=150, max_fun=10,
                      random_state=1, scale="none").fit(X_IRIS, y)
    assert net.n_iter_ <= 10 and len(calls) <= 11  # scipy may finish its line search


# Poisson: MLPRegressor's log link and half deviance -------------------------------------
def test_mlp_vs_poisson_glm_equivalent():
    from sklearn.linear_model import PoissonRegressor

    rng = np.random.default_rng(42)
    X = np.linspace(0, 1, 100)
    y = rng.poisson(np.exp(X + 1))
    X = X.reshape(-1, 1)
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    net = NetRegressor(loss="poisson", hidden_layer_sizes=(1,), activation="identity", alpha=0,
                       solver="lbfgs", tol=1e-7, random_state=np.random.RandomState(43))
    net.fit(X, y)
    np.testing.assert_allclose(net.predict(X), glm.predict(X), rtol=1e-4)
    assert net.out_activation_ == "exponential"
    # loss_ is MLPRegressor's: half the Poisson deviance
    from sklearn.metrics import mean_poisson_deviance

    assert net.loss_ == pytest.approx(mean_poisson_deviance(y, net.predict(X)) / 2, rel=1e-6)
    with pytest.raises(ValueError, match="negative which is not allowed for Poisson"):
        NetRegressor(loss="poisson").fit(X, -y)


# More of test_mlp.py, as written there (data: its digits and regression sets) ----------
def _digits(n_class):
    from sklearn.preprocessing import MinMaxScaler

    X, y = load_digits(n_class=n_class, return_X_y=True)
    return MinMaxScaler().fit_transform(X[:200]), y[:200]


def test_partial_fit_regression_equals_fit():
    from sklearn.datasets import make_regression
    from sklearn.preprocessing import scale

    X, y = make_regression(n_samples=200, n_features=10, bias=20.0, noise=100.0,
                           random_state=7)
    y = scale(y)
    for momentum in [0, 0.9]:
        params = dict(solver="sgd", activation="relu", random_state=1,
                      learning_rate_init=0.01, batch_size=X.shape[0], momentum=momentum)
        pred1 = NetRegressor(max_iter=100, **params).fit(X, y).predict(X)
        net = NetRegressor(**params)
        for _ in range(100):
            net.partial_fit(X, y)
        np.testing.assert_allclose(pred1, net.predict(X))
        assert net.score(X, y) > 0.65


def test_partial_fit_classification_equals_fit():
    for X, y in (_digits(3), _digits(2)):
        pred1 = NetClassifier(solver="sgd", max_iter=100, random_state=1, tol=0, alpha=1e-5,
                              learning_rate_init=0.2).fit(X, y).predict(X)
        net = NetClassifier(solver="sgd", random_state=1, alpha=1e-5, learning_rate_init=0.2)
        for _ in range(100):
            net.partial_fit(X, y, classes=np.unique(y))
        np.testing.assert_array_equal(pred1, net.predict(X))
        assert net.score(X, y) > 0.95


def test_partial_fit_errors():
    with pytest.raises(ValueError):
        NetClassifier(solver="sgd").partial_fit([[3, 2], [1, 6]], [1, 0], classes=[2])
    assert not hasattr(NetClassifier(solver="lbfgs"), "partial_fit")


@pytest.mark.parametrize("case", ["binary", "multiclass", "multilabel"])
def test_predict_proba(case):
    from sklearn.metrics import roc_auc_score

    if case == "multilabel":
        X, y = make_multilabel_classification(n_samples=50, random_state=0,
                                              return_indicator=True)
        net = NetClassifier(solver="lbfgs", hidden_layer_sizes=30, random_state=0).fit(X, y)
        shape = y.shape
    else:
        X, y = _digits(2 if case == "binary" else 3)
        X, y = (X[:50], y[:50]) if case == "binary" else (X[:10], y[:10])
        net = NetClassifier(hidden_layer_sizes=5, random_state=1,
                            activation="logistic" if case == "binary" else "relu").fit(X, y)
        shape = (len(y), len(np.unique(y)))
    proba, log_proba = net.predict_proba(X), net.predict_log_proba(X)
    assert proba.shape == shape
    np.testing.assert_array_equal(proba.argmax(axis=1), log_proba.argmax(axis=1))
    np.testing.assert_allclose(log_proba, np.log(proba))
    if case == "binary":
        assert roc_auc_score(y, proba[:, 1]) == 1.0
    if case == "multilabel":  # logistic cells, not a softmax
        np.testing.assert_array_equal(proba > 0.5, y)
        assert (proba.sum(1) - 1).dot(proba.sum(1) - 1) > 1e-10


@pytest.mark.parametrize("cls", [NetClassifier, NetRegressor])
def test_warm_start_full_iteration(cls):
    """scikit-learn #16812: a warm-started fit runs max_iter epochs again."""
    net = cls(hidden_layer_sizes=2, solver="sgd", warm_start=True, max_iter=3)
    net.fit(X_IRIS, Y_IRIS)
    assert net.n_iter_ == 3
    net.fit(X_IRIS, Y_IRIS)
    assert net.n_iter_ == 3


@pytest.mark.parametrize("cls", [NetClassifier, NetRegressor])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_mlp_warm_start_no_convergence(cls, solver):
    """scikit-learn #24764: warm starts stop at max_iter."""
    net = cls(solver=solver, warm_start=True, early_stopping=False, max_iter=10,
              n_iter_no_change=np.inf, random_state=0)
    with pytest.warns(ConvergenceWarning):
        net.fit(X_IRIS, Y_IRIS)
    assert net.n_iter_ == 10
    net.set_params(max_iter=20)
    with pytest.warns(ConvergenceWarning):
        net.fit(X_IRIS, Y_IRIS)
    assert net.n_iter_ == 20


def test_n_iter_no_change():
    X, y = _digits(2)
    for n_iter_no_change in [2, 5, 10]:
        net = NetClassifier(tol=0.01, max_iter=3000, solver="sgd",
                            n_iter_no_change=n_iter_no_change).fit(X[:100], y[:100])
        assert net._no_improvement_count == n_iter_no_change + 1
        assert net.n_iter_ < 3000


@pytest.mark.parametrize("cls", [NetClassifier, NetRegressor])
def test_preserve_feature_names(cls):
    """scikit-learn #24846 (one class of y: fitted, as MLPClassifier)."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(data=rng.randn(10, 2), columns=["colname_a", "colname_b"])
    y = pd.Series(data=np.full(10, 1), name="colname_y")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        cls(early_stopping=True, validation_fraction=0.2).fit(X, y)


def test_minimum_input_sample_size():
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        NetRegressor(early_stopping=True, random_state=0).fit(X, y)


def test_learning_rate_warmstart():
    """A warm start keeps the 'invscaling' clock: η = η0 / (t + 1)^power_t, t = 8 rows seen."""
    X, y = [[3, 2], [1, 6], [5, 6], [-2, -4]], [1, 1, 1, 0]
    for learning_rate in ["invscaling", "constant"]:
        net = NetClassifier(solver="sgd", hidden_layer_sizes=4, learning_rate=learning_rate,
                            max_iter=1, power_t=0.25, warm_start=True)
        net.fit(X, y)
        before = net._optimizer.learning_rate
        net.fit(X, y)
        after = net._optimizer.learning_rate
        if learning_rate == "constant":
            assert before == after
        else:
            assert net.learning_rate_init / pow(8 + 1, net.power_t) == after


def test_adaptive_learning_rate():
    net = NetClassifier(tol=0.5, max_iter=3000, solver="sgd", learning_rate="adaptive")
    net.fit([[3, 2], [1, 6]], [1, 0])
    assert net.max_iter > net.n_iter_
    assert 1e-6 > net._optimizer.learning_rate
