"""Figures and the report for compared models and searches.

Every verdict and note comes from ``reading``, which reads the same numbers the tables
show; every trial's setup is stated (the settings all trials share once, the ones that
vary per trial); the table of every trial sorts in the page (a few lines of inline
JavaScript, no network).
"""

from __future__ import annotations

import os

import numpy as np

from ..io.files import write_csv
from ..report import Report, png_bytes
from .console import SHORT
from .reading import (
    best_validation_loss,
    fit_reading,
    loss_key,
    ranked,
    search_notes,
    setup,
    shared_and_varied,
)
from .trial import score

# Click a column heading to sort by it; numbers sort as numbers.
SORT_SCRIPT = """<script>document.querySelectorAll("table.sortable th").forEach(function(th){
th.style.cursor="pointer";th.title="click to sort";th.addEventListener("click",function(){
var b=th.closest("table").tBodies[0],i=th.cellIndex,up=th.dataset.dir!=="up",
n=function(c){var v=parseFloat(c.textContent);return isNaN(v)?null:v};
th.dataset.dir=up?"up":"down";Array.from(b.rows).sort(function(x,y){
var p=n(x.cells[i]),q=n(y.cells[i]),d=(p!==null&&q!==null)?p-q:
x.cells[i].textContent.localeCompare(y.cells[i].textContent);return up?d:-d})
.forEach(function(r){b.appendChild(r)})})})</script>"""


def sortable_table(report, header, rows, caption):
    """A table whose columns sort when their heading is clicked."""
    report.table(header, rows, caption=caption)
    report.parts[-1] = report.parts[-1].replace("<table>", '<table class="sortable">', 1)
    if SORT_SCRIPT not in report.parts:
        report.parts.append(SORT_SCRIPT)


def overlaid_curves(results, title="Learning curves"):
    """One colour per model; training solid, validation dashed; loss and accuracy."""
    from ..base.sanitize import label
    from ..plotting.style import colour, pyplot

    plt = pyplot()
    first = results[0]["history"]
    keys = [loss_key(first)] + (["accuracy"] if "accuracy" in first else [])
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
        validated = any(f"val_{key}" in r["history"] for r in results)
        ax.set_title(f"{key} (training solid, validation dashed)" if validated else
                     f"{key} on the training rows")
        ax.grid(alpha=0.25)
    axes[0][-1].legend(fontsize=8, loc="best")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _write_histories(out_dir, results):
    for r in results:
        keys = list(r["history"])
        safe = "".join(c if c.isalnum() else "-" for c in r["name"]).strip("-")
        write_csv(os.path.join(out_dir, f"history-{safe}.csv"), ["epoch", *keys],
                      [[e + 1, *(r["history"][k][e] for k in keys)]
                       for e in range(len(r["history"]["loss"]))])


def _setup_section(report, results):
    shared, varied = shared_and_varied(results)
    report.heading("Setup")
    report.items(shared)
    return varied


# -- compare ------------------------------------------------------------------------------
def summary_rows(results):
    """Header and one row per model: the settings that vary, then the outcome."""
    _, varied = shared_and_varied(results)
    key = loss_key(results[0]["history"])
    header = ["model", *varied, "parameters", "seconds", "peak MB", f"final {key}",
              f"final val_{key}", f"best val_{key}", "best epoch", "final over best val",
              "final val_accuracy", "verdict"]
    metric = results[0].get("metric")
    if metric:  # the measure that ranks them, and what answering the common class scores
        header[-1:-1] = [METRIC_WORDS[metric["name"]]] + (
            ["always the most common class"] if "majority_rate" in metric else [])
    rows = []
    for r in results:
        h, reading, settings = r["history"], fit_reading(r), setup(r)
        rows.append([r["name"], *(settings[k] for k in varied), int(r["params"]),
                     float(r["seconds"]), float(r["peak_memory_mb"]), float(h[key][-1]),
                     float(h[f"val_{key}"][-1]), best_validation_loss(r),
                     r["best_epoch"] or 0,
                     "-" if reading["rise"] is None else f"{reading['rise']:+.1%}",
                     float(h["val_accuracy"][-1]) if "val_accuracy" in h else "-",
                     reading["label"]])
        if metric:
            m = r.get("metric") or {}
            rows[-1][-1:-1] = [float(m.get("value", float("nan")))] + (
                [float(m.get("majority_rate", float("nan")))] if "majority_rate" in metric
                else [])
    return header, rows


def write_compare(out_dir, results, title="glassnet compare") -> str:
    from ..plotting import save

    header, rows = summary_rows(results)
    write_csv(os.path.join(out_dir, "summary.csv"), header, rows)
    _write_histories(out_dir, results)
    report = Report(title)
    report.paragraph("Every model trained on the same data and split, with the same seed. "
                     "Verdicts read the learning curves: over-fitting when the "
                     "validation loss rises after its minimum while the training loss keeps "
                     "falling. For classifiers the curves and verdicts use the cross-entropy "
                     "alone, without L1/L2 penalties, so regularised models compare fairly.")
    fig = overlaid_curves(results, title)
    report.figure(png_bytes(fig), "Learning curves of every model, overlaid.")
    save(fig, os.path.join(out_dir, "learning-curves"))
    metric = results[0].get("metric")
    if metric:
        report.paragraph(f"Models are measured by {score_label(results)}"
                         + (f"; answering the most common class for every row would score an "
                            f"accuracy of {metric['majority_rate']:.3f} there."
                            if "majority_rate" in metric else "."))
    report.heading("Verdicts")
    for r in results:
        report.paragraph(f"{r['name']}: {fit_reading(r)['sentence']}")
    _setup_section(report, results)
    sortable_table(report, header, rows, "Each model's settings and results (click a heading "
                   "to sort)")
    path = os.path.join(out_dir, "report.html")
    report.write(path)
    return path


# -- search -------------------------------------------------------------------------------
AXIS = {"learning_rate": "learning rate", "l2": "L2 penalty (l2)"}  # searched settings


def _settings(results):
    return list(results[0]["spec"].get("search", {}))


#: a trial's metric in words (what ranks the trials when one was chosen or is needed)
METRIC_WORDS = {"balanced_accuracy": "balanced accuracy", "f1": "F1 (mean of the classes)",
                "roc_auc": "ROC AUC", "log_loss": "minus the log loss", "r2": "R²",
                "mae": "minus the mean absolute error"}


def score_label(results) -> str:
    metric = results[0].get("metric")
    if metric:
        return f"{METRIC_WORDS[metric['name']]} on the validation rows (the final model)"
    return ("best validation accuracy" if "val_accuracy" in results[0]["history"]
            else "minus the best validation loss")


def search_figure(results):
    """Score against each searched setting, and both settings together (a heat map when
    the trials form a grid, else a scatter coloured by score)."""
    from ..plotting.style import log_axis, pyplot

    plt = pyplot()
    names = _settings(results)
    s = np.array([score(r) for r in results])
    values = {n: np.array([r["spec"]["search"][n] for r in results]) for n in names}
    pruned = np.array([r.get("stop_reason") == "pruned" for r in results])
    finite = np.isfinite(s)
    panels = len(names) + (1 if len(names) == 2 else 0)
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.4), squeeze=False)
    floor = s[finite].min() if finite.any() else 0.0
    for ax, name in zip(axes[0], names):
        x = values[name]
        ax.scatter(x[finite & ~pruned], s[finite & ~pruned], color="#0072B2", s=36,
                   label="ran to the end")
        if pruned.any():
            ax.scatter(x[finite & pruned], s[finite & pruned], facecolors="none",
                       edgecolors="#D55E00", s=36, label="stopped early (median rule)")
        if (~finite).any():
            ax.scatter(x[~finite], np.full((~finite).sum(), floor), marker="x", color="0.4",
                       label="diverged (no score)")
        log_axis(ax, "x")
        ax.set_xlabel(AXIS.get(name, name))
        ax.set_ylabel(score_label(results))
        ax.grid(alpha=0.25)
        if pruned.any() or (~finite).any():
            ax.legend(fontsize=8, loc="best")
    if len(names) == 2:
        _two_settings(fig, axes[0][-1], values[names[0]], values[names[1]], s, names,
                      score_label(results))
    fig.suptitle("Score against each searched setting")
    fig.tight_layout()
    return fig


def _two_settings(fig, ax, x, y, s, names, label):
    from ..plotting.style import log_axis

    xs, ys = np.unique(x), np.unique(y)
    if len(xs) * len(ys) == len(s) and len(xs) > 1 and len(ys) > 1:
        grid = np.full((len(ys), len(xs)), np.nan)
        for xi, yi, si in zip(x, y, s):
            grid[np.searchsorted(ys, yi), np.searchsorted(xs, xi)] = si if np.isfinite(
                si) else np.nan
        image = ax.imshow(grid, origin="lower", cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(xs)), [f"{v:.2g}" for v in xs], rotation=45)
        ax.set_yticks(range(len(ys)), [f"{v:.2g}" for v in ys])
        for (i, j), v in np.ndenumerate(grid):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7, color="w")
        ax.set_title("grid of trials")
    else:
        finite = np.isfinite(s)
        image = ax.scatter(x[finite], y[finite], c=s[finite], cmap="viridis", s=60,
                           edgecolors="0.3")
        if (~finite).any():
            ax.scatter(x[~finite], y[~finite], marker="x", color="0.4")
        log_axis(ax, "x")
        log_axis(ax, "y")
        ax.set_title("every trial")
    ax.set_xlabel(AXIS.get(names[0], names[0]))
    ax.set_ylabel(AXIS.get(names[1], names[1]))
    fig.colorbar(image, ax=ax, label=label)


def search_rows(results):
    """Header and one row per trial, best first."""
    names = _settings(results)
    key = loss_key(results[0]["history"])
    header = ["rank", "trial", *(SHORT.get(n, n) for n in names), "score",
              f"best val_{key}", "best epoch", "epochs run", "final val_accuracy", "verdict"]
    rows = []
    for i, r in enumerate(ranked(results)):
        h = r["history"]
        rows.append([i + 1, r["name"], *(float(r["spec"]["search"][n]) for n in names),
                     float(score(r)), best_validation_loss(r), r["best_epoch"] or 0,
                     len(h["loss"]), float(h["val_accuracy"][-1]) if "val_accuracy" in h
                     else "-", fit_reading(r)["label"]])
    return header, rows


def write_search(out_dir, results, top=5, title="glassnet search", sampler="random") -> str:
    from ..plotting import save

    header, rows = search_rows(results)
    write_csv(os.path.join(out_dir, "trials.csv"), header, rows)
    how = {"random": "drawn log-uniformly (Deep Learning from Scratch, chapter 6)",
           "grid": "on a log-spaced grid",
           "tpe": "proposed by Optuna's TPE sampler from the trials before"}[sampler]
    report = Report(title)
    report.paragraph(f"{len(results)} trials; learning rate and L2 penalty (l2, the "
                     f"λ of λ Σ w² over the kernels) {how}. Score = {score_label(results)}.")
    for note in search_notes(results):
        report.paragraph(note, css="note")
    fig = search_figure(results)
    report.figure(png_bytes(fig), "Where the good settings lie: score against each searched "
                  "setting.")
    save(fig, os.path.join(out_dir, "search"))
    best = ranked(results)[:top]
    fig = overlaid_curves(best, f"Learning curves of the best {len(best)} trials")
    report.figure(png_bytes(fig), f"The best {len(best)} trials' learning curves, overlaid.")
    save(fig, os.path.join(out_dir, "best-learning-curves"))
    report.table(header, rows[:top], caption=f"The best {len(best)} trials")
    _setup_section(report, results)
    sortable_table(report, header, rows, "Every trial (click a heading to sort)")
    path = os.path.join(out_dir, "report.html")
    report.write(path)
    return path
