"""NetClassifier and NetRegressor: MLPClassifier's contract, checked against MLPClassifier."""

import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from glassnet.layers import BatchNormalization, Dense, Dropout, Normalization  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris, make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.utils._param_validation import InvalidParameterError  # noqa: E402

import glassnet  # noqa: E402
from glassnet.sklearn import NetClassifier, NetRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FISH = np.array(["マアジ", "サバ", "イワシ"])


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def small(cls=NetClassifier, **params):
    return cls(**{"hidden_layer_sizes": (8,), "max_iter": 60, "random_state": 0, **params})


# MLPClassifier's layout --------------------------------------------------------------
def _mlp_with_weights(cls, net, activation):
    """An unfitted MLP* given the net's coefs_ / intercepts_ (its forward pass only)."""
    mlp = cls(activation=activation)
    mlp.coefs_, mlp.intercepts_ = net.coefs_, net.intercepts_
    mlp.n_layers_, mlp.n_outputs_ = net.n_layers_, net.n_outputs_
    mlp.out_activation_, mlp.n_features_in_ = net.out_activation_, net.n_features_in_
    return mlp


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("scale", ["standard", "minmax", "none"])
def test_coefs_reproduce_the_network_in_mlpclassifier(n_classes, scale):
    x, y = make_classification(60, 5, n_informative=3, n_classes=n_classes, random_state=0)
    x = x * [1, 10, 100, 0.1, 1] + 5  # scaling must be folded into the first layer
    net = small(hidden_layer_sizes=(6, 4), activation="tanh", scale=scale).fit(x, y)
    assert [c.shape for c in net.coefs_] == [(5, 6), (6, 4), (4, 1 if n_classes == 2 else 3)]
    assert net.out_activation_ == ("logistic" if n_classes == 2 else "softmax")
    mlp = _mlp_with_weights(MLPClassifier, net, "tanh")
    mlp.classes_ = net.classes_
    mlp._label_binarizer = __import__("sklearn.preprocessing").preprocessing.LabelBinarizer()
    mlp._label_binarizer.fit(y)
    np.testing.assert_allclose(mlp.predict_proba(x), net.predict_proba(x), rtol=1e-9,
                               atol=1e-12)


def test_regressor_coefs_reproduce_the_network_in_mlpregressor():
    x, y = make_regression(50, 3, n_targets=2, random_state=0)
    net = small(NetRegressor, hidden_layer_sizes=(5,), activation="logistic").fit(x, y * 100)
    assert net.out_activation_ == "identity" and net.n_outputs_ == 2
    mlp = _mlp_with_weights(MLPRegressor, net, "logistic")
    np.testing.assert_allclose(mlp.predict(x), net.predict(x), rtol=1e-9)


# Labels of any type ---------------------------------------------------------------------
def test_japanese_labels_round_trip(iris):
    x, y = iris
    clf = small(max_iter=200, hidden_layer_sizes=(16,), learning_rate_init=0.01).fit(x, FISH[y])
    assert clf.classes_.tolist() == sorted(FISH.tolist())
    proba = clf.predict_proba(x)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # columns follow classes_: the predicted label is the class of the largest column
    assert (clf.predict(x) == clf.classes_[proba.argmax(axis=1)]).all()
    assert clf.score(x, FISH[y]) > 0.9
    np.testing.assert_allclose(clf.predict_log_proba(x), np.log(proba))
    assert clf.model_.info["class_names"] == sorted(FISH.tolist())
    binary = small().fit(x[:100], FISH[y[:100]])
    assert binary.model_.info["class_names"] == sorted(FISH[:2].tolist())


def test_unseen_class_in_partial_fit_is_named(iris):
    x, y = iris
    clf = small().partial_fit(x, FISH[y], classes=FISH[:2].tolist() + [FISH[2]])
    with pytest.raises(ValueError, match="タイ"):
        clf.partial_fit(x[:2], np.array(["タイ", "サバ"]))


def test_multilabel_rows_as_mlpclassifier():
    from sklearn.datasets import make_multilabel_classification

    x, y = make_multilabel_classification(120, 6, n_classes=4, random_state=0)
    clf = small(hidden_layer_sizes=(16,), max_iter=200, learning_rate_init=0.01).fit(x, y)
    assert clf.classes_.tolist() == [0, 1, 2, 3] and clf.out_activation_ == "logistic"
    proba = clf.predict_proba(x)
    assert proba.shape == (120, 4)
    np.testing.assert_array_equal(clf.predict(x), (proba > 0.5).astype(int))
    mlp = _mlp_with_weights(MLPClassifier, clf, "relu")
    np.testing.assert_allclose(mlp._forward_pass_fast(x), proba, rtol=1e-9)
    assert clf.score(x, y) > 0.5  # subset accuracy: every label of a row right


def test_one_class_fits_and_predicts_it_as_mlpclassifier():
    x = np.arange(8.0).reshape(4, 2)
    mlp = MLPClassifier((8,), max_iter=60, random_state=0).fit(x, ["a"] * 4)
    clf = small(learning_rate_init=0.05).fit(x, ["a"] * 4)
    assert clf.classes_.tolist() == mlp.classes_.tolist() == ["a"]
    assert clf.predict(x).tolist() == mlp.predict(x).tolist() == ["a"] * 4
    proba = clf.predict_proba(x)  # one column, the only class's (MLP's second is its 1 - p)
    assert proba.shape == (4, 1) and (proba > 0.5).all()


# Parameters ---------------------------------------------------------------------------
def test_init_stores_parameters_unchanged_and_clone_copies_them():
    hidden = [{"units": 8, "dropout": 0.1}, 4]
    clf = NetClassifier(hidden_layer_sizes=hidden, activation=["tanh", "relu"], solver="rmsprop")
    assert clf.get_params()["hidden_layer_sizes"] is hidden
    copy = clone(clf)
    assert copy.get_params()["hidden_layer_sizes"] == hidden
    assert copy.set_params(alpha=0.5).alpha == 0.5
    assert set(MLPClassifier().get_params()) - set(clf.get_params()) == set()


@pytest.mark.parametrize("name, value, message", [
    ("alpha", -1, "The 'alpha' parameter of NetClassifier must be a float in the range "
                  "[0.0, inf). Got -1 instead."),
    ("solver", "newton", "The 'solver' parameter of NetClassifier must be a str among"),
    ("scale", "log", "The 'scale' parameter of NetClassifier must be a str among"),
    ("dropout", 1.0, "The 'dropout' parameter of NetClassifier must be a float in the range "
                     "[0.0, 1.0)"),
])
def test_invalid_parameters_fail_in_fit_with_scikit_learn_messages(iris, name, value, message):
    clf = NetClassifier(**{name: value})  # __init__ does not check
    with pytest.raises(InvalidParameterError) as info:
        clf.fit(*iris)
    assert str(info.value).startswith(message)


def test_layer_dicts_and_per_layer_activations_reach_the_network(iris):
    clf = small(hidden_layer_sizes=[{"units": 8, "dropout": 0.25}, {"units": 4, "l2": 0.01}],
                activation=["tanh", "elu"], batch_norm=True, l1=1e-4).fit(*iris)
    layers = clf.model_.layers
    kinds = [type(layer) for layer in layers]
    assert kinds == [Normalization, Dense, BatchNormalization, Dropout, Dense,
                     BatchNormalization, Dense]
    assert [layers[1].activation.name, layers[4].activation.name] == ["tanh", "elu"]
    assert layers[3].rate == 0.25
    assert layers[4].kernel_regularizer.l2 == 0.01 and layers[4].kernel_regularizer.l1 == 1e-4


def test_activation_list_must_match_the_layers(iris):
    with pytest.raises(glassnet.ConfigError, match="activation has 1 names for 2 hidden"):
        small(hidden_layer_sizes=(4, 4), activation=["tanh"]).fit(*iris)


def test_alpha_is_mlpclassifiers_penalty():
    """MLPClassifier adds alpha/(2 n_batch)·Σw² to the mean loss; so does glassnet's l2."""
    x, y = make_classification(100, 4, random_state=0)
    clf = small(alpha=0.3, batch_size=50).fit(x, y)
    assert [layer.kernel_regularizer.l2 for layer in clf.model_.layers[1:]] == [0.003, 0.003]


@pytest.mark.parametrize("solver", sorted(set(glassnet.optimizers.names())))
def test_every_glassnet_optimiser_is_a_solver(iris, solver):
    rate = 1.0 if solver == "adadelta" else 0.01
    clf = small(solver=solver, learning_rate_init=rate, max_iter=100).fit(*iris)
    assert clf.model_.optimizer.name == solver
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


@pytest.mark.parametrize("loss", ["log_loss", "categorical_crossentropy", "mean_squared_error",
                                  "kl_divergence"])
def test_classifier_losses(iris, loss):
    clf = small(loss=loss, learning_rate_init=0.01, max_iter=100).fit(*iris)
    assert clf.score(*iris) > 0.8


def test_class_weight_is_row_weights_of_mean_one(iris):
    """'balanced' weights rows n / (K n_k); the same weights given as sample_weight
    train the same network."""
    from sklearn.utils.class_weight import compute_sample_weight

    x, y = iris[0][:120], iris[1][:120]  # 50, 50 and 20 rows: unbalanced
    balanced = small(class_weight="balanced", alpha=0.0).fit(x, y)
    rows = compute_sample_weight("balanced", y)
    # the scale of the weights does not matter without a penalty (with one, it divides
    # the penalty as in MLPClassifier, whose penalty is over the weights' sum)
    weighted = small(alpha=0.0).fit(x, y, sample_weight=rows * 3.0)
    np.testing.assert_allclose(balanced.coefs_[0], weighted.coefs_[0], rtol=1e-6)
    unweighted = small(alpha=0.0).fit(x, y)
    assert not np.allclose(balanced.coefs_[0], unweighted.coefs_[0])


def test_rows_of_weight_zero_are_as_if_left_out(iris):
    """Full-batch L-BFGS: zero weights on some rows is the fit on the other rows (no
    penalty and no scaling, which would see every row)."""
    x, y = iris
    keep = np.arange(150) % 3 != 0
    noisy = y.copy()
    noisy[~keep] = (noisy[~keep] + 1) % 3  # wrong labels on the rows weighted 0
    same = dict(solver="lbfgs", max_iter=10, alpha=0.0, scale="none")
    weighted = small(**same).fit(x, noisy, sample_weight=keep * 1.0)
    subset = small(**same).fit(x[keep], y[keep])
    np.testing.assert_allclose(weighted.coefs_[0], subset.coefs_[0], rtol=1e-6, atol=1e-9)


# Training like MLPClassifier ----------------------------------------------------------
def test_stops_after_n_iter_no_change_epochs_as_mlpclassifier(iris):
    """A tol no epoch can beat: both stop at epoch n_iter_no_change + 2."""
    mlp = MLPClassifier((8,), tol=1e9, n_iter_no_change=3, random_state=0).fit(*iris)
    net = small(tol=1e9, n_iter_no_change=3).fit(*iris)
    assert net.n_iter_ == mlp.n_iter_ == 5
    assert net.t_ == mlp.t_ == 5 * 150


def test_adaptive_learning_rate_divides_by_5_until_1e_6_as_mlpclassifier(iris):
    same = dict(solver="sgd", learning_rate="adaptive", tol=1e9, n_iter_no_change=1,
                learning_rate_init=0.1, max_iter=100, random_state=0)
    mlp = MLPClassifier((8,), **same).fit(*iris)
    net = small(**same).fit(*iris)
    assert net.n_iter_ == mlp.n_iter_ < 100
    assert net.model_.optimizer.learning_rate == pytest.approx(mlp._optimizer.learning_rate)


def test_invscaling_learning_rate_follows_samples_seen(iris):
    net = small(solver="sgd", learning_rate="invscaling", learning_rate_init=0.5,
                power_t=0.25, max_iter=7).fit(*iris)
    assert net.model_.optimizer.learning_rate == pytest.approx(0.5 / (7 * 150 + 1) ** 0.25)


def test_verbose_prints_mlpclassifiers_lines(iris, capsys):
    small(verbose=True, max_iter=2).fit(*iris)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == ["Iteration 1", "Iteration 2"]


def test_convergence_warning_when_max_iter_ends_training(iris):
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        small(max_iter=3).fit(*iris)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        small(max_iter=50, tol=1e9, n_iter_no_change=1).fit(*iris)


def test_shuffle_only_reorders_the_rows(iris):
    x, y = iris
    full = dict(batch_size=150, max_iter=20)  # one batch: the order cannot matter
    np.testing.assert_allclose(small(shuffle=False, **full).fit(x, y).coefs_[0],
                               small(shuffle=True, **full).fit(x, y).coefs_[0], rtol=1e-9)
    ordered = small(shuffle=False, batch_size=50).fit(x, y)  # first 50 rows: one class
    assert ordered.model_.info["spec"]["shuffle"] is False
    assert not np.allclose(ordered.coefs_[0], small(batch_size=50).fit(x, y).coefs_[0])


def test_same_random_state_same_numbers(iris):
    a, b, c = (small(random_state=s).fit(*iris) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.allclose(a.coefs_[0], c.coefs_[0])


def test_eval_set_gives_per_epoch_validation_curves_without_changing_training(iris):
    x, y = iris
    plain = small().fit(x[::2], y[::2])
    watched = small().fit(x[::2], y[::2], eval_set=(x[1::2], y[1::2]))
    np.testing.assert_array_equal(plain.coefs_[0], watched.coefs_[0])
    assert plain.validation_scores_ is None and plain.best_validation_score_ is None
    assert len(watched.validation_scores_) == len(watched.validation_loss_curve_) == 60
    assert watched.validation_scores_[-1] == watched.score(x[1::2], y[1::2])
    assert watched.best_validation_score_ == max(watched.validation_scores_)


def test_early_stopping_on_eval_set_keeps_the_best_weights(iris):
    x, y = iris
    clf = small(early_stopping=True, n_iter_no_change=2, max_iter=100, learning_rate_init=0.05)
    clf.fit(x[::2], y[::2], eval_set=(x[1::2], y[1::2]))
    assert clf.best_loss_ is None
    assert clf.score(x[1::2], y[1::2]) == clf.best_validation_score_
    assert len(clf.validation_scores_) == clf.n_iter_ < 100


def test_early_stopping_split_follows_validation_fraction(iris):
    clf = small(early_stopping=True, validation_fraction=0.2).fit(*iris)
    assert clf.t_ == clf.n_iter_ * 120  # 30 of the 150 rows validate
    x, y = make_regression(100, 2, random_state=0)
    with pytest.raises(ValueError, match="validation set is too small"):
        small(NetRegressor, early_stopping=True, validation_fraction=0.01).fit(x, y)


def test_partial_fit_is_one_epoch_of_fit(iris):
    one_epoch = small(max_iter=1).fit(*iris)
    partial = small().partial_fit(*iris, classes=[0, 1, 2])
    np.testing.assert_array_equal(one_epoch.coefs_[1], partial.coefs_[1])
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        small().partial_fit(*iris)
    partial.partial_fit(*iris)
    assert partial.t_ == 300 and len(partial.loss_curve_) == 2
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        small(early_stopping=True).partial_fit(*iris, classes=[0, 1, 2])


def test_warm_start_continues_from_the_weights(iris):
    clf = small(warm_start=True, max_iter=10)
    first = clf.fit(*iris).coefs_[0].copy()
    clf.fit(*iris)
    assert len(clf.loss_curve_) == 20 and clf.n_iter_ == 10
    assert not np.allclose(first, clf.coefs_[0])
    cold = small(max_iter=10).fit(*iris)
    np.testing.assert_array_equal(first, cold.coefs_[0])


def test_lbfgs_has_no_partial_fit():
    assert not hasattr(NetClassifier(solver="lbfgs"), "partial_fit")


def test_lbfgs_lowers_the_loss_at_every_iteration(iris):
    clf = small(solver="lbfgs", max_iter=40).fit(*iris)
    assert len(clf.loss_curve_) == clf.n_iter_ == 40
    assert np.all(np.diff(clf.loss_curve_) <= 1e-12)
    assert clf.loss_ == clf.loss_curve_[-1] and clf.score(*iris) > 0.95


def test_lbfgs_refuses_a_random_loss(iris):
    with pytest.raises(glassnet.ConfigError, match="dropout and batch_norm must be off"):
        small(solver="lbfgs", dropout=0.2).fit(*iris)


# Regression ---------------------------------------------------------------------------
def test_regressor_answers_in_the_targets_units():
    x = np.linspace(-1, 1, 80).reshape(-1, 1)
    y = 500 + 1000 * x[:, 0] ** 2
    reg = small(NetRegressor, hidden_layer_sizes=(16,), activation="tanh", max_iter=300,
                learning_rate_init=0.01).fit(x, y)
    assert reg.score(x, y) > 0.95
    assert abs(reg.predict([[0.0]])[0] - 500) < 100
    assert reg.predict(x).shape == (80,)


def test_regressor_loss_curve_is_half_the_mean_squared_error_as_mlpregressor():
    x, y = make_regression(40, 2, random_state=0)
    reg = small(NetRegressor, alpha=0.0, scale_target=False, scale="none", max_iter=1,
                learning_rate_init=1e-12).fit(x, y)  # one epoch that changes nothing
    network = reg.model_.predict(x)[:, 0]
    np.testing.assert_allclose(reg.loss_curve_[0], np.mean((network - y) ** 2) / 2, rtol=1e-9)


# Persistence ------------------------------------------------------------------------
def test_pickle_round_trip(iris):
    clf = small().fit(*iris)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(iris[0]), clf.predict_proba(iris[0]))
    assert again.partial_fit(*iris).t_ == clf.t_ + 150


def test_model_is_a_glassnet_sequential_that_saves_safely(iris, tmp_path):
    clf = small().fit(iris[0], FISH[iris[1]])
    assert isinstance(clf.model_, glassnet.Sequential)
    path = tmp_path / "iris.glassnet"
    clf.model_.save(path)
    loaded = glassnet.load_model(path)
    np.testing.assert_allclose(loaded.predict(iris[0]), clf.predict_proba(iris[0]), rtol=1e-12)


def test_saved_two_class_network_predicts_both_classes_in_glassnets_tables(iris):
    """One logistic output, two class names: glassnet's prediction table (CLI predict)
    shows p(first class) = 1 - z and p(second class) = z, as predict_proba does."""
    from glassnet.data.exports import prediction_table

    x, y = iris[0][:100], FISH[iris[1][:100]]
    clf = small().fit(x, y)
    header, rows, p = prediction_table(clf.model_, ["a", "b", "c", "d"], x)
    assert header[4:] == [f"p_{c}" for c in clf.classes_] + ["predicted"]
    np.testing.assert_allclose(p, clf.predict_proba(x), rtol=1e-12)
    assert [row[-1] for row in rows] == clf.predict(x).tolist()


def test_sparse_input_is_accepted_as_mlpclassifier(iris):
    sparse = pytest.importorskip("scipy.sparse")
    x, y = iris
    dense, from_sparse = small().fit(x, y), small().fit(sparse.csr_matrix(x), y)
    np.testing.assert_array_equal(dense.coefs_[0], from_sparse.coefs_[0])
    np.testing.assert_array_equal(dense.predict_proba(x),
                                  from_sparse.predict_proba(sparse.csc_matrix(x)))


def test_glassnets_figures_and_tables_work_on_a_fitted_estimator():
    """model_ carries what glassnet's figures, tables and report read: names, history."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from glassnet import plotting
    from glassnet.data.exports import coefficient_tables

    data = glassnet.datasets.load("sample2")  # seed 000's 2-D points in 5 classes
    labels = np.array(data.class_names)[data.labels]
    clf = small(max_iter=5).fit(data.features, labels, eval_set=(data.features, labels))
    history = clf.model_.history.history
    assert history["loss"] == clf.loss_curve_  # the same learning curve, both ways
    assert history["val_loss"] == clf.validation_loss_curve_
    tables = coefficient_tables(clf.model_)
    assert [row[0] for row in tables[-1]["rows"]] == data.class_names
    figure = plotting.decision_regions(clf.model_, data, resolution=30)
    figure.savefig(__import__("io").BytesIO(), format="png")
    matplotlib.pyplot.close("all")


def test_dataframe_feature_names_are_kept_and_checked(iris):
    pd = pytest.importorskip("pandas")
    names = ["がく片の長さ", "がく片の幅", "花弁の長さ", "花弁の幅"]
    frame = pd.DataFrame(iris[0], columns=names)
    clf = small().fit(frame, pd.Series(iris[1], name="品種"))
    assert clf.feature_names_in_.tolist() == names
    assert clf.model_.info["target_name"] == "品種"
    assert clf.model_.info["feature_names"] == names
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        clf.predict(frame[names[::-1]])
