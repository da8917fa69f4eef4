"""Seed 003: XOR by hand with ReLU cells."""

import numpy as np
from glassnet.datasets import load
from glassnet.layers import Dense

from glassnet import Sequential, format_trace, trace


def xor_model():
    model = Sequential([Dense(2, "relu"), Dense(1, "relu")], input_dim=2)
    # hidden cell 1: weights (5, 5), bias -5; cell 2: (-5, -5), bias 5;
    # output: weights (-10, -10), bias 10. Keras layout: kernel[i, j] = input i -> cell j.
    model.set_weights([[[5, -5], [5, -5]], [-5, 5], [[-10], [-10]], [10]])
    return model


def test_seed003_tables():
    rows = load("xor").features  # (design, quality): (1,1), (0,1), (1,0), (0,0)
    hidden, output = trace(xor_model(), rows)
    np.testing.assert_array_equal(hidden.weighted_sum[:, 0], [5, 0, 0, -5])   # cell 1 table
    np.testing.assert_array_equal(hidden.output[:, 0], [5, 0, 0, 0])
    np.testing.assert_array_equal(hidden.weighted_sum[:, 1], [-5, 0, 0, 5])   # cell 2 table
    np.testing.assert_array_equal(hidden.output[:, 1], [0, 0, 0, 5])
    np.testing.assert_array_equal(output.weighted_sum[:, 0], [-40, 10, 10, -40])
    # The article prints ReLU(10) as 1; the true value is 10 (positive = buy).
    np.testing.assert_array_equal(output.output[:, 0], [0, 10, 10, 0])
    np.testing.assert_array_equal(output.output[:, 0] > 0, load("xor").labels == 1)


def test_trace_inputs_chain_and_text():
    steps = trace(xor_model(), [[1, 0]])
    np.testing.assert_array_equal(steps[1].inputs, steps[0].output)
    text = format_trace(steps, row_labels=["design=1, quality=0"])
    assert "dense, cell 1 (relu)" in text
    assert "design=1, quality=0: 1×5 + 0×5 + (-5) = 0 -> 0" in text
    assert "dense_1, cell 1 (relu)" in text and "= 10 -> 10" in text


def test_one_relu_cell_cannot_separate_xor():
    """Seed 003's remark, checked on a grid of weights: no single cell gets all four right."""
    x = load("xor").features
    buy = load("xor").labels == 1
    grid = np.linspace(-10, 10, 21)
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                out = np.maximum(x @ [w1, w2] + b, 0)
                assert not np.array_equal(out > 0, buy)
