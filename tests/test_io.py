import csv
import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest
from glassnet.layers import BatchNormalization, Dense, Dropout, Normalization

import glassnet
from glassnet import DataError, Sequential, datasets, load_model, optimizers


def trained(tmp_path=None):
    data = datasets.load("sample2")
    norm = Normalization()
    norm.adapt(data.features)
    model = Sequential([norm, Dense(2, "sigmoid", kernel_initializer="uniform"),
                        BatchNormalization(), Dropout(0.1),
                        Dense(5, "softmax", kernel_initializer="uniform")], seed=0)
    model.compile(optimizers.Adam(0.05), "categorical_crossentropy", ["accuracy"])
    model.fit(data, epochs=5, batch_size=50, verbose=0)
    return model, data


def test_save_load_round_trip(tmp_path):
    model, data = trained()
    path = tmp_path / "m.glassnet"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(data.features), model.predict(data.features))
    assert loaded.get_config() == model.get_config()
    assert loaded.info["class_names"] == ["1", "2", "3", "4", "5"]
    assert loaded.info["feature_names"] == ["x1", "x2"]
    assert loaded.loss.name == "categorical_crossentropy"
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 25
    # training resumes exactly where it stopped (optimiser state included)
    model.fit(data, epochs=1, batch_size=50, shuffle=False, verbose=0)
    loaded.fit(data, epochs=1, batch_size=50, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    with zipfile.ZipFile(path) as z:
        config = json.loads(z.read("config.json"))
    assert config["glassnet_version"] == glassnet.__version__ and config["format_version"] == 1


def rewrite(path, out, **replace):
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members.update(replace)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_refuses_pickled_objects(tmp_path):
    model, _ = trained()
    model.save(tmp_path / "m.glassnet")
    buffer = io.BytesIO()
    np.savez(buffer, w0=np.array([{"evil": 1}], dtype=object))
    rewrite(tmp_path / "m.glassnet", tmp_path / "evil.glassnet", **{"weights.npz":
                                                                    buffer.getvalue()})
    with pytest.raises(DataError, match="holds Python objects; refusing to load it"):
        load_model(tmp_path / "evil.glassnet")
    rewrite(tmp_path / "m.glassnet", tmp_path / "p.glassnet",
            **{"config.json": pickle.dumps({"format": "glassnet-model"})})
    with pytest.raises(DataError, match="config.json is damaged or not JSON"):
        load_model(tmp_path / "p.glassnet")


def test_refuses_truncated_and_foreign_files(tmp_path):
    model, _ = trained()
    path = tmp_path / "m.glassnet"
    model.save(path)
    data = path.read_bytes()
    (tmp_path / "cut.glassnet").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="is not a glassnet model file"):
        load_model(tmp_path / "cut.glassnet")
    (tmp_path / "text.glassnet").write_text("hello")
    with pytest.raises(DataError, match="expected a zip archive"):
        load_model(tmp_path / "text.glassnet")
    with pytest.raises(DataError, match="does not exist"):
        load_model(tmp_path / "missing.glassnet")


def test_refuses_weights_of_another_architecture(tmp_path):
    model, _ = trained()
    model.save(tmp_path / "m.glassnet")
    other = Sequential([Dense(3, "relu"), Dense(5, "softmax")], input_dim=2, seed=0)
    other.save(tmp_path / "other.glassnet")
    with zipfile.ZipFile(tmp_path / "other.glassnet") as z:
        foreign = z.read("weights.npz")
    with zipfile.ZipFile(tmp_path / "m.glassnet") as z:
        config = json.loads(z.read("config.json"))
    rewrite(tmp_path / "m.glassnet", tmp_path / "mixed.glassnet", **{"weights.npz": foreign})
    with pytest.raises(DataError, match=r"weight normalization.offset must be float32 of "
                                        r"shape \(2,\) as config.json says"):
        load_model(tmp_path / "mixed.glassnet")
    config["model"]["layers"][1]["config"]["units"] = 7
    rewrite(tmp_path / "m.glassnet", tmp_path / "cfg.glassnet",
            **{"config.json": json.dumps(config)})
    with pytest.raises(DataError, match="the layers in config.json need at least 49 weights, "
                       "the file lists 33"):
        load_model(tmp_path / "cfg.glassnet")


def test_failed_save_leaves_the_old_file_untouched(tmp_path, monkeypatch):
    model, _ = trained()
    path = tmp_path / "m.glassnet"
    model.save(path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="No space left"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.glassnet"]  # no temporary file left behind


def test_coefficients_in_table66_layout(tmp_path):
    model, _ = trained()
    paths = glassnet.export_coefficients(model, tmp_path)
    assert [os.path.basename(p) for p in paths] == ["coefficients-dense.csv",
                                                    "coefficients-dense_1.csv"]
    raw = open(paths[0], "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the names right
    first = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert first[0] == ["cell", "bias", "x1 (standardised)", "x2 (standardised)"]
    kernel, bias = model.get_weights()[2:4]
    assert [float(v) for v in first[1][1:]] == pytest.approx([bias[0], *kernel[:, 0]])
    second = list(csv.reader(io.StringIO(open(paths[1], encoding="utf-8-sig").read())))
    assert second[0] == ["cell", "bias", "dense[1]", "dense[2]"]
    assert [row[0] for row in second[1:]] == ["1", "2", "3", "4", "5"]


def test_model_json_export(tmp_path):
    model, _ = trained()
    glassnet.export_json(model, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    np.testing.assert_array_equal(np.array(doc["weights"]["dense.kernel"], np.float32),
                                  model.get_weights()[2])
    assert doc["model"]["layers"][0]["class_name"] == "Normalization"


def test_predict_csv_matches_schema_by_name(tmp_path):
    model, data = trained()
    (tmp_path / "new.csv").write_text("x2,x1\n1,1\n-1,-1\n0,0\n", encoding="utf-8")
    result = glassnet.predict_csv(model, tmp_path / "new.csv", tmp_path / "out.csv")
    header, p = result.header, result.probabilities
    assert header == ["x2", "x1", "p_1", "p_2", "p_3", "p_4", "p_5", "predicted"]
    np.testing.assert_allclose(p, model.predict([[1, 1], [-1, -1], [0, 0]]), rtol=1e-6)
    written = list(csv.reader(open(tmp_path / "out.csv", encoding="utf-8-sig")))
    assert written[0] == header and written[2][:2] == ["-1", "-1"]
    assert [r[-1] for r in written[1:]] == [str(k + 1) for k in p.argmax(axis=1)]
    assert [float(v) for v in written[1][2:7]] == pytest.approx(p[0].tolist(), rel=1e-6)
    assert result.comparison is None
    (tmp_path / "target.csv").write_text("x1,x2,class\n1,1,1\n-1,-1,1\n", encoding="utf-8")
    result = glassnet.predict_csv(model, tmp_path / "target.csv")
    assert result.rows[0][-1] == "1" and result.header[2] == "class"
    hits = int(p[0].argmax() == 0) + int(p[1].argmax() == 0)
    assert result.comparison["accuracy"] == hits / 2
    assert np.sum(result.comparison["confusion_matrix"][0]) == 2


@pytest.mark.parametrize("text,message", [
    ("x1\n1\n", "missing column\\(s\\) 'x2'"),
    ("x1,x2\n1,a\n", "line 2, column 'x2': expected a number, found 'a'"),
])
def test_predict_csv_errors_write_nothing(tmp_path, text, message):
    model, _ = trained()
    (tmp_path / "new.csv").write_text(text, encoding="utf-8")
    (tmp_path / "out.csv").write_text("keep me", encoding="utf-8")
    with pytest.raises(DataError, match=message):
        glassnet.predict_csv(model, tmp_path / "new.csv", tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "keep me"


def test_a_model_file_from_before_the_relayering_still_loads():
    """Written by glassnet before the core was re-layered (commit 59d8e75): leaky_relu's
    slope under its old name 'alpha', batch norm, dropout, scaling, Adam state."""
    import os

    here = os.path.join(os.path.dirname(__file__), "data")
    expected = json.load(open(os.path.join(here, "before-relayering.json")))
    model = load_model(os.path.join(here, "before-relayering.glassnet"))
    np.testing.assert_allclose(model.predict(np.array(expected["x"])),
                               expected["predictions"], rtol=1e-6)
    assert model.layers[1].activation.negative_slope == 0.1
    assert model.optimizer.iterations == 25
    result = model.evaluate(glassnet.datasets.load("sample2"), return_dict=True)
    assert result == pytest.approx(expected["evaluate"], rel=1e-6)


# No code in outputs, files for everyone the umask allows ---------------------------------
def test_csv_cells_that_would_run_as_formulas_are_neutralised(tmp_path):
    from glassnet.io.files import csv_bytes, write_csv

    header = ["x", "=cmd|' /C calc'!A0"]
    cells = ["=HYPERLINK(\"http://evil\",\"click\")", "+1+1", "-2", "@SUM(A1)", "\tx", "\rx",
             "plain", "-3e5", "－1＋1"]
    rows = [[float(-i), cell] for i, cell in enumerate(cells)]
    text = csv_bytes(header, rows).decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["x", "'=cmd|' /C calc'!A0"]
    assert [r[1] for r in read[1:]] == [
        "'=HYPERLINK(\"http://evil\",\"click\")", "'+1+1", "-2", "'@SUM(A1)", "'\tx", "'\rx",
        "plain", "-3e5", "'－1＋1"]  # numbers written as text stay numbers
    assert [r[0] for r in read[1:]] == [repr(float(-i)) for i in range(len(cells))]
    old = os.umask(0o022)
    try:
        write_csv(tmp_path / "t.csv", header, rows)
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "t.csv").st_mode & 0o777 == 0o644


def test_a_dataset_written_to_csv_neutralises_names(tmp_path):
    import numpy as np

    from glassnet.data import Dataset

    d = Dataset(np.array([[1.0], [-2.0]]), np.array([0, 1]), ["=x"], ["@a", "b"], "+t")
    d.to_csv(tmp_path / "d.csv")
    text = (tmp_path / "d.csv").read_text(encoding="utf-8-sig")
    assert text == "'=x,'+t\n1.0,'@a\n-2.0,b\n"
