"""Keras itself opens glassnet's .keras files, and glassnet opens Keras's: the same
predictions to 1e-5 (float32), then traced and gradient-checked from the command line.
Runs with ``make parity`` (Keras 3 on the PyTorch backend)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from glassnet.layers import BatchNormalization, Dense, Dropout, LeakyReLU, Normalization

import glassnet

pytestmark = pytest.mark.parity
os.environ.setdefault("KERAS_BACKEND", "torch")
if os.environ.get("GLASSNET_REQUIRE_TORCH"):
    import keras
else:
    keras = pytest.importorskip("keras")
pytest.importorskip("h5py")


def test_keras_opens_glassnets_file_and_predicts_the_same(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)) * [1, 100, 5] + [0, 1000, 2]
    model = glassnet.Sequential([Normalization(), Dense(5, "tanh"), Dropout(0.1),
                                 BatchNormalization(), Dense(4, "leaky_relu"), LeakyReLU(0.05),
                                 Dense(3, "softmax")], seed=1)
    model.layers[0].adapt(x)
    model.build(3)
    for w in model.layers[3].weights:
        w[...] = rng.uniform(0.5, 1.5, w.shape)
    model.export(tmp_path / "m.keras")
    theirs = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x), atol=1e-5)


def test_a_keras_trained_model_comes_in_and_is_traced_and_checked(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3)).astype("float32")
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype("float32")
    keras.utils.set_random_seed(0)
    theirs = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="relu"),
                               keras.layers.Dropout(0.3), keras.layers.BatchNormalization(),
                               keras.layers.Dense(1, activation="sigmoid")])
    theirs.compile("adam", "binary_crossentropy")
    theirs.fit(x, y, epochs=5, verbose=0)
    theirs.save(tmp_path / "k.keras")
    ours = glassnet.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(ours.predict(x), theirs.predict(x, verbose=0), atol=1e-5)
    assert ours.compiled and ours.loss.name == "binary_crossentropy"
    sheet = tmp_path / "rows.csv"
    with open(sheet, "w") as f:
        f.write("x1,x2,x3,y\n" + "".join(f"{a:.4f},{b:.4f},{c:.4f},{int(t)}\n"
                                         for (a, b, c), t in zip(x[:20], y[:20])))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = [sys.executable, "-m", "glassnet"]
    inputs = tmp_path / "inputs.csv"
    inputs.write_text("x1,x2,x3\n" + "".join(",".join(map(repr, row)) + "\n"
                                              for row in x[:3].astype(float).tolist()))
    traced = subprocess.run(run + ["trace", str(tmp_path / "k.keras"), "--input", str(inputs)],
                            capture_output=True, text=True, env=env)
    assert traced.returncode == 0, traced.stderr
    last = float(theirs.predict(x[2:3], verbose=0)[0, 0])
    assert traced.stdout.rstrip().endswith(f"-> {last:.4g}")  # the output Keras gives
    checked = subprocess.run(run + ["gradcheck", str(sheet), "--target", "y", "--model",
                                    str(tmp_path / "k.keras")], capture_output=True, text=True,
                             env=env)
    assert "PASS" in checked.stdout, checked.stdout + checked.stderr
