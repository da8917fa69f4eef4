"""The network of every Keras tutorial — ``Dense(4, "tanh")``, ``Dense(1, "sigmoid")`` and
binary cross-entropy — on glassnet's own ``load_csv`` Dataset: each loss and output
gets the target form it needs, in fit, evaluate, predict, the CLI, the report and the
playground (issue 28)."""

import csv

import numpy as np
import pytest
from glassnet.layers import Dense

import glassnet
from glassnet.cli import run


@pytest.fixture
def two_classes(tmp_path):
    """200 rows, classes 'いいえ' / 'はい' (sorted: いいえ = 0, はい = 1) split by x1 + x2."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2))
    lines = ["x1,x2,判定"] + [f"{a:.4f},{b:.4f},{'はい' if a + b > 0 else 'いいえ'}"
                              for a, b in x]
    path = tmp_path / "binary.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, (x.sum(axis=1) > 0).astype(float)


def tutorial_model(loss="binary_crossentropy", units=1, activation="sigmoid", lr=0.05):
    model = glassnet.Sequential([Dense(4, "tanh"), Dense(units, activation)], seed=0)
    model.compile(glassnet.optimizers.Adam(learning_rate=lr), loss, ["accuracy"])
    return model


def test_targets_take_the_form_of_the_loss_and_the_output():
    d = glassnet.Dataset(np.zeros((4, 1)), np.array([1, 0, 1, 1]), ["x"], ["no", "yes"])
    assert d.targets_for("binary_crossentropy", outputs=1).tolist() == [[1.], [0.], [1.], [1.]]
    assert d.targets_for(glassnet.losses.get("categorical_crossentropy"), outputs=2).tolist() \
        == [[0., 1.], [1., 0.], [0., 1.], [0., 1.]]
    sparse = glassnet.losses.get("sparse_categorical_crossentropy")
    assert d.targets_for(sparse, outputs=2).tolist() == [1, 0, 1, 1]
    three = glassnet.Dataset(np.zeros((3, 1)), np.array([0, 1, 2]), ["x"], ["a", "b", "c"],
                             target_name="kind", source="k.csv")
    with pytest.raises(glassnet.DataError, match=r"k.csv: the target 'kind' has 3 classes, "
                       r"but the model has 1 output cell.*Dense\(3, 'softmax'\)"):
        three.targets_for("binary_crossentropy", outputs=1)


def test_the_tutorial_network_fits_evaluates_and_predicts_a_loaded_csv(two_classes):
    path, truth = two_classes
    data = glassnet.load_csv(path, target="判定")
    model = tutorial_model()
    history = model.fit(data, epochs=60, batch_size=32, verbose=0, validation_split=0.25,
                        validation_method="stratified")
    assert history.history["accuracy"][-1] > 0.9  # a linear boundary: easily learnt
    p = model.predict(data)
    assert p.shape == (200, 1)
    np.testing.assert_array_equal(p, model.predict(data.features))
    loss, accuracy = model.evaluate(data)
    # binary cross-entropy and accuracy by hand, with 'はい' (class 1) as the positive class
    q = np.clip(p[:, 0].astype(np.float64), 1e-7, 1 - 1e-7)
    assert loss == pytest.approx(-np.mean(truth * np.log(q) + (1 - truth) * np.log(1 - q)),
                                 rel=1e-4)
    assert accuracy == pytest.approx(np.mean((p[:, 0] > 0.5) == truth))
    # the same rows as arrays give the same numbers
    assert model.evaluate(data.features, truth[:, None]) == pytest.approx([loss, accuracy])


@pytest.mark.parametrize("loss,units,activation", [
    ("sparse_categorical_crossentropy", 2, "softmax"),
    ("categorical_crossentropy", 2, "softmax"),
])
def test_sparse_and_one_hot_losses_get_their_own_targets(two_classes, loss, units, activation):
    data = glassnet.load_csv(two_classes[0], target="判定")
    model = tutorial_model(loss, units, activation, lr=0.01)
    model.fit(data, epochs=40, batch_size=32, verbose=0)
    assert model.evaluate(data)[1] > 0.9


def test_predict_matches_a_dataset_by_column_name(two_classes):
    data = glassnet.load_csv(two_classes[0], target="判定")
    model = tutorial_model()
    model.fit(data, epochs=2, verbose=0)
    swapped = data.subset(slice(None))
    swapped.features, swapped.feature_names = data.features[:, ::-1], ["x2", "x1"]
    np.testing.assert_array_equal(model.predict(swapped), model.predict(data))
    swapped.feature_names = ["x2", "x9"]
    with pytest.raises(glassnet.DataError, match="no column.*'x1'"):
        model.predict(swapped)


def test_the_cli_builds_the_tutorial_network_and_every_step_reads_it(two_classes, tmp_path,
                                                                      capsys):
    path, truth = two_classes
    out = tmp_path / "run"
    code = run(["train", str(path), "--target", "判定", "--hidden", "4", "--activation", "tanh",
                "--loss", "binary_crossentropy", "--optimizer", "adam", "--lr", "0.05",
                "--epochs", "100", "--test-split", "0.25", "--out", str(out), "-q"])
    assert code == 0, capsys.readouterr().err
    model = glassnet.load_model(out / "model.glassnet")
    assert [w.shape for w in model.get_weights()][-2:] == [(4, 1), (1,)]
    assert model.layers[-1].activation.name == "sigmoid"
    assert model.loss.name == "binary_crossentropy"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "いいえ" in report and "はい" in report and "confusion" in report.lower()
    with open(out / "test-predictions.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    p = np.array([[float(r["p_いいえ"]), float(r["p_はい"])] for r in rows])
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    assert [r["predicted"] for r in rows] == [["いいえ", "はい"][int(q > 0.5)] for q in p[:, 1]]
    capsys.readouterr()
    predictions = tmp_path / "p.csv"
    assert run(["predict", str(out / "model.glassnet"), str(path), "--out",
                str(predictions)]) == 0
    assert "accuracy" in capsys.readouterr().out
    assert run(["evaluate", str(out / "model.glassnet"), str(path)]) == 0
    said = capsys.readouterr().out
    accuracy = float(said.split("accuracy ")[1].split()[0])
    assert accuracy > 0.9


def test_the_playground_trains_the_tutorial_network(two_classes):
    from glassnet.playground.session import Session

    path, _ = two_classes
    session = Session("binary")
    try:
        session.set_upload(path.name, path.read_bytes())
        session.setup({"data": {"source": "upload", "target": "判定"},
                       "split": {"validation": 0.2, "method": "random"},
                       "spec": {"hidden": [4], "activation": "tanh",
                                "loss": "binary_crossentropy",
                                "optimizer": {"name": "adam", "learning_rate": 0.05}}})
        assert session.model.output_dim == 1
        for _ in range(20):
            session.step()
        frame = session.frame()
        assert frame["history"]["loss"][-1] < frame["history"]["loss"][0]
        assert np.sum(frame["confusion"]["matrix"]) == 40
        assert len(frame["region"]["classes"]) == 2  # P(いいえ) = 1 - P(はい), both drawn
        trace = session.trace_row(0)
        assert len(trace["output"]) == 1
    finally:
        session.close()
