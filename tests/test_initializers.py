import json

import numpy as np
import pytest

from glassnet import initializers

ALL = ["uniform", "normal", "zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform",
       "he_normal"]


@pytest.mark.parametrize("name", ALL)
def test_seeded_and_shaped(name):
    init = initializers.get(name)
    a = init((30, 20), np.random.default_rng(7), "float32")
    b = init((30, 20), np.random.default_rng(7), "float32")
    assert a.shape == (30, 20) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name,std", [
    ("uniform", 0.1 / np.sqrt(12)),
    ("normal", 0.05),
    ("glorot_uniform", np.sqrt(2 / (300 + 200))),
    ("glorot_normal", np.sqrt(2 / (300 + 200))),
    ("he_uniform", np.sqrt(2 / 300)),
    ("he_normal", np.sqrt(2 / 300)),
])
def test_spread_follows_formula(name, std):
    w = initializers.get(name)((300, 200), np.random.default_rng(0), "float64")
    assert w.std() == pytest.approx(std, rel=0.02)
    assert abs(w.mean()) < 0.05 * std


def test_bounds():
    rng = np.random.default_rng(0)
    assert np.abs(initializers.get("uniform")((100, 100), rng)).max() <= 0.05
    limit = np.sqrt(6 / (100 + 50))
    assert np.abs(initializers.get("glorot_uniform")((100, 50), rng)).max() <= limit
    # truncated normals: nothing beyond two standard deviations
    w = initializers.get("he_normal")((400, 400), rng, "float64")
    assert np.abs(w).max() <= 2 * np.sqrt(2 / 400) / 0.87962566 + 1e-12
    assert (initializers.get("zeros")((2, 2), rng) == 0).all()
    assert (initializers.get("ones")((2, 2), rng) == 1).all()


@pytest.mark.parametrize("name", ALL)
def test_config_round_trip(name):
    init = initializers.get(name)
    assert initializers.get(json.loads(json.dumps(init.get_config()))) == init
    custom = initializers.get({"name": "uniform", "minval": -1.0, "maxval": 2.0})
    assert custom.get_config() == {"name": "uniform", "minval": -1.0, "maxval": 2.0}
