"""Golden values from Keras 3's optimizer tests (keras/src/optimizers/*_test.py), run
through glassnet's optimisers; each test names the Keras test it ports."""

import numpy as np
import pytest
from glassnet.layers import Dense

from glassnet import ConfigError, Sequential, optimizers

NADAM_GOLDEN = np.array([
    [0.4281] * 10,
    [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
    [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
    [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
    [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454]])
ADAMAX_GOLDEN = np.array([
    [0.8] * 10,
    [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
    [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
    [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
    [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126]])


@pytest.mark.parametrize("optimizer,golden", [
    # nadam_test.NadamTest.test_correctness_with_golden
    (lambda: optimizers.Nadam(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5),
     NADAM_GOLDEN),
    # adamax_test.AdamaxTest.test_correctness_with_golden
    (lambda: optimizers.Adamax(learning_rate=0.2, beta_1=0.85, beta_2=0.95, epsilon=1e-6),
     ADAMAX_GOLDEN),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_correctness_with_golden(optimizer, golden, dtype):
    opt = optimizer()
    x = np.ones(10, dtype=dtype)
    grads = np.arange(0.1, 1.1, 0.1).astype(dtype)
    opt.apply([x], [np.full(10, 0.01, dtype=dtype)])
    for row in golden:
        np.testing.assert_allclose(x, row, rtol=5e-4, atol=5e-4)
        opt.apply([x], [grads])


@pytest.mark.parametrize("cls,expected", [
    (optimizers.Nadam, [0.4686, 1.4686, 2.4686, 3.4686]),  # NadamTest.test_single_step
    (optimizers.Adamax, [0.5, 1.5, 2.5, 3.5]),  # AdamaxTest.test_single_step
    (optimizers.AdamW, [0.4980, 1.4960, 2.494, 3.492]),  # AdamWTest.test_single_step
])
def test_single_step(cls, expected):
    w = np.array([1.0, 2.0, 3.0, 4.0])
    cls(learning_rate=0.5).apply([w], [np.array([1.0, 6.0, 7.0, 2.0])])
    np.testing.assert_allclose(w, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("cls", [optimizers.Nadam, optimizers.Adamax, optimizers.AdamW])
def test_weight_decay_and_exclusions(cls):
    """NadamTest / AdamaxTest / AdamWTest.test_weight_decay: var1 decays under three
    optimisers; var2 (excluded by name) and var3 (excluded by identity) do not."""
    zero = np.zeros(())
    var1, var2, var3 = np.array(2.0), np.array(2.0), np.array(2.0)
    cls(learning_rate=1.0, weight_decay=0.004).apply([var1], [zero])
    opt2 = cls(learning_rate=1.0, weight_decay=0.004)
    opt2.exclude_from_weight_decay(var_names=["exclude"])
    opt2.apply([var1, var2], [zero, zero], names=["var1", "exclude"])
    opt3 = cls(learning_rate=1.0, weight_decay=0.004)
    opt3.exclude_from_weight_decay(var_list=[var3])
    opt3.apply([var1, var3], [zero, zero])
    assert float(var1) == pytest.approx(1.9760959, abs=1e-6)
    assert float(var2) == 2.0 and float(var3) == 2.0
    with pytest.raises(ConfigError, match="before the optimizer is built"):
        opt3.exclude_from_weight_decay(var_names=["bias"])


def test_weight_decay_is_none():
    """AdamWTest.test_weight_decay_is_none."""
    with pytest.raises(ValueError, match="Argument `weight_decay` must be a float. "
                                         "Received: weight_decay=None"):
        optimizers.AdamW(learning_rate=1.0, weight_decay=None)


def test_get_method():
    """optimizer_test.OptimizerTest.test_get_method."""
    assert isinstance(optimizers.get("sgd"), optimizers.SGD)
    assert isinstance(optimizers.get("adamw"), optimizers.AdamW)
    assert isinstance(optimizers.get("nadam"), optimizers.Nadam)
    assert isinstance(optimizers.get("adamax"), optimizers.Adamax)
    assert optimizers.get(None) is None
    with pytest.raises(ValueError):
        optimizers.get("typo")


def test_callable_learning_rate():
    """OptimizerTest.test_callable_learning_rate: a function of no arguments."""
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    opt = optimizers.SGD(learning_rate=lambda: 0.1)
    assert opt.iterations == 0
    opt.apply([v], [np.ones((2, 2))])
    np.testing.assert_allclose(v, [[0.9, 1.9], [2.9, 3.9]])
    assert opt.iterations == 1


def test_clip_args():
    """OptimizerTest.test_clip_args."""
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and "
                                         "`global_clipnorm` can"):
        optimizers.SGD(learning_rate=1.0, clipnorm=0.1, clipvalue=0.1)


@pytest.mark.parametrize("name", ["nadam", "adamax"])
def test_config_round_trip(name):
    """NadamTest / AdamaxTest.test_config."""
    opt = optimizers.get({"name": name, "learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67,
                          "epsilon": 1e-5})
    assert optimizers.get(opt.get_config()).get_config() == opt.get_config()


def test_fit_excludes_biases_from_weight_decay(rng):
    """exclude_from_weight_decay(var_names=["bias"]) in fit: with zero gradients (zero
    inputs, mse at the target) only the kernels decay."""
    model = Sequential([Dense(2, kernel_initializer="ones", bias_initializer="ones")],
                       input_dim=3, seed=0, dtype="float64")
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    model.compile(opt, "mse")
    model.fit(np.zeros((4, 3)), np.ones((4, 2)), epochs=1, batch_size=4, verbose=0)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, 1.0 - 0.1 * 0.5)
    np.testing.assert_allclose(bias, 1.0)
