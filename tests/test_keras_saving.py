"""Saving under Keras's names: glassnet refuses to write its own format under a name
Keras would try to open (.keras, .h5), and asks for .glassnet / .npz."""

import pytest
from glassnet.layers import Dense

from glassnet import ConfigError, Sequential


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "m.hdf5"])
def test_keras_names_are_refused(tmp_path, name):
    model = Sequential([Dense(2)], input_dim=3, seed=0)
    with pytest.raises(ConfigError, match=r"must end in '\.glassnet'.*does not write Keras's"):
        model.save(tmp_path / name)
    with pytest.raises(ConfigError, match=r"must end in '\.npz'"):
        model.save_weights(tmp_path / "w.weights.h5")
    assert list(tmp_path.iterdir()) == []


def test_unknown_extensions_are_refused_with_the_expected_one(tmp_path):
    model = Sequential([Dense(2)], input_dim=3, seed=0)
    with pytest.raises(ConfigError, match="got a name without an extension"):
        model.save(tmp_path / "model")
    with pytest.raises(ConfigError, match=r"got '\.zip'"):
        model.save(tmp_path / "model.zip")
    model.save(tmp_path / "model.GLASSNET")  # case does not matter
    model.save_weights(tmp_path / "w.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.GLASSNET", "w.npz"]
