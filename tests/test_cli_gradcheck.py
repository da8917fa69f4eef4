"""``glassnet gradcheck`` on raw, unscaled data (issue 28): white-cell counts in the
thousands saturate tanh units, backprop and central differences then both give exactly
0 for the first layer, and a comparison of zeros must not read as PASS."""

import numpy as np
import pytest
from glassnet.layers import Dense

import glassnet
from glassnet.cli import run


@pytest.fixture
def blood(tmp_path):
    """White-cell count (per µL, 3,000-12,000), temperature (°C) and an infection flag."""
    rng = np.random.default_rng(0)
    wbc = rng.uniform(3000, 12000, 60)
    temperature = rng.normal(37.0, 0.8, 60)
    infected = (wbc > 9000) | (temperature > 38.0)
    lines = ["白血球数,体温,感染"] + [f"{w:.0f},{t:.1f},{'あり' if i else 'なし'}"
                                    for w, t, i in zip(wbc, temperature, infected)]
    path = tmp_path / "blood.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_raw_inputs_are_scaled_as_train_does_and_every_gradient_is_compared(blood, capsys):
    assert run(["gradcheck", str(blood)]) == 0
    out = capsys.readouterr().out
    assert "both 0" not in out and "NOT CHECKED" not in out
    assert "PASS (threshold 1e-7)" in out


def test_gradients_that_are_zero_both_ways_are_not_a_pass(blood, capsys):
    assert run(["gradcheck", str(blood), "--scale", "none"]) == 1
    out = capsys.readouterr().out
    first = [line for line in out.splitlines() if line.startswith("dense ")]
    assert len(first) == 2 and all("both 0" in line for line in first)  # kernel and bias
    assert "PASS" not in out
    assert ("NOT CHECKED: dense kernel, dense bias: backprop and central differences both "
            "give gradients of 0") in out
    assert "on the other 4 of 6 weight arrays (threshold 1e-7)" in out
    largest = max(float(line.split(",")[0]) for line in blood.read_text().splitlines()[1:33])
    assert f"the inputs reach {largest:,.0f}, which saturates the units" in out  # 32 rows
    assert "--scale standard" in out


def test_gradient_errors_flag_the_arrays_that_compared_only_zeros():
    model = glassnet.Sequential([Dense(3, "tanh"), Dense(2, "softmax")], input_dim=2,
                                seed=0, dtype="float64")
    x = np.array([[5000.0, 8000.0], [-7000.0, 3000.0], [9000.0, -4000.0]])
    y = np.eye(2)[[0, 1, 1]]
    rows = glassnet.gradient_errors(model, x, y, loss="categorical_crossentropy")
    assert [r["checked"] for r in rows] == [False, False, True, True]
    assert rows[0]["relative_error"] == 0.0  # what used to read as a perfect pass
    rows = glassnet.gradient_errors(model, x / 5000.0, y, loss="categorical_crossentropy")
    assert all(r["checked"] for r in rows) and max(r["relative_error"] for r in rows) < 1e-7
