import numpy as np
import pytest

from glassnet import ConfigError, datasets


def test_sample2_layout_of_table67():
    d = datasets.load("sample2")
    assert d.features.shape == (250, 2) and np.bincount(d.labels).tolist() == [50] * 5
    means = np.array([d.features[d.labels == k].mean(axis=0) for k in range(5)])
    signs = np.sign(np.round(means, 1))
    # class 1 upper right, 2 upper left, 3 lower left, 4 lower right, 5 centre
    assert signs.tolist() == [[1, 1], [-1, 1], [-1, -1], [1, -1], [0, 0]]
    assert np.abs(d.features).max() < 1.5


def test_sample3_keeps_centres_and_doubles_spread():
    s2, s3 = datasets.load("sample2"), datasets.load("sample3")
    np.testing.assert_array_equal(s2.labels, s3.labels)
    for k in range(5):
        a, b = s2.features[s2.labels == k], s3.features[s3.labels == k]
        np.testing.assert_allclose(b - datasets.SAMPLE_CENTRES[k],
                                   2 * (a - datasets.SAMPLE_CENTRES[k]), atol=1e-12)


def test_deterministic_and_first_half_has_every_class():
    a, b = datasets.load("sample2"), datasets.load("sample2")
    np.testing.assert_array_equal(a.features, b.features)
    assert set(a.labels[:125]) == {0, 1, 2, 3, 4}


def test_xor_and_steps():
    x = datasets.load("xor")
    assert x.features.tolist() == [[1, 1], [0, 1], [1, 0], [0, 0]]
    assert x.labels.tolist() == [0, 1, 1, 0] and x.class_names == ["not buy", "buy"]
    s = datasets.load("steps")
    assert s.labels.ravel().tolist() == [500, 500, 1000, 1000] and not s.is_classification


def test_unknown_dataset():
    with pytest.raises(ConfigError, match="unknown dataset 'sample9'; built-in datasets are"):
        datasets.load("sample9")
