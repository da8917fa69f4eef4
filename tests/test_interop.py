"""Models that travel: ONNX graphs with the table's preprocessing, Keras files out and in.

ONNX graphs run in onnxruntime on the sheet's raw cells and must give glassnet's own
predictions; ``.keras`` files written by glassnet are read back (and, in the parity set,
by Keras itself); Keras files in Keras's layout are read with their layers and weights.
"""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest
from glassnet.layers import BatchNormalization, Dense, Dropout, LeakyReLU, Normalization

import glassnet
from glassnet import ModelSpec
from glassnet.interop.loading import load_model

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
pytest.importorskip("h5py")

WARDS = ["中央区", "北区", "港区"]


def write_sheet(path, n=120, seed=0, regression=False, blanks=0.0):
    """A sheet with an ID, two number columns, a text column and the target; a share
    ``blanks`` of the input cells left empty (or written NA)."""
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["番号", "面積", "築年数", "区", "価格" if regression else "判定"])
        for i in range(n):
            area, age, ward = rng.uniform(20, 90), rng.integers(0, 40), rng.integers(0, 3)
            score = area / 30 - age / 20 + ward - 1 + rng.normal(0, 0.3)
            target = f"{1000 + 40 * area - 15 * age + 300 * ward:.1f}" if regression else \
                ("高" if score > 0.5 else "低")
            cells = [f"{area:.1f}", str(age), WARDS[ward]]
            for k in range(3):
                if rng.random() < blanks:
                    cells[k] = "" if rng.random() < 0.7 else "NA"
            out.writerow([i + 1, *cells, target])
    return path


def raw_feed(model, path):
    """The sheet's raw columns as onnxruntime inputs: numbers as floats (NaN blank),
    text as strings."""
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    feed = {}
    for column in model.info["columns"]["inputs"]:
        cells = [row[column["name"]] for row in rows]
        if column["kind"] == "category":
            feed[column["name"]] = np.array(cells, dtype=object).reshape(-1, 1)
        else:
            values = [float(c) if c.strip() not in ("", "NA") else np.nan for c in cells]
            feed[column["name"]] = np.array(values, dtype=model.dtype).reshape(-1, 1)
    return feed


def trained(tmp_path, regression=False, blanks=0.0, missing=None, indicator=False, **spec):
    path = write_sheet(tmp_path / "sheet.csv", regression=regression, blanks=blanks)
    data = glassnet.load_csv(path, target=-1, missing=missing, missing_indicator=indicator)
    model, _ = glassnet.train(ModelSpec(hidden=(6,), epochs=30, seed=1, **spec), data)
    return model, path, data


@pytest.mark.parametrize("regression", [False, True])
def test_onnx_graph_on_raw_rows_gives_glassnets_predictions(tmp_path, regression):
    model, path, data = trained(tmp_path, regression)
    out = tmp_path / "model.onnx"
    model.export(out)
    session = ort.InferenceSession(str(out))
    names = [i.name for i in session.get_inputs()]
    assert names == ["面積", "築年数", "区"]  # one input per column, named after it
    assert session.get_inputs()[2].type == "tensor(string)"
    results = dict(zip([o.name for o in session.get_outputs()],
                       session.run(None, raw_feed(model, path))))
    expected = model.predict(data.features)
    if regression:
        np.testing.assert_allclose(results["value"], expected, rtol=1e-5, atol=1e-5 *
                                   np.abs(expected).max())
    else:
        np.testing.assert_allclose(results["probabilities"], expected, atol=1e-5)
        predicted = np.array(data.class_names)[expected.argmax(axis=1)]
        assert list(results["label"]) == list(predicted)
        assert len(set(predicted)) == 2  # both classes occur: the label map is tested


@pytest.mark.parametrize("missing,indicator", [("median", False), ("mean", True),
                                               ("most-frequent", False)])
def test_onnx_fills_blank_cells_as_glassnet_does(tmp_path, missing, indicator):
    model, path, _ = trained(tmp_path, blanks=0.15, missing=missing, indicator=indicator)
    out = tmp_path / "model.onnx"
    model.export(out, format="onnx")
    session = ort.InferenceSession(str(out))
    feed = raw_feed(model, path)
    assert np.isnan(feed["面積"]).any() and (feed["区"] == "").any()  # blanks go in raw
    _label, p = session.run(None, feed)
    expected = glassnet.predict_csv(model, path).probabilities  # glassnet fills them
    np.testing.assert_allclose(p, expected, atol=1e-5)
    assert not np.isnan(p).any()


def test_onnx_matches_every_exportable_layer_and_activation(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 4)) * [1, 50, 3, 0.1] + [0, 200, 1, 0]
    layers = [Normalization(), Dense(8, "selu"), BatchNormalization(), Dropout(0.3),
              Dense(6, "swish"), Dense(6, "mish"), Dense(6, "elu"),
              Dense(6, "softplus"), Dense(6, "hard_sigmoid"), Dense(6, "relu6"),
              Dense(6, "softsign"), Dense(6, "leaky_relu"), LeakyReLU(0.2),
              Dense(6, {"name": "gelu", "approximate": True}), Dense(3, "linear")]
    model = glassnet.Sequential(layers, seed=0, dtype="float64")
    model.layers[0].adapt(x)
    model.build(4)
    for w in model.layers[2].weights:
        w[...] = rng.uniform(0.5, 2.0, w.shape)
    model.export(tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    feed = {f"x{i + 1}": x[:, i:i + 1] for i in range(4)}
    (value,) = session.run(None, feed)
    np.testing.assert_allclose(value, model.predict(x), rtol=1e-9, atol=1e-12)


def test_onnx_exact_gelu_within_float32_of_erf(tmp_path):
    # onnxruntime's Erf is float32 only: a float64 model's exact GELU agrees to ~1e-7
    x = np.random.default_rng(4).normal(size=(50, 2)) * 3
    model = glassnet.Sequential([Dense(5, "gelu"), Dense(1)], input_dim=2, seed=0,
                                dtype="float64")
    model.export(tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    (value,) = session.run(None, {"x1": x[:, :1], "x2": x[:, 1:]})
    np.testing.assert_allclose(value, model.predict(x), rtol=1e-6, atol=1e-6)


def test_keras_file_round_trip_keeps_predictions_and_folds_scaling(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 3)) * [1, 100, 5] + [0, 1000, 2]
    model = glassnet.Sequential([Normalization(), Dense(5, "tanh"), Dropout(0.2),
                                 BatchNormalization(), Dense(4, "leaky_relu"),
                                 Dense(3, "softmax")], seed=1)
    model.layers[0].adapt(x)
    model.build(3)
    notes = model.export(tmp_path / "m.keras")
    assert "folded" in notes[0]
    back = load_model(tmp_path / "m.keras")
    assert [type(layer).__name__ for layer in back.layers] == [
        "Dense", "Dropout", "BatchNormalization", "Dense", "LeakyReLU", "Dense"]
    np.testing.assert_allclose(back.predict(x), model.predict(x), atol=2e-6)


def test_keras_export_refuses_text_columns_and_points_to_onnx(tmp_path):
    model, _, _ = trained(tmp_path)
    with pytest.raises(glassnet.ConfigError, match=r"'区'.*--to onnx"):
        model.export(tmp_path / "m.keras")


def test_keras_export_says_blank_cells_stay_behind(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b,y\n1,2,3.5\n,4,7.0\n5,,9.5\n2,3,5.0\n4,1,6.5\n")
    data = glassnet.load_csv(path, missing="mean")
    model, _ = glassnet.train(ModelSpec(hidden=(3,), epochs=2, seed=0), data)
    notes = model.export(tmp_path / "m.keras")
    assert any("blank cells" in note and "ONNX" in note for note in notes)


def test_keras_file_with_an_unknown_layer_is_refused_naming_it(tmp_path):
    model = glassnet.Sequential([Dense(2, "relu"), Dense(1)], input_dim=2, seed=0)
    model.export(tmp_path / "m.keras")
    import json
    import zipfile

    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        files = {n: z.read(n) for n in z.namelist()}
    config = json.loads(files["config.json"])
    config["config"]["layers"][1]["class_name"] = "Conv1D"
    files["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as z:
        for n, b in files.items():
            z.writestr(n, b)
    with pytest.raises(glassnet.ModelFileError, match=r"'dense'.*Conv1D"):
        load_model(tmp_path / "bad.keras")


def test_export_command_and_trace_of_a_keras_file(tmp_path):
    model = glassnet.Sequential([Dense(2, "relu"), Dense(1, "sigmoid")], input_dim=2, seed=0)
    model.compile("sgd", "binary_crossentropy")
    model.save(tmp_path / "m.glassnet")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = [sys.executable, "-m", "glassnet"]
    done = subprocess.run(run + ["export", str(tmp_path / "m.glassnet"), "--out",
                                 str(tmp_path / "m.keras")], capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, done.stderr
    traced = subprocess.run(run + ["trace", str(tmp_path / "m.keras"), "--input", "1,2"],
                            capture_output=True, text=True, env=env)
    assert traced.returncode == 0, traced.stderr
    expected = model.predict(np.array([[1.0, 2.0]]))[0, 0]
    assert f"{expected:.4g}"[:5] in traced.stdout
    wrong = subprocess.run(run + ["export", str(tmp_path / "m.glassnet"), "--out",
                                  str(tmp_path / "m.txt")], capture_output=True, text=True,
                           env=env)
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1
