"""Golden values from Keras 3's own loss tests (keras/src/losses/losses_test.py), run
through glassnet's API. Each test names the Keras test case it ports. Keras compares
with ``assertAlmostEqual(..., decimal=3)`` by default: |a - b| < 1.5e-3."""

import numpy as np
import pytest

from glassnet import losses
from glassnet.base.errors import ShapeError

T = np.array([[1, 9, 2], [-5, -2, 6]], dtype="float32")
P = np.array([[4, 8, 12], [8, 1, 3]], dtype="float32")
ONE_HOT = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype="float32")
CCE_PRED = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], dtype="float32")
CCE_LOGITS = np.array([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]])
BCE_T = np.array([[1, 0, 1], [0, 1, 1]], dtype="float64")
BCE_LOGITS = np.array([[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]])


def close(actual, expected, decimal=3):
    np.testing.assert_almost_equal(actual, expected, decimal=decimal)


@pytest.mark.parametrize("name,kwargs,expected", [
    # MeanSquaredErrorTest: test_unweighted, test_scalar_weighted, test_sample_weighted,
    # test_zero_weighted, test_no_reduction, test_sum_reduction,
    # test_mean_with_sample_weight_reduction
    ("mse", {}, 49.5),
    ("mse", {"sample_weight": 2.3}, 113.85),
    ("mse", {"sample_weight": np.array([[1.2], [3.4]])}, 767.8 / 6),
    ("mse", {"sample_weight": 0}, 0.0),
    ("mse", {"reduction": None, "sample_weight": 2.3}, [84.3333, 143.3666]),
    ("mse", {"reduction": "sum", "sample_weight": 2.3}, 227.69998),
    ("mse", {"reduction": "mean_with_sample_weight", "sample_weight": np.array([[1.2], [3.4]])},
     (110 / 3 * 1.2 + 187 / 3 * 3.4) / (1.2 + 3.4)),
    # MeanAbsoluteErrorTest
    ("mae", {}, 5.5),
    ("mae", {"sample_weight": 2.3}, 12.65),
    ("mae", {"sample_weight": np.array([[1.2], [3.4]])}, 81.4 / 6),
    ("mae", {"reduction": None, "sample_weight": 2.3}, [10.7333, 14.5666]),
    ("mae", {"reduction": "sum", "sample_weight": 2.3}, 25.29999),
    # MeanAbsolutePercentageErrorTest
    ("mape", {}, 211.8518),
    ("mape", {"sample_weight": 2.3}, 487.259),
    ("mape", {"sample_weight": np.array([[1.2], [3.4]])}, 422.8888),
    ("mape", {"reduction": None, "sample_weight": 2.3}, [621.8518, 352.6666]),
    ("mape", {"reduction": "mean_with_sample_weight", "sample_weight": np.array([[1.2], [3.4]])},
     183.865),
    # MeanSquaredLogarithmicErrorTest
    ("msle", {}, 1.4370),
    ("msle", {"sample_weight": 2.3}, 3.3051),
    ("msle", {"sample_weight": np.array([[1.2], [3.4]])}, 3.7856),
    ("msle", {"reduction": "mean_with_sample_weight", "sample_weight": np.array([[1.2], [3.4]])},
     1.646),
])
def test_regression_losses(name, kwargs, expected):
    kwargs = dict(kwargs)
    weight = kwargs.pop("sample_weight", None)
    loss = losses.get({"name": name, **kwargs})
    close(loss(T, P, sample_weight=weight), expected)


def test_regression_losses_all_correct():
    """MeanSquaredErrorTest / MeanAbsolute(Percentage)ErrorTest.test_all_correct_unweighted."""
    y = np.array([[4, 8, 12], [8, 1, 3]], dtype="float32")
    for name in ("mse", "mae", "mape"):
        assert losses.get(name)(y, y) == 0.0


def test_base_function_reduction_aligns_ranks():
    """MeanSquaredErrorTest.test_base_function_reduction: (3,) labels, (3, 1) outputs."""
    mse = losses.MeanSquaredError(reduction=None)
    values = mse(np.array([4, 8, 12.0]), np.array([[3.0], [0.0], [1.0]]))
    assert values.shape == (3,)
    np.testing.assert_allclose(values, [1.0, 64.0, 121.0])


HINGE_T = np.array([[0.0, 1.0], [0.0, 0.0]])
HINGE_P = np.array([[0.6, 0.4], [0.4, 0.6]])


@pytest.mark.parametrize("cls,unweighted,weighted", [
    # HingeTest.test_unweighted / test_weighted (sample_weight [1, 0])
    (losses.Hinge, {"sum_over_batch_size": 1.3, "sum": 2.6, None: [1.1, 1.5]},
     {"sum_over_batch_size": 0.55, "sum": 1.1, None: [1.1, 0.0]}),
    # SquaredHingeTest.test_unweighted / test_weighted
    (losses.SquaredHinge, {"sum_over_batch_size": 1.86, "sum": 3.72, None: [1.46, 2.26]},
     {"sum_over_batch_size": 0.73, "sum": 1.46, None: [1.46, 0.0]}),
])
def test_hinge_losses(cls, unweighted, weighted):
    for reduction, expected in unweighted.items():
        close(cls(reduction=reduction)(HINGE_T, HINGE_P), expected)
    for reduction, expected in weighted.items():
        close(cls(reduction=reduction)(HINGE_T, HINGE_P, sample_weight=[1, 0]), expected)
    assert cls()(HINGE_T, HINGE_P, sample_weight=0.0) == 0.0  # test_zero_weighted
    with pytest.raises(ValueError, match="Invalid value for argument"):
        cls(reduction="abc")


def _huber(t, p, delta=1.0):
    error = np.abs(p - t)
    quadratic = np.minimum(error, delta)
    return 0.5 * quadratic**2 + delta * (error - quadratic)


def test_huber():
    """HuberLossTest: test_all_correct, test_unweighted, test_scalar_weighted,
    test_sample_weighted, test_non_default_delta, test_config."""
    p = np.array([[0.9, 0.2, 0.2], [0.8, 0.4, 0.6]])
    t = np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    close(losses.Huber()(t, t), 0.0)
    close(losses.Huber()(t, p), _huber(t, p).sum() / 6)
    close(losses.Huber()(t, p, sample_weight=2.3), 2.3 * _huber(t, p).sum() / 6)
    w = np.array([[1.2], [3.4]])
    close(losses.Huber()(t, p, sample_weight=w), (_huber(t, p) * w).sum() / 6)
    close(losses.Huber(delta=0.8)(t, p, sample_weight=2.3), 2.3 * _huber(t, p, 0.8).sum() / 6)
    h = losses.Huber(delta=2.0, reduction="sum")
    assert h.get_config() == {"name": "huber", "delta": 2.0, "reduction": "sum"}
    assert losses.get(h.get_config()) == h


def test_log_cosh():
    """LogCoshTest: test_unweighted, test_scalar_weighted, test_sample_weighted."""
    error = P - T
    expected = np.log((np.exp(error) + np.exp(-error)) / 2)
    close(losses.LogCosh()(T, P), expected.sum() / 6)
    close(losses.LogCosh()(T, P, sample_weight=2.3), 2.3 * expected.sum() / 6)
    w = np.array([1.2, 3.4])
    close(losses.LogCosh()(T, P, sample_weight=w), (expected * w[:, None]).sum() / 6)


def test_poisson():
    """PoissonTest: test_unweighted, test_scalar_weighted, test_sample_weighted."""
    p = np.array([1, 9, 2, 5, 2, 6], dtype="float32").reshape(2, 3)
    t = np.array([4, 8, 12, 8, 1, 3], dtype="float32").reshape(2, 3)
    expected = p - t * np.log(p)
    close(losses.Poisson()(t, p), expected.sum() / 6)
    close(losses.Poisson()(t, p, sample_weight=2.3), 2.3 * expected.sum() / 6)
    w = np.array([1.2, 3.4]).reshape(2, 1)
    close(losses.Poisson()(t, p, sample_weight=w), (expected * w).sum() / 6)


def test_kl_divergence_weighted():
    """KLDivergenceTest: test_unweighted, test_sample_weighted."""
    p = np.array([0.4, 0.9, 0.12, 0.36, 0.3, 0.4], dtype="float32").reshape(2, 3)
    t = np.array([0.5, 0.8, 0.12, 0.7, 0.43, 0.8], dtype="float32").reshape(2, 3)
    expected = t * np.log(t / p)
    close(losses.KLDivergence()(t, p), expected.sum() / 2)
    w = np.array([1.2, 3.4]).reshape(2, 1)
    close(losses.KLDivergence()(t, p, sample_weight=w), (expected * w).sum() / 2)


@pytest.mark.parametrize("cls", [losses.CategoricalCrossentropy,
                                 losses.SparseCategoricalCrossentropy])
def test_categorical_crossentropy(cls):
    """CategoricalCrossentropyTest and SparseCategoricalCrossentropyTest:
    test_all_correct_unweighted, test_unweighted (predictions renormalised by their row
    sum: 0.3239), test_scalar_weighted, test_sample_weighted, test_no_reduction."""
    labels = ONE_HOT if cls is losses.CategoricalCrossentropy else np.array([[0], [1], [2]])
    close(cls()(labels, ONE_HOT), 0.0)
    close(cls(from_logits=True)(labels, 10 * ONE_HOT), 0.0)
    close(cls()(labels, CCE_PRED), 0.3239)
    close(cls(from_logits=True)(labels, CCE_LOGITS), 0.0573)
    close(cls()(labels, CCE_PRED, sample_weight=2.3), 0.7449)
    close(cls(from_logits=True)(labels, CCE_LOGITS, sample_weight=2.3), 0.1317)
    w = np.array([[1.2], [3.4], [5.6]])
    close(cls()(labels, CCE_PRED, sample_weight=w), 1.0696)
    close(cls(from_logits=True)(labels, CCE_LOGITS, sample_weight=w), 0.31829)
    np.testing.assert_allclose(cls(from_logits=True, reduction=None)(labels, CCE_LOGITS),
                               (0.001822, 0.000459, 0.169846), atol=1e-6)


def test_sparse_labels_shaped_n_by_1_are_squeezed():
    """SparseCategoricalCrossentropyTest.test_all_correct_unweighted uses (3, 1) labels:
    an all-correct batch costs 0, not the 10.7 of a broadcast (3, 3) comparison."""
    loss = losses.get("sparse_categorical_crossentropy")
    assert loss(np.array([[0], [1], [2]]), ONE_HOT * 0.98 + 0.01) < 0.03


def test_categorical_label_smoothing():
    """CategoricalCrossentropyTest.test_label_smoothing: 400 ε / 3."""
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
    close(loss(np.array([[1, 0, 0]]), np.array([[100.0, -100.0, -100.0]])), 400.0 * 0.1 / 3.0)


def test_binary_crossentropy():
    """BinaryCrossentropyTest: test_all_correct_unweighted, test_unweighted,
    test_scalar_weighted, test_sample_weighted, test_no_reduction, test_label_smoothing."""
    bce = losses.BinaryCrossentropy()
    close(bce(ONE_HOT, ONE_HOT), 0.0)
    close(losses.BinaryCrossentropy(from_logits=True)(ONE_HOT, 20 * ONE_HOT - 10), 0.0)
    np.testing.assert_allclose(bce(ONE_HOT, np.array(
        [[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]], dtype="float32")), 0.20046903,
        rtol=1e-6)
    t2 = np.array([1, 0, 1, 0], dtype="float32").reshape(2, 2)
    p2 = np.array([1, 1, 1, 0], dtype="float32").reshape(2, 2)  # float32: clipped at 1e-7
    close(bce(t2, p2), 3.98559)
    close(bce(t2, p2, sample_weight=2.3), 9.1668)
    close(bce(t2, p2, sample_weight=np.array([1.2, 3.4]).reshape(2, 1)), 4.7827)
    logits = losses.BinaryCrossentropy(from_logits=True)
    close(logits(BCE_T, BCE_LOGITS), 3.3333)
    close(logits(BCE_T, BCE_LOGITS, sample_weight=2.3), 7.666)
    close(logits(BCE_T, BCE_LOGITS, sample_weight=np.array([4, 3])), 10.0)
    np.testing.assert_allclose(
        losses.BinaryCrossentropy(from_logits=True, reduction=None)(BCE_T, BCE_LOGITS),
        [0.0, 6.666], atol=1e-3)
    smoothed = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)
    close(smoothed(np.array([[1, 0, 1]]), np.array([[10.0, -10.0, -10.0]])),
          (10.0 + 5.0 * 0.1) / 3.0)


@pytest.mark.parametrize("name", ["categorical_crossentropy", "binary_crossentropy"])
def test_shape_mismatch_raises(name):
    """CategoricalCrossentropyTest / BinaryCrossentropyTest.test_shape_mismatch."""
    with pytest.raises(ValueError, match="must have the same shape"):
        losses.get(name)(np.array([[0], [1], [2]]), CCE_PRED)
    with pytest.raises(ShapeError, match="must have the same shape"):
        losses.get(name)(np.array([[0], [1], [2]]), CCE_PRED)


def test_from_logits_fuses_with_a_linear_output():
    """from_logits=True: the loss reads logits, so it fuses with a linear output layer."""
    assert losses.CategoricalCrossentropy().fuses_with("softmax")
    assert not losses.CategoricalCrossentropy().fuses_with("linear")
    assert losses.CategoricalCrossentropy(from_logits=True).fuses_with("linear")
    assert losses.BinaryCrossentropy(from_logits=True).fuses_with("linear")
    assert not losses.MeanSquaredError().fuses_with("linear")


def test_config_round_trips_new_arguments():
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction="sum")
    assert losses.get(loss.get_config()) == loss
    assert loss.get_config()["from_logits"] is True
