"""Figures and the report for compared models and searches."""

from __future__ import annotations

import os

import numpy as np

from ..files import write_csv
from ..report import Report, png_bytes
from .search import score


def overlaid_curves(results, title="Learning curves"):
    """One colour per model; training solid, validation dashed; loss and accuracy."""
    from ..plotting.style import colour, pyplot
    from ..sanitize import label

    plt = pyplot()
    first = results[0]["history"]
    keys = (["crossentropy"] if "crossentropy" in first else ["loss"]) + (
        ["accuracy"] if "accuracy" in first else [])
    fig, axes = plt.subplots(1, len(keys), figsize=(6.2 * len(keys), 4.6), squeeze=False)
    for ax, key in zip(axes[0], keys):
        for i, r in enumerate(results):
            h = r["history"]
            epochs = np.arange(1, len(h[key]) + 1)
            ax.plot(epochs, h[key], color=colour(i), lw=1.6, label=label(r["name"]))
            if f"val_{key}" in h:
                ax.plot(epochs, h[f"val_{key}"], color=colour(i), lw=1.6, ls="--")
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.set_title(f"{key} (training solid, validation dashed)")
        ax.grid(alpha=0.25)
    axes[0][-1].legend(fontsize=8, loc="best")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def summary_rows(results):
    key = "crossentropy" if "val_crossentropy" in results[0]["history"] else "loss"
    header = ["model", "parameters", "seconds", "peak MB", f"final {key}", f"final val_{key}",
              f"best val_{key}", "best epoch", "final val_accuracy", "verdict"]
    rows = []
    for r in results:
        h = r["history"]
        rows.append([r["name"], int(r["params"]), float(r["seconds"]),
                     float(r["peak_memory_mb"]), float(h[key][-1]),
                     float(h[f"val_{key}"][-1]), float(min(h[f"val_{key}"])),
                     r["best_epoch"] or 0, float(h["val_accuracy"][-1])
                     if "val_accuracy" in h else "-",
                     r["verdict"] + (f" from epoch {r['best_epoch']}"
                                     if r["verdict"] == "over-fits" else "")])
    return header, rows


def write_compare(out_dir, results, title="glassnet compare") -> str:
    from ..plotting import save

    header, rows = summary_rows(results)
    write_csv(os.path.join(out_dir, "summary.csv"), header, rows)
    for r in results:
        keys = list(r["history"])
        safe = "".join(c if c.isalnum() else "-" for c in r["name"]).strip("-")
        write_csv(os.path.join(out_dir, f"history-{safe}.csv"), ["epoch", *keys],
                      [[e + 1, *(r["history"][k][e] for k in keys)]
                       for e in range(len(r["history"]["loss"]))])
    report = Report(title)
    report.paragraph("Every model trained on the same data and split, with the same seed "
                     "discipline. Verdicts read the learning curves: over-fitting "
                     "when the validation loss rises after its minimum while the training "
                     "loss keeps falling. For classifiers the curves and verdicts use the "
                     "cross-entropy alone, without L1/L2 penalties, so regularised models "
                     "compare fairly.")
    report.table(header, rows, caption="Final and best results per model")
    for r in results:
        report.paragraph(f"{r['name']}: {r['message']}")
    fig = overlaid_curves(results, title)
    report.figure(png_bytes(fig), "Learning curves of every model, overlaid.")
    save(fig, os.path.join(out_dir, "learning-curves"))
    path = os.path.join(out_dir, "report.html")
    report.write(path)
    return path


def search_scatter(results):
    from ..plotting.style import pyplot

    plt = pyplot()
    lr = np.array([r["spec"]["search"]["learning_rate"] for r in results])
    wd = np.array([r["spec"]["search"]["weight_decay"] for r in results])
    s = np.array([score(r) for r in results])
    fig, ax = plt.subplots(figsize=(6.4, 5))
    finite = np.isfinite(s)
    points = ax.scatter(lr[finite], wd[finite], c=s[finite], cmap="viridis", s=60,
                        edgecolors="0.3")
    if (~finite).any():
        ax.scatter(lr[~finite], wd[~finite], marker="x", color="0.4", label="diverged")
        ax.legend(fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("weight decay (L2)")
    label = "best validation accuracy" if "val_accuracy" in results[0]["history"] else \
        "- best validation loss"
    fig.colorbar(points, ax=ax, label=label)
    ax.set_title("Random search: every trial")
    fig.tight_layout()
    return fig


def write_search(out_dir, results, top=5) -> str:
    from ..plotting import save

    ranked = sorted(results, key=score, reverse=True)
    header = ["rank", "trial", "learning rate", "weight decay", "score", "best epoch",
              "verdict"]
    rows = [[i + 1, r["name"], r["spec"]["search"]["learning_rate"],
             r["spec"]["search"]["weight_decay"], score(r), r["best_epoch"] or 0, r["verdict"]]
            for i, r in enumerate(ranked)]
    write_csv(os.path.join(out_dir, "trials.csv"), header, rows)
    report = Report("glassnet random search")
    report.paragraph("Learning rate and weight decay drawn log-uniformly (Deep Learning from "
                     "Scratch, chapter 6); score = best validation accuracy.")
    report.table(header, rows[:top], caption=f"The best {min(top, len(rows))} trials")
    fig = search_scatter(results)
    report.figure(png_bytes(fig), "All trials: where the good learning rates and weight "
                  "decays lie.")
    save(fig, os.path.join(out_dir, "search"))
    fig = overlaid_curves(ranked[:top], "Learning curves of the best trials")
    report.figure(png_bytes(fig), "The best trials' learning curves.")
    save(fig, os.path.join(out_dir, "best-learning-curves"))
    report.table(header, rows, caption="Every trial")
    path = os.path.join(out_dir, "report.html")
    report.write(path)
    return path
