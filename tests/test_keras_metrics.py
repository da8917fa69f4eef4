"""Golden values from Keras 3's metric tests (keras/src/metrics/*_test.py), run through
glassnet's metric objects; each test names the Keras test case it ports."""

import numpy as np
import pytest
from glassnet.layers import Dense

from glassnet import Sequential, metrics


def test_accuracy():
    """accuracy_metrics_test.AccuracyTest: test_unweighted, test_weighted,
    test_weighted_rank_1."""
    m = metrics.Accuracy()
    assert m(np.array([[1], [2], [3], [4]]), np.array([[0], [2], [3], [4]])) == 0.75
    m = metrics.Accuracy()
    m.update_state(np.array([[1], [2], [3], [4]]), np.array([[0], [2], [3], [4]]),
                   sample_weight=np.array([1, 1, 0, 0]))
    assert m.result() == 0.5
    m = metrics.Accuracy()
    assert m(np.array([1, 2, 3, 4]), np.array([0, 2, 3, 4]), np.array([1, 1, 0, 0])) == 0.5


def test_binary_accuracy():
    """BinaryAccuracyTest: test_unweighted (with the (4,) labels against (4, 1)
    predictions broadcasting case), test_weighted, test_weighted_rank_1, test_threshold."""
    y_pred = np.array([[0.98], [1], [0], [0.6]])
    assert metrics.BinaryAccuracy()(np.array([[1], [1], [0], [0]]), y_pred) == 0.75
    assert metrics.BinaryAccuracy()(np.array([1, 1, 0, 0]), y_pred) == 0.75
    assert metrics.BinaryAccuracy()(np.array([[1], [1], [0], [0]]), y_pred,
                                    np.array([1, 0, 0, 1])) == 0.5
    assert metrics.BinaryAccuracy()(np.array([1, 1, 0, 0]), np.array([0.98, 1, 0, 0.6]),
                                    np.array([1, 0, 0, 1])) == 0.5
    y_true, y_pred = np.array([[1], [1], [0], [0]]), np.array([[0.98], [0.5], [0.1], [0.2]])
    assert metrics.BinaryAccuracy(threshold=0.3)(y_true, y_pred) == 1.0
    assert metrics.BinaryAccuracy(threshold=0.9)(y_true, y_pred) == 0.75


def test_categorical_accuracies():
    """CategoricalAccuracyTest / SparseCategoricalAccuracyTest: test_unweighted,
    test_weighted, test_squeeze_y_true."""
    y_pred = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert metrics.CategoricalAccuracy()(np.array([[0, 0, 1], [0, 1, 0]]), y_pred) == 0.5
    assert metrics.CategoricalAccuracy()(np.array([[0, 0, 1], [0, 1, 0]]), y_pred,
                                         np.array([0.7, 0.3])) == pytest.approx(0.3)
    y_pred = np.array([[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    assert metrics.SparseCategoricalAccuracy()(np.array([[2], [1]]), y_pred) == 0.5
    assert metrics.SparseCategoricalAccuracy()(np.array([[2], [1]]), y_pred,
                                               np.array([0.7, 0.3])) == pytest.approx(0.3)
    assert metrics.SparseCategoricalAccuracy()(np.array([[0], [1], [2]]), np.eye(3) * 0.85
                                               + 0.05) == 1.0


def test_top_k_accuracies():
    """TopKCategoricalAccuracyTest / SparseTopKCategoricalAccuracyTest: test_unweighted,
    test_weighted (k=1)."""
    y_pred = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]], dtype="float32")
    assert metrics.TopKCategoricalAccuracy(k=1)(np.array([[0, 0, 1], [0, 1, 0]]), y_pred) == 0.5
    assert metrics.TopKCategoricalAccuracy(k=1)(
        np.array([[0, 0, 1], [0, 1, 0]]), y_pred, np.array([0.7, 0.3])) == pytest.approx(0.3)
    assert metrics.SparseTopKCategoricalAccuracy(k=1)(np.array([2, 1]), y_pred) == 0.5
    assert metrics.SparseTopKCategoricalAccuracy(k=1)(
        np.array([2, 1]), y_pred, np.array([0.7, 0.3])) == pytest.approx(0.3)
    assert metrics.TopKCategoricalAccuracy(k=2)(np.array([[0, 0, 1], [0, 1, 0]]), y_pred) == 1.0


def test_precision():
    """confusion_metrics_test.PrecisionTest: test_unweighted, test_weighted,
    test_div_by_zero, test_unweighted_with_threshold, test_weighted_with_threshold,
    test_multiple_updates, test_unweighted_top_k."""
    assert metrics.Precision()(np.array([0, 1, 1, 0]), np.array([1, 0, 1, 0])) == 0.5
    result = metrics.Precision()(np.array([[0, 1, 1, 0], [1, 0, 0, 1]]),
                                 np.array([[1, 0, 1, 0], [1, 0, 1, 0]]),
                                 sample_weight=np.array([[1, 2, 3, 4], [4, 3, 2, 1]]))
    assert result == pytest.approx(7.0 / 10.0)
    assert metrics.Precision()(np.zeros(4), np.zeros(4)) == 0
    assert metrics.Precision(thresholds=[0.5, 0.7])(
        np.array([0, 1, 1, 0]), np.array([1, 0, 0.6, 0])) == pytest.approx([0.5, 0.0])
    p = metrics.Precision(thresholds=[0.5, 1.0])
    for _ in range(2):
        p.update_state(np.array([[0, 1], [1, 0]]), np.array([[1, 0], [0.6, 0]]),
                       sample_weight=np.array([[4, 0], [3, 1]]))
    assert p.result() == pytest.approx([6.0 / 14.0, 0.0])
    assert metrics.Precision(top_k=3)(np.array([0, 1, 1, 0, 0]),
                                      np.array([0.2, 0.1, 0.5, 0, 0.2])) == pytest.approx(1 / 3)


def test_recall():
    """RecallTest: test_unweighted, test_weighted, test_div_by_zero,
    test_weighted_with_threshold, test_multiple_updates, test_unweighted_top_k."""
    assert metrics.Recall()(np.array([0, 1, 1, 0]), np.array([1, 0, 1, 0])) == 0.5
    result = metrics.Recall()(np.array([[0, 1, 1, 0], [1, 0, 0, 1]]),
                              np.array([[1, 0, 1, 0], [0, 1, 0, 1]]),
                              sample_weight=np.array([[1, 2, 3, 4], [4, 3, 2, 1]]))
    assert result == pytest.approx(4.0 / 10.0)
    assert metrics.Recall()(np.zeros(4), np.zeros(4)) == 0
    r = metrics.Recall(thresholds=[0.5, 1.0])
    for _ in range(2):
        r.update_state(np.array([[0, 1], [1, 0]]), np.array([[1, 0], [0.6, 0]]),
                       sample_weight=np.array([[1, 4], [3, 2]]))
    assert r.result() == pytest.approx([6.0 / 14.0, 0.0])
    assert metrics.Recall(top_k=3)(np.array([0, 1, 1, 0, 0]),
                                   np.array([0.2, 0.1, 0.5, 0, 0.2])) == 0.5


AUC_PRED = np.array([0, 0.5, 0.3, 0.9], dtype="float32")
AUC_TRUE = np.array([0, 0, 1, 1])
AUC_WEIGHT = [1, 2, 3, 4]


@pytest.mark.parametrize("kwargs,weighted,expected", [
    # confusion_metrics_test.AUCTest, num_thresholds=3
    ({}, False, 0.75),  # test_unweighted
    ({"thresholds": [0.5], "num_thresholds": 2}, False, 0.75),  # test_manual_thresholds
    ({}, True, 0.7855),  # test_weighted_roc_interpolation
    ({"summation_method": "majoring"}, True, 1.0),  # test_weighted_roc_majoring
    ({"summation_method": "minoring"}, True, 0.571),  # test_weighted_roc_minoring
    ({"curve": "PR", "summation_method": "majoring"}, True, 1.0),  # test_weighted_pr_majoring
    ({"curve": "PR", "summation_method": "minoring"}, True, 0.7 * 0.429),
    ({"curve": "PR"}, True, 2.416 / 7 + 4 / 7),  # test_weighted_pr_interpolation
])
def test_auc(kwargs, weighted, expected):
    kwargs = {"num_thresholds": 3, **kwargs}
    auc = metrics.AUC(**kwargs)
    result = auc(AUC_TRUE, AUC_PRED, sample_weight=AUC_WEIGHT if weighted else None)
    assert result == pytest.approx(expected, abs=1e-3)


def test_auc_details():
    """AUCTest: test_unweighted_all_correct, test_unweighted_from_logits,
    test_manual_thresholds (the thresholds property), test_invalid_num_thresholds."""
    assert metrics.AUC()(AUC_TRUE, AUC_TRUE) == 1
    logits = -np.log(np.float32(1.0) / (AUC_PRED + np.float32(1e-12)) - np.float32(1.0))
    assert metrics.AUC(num_thresholds=3, from_logits=True)(AUC_TRUE, logits) == \
        pytest.approx(0.75, abs=1e-3)
    auc = metrics.AUC(num_thresholds=2, thresholds=[0.5])
    assert auc.num_thresholds == 3 and auc.thresholds == [0.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="num_thresholds must be >= 2"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="curve must be one of"):
        metrics.AUC(curve="Invalid")


def test_auc_matches_exact_roc_area_with_many_thresholds(rng):
    """With 2000 thresholds the trapezoid sum approaches the exact ROC area (the
    Mann-Whitney statistic: the chance a positive outscores a negative)."""
    y_true = rng.integers(0, 2, 400)
    y_pred = np.clip(0.5 + 0.2 * (y_true - 0.5) + rng.normal(0, 0.2, 400), 0, 1)
    pos, neg = y_pred[y_true == 1], y_pred[y_true == 0]
    exact = ((pos[:, None] > neg[None, :]).mean()
             + 0.5 * (pos[:, None] == neg[None, :]).mean())
    assert metrics.AUC(num_thresholds=2000)(y_true, y_pred) == pytest.approx(exact, abs=2e-3)


FB_TRUE = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0], [0, 0, 1]]
FB_PRED = [[0.9, 0.1, 0], [0.2, 0.6, 0.2], [0, 0, 1], [0.4, 0.3, 0.3], [0, 0.9, 0.1], [0, 0, 1]]


@pytest.mark.parametrize("average,beta,weights,expected", [
    # f_score_metrics_test.FBetaScoreTest.test_fbeta_random_score_none and
    # test_fbeta_weighted_random_score_none
    (None, 0.5, None, [0.9090904, 0.555556, 1.0]),
    (None, 1.0, None, [0.8, 0.6666667, 1.0]),
    (None, 2.0, None, [0.71428573, 0.833334, 1.0]),
    ("micro", 1.0, None, 0.833334),
    ("macro", 0.5, None, 0.821549),
    ("macro", 1.0, None, 0.822222),
    ("weighted", 0.5, None, 0.880471),
    ("weighted", 2.0, None, 0.829365),
    (None, 1.0, [0.5, 1.0, 1.0, 1.0, 0.5, 1.0], [0.857143, 0.8, 1.0]),
    ("micro", 0.5, [0.5, 1.0, 1.0, 1.0, 0.5, 1.0], 0.9),
    ("macro", 2.0, [0.5, 1.0, 1.0, 1.0, 0.5, 1.0], 0.899522),
    ("weighted", 1.0, [0.5, 1.0, 1.0, 1.0, 0.5, 1.0], 0.902857),
])
def test_fbeta_score(average, beta, weights, expected):
    metric = metrics.FBetaScore(average=average, beta=beta)
    metric.update_state(FB_TRUE, FB_PRED, weights)
    np.testing.assert_allclose(metric.result(), expected, atol=1e-5)


def test_f1_score_thresholds_and_weights():
    """FBetaScoreTest: test_fbeta_random_score (threshold 0.66), test_fbeta_scalar_weight,
    test_fbeta_2d_weight."""
    metric = metrics.F1Score(average="macro", threshold=0.66)
    metric.update_state([[0, 0, 1], [1, 1, 0], [1, 1, 1]],
                        [[0.7, 0.7, 0.7], [1, 0, 0], [0.9, 0.8, 0]])
    assert metric.result() == pytest.approx(0.6555555, abs=1e-6)
    y_true, y_pred = np.array([[1, 1], [1, 0]]), np.array([[0.2, 0.6], [0.2, 0.6]])
    f1 = metrics.F1Score(threshold=0.5)
    f1.update_state(y_true, y_pred, sample_weight=0.5)
    np.testing.assert_allclose(f1.result(), [0.0, 0.6666665], atol=1e-5)
    f1 = metrics.F1Score(threshold=0.5)
    f1.update_state(y_true, y_pred, sample_weight=np.array([[0.5, 0.2], [0.3, 0.8]]))
    np.testing.assert_allclose(f1.result(), [0.0, 0.333333], atol=1e-5)


def test_accuracy_with_a_regression_loss_follows_the_shapes(rng):
    """Keras 3 (trainers/compile_utils.get_metric): 'accuracy' with mse is binary
    accuracy for one output, categorical accuracy for one-hot targets."""
    x = rng.normal(size=(40, 2))
    y = (x[:, :1] > 0).astype(float)
    model = Sequential([Dense(1, "sigmoid")], input_dim=2, seed=0)
    model.compile("sgd", "mse", ["accuracy"])
    result = model.evaluate(x, y, return_dict=True)
    p = model.predict(x)
    assert result["accuracy"] == pytest.approx(float(((p > 0.5) == (y > 0.5)).mean()))
    model = Sequential([Dense(3, "softmax")], input_dim=2, seed=0)
    model.compile("sgd", "mse", ["accuracy"])
    labels = rng.integers(0, 3, 40)
    result = model.evaluate(x, np.eye(3)[labels], return_dict=True)
    assert result["accuracy"] == pytest.approx(float((model.predict(x).argmax(1) == labels)
                                                     .mean()))


def test_new_metrics_train_and_log(rng):
    x = rng.normal(size=(60, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(float).reshape(-1, 1)
    model = Sequential([Dense(1, "sigmoid")], input_dim=2, seed=0)
    model.compile("adam", "binary_crossentropy", ["auc", "precision", "recall", "f1_score"])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for key in ("auc", "precision", "recall", "f1_score"):
        assert len(history.history[key]) == 2 and 0.0 <= history.history[key][-1] <= 1.0
    result = model.evaluate(x, y, return_dict=True)
    auc = metrics.AUC()
    assert result["auc"] == pytest.approx(auc(y, model.predict(x)))


def test_f1_score_by_name_in_compile(rng):
    """metrics=["f1_score"]: the macro-averaged F1 (docs/keras-differences.md), with a
    0.5 threshold for one sigmoid output and class-index labels accepted."""
    x = rng.normal(size=(40, 2))
    labels = (x[:, 0] > 0).astype(int)
    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", ["f1_score"])
    got = model.evaluate(x, labels, return_dict=True)["f1_score"]
    reference = metrics.F1Score(average="macro")
    reference.update_state(np.eye(2)[labels], model.predict(x))
    assert got == pytest.approx(reference.result())
    binary = Sequential([Dense(1, "sigmoid")], input_dim=2, seed=0)
    binary.compile("adam", "binary_crossentropy", ["f1_score"])
    got = binary.evaluate(x, labels, return_dict=True)["f1_score"]
    reference = metrics.F1Score(average="macro", threshold=0.5)
    reference.update_state(labels.reshape(-1, 1), binary.predict(x))
    assert got == pytest.approx(reference.result())


# regression_metrics_test.py, reduction_metrics_test.py (MetricWrapperTest) -------------
Y_TRUE_5 = np.array([[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]])
Y_PRED_5 = np.array([[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]])
ROW_WEIGHTS = np.array([1.0, 1.5, 2.0, 2.5])


@pytest.mark.parametrize("metric, unweighted, weighted", [
    (metrics.MeanSquaredError, 0.5, 0.54285),  # MeanSquaredErrorTest
    (metrics.MeanAbsoluteError, 0.5, 0.54285),  # MeanAbsoluteErrorTest
    (metrics.MeanSquaredLogarithmicError, 0.24022, 0.26082),  # MeanSquaredLogarithmicErrorTest
])
def test_error_metrics_unweighted_and_weighted(metric, unweighted, weighted):
    assert metric()(Y_TRUE_5, Y_PRED_5) == pytest.approx(unweighted, abs=1e-5)
    assert metric()(Y_TRUE_5, Y_PRED_5, sample_weight=ROW_WEIGHTS) == pytest.approx(
        weighted, abs=1e-5)
    again = metric.from_config(metric(name="mine").get_config())
    assert again.name == "mine"


def test_mean_absolute_percentage_error():
    """MeanAbsolutePercentageErrorTest: a zero label counts as ε = 1e-7 (float32)."""
    y_pred = Y_PRED_5.astype("float32")
    assert metrics.MeanAbsolutePercentageError()(Y_TRUE_5, y_pred) == pytest.approx(35e7)
    assert metrics.get("mape")(Y_TRUE_5, y_pred, sample_weight=ROW_WEIGHTS) == pytest.approx(
        40e7)


def test_root_mean_squared_error():
    """RootMeanSquaredErrorTest: test_unweighted, test_weighted, test_config."""
    assert metrics.RootMeanSquaredError()(np.array([2, 4, 6]), np.array([1, 3, 2])) == \
        pytest.approx(np.sqrt(6))
    assert metrics.RootMeanSquaredError()(np.array([2, 4, 6, 8]), np.array([1, 3, 2, 3]),
                                          sample_weight=np.array([0, 1, 0, 1])) == \
        pytest.approx(np.sqrt(13))
    assert metrics.RootMeanSquaredError.from_config(
        metrics.RootMeanSquaredError(name="rmse").get_config()).name == "rmse"


def test_log_cosh_error_weighted_by_a_column_of_weights():
    """LogCoshErrorTest: test_unweighted, test_weighted ((n, 1) weights)."""
    y_true = np.array([[1, 9, 2], [-5, -2, 6]], dtype=np.float32)
    y_pred = np.array([[4, 8, 12], [8, 1, 3]], dtype=np.float32)
    error = (y_pred - y_true).astype(np.float64)
    expected = np.log((np.exp(error) + np.exp(-error)) / 2)
    assert metrics.LogCoshError()(y_true, y_pred) == pytest.approx(expected.mean(), abs=1e-3)
    w = np.array([[1.2], [3.4]])
    result = metrics.LogCoshError()(y_true, y_pred, sample_weight=w)
    full = np.repeat(w, 3, axis=1)
    assert result == pytest.approx((expected * full).sum() / full.sum(), abs=1e-3)


R2_TRUE = [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


@pytest.mark.parametrize("aggregation, regressors, weights, y_pred, expected", [
    # R2ScoreTest.test_r2_sklearn_comparison
    (None, 0, None, [[0.4, 0.5, 0.6], [0.1, 0.2, 0.3], [0.5, 0.8, 0.2]], [0.37, -1.295, 0.565]),
    ("uniform_average", 0, None, [[0.4, 0.5, 0.6], [0.1, 0.2, 0.3], [0.5, 0.8, 0.2]], -0.12),
    ("variance_weighted_average", 0, None, [[0.4, 0.5, 0.6], [0.1, 0.2, 0.3],
                                            [0.5, 0.8, 0.2]], -0.12),
    # R2ScoreTest.test_r2_tfa_comparison
    (None, 0, [0.8, 0.1, 0.4], [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6], [1.5, 0.8, 0.6]],
     [0.17305559, -8.836666, -0.521]),
    ("uniform_average", 0, [0.8, 0.1, 0.4], [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6],
                                             [1.5, 0.8, 0.6]], -3.0615367889404297),
    ("uniform_average", 1, [0.8, 0.1, 0.4], [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6],
                                             [1.5, 0.8, 0.6]], -3.641756534576416),
    ("uniform_average", 2, [0.8, 0.1, 0.4], [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6],
                                             [1.5, 0.8, 0.6]], -4.415382385253906),
    ("variance_weighted_average", 0, [0.8, 0.1, 0.4], [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6],
                                                       [1.5, 0.8, 0.6]], -1.3710224628448486),
    ("variance_weighted_average", 2, [0.8, 0.1, 0.4], [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6],
                                                       [1.5, 0.8, 0.6]], -2.161363363265991),
])
def test_r2_score(aggregation, regressors, weights, y_pred, expected):
    r2 = metrics.R2Score(aggregation, regressors)
    r2.update_state(R2_TRUE, y_pred, weights)
    np.testing.assert_allclose(r2.result(), expected, atol=1e-5)


def test_r2_score_errors_and_config():
    """R2ScoreTest.test_errors, test_config."""
    with pytest.raises(ValueError, match="Invalid value for argument `class_aggregation`"):
        metrics.R2Score(class_aggregation="wrong")
    with pytest.raises(ValueError, match="Invalid value for argument `num_regressors`"):
        metrics.R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match="expects 2D inputs with shape"):
        metrics.R2Score().update_state([0.0, 1.0], [0.0, 1.0])
    again = metrics.R2Score.from_config(metrics.R2Score(None, 2).get_config())
    assert again.class_aggregation is None and again.num_regressors == 2


def test_mean_metric_wrapper_passes_no_dtype_and_keeps_fn_in_its_config():
    """MetricWrapperTest.test_config, test_weighted: fn=, dtype= (the metric's own)."""
    def mse(y_true, y_pred):  # takes no dtype: Keras never passes one
        return np.mean(np.square(np.subtract(y_pred, y_true)), axis=-1)

    wrapper = metrics.MeanMetricWrapper(fn=mse, name="mse", dtype="float32")
    y_true = np.array([[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]])
    y_pred = np.array([[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]])
    assert wrapper(y_true, y_pred, sample_weight=ROW_WEIGHTS) == pytest.approx(0.54285,
                                                                               abs=1e-5)
    config = wrapper.get_config()
    assert config["fn"] is mse and config["name"] == "mse"
    again = metrics.MeanMetricWrapper.from_config(config)
    assert again(y_true, y_pred) == pytest.approx(0.5)


def test_binary_accuracy_weighs_each_output_with_n_by_k_weights():
    """Keras 3's binary_accuracy is per output, so (n, k) weights weigh each output
    (values checked with Keras 3.15 itself)."""
    y_true = np.array([[1, 0, 1], [0, 0, 1]])
    y_pred = np.array([[0.9, 0.6, 0.2], [0.1, 0.3, 0.8]])
    assert metrics.BinaryAccuracy()(y_true, y_pred) == pytest.approx(4 / 6)
    assert metrics.BinaryAccuracy()(y_true, y_pred, np.array([1.0, 3.0])) == pytest.approx(
        (1 / 3 + 3) / 4)
    assert metrics.BinaryAccuracy()(y_true, y_pred, np.array([[1.0, 2, 3], [4, 5, 6]])) == \
        pytest.approx((1 / 3 + 5) / (2 + 5))


def test_precision_recall_top_k_take_exactly_k_and_class_id_needs_2d():
    """Ties at the k-th value: exactly k outputs count, the lower index first
    (TensorFlow's top_k); class_id with 1-D predictions is Keras's ValueError."""
    y_true, y_pred = np.array([[0, 1, 1, 0]]), np.array([[0.2, 0.5, 0.5, 0.5]])
    assert metrics.Precision(top_k=2)(y_true, y_pred) == pytest.approx(1.0)
    assert metrics.Recall(top_k=1)(y_true, y_pred) == pytest.approx(0.5)
    for cls in (metrics.Precision, metrics.Recall):
        with pytest.raises(ValueError, match="When class_id is provided, y_pred must be a 2D"):
            cls(class_id=1)(np.array([0, 1, 1.0]), np.array([0.2, 0.7, 0.9]))


@pytest.mark.parametrize("name, loss", [
    ("mape", "mean_absolute_percentage_error"), ("msle", "mean_squared_logarithmic_error"),
    ("hinge", "hinge"), ("kl_divergence", "kl_divergence"),
    ("binary_crossentropy", "binary_crossentropy")])
def test_string_metrics_are_the_losses_averaged(name, loss):
    from glassnet import losses

    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, (6, 3)).astype(float)
    y_pred = rng.uniform(0.05, 0.95, (6, 3))
    model = Sequential([Dense(3, "sigmoid")], input_dim=2, seed=0, dtype="float64")
    model.compile("sgd", "mse", metrics=[name])
    w = rng.uniform(0.5, 2.0, 6)
    value = metrics.get(name)(y_true, y_pred, sample_weight=w)
    per_sample = losses.get(loss).per_sample(y_true, y_pred)
    assert value == pytest.approx((per_sample * w).sum() / w.sum(), rel=1e-12)
    assert metrics.get(name).name == name and model.metrics[0][0] == name


def test_weighted_top_k():
    """confusion_metrics_test.PrecisionTest.test_weighted_top_k: the second batch ties
    three outputs at 0.2 for the third place, and only the first of them counts."""
    p = metrics.Precision(top_k=3)
    p(np.array([[0, 1, 1, 0, 1]]), np.array([[0.2, 0.1, 0.4, 0, 0.2]]),
      sample_weight=np.array([[1, 4, 2, 3, 5]]))
    result = p(np.array([1, 0, 1, 1, 1]), np.array([0.2, 0.6, 0.4, 0.2, 0.2]),
               sample_weight=np.array(3))
    assert result == pytest.approx(((2 + 5) + (3 + 3)) / ((1 + 2 + 5) + (3 + 3 + 3)))
