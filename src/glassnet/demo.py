"""Seed 000 on the built-in sample2 data: ``python -m glassnet.demo [OUT_DIR]``.

Trains the 2-2-5 sigmoid/softmax network three ways (analytic batch gradient descent,
numerical batch gradient descent, Keras-style mini-batch SGD of 100 rows), all with
lr 0.5 for 1000 steps, then prints their times, losses, accuracies and coefficients
(Table 66) and the class probabilities on Table 67's 5 × 5 grid, and saves the models.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from . import datasets, optimizers
from .layers import Dense
from .model import Sequential

METHODS = [  # (label, gradient, batch_size)
    ("analytic", "analytic", None),
    ("numerical", "numerical", None),
    ("mini-batch SGD (100)", "analytic", 100),
]


def seed000_model(seed=0, dtype="float64") -> Sequential:
    """Seed 000's network: Dense(2, sigmoid, "uniform") + Dense(5, softmax, "uniform").

    float64 by default, as the seed's NumPy programs, so the analytic and numerical
    methods agree to six digits as in Table 66.
    """
    return Sequential([Dense(2, "sigmoid", kernel_initializer="uniform"),
                       Dense(5, "softmax", kernel_initializer="uniform")],
                      input_dim=2, seed=seed, dtype=dtype)


def table66(model) -> str:
    """Coefficients per layer and cell: a0 (bias) first, then one per input."""
    lines = []
    for number, layer in enumerate(model.layers, start=1):
        letter = "ab"[number - 1] if number <= 2 else f"w{number}_"
        header = ["cell", f"{letter}0"] + [f"{letter}{i + 1}" for i in range(layer.input_dim)]
        lines.append(f"layer {number}: " + "  ".join(f"{h:>9}" for h in header))
        for j in range(layer.units):
            row = [layer.bias[j], *layer.kernel[:, j]]
            lines.append(" " * 9 + f"{j + 1:>9}  " + "  ".join(f"{v:9.4f}" for v in row))
    return "\n".join(lines)


def table67_grid() -> np.ndarray:
    """Seed 000's Table 67 inputs: x1, x2 in {-1, -0.5, 0, 0.5, 1}, x1 varying fastest."""
    values = np.linspace(-1.0, 1.0, 5)
    x1, x2 = np.meshgrid(values, values)
    return np.column_stack([x1.ravel(), x2.ravel()])


def run(out_dir="runs/demo", epochs=1000, stream=sys.stdout):
    data = datasets.load("sample2")
    os.makedirs(out_dir, exist_ok=True)
    print(f"Seed 000 on sample2: {len(data)} rows, 5 classes, network 2-2-5 "
          f"(sigmoid, softmax), lr 0.5, {epochs} steps", file=stream)
    results = {}
    for label, gradient, batch_size in METHODS:
        model = seed000_model()
        model.compile(optimizers.SGD(learning_rate=0.5), "categorical_crossentropy",
                      ["accuracy"])
        started = time.perf_counter()
        history = model.fit(data.features, data.one_hot(), epochs=epochs,
                            batch_size=batch_size, gradient=gradient, verbose=0)
        seconds = time.perf_counter() - started
        results[label] = (model, history, seconds)
        name = label.split()[0].replace("-", "_")
        model.save(os.path.join(out_dir, f"sample2-{name}.glassnet"))
        print(f"  {label:<22} {seconds:6.2f} s   loss {history.history['loss'][-1]:.4f}   "
              f"accuracy {history.history['accuracy'][-1]:.3f}", file=stream)
    for label, (model, _, _) in results.items():
        print(f"\nCoefficients ({label}), seed 000 Table 66 layout:", file=stream)
        print(table66(model), file=stream)
    model = results["mini-batch SGD (100)"][0]
    grid = table67_grid()
    p = model.predict(grid)
    print("\nClass probabilities on Table 67's grid (mini-batch SGD model):", file=stream)
    print("   x1    x2 " + "".join(f"{'p' + c:>8}" for c in data.class_names), file=stream)
    for (x1, x2), row in zip(grid, p):
        print(f"{x1:5.1f} {x2:5.1f} " + "".join(f"{v:8.4f}" for v in row), file=stream)
    print(f"\nModels saved in {os.path.abspath(out_dir)}", file=stream)
    return results


if __name__ == "__main__":
    run(*sys.argv[1:2])
