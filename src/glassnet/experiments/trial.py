"""What a trial is: a JSON-able spec in, a JSON-able result out, nothing shared.

A spec names its data (a built-in dataset, a CSV file or MNIST, with an optional
subsample and validation split), the model (hidden layers, activation, penalties,
dropout), the optimiser, epochs, batch size and seed. ``run_trial(spec)`` builds and
trains that model and returns its history, timing, size, peak memory and verdict.
Because both sides are plain data, any executor — a loop, a process pool, a cluster —
can run trials without knowing anything else about them.
"""

from __future__ import annotations

import functools
import time
import tracemalloc

import numpy as np

from ..errors import ConfigError

DEFAULTS = {
    "hidden": [16],
    "activation": "relu",
    "l1": 0.0,
    "l2": 0.0,
    "dropout": 0.0,
    "batch_norm": False,
    "scale": "standard",
    "optimizer": {"name": "adam", "learning_rate": 1e-3},
    "epochs": 20,
    "batch_size": 32,
    "seed": 0,
    "dtype": "float32",
}


@functools.lru_cache(maxsize=4)
def load_split(data_key: str):
    """(x_train, y_train, x_val, y_val, names) for a data spec; cached per process."""
    import json

    data = json.loads(data_key)
    source = data["source"]
    rng = np.random.default_rng(data.get("split_seed", 0))
    if source == "mnist":
        from ..data.mnist import load_mnist

        (x, y), (xv, yv) = load_mnist(data.get("path"), flatten=True, scale=True)
        n_train, n_val = data.get("train_rows"), data.get("validation_rows")
        if n_train:
            pick = np.sort(rng.permutation(len(x))[:n_train])
            x, y = x[pick], y[pick]
        if n_val:
            xv, yv = xv[:n_val], yv[:n_val]
        names = [str(d) for d in range(10)]
        return x, y.astype(np.intp), xv, yv.astype(np.intp), names, True
    from ..datasets import load_any  # a CSV path or a built-in name

    dataset = load_any(source, data.get("target"))
    order = rng.permutation(len(dataset))
    if data.get("train_rows"):
        order = order[: data["train_rows"] + int(data.get("validation_rows") or 0)]
    n_val = int(data.get("validation_rows") or round(len(order) * data.get("validation", 0.2)))
    val, train = order[:n_val], order[n_val:]
    if dataset.is_classification:
        return (dataset.features[train], dataset.labels[train], dataset.features[val],
                dataset.labels[val], dataset.class_names, True)
    return (dataset.features[train], dataset.labels[train], dataset.features[val],
            dataset.labels[val], None, False)


def build(spec: dict, n_inputs: int, n_outputs: int, classification: bool, x_train):
    from .. import Sequential, optimizers
    from ..layers import BatchNormalization, Dense, Dropout, Normalization

    s = {**DEFAULTS, **spec}
    layers = []
    if s["scale"] != "none":
        norm = Normalization(s["scale"])
        norm.adapt(x_train)
        layers.append(norm)
    penalty = ({"name": "l1_l2", "l1": s["l1"], "l2": s["l2"]} if s["l1"] or s["l2"]
               else None)
    for units in s["hidden"]:
        layers.append(Dense(units, s["activation"], kernel_initializer="he_uniform"
                            if s["activation"] in ("relu", "leaky_relu") else "glorot_uniform",
                            kernel_regularizer=penalty))
        if s["batch_norm"]:
            layers.append(BatchNormalization())
        if s["dropout"]:
            layers.append(Dropout(s["dropout"]))
    layers.append(Dense(n_outputs, "softmax" if classification else "linear",
                        kernel_regularizer=penalty))
    model = Sequential(layers, input_dim=n_inputs, seed=s["seed"], dtype=s["dtype"])
    optimizer = s["optimizer"]
    if isinstance(optimizer, str):
        optimizer = {"name": optimizer}
    if "weight_decay" in s and s["weight_decay"]:
        optimizer = {**optimizer, "weight_decay": s["weight_decay"]}
    model.compile(optimizers.get(dict(optimizer)),
                  "sparse_categorical_crossentropy" if classification else "mse",
                  ["accuracy", "crossentropy"] if classification else ["mae"])
    return model, s


def data_key(spec: dict) -> str:
    """The canonical JSON of a spec's data: trials with the same key share one split."""
    import json

    if "data" not in spec:
        raise ConfigError(f"trial {spec.get('name', '?')!r} has no 'data'")
    return json.dumps(spec["data"], sort_keys=True)


def run_trial(spec: dict, split=None) -> dict:
    """Train the model a spec describes; return a JSON-able result.

    ``split`` is the data already loaded (what ``load_split`` returns for the spec's
    data), as a sweep sends it to cluster workers that cannot read the data file; by
    default the trial loads its data itself, once per process.
    A spec with ``"prune"`` (set by a sweep's median rule, see ``search``) stops early
    when it falls behind the median of the reference trials.
    """
    from ..diagnosis import diagnose
    from .pruning import pruning_callbacks

    key = data_key(spec)
    x, y, xv, yv, names, classification = split if split is not None else load_split(key)
    n_outputs = len(names) if classification else y.shape[1]
    tracemalloc.start()
    try:
        model, settings = build(spec, x.shape[1], n_outputs, classification, x)
        started = time.perf_counter()
        history = model.fit(x, y, epochs=settings["epochs"], batch_size=settings["batch_size"],
                            validation_data=(xv, yv), verbose=0,
                            callbacks=pruning_callbacks(spec.get("prune")))
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    h = {k: [float(v) for v in values] for k, values in history.history.items()}
    # Judge the fit on the data term: an L2 penalty shrinking during training would
    # otherwise pass for a falling loss.
    data_loss = ({**h, "loss": h["crossentropy"], "val_loss": h["val_crossentropy"]}
                 if "val_crossentropy" in h else h)
    result = diagnose(data_loss)
    best = result.best_epoch
    return {
        "name": spec.get("name") or "-".join(map(str, settings["hidden"])),
        "spec": spec,
        "history": h,
        "seconds": seconds,
        "params": model.count_params(),
        "peak_memory_mb": peak / 2**20,
        "verdict": result.verdict,
        "message": result.message,
        "best_epoch": None if best is None else best + 1,
        "final": {k: v[-1] for k, v in h.items() if k not in ("epoch_time",)},
        "best": {k: v[best] for k, v in h.items() if best is not None and k.startswith("val_")},
        "stop_reason": history.stop_reason,
        "training_rows": int(len(x)),
        "validation_rows": int(len(xv)),
    }


def score(result) -> float:
    """Higher is better: best validation accuracy, else minus the best validation loss."""
    h = result["history"]
    if "val_accuracy" in h:
        values = [v for v in h["val_accuracy"] if np.isfinite(v)]
        return max(values) if values else float("-inf")
    values = [v for v in h.get("val_loss", []) if np.isfinite(v)]
    return -min(values) if values else float("-inf")
