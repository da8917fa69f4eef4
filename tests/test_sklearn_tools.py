"""glassnet's estimators inside scikit-learn's tooling, and against MLPClassifier's scores."""

import statistics

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn import datasets  # noqa: E402
from sklearn.calibration import CalibratedClassifierCV  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.inspection import DecisionBoundaryDisplay, permutation_importance  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    RandomizedSearchCV,
    cross_val_score,
    learning_curve,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from glassnet.sklearn import NetClassifier, NetRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    return datasets.load_iris(return_X_y=True)


def quick(**params):
    return NetClassifier(**{"hidden_layer_sizes": (8,), "max_iter": 150, "random_state": 0,
                            "learning_rate_init": 0.01, **params})


def test_pipeline(iris):
    pipe = Pipeline([("sc", StandardScaler()), ("net", quick(scale="none"))]).fit(*iris)
    assert pipe.score(*iris) > 0.9
    assert pipe.named_steps["net"].n_iter_ == 150  # every epoch, not Keras's epochs=1


def test_column_transformer_with_a_japanese_sheet():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 120
    frame = pd.DataFrame({"体長": rng.normal(20, 3, n), "体重": rng.normal(100, 20, n),
                          "漁場": rng.choice(["北", "南"], n)})
    species = np.where(frame["体長"] + (frame["漁場"] == "北") * 4 > 22, "マアジ", "サバ")
    prep = ColumnTransformer([("num", StandardScaler(), ["体長", "体重"]),
                              ("cat", OneHotEncoder(), ["漁場"])])
    pipe = Pipeline([("prep", prep), ("net", quick(scale="none"))]).fit(frame, species)
    assert set(pipe.predict(frame)) <= {"マアジ", "サバ"}
    assert pipe.score(frame, species) > 0.85


@pytest.mark.parametrize("search", ["grid", "random"])
def test_searches_in_two_processes(iris, search):
    grid = {"hidden_layer_sizes": [(4,), (8,)], "alpha": [1e-4, 1e-2]}
    if search == "grid":
        cv = GridSearchCV(quick(max_iter=60), grid, cv=3, n_jobs=2)
    else:
        cv = RandomizedSearchCV(quick(max_iter=60), grid, n_iter=3, cv=3, n_jobs=2,
                                random_state=0)
    cv.fit(*iris)
    assert len(cv.cv_results_["params"]) == (4 if search == "grid" else 3)
    assert cv.best_estimator_.model_ is not None and cv.best_score_ > 0.8
    assert cv.best_estimator_.get_params()["alpha"] == cv.best_params_["alpha"]


def test_cross_val_score(iris):
    scores = cross_val_score(quick(), *iris, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8


def test_permutation_importance_ranks_the_petals_first(iris):
    clf = quick().fit(*iris)
    result = permutation_importance(clf, *iris, n_repeats=3, random_state=0)
    assert set(np.argsort(result.importances_mean)[-2:]) == {2, 3}  # petal length, width


def test_learning_curve(iris):
    sizes, train, test = learning_curve(quick(max_iter=60), *iris, cv=3,
                                        train_sizes=[0.5, 1.0], shuffle=True, random_state=0)
    assert train.shape == test.shape == (2, 3)


def test_calibrated_classifier(iris):
    calibrated = CalibratedClassifierCV(quick(), cv=3).fit(*iris)
    proba = calibrated.predict_proba(iris[0])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert calibrated.score(*iris) > 0.8


def test_decision_boundary_display(iris):
    import matplotlib

    matplotlib.use("Agg")
    x = iris[0][:, 2:]
    clf = quick().fit(x, iris[1])
    display = DecisionBoundaryDisplay.from_estimator(clf, x, response_method="predict_proba",
                                                     class_of_interest=2)
    assert display.response.shape == display.xx0.shape
    assert 0.0 <= display.response.min() and display.response.max() <= 1.0
    matplotlib.pyplot.close("all")


# MLPClassifier's held-out scores, with the same defaults ---------------------------------
BUNDLED = [("iris", datasets.load_iris, True), ("wine", datasets.load_wine, True),
           ("breast_cancer", datasets.load_breast_cancer, True),
           ("digits", datasets.load_digits, True), ("diabetes", datasets.load_diabetes, False)]


@pytest.mark.parametrize("name, load, classification", BUNDLED, ids=[b[0] for b in BUNDLED])
def test_reaches_mlps_held_out_score_with_its_defaults(name, load, classification):
    """Median over 5 seeds of the held-out score (25 % split), both with default settings."""
    x, y = load(return_X_y=True)
    scores = {"mlp": [], "net": []}
    with threadpool_limits(1, "blas"):  # small products: one thread is faster for both
        for seed in range(5):
            x_train, x_test, y_train, y_test = train_test_split(
                x, y, test_size=0.25, random_state=seed, stratify=y if classification else None)
            mlp = (MLPClassifier if classification else MLPRegressor)(random_state=seed)
            net = (NetClassifier if classification else NetRegressor)(random_state=seed)
            scores["mlp"].append(mlp.fit(x_train, y_train).score(x_test, y_test))
            scores["net"].append(net.fit(x_train, y_train).score(x_test, y_test))
    assert statistics.median(scores["net"]) >= statistics.median(scores["mlp"])
