"""What a trial is: a JSON-able spec in, a JSON-able result out, nothing shared.

A trial spec names its data (a built-in dataset, a CSV file or MNIST, with an optional
subsample and validation split) and a model: every key of ``glassnet.spec.ModelSpec``
(hidden layers, activation, penalties, dropout, optimiser, epochs, batch size, seed,
...), missing ones taken from ``spec.EXPERIMENT_DEFAULTS``; ``weight_decay`` is handed
to the optimiser. ``run_trial(spec)`` builds that model through the library's one
builder, trains it and returns its history, timing, size, peak memory and verdict.
Because both sides are plain data, any executor — a loop, a process pool, a cluster —
can run trials without knowing anything else about them.
"""

from __future__ import annotations

import dataclasses
import functools
import time
import tracemalloc

import numpy as np

from ..base.errors import ConfigError

#: keys of a trial spec that describe the trial, not the model
TRIAL_KEYS = ("name", "data", "search", "weight_decay", "prune", "metric")
#: what a trial can be scored by on the validation rows: higher is better?
METRICS = {"accuracy": True, "balanced_accuracy": True, "f1": True, "roc_auc": True,
           "log_loss": False, "r2": True, "mae": False, "loss": False}
#: below this share of the rarest class, "auto" scores by balanced accuracy: plain
#: accuracy would rank the model that answers the common class for everyone near the top
IMBALANCED = 0.2


@functools.lru_cache(maxsize=4)
def load_split(data_key: str):
    """(train, validation) Datasets for a data spec; cached per process."""
    import json

    from ..data import Dataset

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
        names = [f"px{i}" for i in range(x.shape[1])]
        classes = [str(d) for d in range(10)]
        return (Dataset(x, y.astype(np.intp), names, classes, "digit", "mnist"),
                Dataset(xv, yv.astype(np.intp), names, classes, "digit", "mnist"))
    from ..data.builtin import load_any  # a CSV path or a built-in name
    from ..data.pipeline import FILL_RULES, fit_missing

    columns = data.get("columns", {})
    fill = {"fill": False} if columns.get("missing") in FILL_RULES else {}
    dataset = load_any(source, data.get("target"), **columns, **fill)
    order = rng.permutation(len(dataset))
    if data.get("train_rows"):
        order = order[: data["train_rows"] + int(data.get("validation_rows") or 0)]
    n_val = int(data.get("validation_rows") or round(len(order) * data.get("validation", 0.2)))
    # blank cells are filled from the training rows only
    return fit_missing(dataset.subset(order[n_val:]), dataset.subset(order[:n_val]))


def model_spec(spec: dict, classification: bool):
    """The ModelSpec of a trial spec (trial keys dropped, experiment defaults filled in)."""
    from ..training.spec import EXPERIMENT_DEFAULTS, ModelSpec

    values = {**EXPERIMENT_DEFAULTS, **{k: v for k, v in spec.items() if k not in TRIAL_KEYS}}
    optimizer = values["optimizer"]
    optimizer = {"name": optimizer} if isinstance(optimizer, str) else dict(optimizer)
    if spec.get("weight_decay"):
        optimizer["weight_decay"] = spec["weight_decay"]
    values["optimizer"] = optimizer
    if classification and "metrics" not in spec:
        # Fits are judged on the data term alone, so regularised models compare fairly.
        values["metrics"] = ["accuracy", "crossentropy"]
    return ModelSpec.from_dict(values)


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
    A spec with ``"prune"`` (set by a sweep's median rule, see ``pruning``) stops early
    when it falls behind the median of the reference trials.
    """
    from ..training.diagnosis import diagnose
    from ..training.spec import build_model, fit_model
    from .pruning import pruning_callbacks

    train, validation = split if split is not None else load_split(data_key(spec))
    settings = model_spec(spec, train.is_classification)
    tracemalloc.start()
    try:
        model = build_model(settings, train)
        started = time.perf_counter()
        history = fit_model(model, settings, train, validation,
                            callbacks=pruning_callbacks(spec.get("prune")))
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    h = {k: [float(v) for v in values] for k, values in history.with_extras().items()}
    # Judge the fit on the data term: an L2 penalty shrinking during training would
    # otherwise pass for a falling loss.
    data_loss = ({**h, "loss": h["crossentropy"], "val_loss": h["val_crossentropy"]}
                 if "val_crossentropy" in h else h)
    result = diagnose(data_loss)
    best = result.best_epoch
    metric = resolve_metric(spec.get("metric", "auto"), train)
    return {
        "metric": metric and measure(metric, model, validation),
        "name": spec.get("name") or "-".join(str(layer["units"])
                                             for layer in settings.layers()),
        "spec": spec,
        "model_spec": dataclasses.asdict(settings),
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
        "training_rows": len(train),
        "validation_rows": len(validation),
    }


def resolve_metric(name, train):
    """The measure a trial is scored by, or None for the history's (best validation
    accuracy, else the lowest validation loss). "auto": balanced accuracy when the rarest
    class has under ``IMBALANCED`` of the training rows, else the history's."""
    if name in (None, "auto"):
        if train.is_classification and len(train):
            shares = np.bincount(train.labels, minlength=train.n_classes) / len(train)
            if shares.min() < IMBALANCED:
                return "balanced_accuracy"
        return None
    if name not in METRICS:
        raise ConfigError(f"metric must be one of auto, {', '.join(METRICS)}; got {name!r}")
    if train.is_classification == (name in ("r2", "mae")):
        kind = "classes" if train.is_classification else "a numeric target"
        raise ConfigError(f"metric {name!r} does not suit {kind}")
    return None if name in ("accuracy", "loss") else name


def measure(name, model, validation) -> dict:
    """{"name", "value", "higher"}: the final model's ``name`` on the validation rows
    (and, for classes, the majority-class rate there)."""
    from ..data.exports import class_probabilities
    from ..training import measures

    out = {"name": name, "higher": METRICS[name]}
    if validation.is_classification:
        p = class_probabilities(model, validation.features)
        values = measures.classification(validation.labels, p.argmax(axis=1),
                                         validation.class_names)
        out["majority_rate"] = values["majority_rate"]
        out["value"] = {"balanced_accuracy": values["balanced_accuracy"],
                        "f1": values["macro_f1"],
                        "roc_auc": measures.roc_auc(validation.labels, p),
                        "log_loss": measures.log_loss(validation.labels, p)}[name]
    else:
        values = measures.regression(validation.labels, model.predict(validation.features))
        out["value"] = values[name]
    out["value"] = float(out["value"])
    return out


def score(result) -> float:
    """Higher is better: the trial's metric (negated when lower is better) when it has
    one, else the best validation accuracy, else minus the best validation loss."""
    metric = result.get("metric")
    if metric:
        value = metric["value"] if metric["higher"] else -metric["value"]
        return value if np.isfinite(value) else float("-inf")
    h = result["history"]
    if "val_accuracy" in h:
        values = [v for v in h["val_accuracy"] if np.isfinite(v)]
        return max(values) if values else float("-inf")
    values = [v for v in h.get("val_loss", []) if np.isfinite(v)]
    return -min(values) if values else float("-inf")
