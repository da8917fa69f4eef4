"""Reading results into words that agree with the numbers shown beside them.

A report's verdict must say what its own table says: a model whose final validation
loss is far above its minimum is not "a good fit that did not rise", whatever the
reason; a score shared by many trials is a tie, not a ranking; a best epoch that is
the last one means the trial was still improving when it stopped.

>>> h = {"loss": [1.0, 0.6, 0.5, 0.5], "val_loss": [1.0, 0.5, 0.7, 0.78]}
>>> fit_reading({"history": h, "verdict": "good", "best_epoch": 2})["label"]
'unsettled'
"""

from __future__ import annotations

import numpy as np

from ..training.spec import EXPERIMENT_DEFAULTS
from .trial import score

RISE = 0.05  # as diagnosis: a validation loss more than 5 % above its minimum has risen


def loss_key(history) -> str:
    """The loss the verdicts read: the penalty-free cross-entropy when recorded."""
    return "crossentropy" if "val_crossentropy" in history else "loss"


def fit_reading(result) -> dict:
    """Label and sentence for one trial's learning curves, from the numbers shown.

    ``label`` is "over-fits", "under-fits", "good", "unsettled" (the validation loss ends
    more than 5 % above its minimum although the training loss did not keep falling),
    "pruned" or "diverged"; ``rise`` is the final validation loss over its minimum,
    minus one.
    """
    h = result["history"]
    key = loss_key(h)
    val = np.asarray(h.get(f"val_{key}", []), dtype=float)
    epochs = len(h.get(key, []))
    if val.size == 0:
        return {"label": result["verdict"], "rise": None, "sentence": result.get("message", "")}
    if not np.isfinite(val).all():
        return {"label": "diverged", "rise": None,
                "sentence": f"Diverged: the validation loss became non-finite by epoch "
                            f"{int(np.argmin(np.isfinite(val))) + 1}."}
    best = int(np.argmin(val))
    rise = float(val[-1] / val[best] - 1) if val[best] > 0 else 0.0
    where = (f"lowest at epoch {best + 1} of {epochs} ({val[best]:.4g})" if best < epochs - 1
             else f"lowest at the last epoch ({epochs}, {val[best]:.4g})")
    if result.get("stop_reason") == "pruned":
        return {"label": "pruned", "rise": rise,
                "sentence": f"Stopped after {epochs} epochs by the median rule: its best "
                            f"score so far was below the reference trials' median. Validation "
                            f"loss {where}."}
    verdict = result["verdict"]
    if verdict == "over-fits":
        return {"label": verdict, "rise": rise,
                "sentence": f"Over-fits: validation loss {where}, then rose to {val[-1]:.4g} "
                            f"({rise:+.0%}) while the training loss kept falling."}
    if rise > RISE:
        return {"label": "unsettled", "rise": rise,
                "sentence": f"Unsettled: validation loss {where}, ends {rise:.0%} above it "
                            f"({val[-1]:.4g}); the training loss did not keep falling, so this "
                            "is not the classic over-fitting picture, but the final model is "
                            "not its best."}
    if verdict == "under-fits":
        return {"label": verdict, "rise": rise,
                "sentence": f"Still improving: the loss was still falling at the end "
                            f"(validation loss {where}); more epochs would help."}
    ends = "and ends there" if best == epochs - 1 else f"and ends within {rise:.1%} of it"
    return {"label": "good", "rise": rise, "sentence": f"Good fit: validation loss {where} "
            f"{ends}."}


def setup(result: dict) -> dict:
    """A trial's setup in words: dataset, rows, model, penalties, optimiser, epochs."""
    spec = result["spec"]
    # the model as built (every default filled in), else the trial spec over the defaults
    s = {"l2": 0.0, "dropout": 0.0, "seed": None, **EXPERIMENT_DEFAULTS, **spec,
         **(result.get("model_spec") or {})}
    data = spec.get("data", {})
    source = data.get("source", "?")
    dataset = "MNIST" if source == "mnist" else str(source).replace("\\", "/").split("/")[-1]
    optimizer = s["optimizer"] if isinstance(s["optimizer"], dict) else {"name": s["optimizer"]}
    learning_rate = optimizer.get("learning_rate")
    return {
        "dataset": dataset,
        "training rows": result.get("training_rows") or data.get("train_rows") or "all",
        "validation rows": result.get("validation_rows") or data.get("validation_rows") or
        f"{data.get('validation', 0.2):.0%} of the rows",
        "hidden layers": "-".join(str(h["units"] if isinstance(h, dict) else h)
                                  for h in s["hidden"]) or "none",
        "activation": s["activation"],
        "L2 strength": s["l2"],
        "dropout rate": s["dropout"],
        "optimiser": optimizer.get("name", "?"),
        "learning rate": learning_rate if learning_rate is not None else "default",
        "epochs": s["epochs"],
        "batch size": s["batch_size"],
        "seed": s["seed"],
    }


def shared_and_varied(results) -> tuple[dict, list[str]]:
    """The setup every trial shares, and the names of the settings that vary."""
    setups = [setup(r) for r in results]
    shared = {k: v for k, v in setups[0].items() if all(s[k] == v for s in setups)}
    return shared, [k for k in setups[0] if k not in shared]


def best_validation_loss(result) -> float:
    values = [v for v in result["history"].get(f"val_{loss_key(result['history'])}", [])
              if np.isfinite(v)]
    return min(values) if values else float("inf")


def ranked(results) -> list[dict]:
    """Best first: by score, ties broken by the lower best validation loss."""
    return sorted(results, key=lambda r: (-score(r), best_validation_loss(r)))


def search_notes(results) -> list[str]:
    """Sentences on ties, trials whose best epoch is the last, pruned and diverged
    trials: what a reader of the ranking must know."""
    notes = []
    scores = np.array([score(r) for r in results])
    top = scores.max()
    tied = int(np.sum(scores == top))
    if tied > 1 and np.isfinite(top):
        rows = _validation_rows(results)
        step = f" (over {rows} validation rows the accuracy moves in steps of " \
               f"{1 / rows:.3g})" if rows else ""
        notes.append(f"{tied} of {len(results)} trials tie at the best score {top:.4g}"
                     f"{step}; among them the ranking uses the lowest validation loss, so "
                     "their order says little.")
    last = [r for r in results if r.get("best_epoch") and r.get("stop_reason") != "pruned"
            and r["best_epoch"] == len(r["history"]["loss"])]
    if last:
        notes.append(f"For {len(last)} of {len(results)} trials the best epoch is the last: "
                     "they were still improving when training ended, so more epochs could "
                     "raise their scores and change the ranking.")
    pruned = sum(r.get("stop_reason") == "pruned" for r in results)
    if pruned:
        notes.append(f"{pruned} trials were stopped early by the median rule; their curves "
                     "end early and their scores are those reached by then.")
    diverged = int(np.sum(~np.isfinite(scores)))
    if diverged:
        notes.append(f"{diverged} trials diverged (non-finite loss) and have no score.")
    return notes


def _validation_rows(results):
    """Number of validation rows, when a result records it (else None)."""
    for r in results:
        rows = r.get("validation_rows") or r["spec"].get("data", {}).get("validation_rows")
        if rows:
            return int(rows)
    return None
