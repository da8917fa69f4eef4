"""Random hyper-parameter search ("Deep Learning from Scratch", chapter 6).

Learning rate and weight decay (an L2 penalty) are drawn log-uniformly; every trial
trains on the same data and split and is judged on its validation accuracy (or loss).
"""

from __future__ import annotations

import numpy as np

from ..validation import check_number


def random_specs(base: dict, trials=20, learning_rate=(1e-6, 1e-1), weight_decay=(1e-8, 1e-2),
                 seed=0) -> list[dict]:
    trials = check_number("trials", trials, minimum=1, integer=True)
    for name, (low, high) in (("learning_rate", learning_rate), ("weight_decay", weight_decay)):
        if not 0 < low < high:
            raise ValueError(f"{name} range must satisfy 0 < low < high, got ({low}, {high})")
    rng = np.random.default_rng(seed)
    specs = []
    for i in range(trials):
        lr = float(10 ** rng.uniform(np.log10(learning_rate[0]), np.log10(learning_rate[1])))
        wd = float(10 ** rng.uniform(np.log10(weight_decay[0]), np.log10(weight_decay[1])))
        optimizer = dict(base.get("optimizer") or {"name": "sgd"})
        optimizer["learning_rate"] = lr
        specs.append({**base, "name": f"trial {i + 1}", "optimizer": optimizer, "l2": wd,
                      "search": {"learning_rate": lr, "weight_decay": wd}})
    return specs


def score(result) -> float:
    """Higher is better: best validation accuracy, else minus the best validation loss."""
    h = result["history"]
    if "val_accuracy" in h:
        values = [v for v in h["val_accuracy"] if np.isfinite(v)]
        return max(values) if values else float("-inf")
    values = [v for v in h.get("val_loss", []) if np.isfinite(v)]
    return -min(values) if values else float("-inf")
