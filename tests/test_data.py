import gzip
import hashlib
import os

import numpy as np
import pytest
from glassnet.layers import Dense, Normalization

import glassnet
from glassnet import ConfigError, DataError, Sequential, datasets
from glassnet.data import as_dataset, train_test_split, training_ratio
from glassnet.data.mnist import load_mnist

SHARED_MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data",
                            "mnist.npz")


def test_training_ratio_takes_the_first_rows():
    d = datasets.load("sample2")
    train, test = training_ratio(d, 0.5)
    assert len(train) == 125 and len(test) == 125
    np.testing.assert_array_equal(train.features, d.features[:125])
    train, test = training_ratio(d)
    assert len(train) == 250 and len(test) == 0
    with pytest.raises(ConfigError, match="training_ratio must be > 0"):
        training_ratio(d, 0)


def test_training_ratio_rounds_to_the_nearest_row():
    d = glassnet.data.Dataset(np.arange(14.0).reshape(7, 2), np.array([0, 1] * 3 + [0]),
                              ["a", "b"], ["n", "y"])
    train, test = training_ratio(d, 0.7)  # 4.9 rows -> 5, not 4
    assert len(train) == 5 and len(test) == 2
    np.testing.assert_array_equal(test.features, d.features[5:])
    assert len(training_ratio(d, 0.2)[0]) == 1  # 1.4 rows -> 1, not 2
    with pytest.raises(ConfigError, match=r"^training_ratio must be <= 1, got 1.5"):
        training_ratio(d, 1.5)
    with pytest.raises(ConfigError, match=r"^training_ratio=0.05 leaves no training rows out "
                                          r"of 7$"):
        training_ratio(d, 0.05)  # 0.35 rows -> 0


def test_split_sizes_round_to_the_nearest_row():
    # Classes of 6 and 4 rows, test_size 0.3: 1.8 -> 2 and 1.2 -> 1 test rows.
    d = glassnet.data.Dataset(np.arange(20.0).reshape(10, 2), np.array([0] * 6 + [1] * 4),
                              ["a", "b"], ["n", "y"])
    train, test = train_test_split(d, 0.3, stratify=True, seed=0)
    assert np.bincount(test.labels).tolist() == [2, 1]
    assert np.bincount(train.labels).tolist() == [4, 3]
    train, test = train_test_split(d, 0.27, seed=0)  # 2.7 rows -> 3
    assert len(test) == 3 and len(train) == 7


def test_train_test_split_random_and_stratified():
    d = datasets.load("sample2")
    a_train, a_test = train_test_split(d, 0.2, seed=1)
    b_train, b_test = train_test_split(d, 0.2, seed=1)
    np.testing.assert_array_equal(a_test.features, b_test.features)
    assert len(a_test) == 50 and len(a_train) == 200
    _, s_test = train_test_split(d, 0.2, stratify=True, seed=1)
    assert np.bincount(s_test.labels).tolist() == [10] * 5


def test_split_parts_round_trip_through_csv(tmp_path):
    d = datasets.load("sample2")
    train, test = training_ratio(d, 0.5)
    train.to_csv(tmp_path / "train.csv")
    again = glassnet.load_csv(tmp_path / "train.csv", target="class")
    np.testing.assert_array_equal(again.features, train.features)
    assert again.label_text() == train.label_text()


def test_exported_builtins_load_back(tmp_path):
    for name in datasets.names():
        d = datasets.export(name, tmp_path / f"{name}.csv")
        again = glassnet.load_csv(tmp_path / f"{name}.csv", target=d.target_name,
                                  task="classification" if d.is_classification else "regression")
        np.testing.assert_allclose(again.features, d.features)


@pytest.mark.parametrize("name", ["moons", "circles", "spiral", "blobs"])
def test_teaching_sets_take_size_noise_and_seed(name):
    a = datasets.load(name, n_samples=90, seed=3)
    b = datasets.load(name, n_samples=90, seed=3)
    c = datasets.load(name, n_samples=90, seed=4)
    assert a.features.shape == (90, 2)
    np.testing.assert_array_equal(a.features, b.features)
    assert not np.array_equal(a.features, c.features)
    assert set(a.labels) == set(range(a.n_classes))
    with pytest.raises(ConfigError, match=f"dataset '{name}' takes parameters"):
        datasets.load(name, colour="red")


def test_normalization_is_fitted_on_training_rows_and_saved(tmp_path):
    d = datasets.load("sample2")
    train, test = training_ratio(d, 0.5)
    norm = Normalization("standard")
    norm.adapt(train.features * 10 + 3)
    model = Sequential([norm, Dense(5, "softmax")], seed=0)
    model.compile("adam", "categorical_crossentropy")
    model.fit(train.features * 10 + 3, train.one_hot(), epochs=2, verbose=0)
    np.testing.assert_allclose(model.layers[0].weights[0], (train.features * 10 + 3).mean(0),
                               rtol=1e-6)
    model.save(tmp_path / "m.glassnet")
    loaded = glassnet.load_model(tmp_path / "m.glassnet")
    x = test.features * 10 + 3
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    scaled = glassnet.trace(model, x)[0].output
    np.testing.assert_allclose(scaled, (x - norm.weights[0]) / norm.weights[1], atol=1e-6)
    minmax = Normalization("minmax")
    minmax.adapt(train.features)
    minmax.build(2, None, "float64")
    out = minmax.forward(train.features)
    np.testing.assert_allclose(out.min(0), 0, atol=1e-12)
    np.testing.assert_allclose(out.max(0), 1)


def test_as_dataset_from_arrays_and_dataframe():
    d = as_dataset((np.zeros((3, 2)), np.array(["b", "a", "b"])))
    assert d.class_names == ["a", "b"] and d.labels.tolist() == [1, 0, 1]
    pd = pytest.importorskip("pandas", reason="pandas is optional")
    frame = pd.DataFrame({"体長": [1.0, 2.0], "魚種": ["鯛", "鮭"]})
    d = as_dataset(frame, target="魚種")
    assert d.feature_names == ["体長"] and d.class_names == ["鮭", "鯛"]


def tiny_mnist():
    rng = np.random.default_rng(0)
    return {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
            "y_train": np.arange(6, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
            "y_test": np.arange(2, dtype=np.uint8)}


def write_idx(path, array, compress=False):
    code = 0x08
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    data = header + array.tobytes()
    if compress:
        path = str(path) + ".gz"
        data = gzip.compress(data)
    with open(path, "wb") as f:
        f.write(data)


def test_mnist_from_npz_and_idx(tmp_path):
    arrays = tiny_mnist()
    np.savez(tmp_path / "mnist.npz", **arrays)
    (x, y), (xt, yt) = load_mnist(tmp_path / "mnist.npz", download_missing=False)
    np.testing.assert_array_equal(x, arrays["x_train"])
    (x, _), _ = load_mnist(str(tmp_path), flatten=True, scale=True, download_missing=False)
    assert x.shape == (6, 784) and x.dtype == np.float32 and x.max() <= 1.0
    idx = tmp_path / "idx"
    idx.mkdir()
    names = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
             "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
    for i, (key, name) in enumerate(names.items()):
        write_idx(idx / name, arrays[key], compress=i % 2 == 0)
    (x, y), (xt, yt) = load_mnist(str(idx), download_missing=False)
    np.testing.assert_array_equal(xt, arrays["x_test"])
    np.testing.assert_array_equal(y, arrays["y_train"])


def test_mnist_search_order_download_and_offline_message(tmp_path, monkeypatch):
    arrays = tiny_mnist()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    source = tmp_path / "source.npz"
    np.savez(source, **arrays)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    with pytest.raises(DataError, match="SHA-256 is .* expected 0000"):
        load_mnist(url=source.as_uri(), sha256="0" * 64)
    assert not (tmp_path / "cache" / "glassnet" / "mnist.npz").exists()
    (x, _), _ = load_mnist(url=source.as_uri(), sha256=digest)  # "download" into the cache
    assert (tmp_path / "cache" / "glassnet" / "mnist.npz").exists()
    (x2, _), _ = load_mnist(url="file:///nonexistent", sha256=digest)  # found in cache now
    np.testing.assert_array_equal(x, x2)
    os.remove(tmp_path / "cache" / "glassnet" / "mnist.npz")
    with pytest.raises(DataError, match="could not be downloaded .* put mnist.npz"):
        load_mnist(url=(tmp_path / "nothing.npz").as_uri())
    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    np.savez(elsewhere / "mnist.npz", **arrays)
    monkeypatch.setenv("GLASSNET_DATA", str(elsewhere))
    (x3, _), _ = load_mnist(download_missing=False)
    np.testing.assert_array_equal(x3, arrays["x_train"])


@pytest.mark.skipif(not os.path.exists(SHARED_MNIST), reason="shared MNIST file not present")
def test_real_mnist():
    (x, y), (xt, yt) = load_mnist(SHARED_MNIST, download_missing=False)
    assert x.shape == (60000, 28, 28) and xt.shape == (10000, 28, 28)
    assert x.dtype == np.uint8 and sorted(set(y.tolist())) == list(range(10))
