"""glassnet.explain: permutation importance and Shapley contributions, checked against
the mathematics (brute force, a linear model's closed form, additivity)."""

import itertools
import math

import numpy as np
import pytest

import glassnet
from glassnet.data import Dataset
from glassnet.engine.layers import Dense
from glassnet.explain import Players, background_rows, contributions, importance
from glassnet.explain.shapley import exact_from_values


def small_net(n_inputs=4, seed=0, classes=None):
    """A random tanh network in float64 (no training needed for the mathematics)."""
    out = Dense(len(classes), "softmax") if classes else Dense(1)
    model = glassnet.Sequential([Dense(5, "tanh"), out], input_dim=n_inputs, seed=seed,
                                dtype="float64")
    model.build(n_inputs)
    if classes:
        model.info["class_names"] = list(classes)
    return model


def brute_force(f, x, background):
    """Shapley values by their definition: every order of the players, every marginal."""
    m = x.size

    def v(coalition):
        z = background.copy()
        z[:, list(coalition)] = x[list(coalition)]
        return f(z).mean()

    phi = np.zeros(m)
    for order in itertools.permutations(range(m)):
        joined = []
        for player in order:
            before = v(joined)
            joined.append(player)
            phi[player] += v(joined) - before
    return phi / math.factorial(m)


def test_exact_values_equal_brute_force_enumeration_on_a_4_input_network():
    rng = np.random.default_rng(1)
    model = small_net(4, seed=3)
    x = rng.normal(size=(3, 4))
    background = rng.normal(size=(7, 4))
    result = contributions(model, x, background=background)
    for r in range(3):
        expected = brute_force(lambda z: model.predict(z)[:, 0], x[r], background)
        np.testing.assert_allclose(result.values[r], expected, rtol=0, atol=1e-12)
    assert result.method == "exact" and result.standard_error is None


def test_exact_values_equal_brute_force_for_a_class_probability():
    rng = np.random.default_rng(2)
    model = small_net(4, seed=4, classes=["a", "b", "c"])
    x, background = rng.normal(size=(2, 4)), rng.normal(size=(5, 4))
    result = contributions(model, x, background=background, class_name="b")
    for r in range(2):
        expected = brute_force(lambda z: model.predict(z)[:, 1], x[r], background)
        np.testing.assert_allclose(result.values[r], expected, atol=1e-12)
    assert result.explained == ["b", "b"]
    np.testing.assert_allclose(result.output, model.predict(x)[:, 1], atol=1e-15)


def test_contributions_add_up_to_the_output_on_every_row_and_it_is_predict():
    rng = np.random.default_rng(3)
    model = small_net(5, seed=5, classes=["x", "y"])
    x = rng.normal(size=(20, 5))
    result = contributions(model, x, background=rng.normal(size=(30, 5)))
    predicted = model.predict(x)
    np.testing.assert_allclose(result.base + result.values.sum(axis=1), result.output,
                               rtol=0, atol=1e-12)
    # the predicted class of each row is explained, with its probability as output
    assert result.explained == [["x", "y"][k] for k in predicted.argmax(axis=1)]
    np.testing.assert_array_equal(result.output, predicted.max(axis=1))


def test_no_hidden_layer_and_identity_output_gives_w_times_x_minus_mean():
    rng = np.random.default_rng(4)
    model = glassnet.Sequential([Dense(1)], input_dim=3, dtype="float64")
    w, b = np.array([[2.0], [-0.5], [3.0]]), np.array([0.25])
    model.set_weights([w, b])
    x, background = rng.normal(size=(6, 3)), rng.normal(size=(40, 3))
    result = contributions(model, x, background=background)
    np.testing.assert_allclose(result.values, w[:, 0] * (x - background.mean(axis=0)),
                               atol=1e-13)
    np.testing.assert_allclose(result.base, np.full(6, (background @ w + b).mean()),
                               atol=1e-13)


def test_a_constant_column_contributes_exactly_zero():
    rng = np.random.default_rng(5)
    model = small_net(4, seed=6)
    background = rng.normal(size=(10, 4))
    background[:, 2] = 7.5
    x = rng.normal(size=(5, 4))
    x[:, 2] = 7.5
    exact = contributions(model, x, background=background)
    sampled = contributions(model, x, background=background, exact_limit=2, pairs=20)
    assert (exact.values[:, 2] == 0.0).all() and (sampled.values[:, 2] == 0.0).all()
    assert (sampled.standard_error[:, 2] == 0.0).all()


def test_the_sampled_estimate_adds_up_exactly_and_is_near_the_exact_values():
    rng = np.random.default_rng(6)
    model = small_net(6, seed=7)
    x, background = rng.normal(size=(3, 6)), rng.normal(size=(8, 6))
    exact = contributions(model, x, background=background)
    sampled = contributions(model, x, background=background, exact_limit=4, pairs=400)
    assert sampled.method == "sampled" and sampled.samples == 800
    np.testing.assert_allclose(sampled.base + sampled.values.sum(axis=1), sampled.output,
                               atol=1e-12)
    np.testing.assert_allclose(sampled.base, exact.base, atol=1e-15)
    # within 5 standard errors (each one positive, and small against the values)
    assert (sampled.standard_error > 0).all()
    assert (np.abs(sampled.values - exact.values) <= 5 * sampled.standard_error + 1e-12).all()
    assert sampled.standard_error.max() < 0.1 * np.abs(exact.values).max()


def test_sampled_values_are_seeded_by_the_row_not_its_neighbours():
    rng = np.random.default_rng(7)
    model = small_net(5, seed=8)
    x, background = rng.normal(size=(4, 5)), rng.normal(size=(6, 5))
    together = contributions(model, x, background=background, exact_limit=3, pairs=12)
    alone = contributions(model, x[2:3], background=background, exact_limit=3, pairs=12)
    np.testing.assert_array_equal(together.values[2], alone.values[0])
    other = contributions(model, x[2:3], background=background, exact_limit=3, pairs=12,
                          seed=1)
    assert not np.array_equal(other.values, alone.values)


def test_exact_from_values_on_a_game_with_known_values():
    # v(S) = |S|²: symmetric, so each of 3 players gets v(N) / 3 = 3
    v = np.array([bin(s).count("1") ** 2 for s in range(8)], float)
    np.testing.assert_allclose(exact_from_values(v, 3), [3.0, 3.0, 3.0])
    # a dummy player: v depends on player 0 only
    v = np.array([2.0 * (s & 1) for s in range(8)])
    np.testing.assert_allclose(exact_from_values(v, 3), [2.0, 0.0, 0.0])


# A text column is one player --------------------------------------------------------------
PLAN = {"inputs": [{"name": "体長", "kind": "number"},
                   {"name": "漁港", "kind": "category", "levels": ["A港", "B港", "C港"]},
                   {"name": "体重", "kind": "number"}], "id": [], "target": "y"}


def one_hot_model():
    """y = 体長 + (sum of the 漁港 levels: 1 for every valid row) + 2 体重."""
    model = glassnet.Sequential([Dense(1)], input_dim=5, dtype="float64")
    model.set_weights([np.array([[1.0], [1.0], [1.0], [1.0], [2.0]]), np.zeros(1)])
    model.info.update(columns=PLAN, feature_names=["体長", "漁港=A港", "漁港=B港", "漁港=C港",
                                                   "体重"], target_name="y")
    return model


def port_rows(n, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 5))
    x[:, 0], x[:, 4] = rng.normal(size=n), rng.normal(size=n)
    x[np.arange(n), 1 + rng.integers(0, 3, n)] = 1.0
    return x


def test_players_follow_the_column_plan():
    p = Players.from_plan(PLAN, 5)
    assert p.names == ["体長", "漁港", "体重"]
    assert [g.tolist() for g in p.groups] == [[0], [1, 2, 3], [4]]
    # a plan that does not fit the inputs: one player per input, named after them
    assert Players.from_plan(PLAN, 4, ["a", "b", "c", "d"]).names == ["a", "b", "c", "d"]


def test_a_text_column_is_one_player_with_its_levels_summed():
    model = one_hot_model()
    x, background = port_rows(4, 1), port_rows(9, 2)
    result = contributions(model, x, background=background)
    assert result.names == ["体長", "漁港", "体重"]
    # the levels always sum to 1, in x and in every background row: 漁港 adds nothing
    assert (result.values[:, 1] == 0.0).all()
    np.testing.assert_allclose(result.values[:, 2], 2 * (x[:, 4] - background[:, 4].mean()),
                               atol=1e-13)


def test_a_text_column_is_shuffled_as_one_column():
    """Shuffled level by level, rows would hold 0 or 2 levels and the sum would move;
    shuffled together, every row keeps one level: importance exactly 0."""
    model = one_hot_model()
    x = port_rows(200, 3)
    data = Dataset(x, model.predict(x), model.info["feature_names"], target_name="y")
    result = importance(model, data, n_repeats=4, seed=0)
    assert result.names == ["体長", "漁港", "体重"]
    assert (result.drops[1] == 0.0).all()
    assert result.mean[2] > result.mean[0] > 0
    assert result.baseline == 0.0


# Importance ------------------------------------------------------------------------------
def informative_sheet(n=600, noise=7, seed=0):
    """3 informative columns (weights 3, 2, 1.5) and ``noise`` columns of noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3 + noise))
    score = 3 * x[:, 0] - 2 * x[:, 1] + 1.5 * x[:, 2] + 0.3 * rng.normal(size=n)
    labels = (score > 0).astype(int)
    names = [f"signal{i + 1}" for i in range(3)] + [f"noise{i + 1}" for i in range(noise)]
    return Dataset(x, labels, names, ["no", "yes"], "class")


@pytest.fixture(scope="module")
def trained():
    data = informative_sheet()
    train, test = data.subset(slice(0, 400)), data.subset(slice(400, None))
    spec = glassnet.ModelSpec(hidden=[8], activation="tanh", optimizer="adam", epochs=60,
                              batch_size=32, seed=0)
    model, _ = glassnet.train(spec, train)
    return model, train, test


def test_informative_columns_rank_on_top(trained):
    model, _, test = trained
    result = importance(model, test, n_repeats=5, seed=0)
    top = [result.names[i] for i in result.order[:3]]
    assert top == ["signal1", "signal2", "signal3"]
    noise = result.mean[3:]
    assert noise.max() < 0.1 * result.mean[2]
    header, rows = result.table()
    assert header[:4] == ["rank", "column", "importance: increase in cross-entropy (log loss) "
                          "when the column is shuffled", "standard deviation"]
    assert [row[1] for row in rows[:3]] == top and rows[0][0] == 1


def test_importance_is_the_same_for_the_same_seed_and_a_drop_in_accuracy(trained):
    model, _, test = trained
    a = importance(model, test, n_repeats=3, seed=4, scoring="accuracy")
    b = importance(model, test, n_repeats=3, seed=4, scoring="accuracy")
    np.testing.assert_array_equal(a.drops, b.drops)
    # by hand: shuffle signal1's cells with the same generator and score again
    rng = np.random.default_rng(4)
    order = rng.permutation(len(test))
    x = test.features.copy()
    x[:, 0] = x[order, 0]
    base = np.mean(model.predict(test.features).argmax(1) == test.labels)
    shuffled = np.mean(model.predict(x).argmax(1) == test.labels)
    assert a.baseline == base
    assert a.drops[0, 0] == pytest.approx(base - shuffled, abs=1e-12)


def test_unreliable_ranking_is_named():
    from glassnet.explain import Importance

    result = Importance(["a", "b", "c"], np.array([[1.0, 1.2], [0.9, 1.25], [0.0, 0.0]]),
                        "rmse", 1.0, 10, 0)
    assert [pair[:2] for pair in result.unreliable()] == [("a", "b")]
    clear = Importance(["a", "b"], np.array([[2.0, 2.1], [0.9, 1.0]]), "rmse", 1.0, 10, 0)
    assert clear.unreliable() == []


def test_bad_arguments_say_what_was_expected(trained):
    model, _, test = trained
    with pytest.raises(ValueError, match="scoring='rmse' does not suit a model that "
                       "predicts classes; use one of log_loss, accuracy"):
        importance(model, test, scoring="rmse")
    with pytest.raises(ValueError, match="class 'maybe' is not one of the model's classes: "
                       "no, yes"):
        contributions(model, test.features[:1], background=test.features, class_name="maybe")
    with pytest.raises(ValueError, match="rows to explain must have 10 inputs"):
        contributions(model, np.zeros((1, 3)), background=test.features)


def test_background_rows_are_a_seeded_sample_of_the_rows():
    x = np.arange(50.0).reshape(25, 2)
    a, b = background_rows(x, 10, seed=1), background_rows(x, 10, seed=1)
    np.testing.assert_array_equal(a, b)
    assert len(a) == 10 and set(map(tuple, a)) <= set(map(tuple, x))
    assert (np.diff(a[:, 0]) > 0).all()  # in the rows' own order
    np.testing.assert_array_equal(background_rows(x, 100), x)


def test_sklearn_permutation_importance_and_glassnet_give_the_same_ranking():
    pytest.importorskip("sklearn")
    from sklearn.inspection import permutation_importance

    from glassnet.sklearn import NetClassifier

    data = informative_sheet(seed=1)
    x, y = data.features, np.array(["no", "yes"])[data.labels]
    clf = NetClassifier(hidden_layer_sizes=(8,), max_iter=80, learning_rate_init=0.01,
                        random_state=0).fit(x[:400], y[:400])
    theirs = permutation_importance(clf, x[400:], y[400:], scoring="neg_log_loss",
                                    n_repeats=5, random_state=0)
    held_out = Dataset(x[400:], np.searchsorted(clf.classes_, y[400:]), data.feature_names,
                       list(clf.classes_))
    ours = importance(clf.model_, held_out, n_repeats=5, seed=0)
    assert ours.scoring == "log_loss" and ours.names[:3] == ["signal1", "signal2", "signal3"]
    their_order = np.argsort(-theirs.importances_mean, kind="stable")
    assert list(their_order[:3]) == list(ours.order[:3]) == [0, 1, 2]
    # the same quantity measured with other shuffles: within the spread of the repeats
    spread = 3 * np.maximum(ours.std, theirs.importances_std) + 1e-3
    assert (np.abs(ours.mean - theirs.importances_mean) <= spread).all()


def test_a_missing_cell_indicator_belongs_to_its_column():
    plan = {"inputs": [{"name": "a", "kind": "number", "indicator": True},
                       {"name": "b", "kind": "category", "levels": ["x", "y"]}]}
    assert [g.tolist() for g in Players.from_plan(plan, 4).groups] == [[0, 1], [2, 3]]
