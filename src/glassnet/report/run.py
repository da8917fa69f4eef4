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
from ..diagnosis import diagnose
from ..files import write_csv
from .html import Report, png_bytes

# Beyond these a report stays readable (and small) by pointing to the CSV files.
MAX_MATRIX = 30      # classes in a confusion matrix
MAX_CELLS = 20_000   # numbers in a coefficient table
MAX_PANELS = 12      # classes with a probability map each


def confusion_matrix(labels, predicted, k) -> np.ndarray:
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def history_rows(history):
    keys = list(history.history)
    return ["epoch", *keys], [[e + 1, *(history.history[k][i] for k in keys)]
                              for i, e in enumerate(history.epoch)]


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
              seconds=None, figures=True, title=None, extra=None) -> dict:
    """Write the run's files into ``out_dir`` (which must exist); return their paths."""
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
    train.to_csv(join("train.csv"))
    paths["train"] = join("train.csv")
    if len(test):
        test.to_csv(join("test.csv"))
        paths["test"] = join("test.csv")
        header, rows, _ = exports.prediction_table(model, test.feature_names, test.features)
        write_csv(join("test-predictions.csv"), header, rows)
        paths["test_predictions"] = join("test-predictions.csv")

    report = Report(title or f"glassnet run: {train.source or 'data'}")
    result = diagnose(history.history, start=history.params.get("first_loss"))
    report.paragraph(result.message, css="verdict")
    report.heading("Data")
    report.items({
        "source": train.source,
        "rows (training / test)": f"{len(train)} / {len(test)}",
        "features": ", ".join(train.feature_names),
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
        if len(table["rows"]) * len(table["header"]) > MAX_CELLS:
            report.paragraph(f"{table['layer']}: {len(table['rows'])} cells × "
                             f"{len(table['header'])} columns, in coefficients-"
                             f"{table['layer']}.csv (too large to show here).")
            continue
        report.table(table["header"], table["rows"],
                     caption=f"{table['layer']} ({table['activation']})", spec=".6g")
    for section in extra or []:
        section(report)

    if figures:
        report.heading("Figures")
        for name, fig, caption in _figures(model, train, test, history, recorder):
            if fig is None:
                continue
            report.figure(png_bytes(fig), caption)
            paths.setdefault("figures", []).extend(plotting.save(fig, join(name)))
    report.heading("Files")
    report.paragraph("In this folder: model.glassnet (load with glassnet.load_model), "
                     "model.json, history.csv, coefficients-*.csv, train.csv"
                     + (", test.csv, test-predictions.csv" if len(test) else "")
                     + ", and every figure as PNG and SVG.")
    report.write(join("report.html"))
    paths["report"] = join("report.html")
    return paths


def _figures(model, train, test, history, recorder):
    from .. import plotting

    everything = train if not len(test) else _concat(train, test)
    yield "data", plotting.data_distribution(everything), "The data by class."
    yield ("learning-curves", plotting.learning_curves(history),
           "Learning curves: training solid, validation dashed.")
    if recorder is not None:
        yield ("coefficients", plotting.coefficient_trajectories(recorder, model),
               "Every coefficient over the epochs.")
    two_d = model.input_dim == 2 and train.is_classification
    if two_d:
        yield ("decision-regions", plotting.decision_regions(model, everything),
               "Decision regions with each class's p = 0.5 (solid) and 0.95 (dashed) "
               "contours.")
        yield ("decision-regions-zoom", plotting.decision_regions(model, everything, zoom=0.5),
               "The same, zoomed on the centre.")
        if train.n_classes <= MAX_PANELS:
            yield ("probability-maps", plotting.probability_maps(model, everything),
                   "Each class's probability over the plane.")
    if model.input_dim == 1 and not train.is_classification:
        yield "model-curve", plotting.regression_curve(model, everything), "Model against data."
    yield ("network", plotting.network_diagram(model, everything if two_d else None),
           "The network: line width ∝ |weight|, blue positive, vermillion negative"
           + ("; each cell shows its output over the input plane." if two_d else "."))


def _some(names, shown=20) -> str:
    return ", ".join(names[:shown]) + (f", … ({len(names) - shown} more)"
                                       if len(names) > shown else "")


def _concat(a, b):
    from ..data import Dataset

    return Dataset(np.vstack([a.features, b.features]), np.concatenate([a.labels, b.labels]),
                   a.feature_names, a.class_names, a.target_name, a.source, a.info)
