"""The scikit-learn estimators and sparse input too wide to make dense (issue 25)."""

import tracemalloc

import numpy as np
import pytest

pytest.importorskip("sklearn")
sparse = pytest.importorskip("scipy.sparse")

from glassnet.base.errors import ConfigError  # noqa: E402
from glassnet.sklearn import NetClassifier, NetRegressor, _base  # noqa: E402


def test_hashing_vectorizers_default_width_is_refused_with_its_size():
    from sklearn.feature_extraction.text import HashingVectorizer

    texts = [f"word{i % 17} other{i % 5} text number {i}" for i in range(300)]
    X = HashingVectorizer().transform(texts)  # 300 x 2**20, float64, a few entries a row
    y = np.arange(300) % 2
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as caught:
            NetClassifier(hidden_layer_sizes=(4,), max_iter=2).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert "sparse 300 x 1048576 matrix" in message
    assert "2.34 GiB (float64)" in message and "limit of 256 MiB" in message
    assert peak < 50 * 2**20  # nothing was made dense
    with pytest.raises(ConfigError, match="eval_set X is a sparse"):
        _base._dense(X, "eval_set X")  # the same check names the argument it guards


def test_sparse_prediction_runs_in_blocks_and_equals_the_dense_one(monkeypatch):
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(50, 8)) * (rng.random((50, 8)) < 0.3)
    y = dense @ np.arange(8.0)
    net = NetRegressor(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    with pytest.warns(Warning):  # three epochs do not converge
        net.fit(dense, y)
    expected = net.predict(dense)
    monkeypatch.setattr(_base, "MAX_DENSE_BYTES", 8 * 8 * 7)  # blocks of 7 rows
    blocks = [b.shape[0] for b in _base._dense_blocks(sparse.csr_matrix(dense))]
    assert blocks == [7] * 7 + [1]
    np.testing.assert_array_equal(net.predict(sparse.csr_matrix(dense)), expected)
    np.testing.assert_array_equal(net.predict(sparse.coo_matrix(dense)), expected)
