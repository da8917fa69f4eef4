"""scikit-learn's own ``sklearn/neural_network/tests/test_mlp.py``, ported to NetClassifier
and NetRegressor (golden behaviour from MLPClassifier's suite), and the conventions a user
moving over from MLPClassifier meets."""

import io
import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

import joblib  # noqa: E402
from sklearn.datasets import load_digits, load_iris  # noqa: E402

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
