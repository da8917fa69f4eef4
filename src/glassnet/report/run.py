"""Everything one training run leaves behind, written into one folder.

The two-layer discriminant analysis's programs (i)–(ix) (docs/seeds.md, seed 000) end
with pictures and tables; ``write_run`` produces them all from a trained model: the
model file, the history, the coefficient tables, the train/test split, predictions on
the test part, every figure (PNG and SVG) and one ``report.html`` holding all of it.
The page opens with the picture: the verdict, the learning curves and the decision
regions; numbers and tables follow.
"""

from __future__ import annotations

import os

import numpy as np

from ..base.i18n import _
from ..data import exports
from ..explain import remember_background
from ..io.files import output_dialect, write_csv
from ..plotting.evaluation import history_units
from ..training.diagnosis import diagnose
from ..training.measures import positive_class
from ..training.metrics import confusion_matrix, metric_label
from . import measures
from .explain import importance_section
from .html import Report, save_figure
from .sections import data_story, original_units, settings_cards

# Beyond these a report stays readable (and small) by pointing to the CSV files.
TABLE_ROWS, TABLE_COLUMNS = 40, 40  # larger coefficient tables: a corner, and the CSV file
MAX_MATRIX = 30      # classes in a confusion matrix


def history_rows(history):
    """history.csv: every epoch's logs, its learning rate and its seconds."""
    logged = history.with_extras() if hasattr(history, "with_extras") else history.history
    keys = list(logged)
    return ["epoch", *keys], [[e + 1, *(logged[k][i] for k in keys)]
                              for i, e in enumerate(history.epoch)]


def write_run(out_dir, model, train, test, history, recorder=None, settings=None,
              seconds=None, figures=True, title=None, extra=None, split="auto",
              baselines=True) -> dict:
    """Write the run's files into ``out_dir`` (which must exist); return their paths.

    ``split`` says how the train/test split is saved (see ``exports.export_split``);
    ``baselines`` adds the panel of scikit-learn models on the same split
    (``report.baselines``)."""
    paths = {}
    join = lambda name: os.path.join(out_dir, name)  # noqa: E731
    seed = getattr(model, "seed", None) or 0
    remember_background(model, train.features, seed=seed)  # what explain's "base" means
    model.save(join("model.glassnet"))
    paths["model"] = join("model.glassnet")
    header, rows = history_rows(history)
    write_csv(join("history.csv"), header, rows)
    paths["history"] = join("history.csv")
    dialect = output_dialect(train.info)  # the training file's delimiter, decimal mark, ...
    paths["coefficients"] = exports.export_coefficients(model, out_dir, dialect)
    exports.export_json(model, join("model.json"))
    written, split_note = exports.export_split(out_dir, model, train, test, split)
    paths.update(written)

    report = Report(title or _("glassnet run: {data}").format(
        data=os.path.basename(train.source or "data")))
    result = diagnose(history)  # the headline, and the learning curves' caption
    report.verdict(result.message, result.verdict)
    measured = measures.run_parts(model, train, test)
    unit = None if train.is_classification else measures.unit_note(train.target_name)[0]
    positive = (positive_class(train.labels)
                if train.is_classification and train.n_classes == 2 else None)
    said = measures.headline(measured, unit, positive)
    if said:
        report.verdict(*said)
    shown = (_write_figures(model, train, test, history, recorder, join, result)
             if figures else [])
    first = [f for f in shown if f[3]]
    if first:
        report.figures([f[:3] for f in first])
    report.items(_key_results(measured, unit, history, seconds, result,
                              history_units(model, train.target_name)))
    if baselines:
        from .baselines import fit_baselines, panel

        panel(report, fit_baselines(model, train, test,
                                    measured[-1].output if measured else None), seconds)
    _measure_tables(report, measured, train, unit, positive)
    if len(shown) > len(first):
        report.heading(_("More figures"))
        report.figures([f[:3] for f in shown if not f[3]], small=True)
    paths["figures"] = [join(f[2][:-4] + ext) for f in shown for ext in (".png", ".svg")]

    report.heading(_("Data"))
    report.items(data_story(train, test, settings))
    report.heading(_("Settings"))
    report.items(settings_cards(model, settings, history))
    if train.is_classification and train.n_classes > MAX_MATRIX:
        report.heading(_("Confusion matrices"))
        report.paragraph(_("{n} classes: too many for a confusion matrix here; the "
                           "predictions are in the CSV files.").format(n=train.n_classes))
    elif train.is_classification:
        _confusion_tables(report, model, train, test)
    paths["importance"] = importance_section(report, model, train, test, out_dir, figures,
                                             seed)
    paths["coefficients"] += _coefficients(report, model, out_dir, dialect)
    report.heading(_("Model"))
    report.text_block(model.summary(print_fn=None))
    for section in extra or []:
        section(report)
    report.heading(_("Files"))
    report.paragraph(_("In this folder: model.glassnet (load it with glassnet.load_model), "
                       "model.json, history.csv, the coefficient tables as CSV, the split "
                       "(the rows themselves, or their numbers when that is smaller), the "
                       "test predictions when there is test data, and every figure as PNG "
                       "and SVG.") + (" " + split_note if split_note else ""))
    report.write(join("report.html"))
    paths["report"] = join("report.html")
    return paths


def _key_results(measured, unit, history, seconds, diagnosis, units) -> dict:
    """The measures on each part, final and best values (with their units), epochs and
    time: the run in numbers."""
    out = measures.cards(measured, unit)
    h = history.history
    for key, values in h.items():
        if key not in ("epoch_time", "learning_rate", "accuracy", "val_accuracy") and values:
            out[_("Final {metric}").format(metric=metric_label(key))] = measures.amount(
                values[-1], units.get(key.removeprefix("val_")))
    best = diagnosis.best_epoch
    if best is not None:
        out[_("Lowest validation loss")] = _("{value} at epoch {epoch}").format(
            value=measures.amount(h["val_loss"][best], units.get("loss")), epoch=best + 1)
    out[_("Epochs")] = str(len(history.epoch))
    if seconds is not None:
        out[_("Training time")] = _("{seconds} s").format(seconds=f"{seconds:.2f}")
    return out


def _measure_tables(report, measured, train, unit, positive):
    """Regression: the unit's source and the rows predicted worst. Classes: precision,
    recall and F1 per class, and for two classes the threshold table."""
    if not measured:
        return
    last = measured[-1]
    if not train.is_classification:
        report.paragraph(measures.unit_note(train.target_name)[1], css="note")
        report.heading(_("Rows predicted worst"))
        report.table(*measures.worst_rows(last, unit), spec=".5g")
        return
    if train.n_classes > MAX_MATRIX:
        return
    report.heading(_("Precision and recall"))
    report.side_by_side([measures.class_table(m) for m in measured], spec=".3f")
    if positive is not None:
        report.table(*measures.threshold_rows(last, positive), spec=".3f")


def _confusion_tables(report, model, train, test):
    from .. import plotting

    tables = []
    for name, part in ((_("training data"), train), (_("test data"), test)):
        if not len(part):
            continue
        predicted = plotting.class_probabilities(model, part.features).argmax(axis=1)
        matrix = confusion_matrix(part.labels, predicted, train.n_classes)
        accuracy = np.trace(matrix) / matrix.sum()
        tables.append(([_("true \\ predicted"), *train.class_names],
                       [[c, *map(int, row)] for c, row in zip(train.class_names, matrix)],
                       _("Confusion matrix, {data} (accuracy {accuracy})").format(
                           data=name, accuracy=f"{accuracy:.3f}")))
    report.heading(_("Confusion matrices"))
    report.side_by_side(tables)


def _coefficients(report, model, out_dir, dialect=None) -> list[str]:
    """Every layer's coefficients; the first layer also in the data's own units."""
    report.heading(_("Coefficients"))
    report.paragraph(_("One row per cell: its bias, then one weight per input."), css="note")
    tables = exports.coefficient_tables(model)
    rewritten = original_units(model)
    written = []
    for i, table in enumerate(tables):
        caption = _("Layer {layer} ({activation})").format(layer=table["layer"],
                                                          activation=table["activation"])
        file = f"coefficients-{table['layer']}.csv"
        header = [_("cell"), _("bias"), *table["header"][2:]]
        if i == 0 and rewritten is not None:
            caption = _("Layer {layer} ({activation}), as learnt on scaled inputs").format(
                layer=table["layer"], activation=table["activation"])
            header[2:] = [(_("{name} (standardised)") if rewritten[5] == "standard" else
                           _("{name} (min-max)")).format(name=n) for n in _input_names(model)]
        _table(report, header, table["rows"], caption, file)
        if i == 0 and rewritten is not None:
            written += _original_units(report, model, table, rewritten, out_dir, dialect)
    return written


def _input_names(model) -> list[str]:
    return list((model.info or {}).get("feature_names")
                or [f"x{i + 1}" for i in range(model.input_dim)])


def _original_units(report, model, table, rewritten, out_dir, dialect=None) -> list[str]:
    kernel, bias, offset, scale, layer, method = rewritten
    names = _input_names(model)
    cells = [row[0] for row in table["rows"]]
    header = [_("cell"), _("bias"), *names]
    # Rewritten in float64 from the model's weights; written with the model's digits.
    kind = np.dtype(getattr(model, "dtype", "float64")).type
    rows = [[cells[j], kind(bias[j]), *(kind(v) for v in kernel[:, j])]
            for j in range(len(cells))]
    file = f"coefficients-{layer.name}-original-units.csv"
    write_csv(os.path.join(out_dir, file), header, rows, dialect=dialect)
    _table(report, header, rows, _("Layer {layer} ({activation}), rewritten for the inputs in "
                                   "their original units").format(
        layer=layer.name, activation=layer.activation.name), file)
    if method == "standard":
        scaling_header = [_("input"), _("mean"), _("standard deviation")]
        note = _("Inputs were standardised with the training rows' means and standard "
                 "deviations: x' = (x - mean) / SD. In original units each weight is divided "
                 "by the SD, and the bias loses Σ weight × mean / SD.")
    else:
        scaling_header = [_("input"), _("minimum"), _("range (max - min)")]
        note = _("Inputs were scaled to [0, 1] with the training rows' minima and ranges: "
                 "x' = (x - min) / range. In original units each weight is divided by the "
                 "range, and the bias loses Σ weight × min / range.")
    scaling_rows = [[n, kind(o), kind(s)] for n, o, s in zip(names, offset, scale)]
    scaling_file = "input-scaling.csv"
    write_csv(os.path.join(out_dir, scaling_file), scaling_header, scaling_rows,
              dialect=dialect)
    report.paragraph(note, css="note")
    _table(report, scaling_header, scaling_rows, _("Input scaling"), scaling_file)
    return [os.path.join(out_dir, file), os.path.join(out_dir, scaling_file)]


def _table(report, header, rows, caption, file):
    """A coefficient table, cut to a corner when large (the CSV file has all of it)."""
    cut = []
    if len(rows) > TABLE_ROWS:
        cut.append(_("first {rows} of {all_rows} rows").format(rows=TABLE_ROWS,
                                                                all_rows=len(rows)))
        rows = rows[:TABLE_ROWS]
    if len(header) > TABLE_COLUMNS + 1:  # the first column names the rows
        cut.append(_("first {columns} of {all_columns} columns").format(
            columns=TABLE_COLUMNS, all_columns=len(header) - 1))
        header = header[:TABLE_COLUMNS + 1]
        rows = [row[:TABLE_COLUMNS + 1] for row in rows]
    if cut:
        caption += " — " + "; ".join(cut + [_("all of it is in {file}").format(file=file)])
    report.table(header, rows, caption=caption, spec=".6g")


def _write_figures(model, train, test, history, recorder, join, diagnosis=None):
    """Draw, save (PNG + SVG) and return (png, caption, file name, first screen?)."""
    out = []
    for name, draw, caption, first in _figures(model, train, test, history, recorder,
                                               diagnosis):
        fig = draw()
        if fig is not None:
            out.append((save_figure(fig, join(name)), caption, f"{name}.png", first))
    return out


#: figures shown on the report's first screen (with the verdict)
FIRST_SCREEN = ("learning-curves", "decision-regions", "model-curve", "predictions", "roc-pr")


def _figures(model, train, test, history, recorder, diagnosis=None):
    """(file name, drawing function, caption, on the first screen?) for each figure; which
    figures suit the data's size is ``plotting.selection``'s choice."""
    from ..plotting.selection import run_figures

    drawn = list(run_figures(model, train, test, history, recorder, diagnosis))
    names = {name for name, fig, _caption in drawn if fig is not None}
    for name, fig, caption in drawn:
        first = name in FIRST_SCREEN or (name == "data" and not names & set(FIRST_SCREEN[1:]))
        yield name, (lambda fig=fig: fig), caption, first
