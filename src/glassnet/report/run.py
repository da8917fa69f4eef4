"""Everything one training run leaves behind, written into one folder.

The two-layer discriminant analysis's programs (i)–(ix) (docs/seeds.md, seed 000) end
with pictures and tables; ``write_run`` produces them
all from a trained model: the model file, the history, the coefficient tables, the
train/test split, predictions on the test part, every figure (PNG and SVG) and one
``report.html`` holding all of it.
"""

from __future__ import annotations

import os

import numpy as np

from .. import exports
from ..data.columns import summarize
from ..diagnosis import diagnose
from ..files import write_csv
from .html import Report, png_bytes

# Beyond these a report stays readable (and small) by pointing to the CSV files.
MAX_MATRIX = 30      # classes in a confusion matrix
MAX_CELLS = 20_000   # numbers in a coefficient table


def confusion_matrix(labels, predicted, k) -> np.ndarray:
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def history_rows(history):
    keys = list(history.history)
    return ["epoch", *keys], [[e + 1, *(history.history[k][i] for k in keys)]
                              for i, e in enumerate(history.epoch)]


def narrow_table(table, limit=12):
    """A coefficient table with at most ``limit`` input columns (those with the largest
    mean |weight| over the cells, in their order): header, rows, inputs left out."""
    header, rows = table["header"], table["rows"]
    inputs = len(header) - 2
    if inputs <= limit:
        return header, rows, 0
    weights = np.abs(np.array([row[2:] for row in rows], dtype=np.float64)).mean(axis=0)
    keep = np.sort(np.argsort(-weights, kind="stable")[:limit]) + 2
    return ([header[0], header[1], *(header[j] for j in keep)],
            [[row[0], row[1], *(row[j] for j in keep)] for row in rows], inputs - limit)


def best_metrics(history) -> dict:
    h = history.history
    out = {f"final {k}": v[-1] for k, v in h.items() if k not in ("epoch_time",)}
    result = diagnose(h)
    if result.best_epoch is not None:
        out["best epoch (lowest val_loss)"] = result.best_epoch + 1
        for k, v in h.items():
            if k.startswith("val_"):
                out[f"{k} at best epoch"] = v[result.best_epoch]
    return out


def write_run(out_dir, model, train, test, history, recorder=None, settings=None,
              seconds=None, figures=True, title=None, extra=None, split="auto") -> dict:
    """Write the run's files into ``out_dir`` (which must exist); return their paths.

    ``split`` says how the train/test split is saved (see ``io.export_split``)."""
    from .. import plotting

    paths = {}
    join = lambda name: os.path.join(out_dir, name)  # noqa: E731
    model.save(join("model.glassnet"))
    paths["model"] = join("model.glassnet")
    header, rows = history_rows(history)
    write_csv(join("history.csv"), header, rows)
    paths["history"] = join("history.csv")
    paths["coefficients"] = exports.export_coefficients(model, out_dir)
    exports.export_json(model, join("model.json"))
    written, split_note = exports.export_split(out_dir, model, train, test, split)
    paths.update(written)

    report = Report(title or f"glassnet run: {train.source or 'data'}")
    result = diagnose(history.history, start=history.params.get("first_loss"))
    report.paragraph(result.message, css="verdict")
    report.heading("Data")
    report.items({
        "source": train.source,
        "rows (training / test)": f"{len(train)} / {len(test)}",
        "features": summarize(train.feature_names),
        **({"ID columns (carried, not inputs)": ", ".join(train.id_names)}
           if train.id_names else {}),
        **({"ignored columns": ", ".join(train.info["columns"]["ignored"])}
           if (train.info.get("columns") or {}).get("ignored") else {}),
        "target": train.target_name + (f" ({train.n_classes} classes: "
                                       f"{_some(train.class_names)})"
                                       if train.is_classification else " (numeric)"),
    })
    report.heading("Model")
    report.text_block(model.summary(print_fn=None))
    report.heading("Settings")
    report.items(settings or {})
    report.heading("Results")
    timing = {"training time": f"{seconds:.2f} s"} if seconds is not None else {}
    report.items({**timing, **{k: (f"{v:.4g}" if isinstance(v, float) else v)
                               for k, v in best_metrics(history).items()}})
    if train.is_classification and train.n_classes > MAX_MATRIX:
        report.paragraph(f"{train.n_classes} classes: too many for a confusion matrix here; "
                         "the predictions are in the CSV files.")
    elif train.is_classification:
        for name, part in (("training", train), ("test", test)):
            if not len(part):
                continue
            predicted = plotting.class_probabilities(model, part.features).argmax(axis=1)
            matrix = confusion_matrix(part.labels, predicted, train.n_classes)
            accuracy = np.trace(matrix) / matrix.sum()
            report.table(["true \\ predicted", *train.class_names],
                         [[c, *map(int, row)] for c, row in zip(train.class_names, matrix)],
                         caption=f"Confusion matrix, {name} data (accuracy {accuracy:.3f})")
    report.heading("Coefficients: one row per cell, bias first, then one weight per input")
    for table in exports.coefficient_tables(model):
        header, rows, left_out = narrow_table(table)
        if len(rows) * len(header) > MAX_CELLS:
            report.paragraph(f"{table['layer']}: {len(rows)} cells × "
                             f"{len(table['header'])} columns, in coefficients-"
                             f"{table['layer']}.csv (too large to show here).")
            continue
        report.table(header, rows, spec=".6g",
                     caption=f"{table['layer']} ({table['activation']})" + (
                         f": the {len(header) - 2} inputs with the largest weights; all "
                         f"{len(header) - 2 + left_out} in coefficients-{table['layer']}.csv"
                         if left_out else ""))
    for section in extra or []:
        section(report)

    if figures:
        report.heading("Figures")
        from ..plotting.selection import run_figures

        for name, fig, caption in run_figures(model, train, test, history, recorder):
            if fig is None:
                continue
            report.figure(png_bytes(fig), caption)
            paths.setdefault("figures", []).extend(plotting.save(fig, join(name)))
    report.heading("Files")
    files = [os.path.basename(p) for key in ("train", "test", "split", "test_predictions")
             if (p := paths.get(key))]
    report.paragraph("In this folder: model.glassnet (load with glassnet.load_model), "
                     "model.json, history.csv, coefficients-*.csv, " + ", ".join(files)
                     + ", and every figure as PNG and SVG. " + split_note)
    report.write(join("report.html"))
    paths["report"] = join("report.html")
    return paths


def _some(names, shown=20) -> str:
    return ", ".join(names[:shown]) + (f", … ({len(names) - shown} more)"
                                       if len(names) > shown else "")
