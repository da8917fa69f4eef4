"""Built-in datasets: seed 000's sample2/sample3, seed 003's XOR, seed 002's 1-D steps.

>>> d = load("sample2")
>>> d.features.shape, d.class_names
((250, 2), ['1', '2', '3', '4', '5'])
"""

from __future__ import annotations

import numpy as np

from .data.dataset import Dataset
from .errors import ConfigError

# Seed 000, Table 67: class 1 upper right, 2 upper left, 3 lower left, 4 lower right,
# 5 in the centre.
SAMPLE_CENTRES = np.array([[0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5], [0.5, -0.5], [0.0, 0.0]])
SAMPLE2_SPREAD = 0.15


def _sample(name: str, spread: float) -> Dataset:
    # Fixed seed: the data are part of the product and must be the same everywhere.
    # sample3 keeps sample2's draws and doubles their deviation from the centres,
    # exactly as the seed describes ("the same centres, twice the spread").
    rng = np.random.default_rng(20260000)
    per_class = 50
    labels = np.repeat(np.arange(5), per_class)
    noise = rng.standard_normal((labels.size, 2))
    order = rng.permutation(labels.size)  # interleave classes so a "first half" has all
    features = SAMPLE_CENTRES[labels] + spread * noise
    return Dataset(
        features=features[order], labels=labels[order], feature_names=["x1", "x2"],
        class_names=["1", "2", "3", "4", "5"], target_name="class", source=f"builtin:{name}",
        info={"description": f"seed 000 {name}: 5 classes x 50 points, spread {spread}"},
    )


def sample2() -> Dataset:
    """250 points (x1, x2) in 5 classes of 50, laid out as in seed 000's Table 67."""
    return _sample("sample2", SAMPLE2_SPREAD)


def sample3() -> Dataset:
    """sample2 with the same class centres and twice the spread."""
    return _sample("sample3", 2 * SAMPLE2_SPREAD)


def xor() -> Dataset:
    """Seed 003: buy (1) when exactly one of design and quality is good."""
    features = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    return Dataset(features, np.array([0, 1, 1, 0]), ["design", "quality"],
                   ["not buy", "buy"], "decision", "builtin:xor",
                   {"description": "seed 003: XOR of design and quality"})


def steps() -> Dataset:
    """Seed 002's 1-D example: 9 -> 500, 11 -> 500, 12 -> 1000, 14 -> 1000 (regression)."""
    return Dataset(np.array([[9.0], [11.0], [12.0], [14.0]]),
                   np.array([[500.0], [500.0], [1000.0], [1000.0]]), ["x"], None, "y",
                   "builtin:steps", {"description": "seed 002: a step learned from 4 points"})


BUILTIN = {"sample2": sample2, "sample3": sample3, "xor": xor, "steps": steps}


def names() -> list[str]:
    return sorted(BUILTIN)


def load(name: str) -> Dataset:
    """Load a built-in dataset by name."""
    try:
        return BUILTIN[name]()
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown dataset {name!r}; built-in datasets are: {', '.join(names())}"
        ) from None
