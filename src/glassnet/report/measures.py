"""The finished model's measures, as the report, the console and ``evaluate`` say them.

A numeric target: R², the mean absolute error and the root mean squared error in the
target's unit (read from its column name, ``価格(万円)`` → 万円, and said so), and the
rows predicted worst. Classes: accuracy beside the majority-class rate (always
answering the most common class), balanced accuracy, each class's precision, recall
and F1, the ROC AUC, and for two classes a threshold table. One function writes each
sentence, so every front end says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.i18n import _
from ..data.targets import column_unit
from ..training import measures

WORST_ROWS = 10  # rows predicted worst, listed in the report


@dataclass
class Measured:
    """One part of the data (training or test) with the model's output and its measures."""
    name: str           # "training data", "test data" (in the user's language)
    data: object        # the Dataset
    output: np.ndarray  # predicted values (regression) or class probabilities
    values: dict        # measures.regression(...) or measures.classification(...)


def measure(model, parts, majority=None) -> list[Measured]:
    """``parts``: (name, Dataset) pairs; empty parts are skipped. ``majority`` is the
    class index the majority-class rate answers (the training data's most common)."""
    from ..data.exports import class_probabilities

    out = []
    for name, part in parts:
        if part is None or not len(part):
            continue
        if part.is_classification:
            p = class_probabilities(model, part.features)
            values = measures.classification(part.labels, p.argmax(axis=1), part.class_names,
                                             majority)
            if part.n_classes >= 2:
                values["roc_auc"] = measures.roc_auc(part.labels, p)
        else:
            p = np.asarray(model.predict(part.features), dtype=np.float64)
            values = measures.regression(part.labels, p)
        out.append(Measured(name, part, p, values))
    return out


def run_parts(model, train, test) -> list[Measured]:
    """The training and the test data of a run, measured (the majority class is the
    training data's)."""
    majority = (int(np.argmax(np.bincount(train.labels, minlength=train.n_classes)))
                if train.is_classification and len(train) else None)
    return measure(model, [(_("training data"), train), (_("test data"), test)], majority)


def unit_note(target_name) -> tuple[str | None, str]:
    """(unit, sentence): '万円' and 'Errors in 万円 (from the column name 価格(万円)).',
    or None and a sentence saying the errors are in the target's own units."""
    unit = column_unit(target_name)
    if unit:
        return unit, _("Errors in {unit} (from the column name {name}).").format(
            unit=unit, name=target_name)
    return None, _("Errors in the units of {name} (its column name states none).").format(
        name=target_name)


def amount(value, unit) -> str:
    """396.7 万円 (a number with its unit, when known)."""
    return f"{value:.4g}\u00a0{unit}" if unit else f"{value:.4g}"


def regression_sentence(values, unit) -> str:
    return _("R² {r2}; predictions are off by {mae} on average (mean absolute error; root "
             "mean squared error {rmse})").format(r2=f"{values['r2']:.3f}",
                                                   mae=amount(values["mae"], unit),
                                                   rmse=amount(values["rmse"], unit))


def found(values, positive) -> str:
    """'found 7 of 20 陽性 (precision 0.50)'."""
    row = values["per_class"][positive]
    hits = round(row["recall"] * row["support"])
    return _("found {hits} of {all} {name} (recall {recall}, precision {precision})").format(
        hits=hits, all=row["support"], name=row["class"], recall=f"{row['recall']:.2f}",
        precision=f"{row['precision']:.2f}")


def classification_sentence(values, positive=None) -> tuple[str, bool]:
    """The accuracy beside the majority-class rate; True when accuracy does not beat it
    and the balanced accuracy is within 0.1 of the 1/k that answer scores (the accuracy
    paradox, said plainly). A model that trades accuracy for the rare classes (class
    weights) is told apart by its balanced accuracy."""
    accuracy, rate = values["accuracy"], values["majority_rate"]
    k = len(values["per_class"])
    below = accuracy <= rate and k > 1
    worse = below and values["balanced_accuracy"] <= 1 / k + 0.1
    if below and not worse:
        text = _("accuracy {accuracy} is below the {rate} of always answering {majority}, "
                 "but that answer finds none of the other classes: balanced accuracy "
                 "{balanced} (always answering {majority}: {chance})").format(
            accuracy=f"{accuracy:.3f}", rate=f"{rate:.3f}", majority=values["majority_class"],
            balanced=f"{values['balanced_accuracy']:.3f}", chance=f"{1 / k:.3f}")
    elif worse:
        text = _("accuracy {accuracy} is no better than the {rate} of always answering "
                 "{majority}: the model has learnt little beyond the most common class; "
                 "balanced accuracy {balanced}").format(
            accuracy=f"{accuracy:.3f}", rate=f"{rate:.3f}", majority=values["majority_class"],
            balanced=f"{values['balanced_accuracy']:.3f}")
    else:
        text = _("accuracy {accuracy} (always answering {majority} would score {rate}), "
                 "balanced accuracy {balanced}").format(
            accuracy=f"{accuracy:.3f}", rate=f"{rate:.3f}", majority=values["majority_class"],
            balanced=f"{values['balanced_accuracy']:.3f}")
    if positive is not None:
        text += _("; ") + found(values, positive)
    return text, worse


def headline(measured: list[Measured], unit=None, positive=None) -> tuple[str, str] | None:
    """(sentence, css kind) on the last part measured (the test data when there is
    some); kind 'warning' when accuracy does not beat the majority-class rate."""
    if not measured:
        return None
    last = measured[-1]
    if last.data.is_classification:
        text, worse = classification_sentence(last.values, positive)
        kind = "warning" if worse else "measures"
    else:
        text, kind = regression_sentence(last.values, unit), "measures"
    return _("{part}: {measures}.").format(part=last.name.capitalize()
                                             if last.name.isascii() else last.name,
                                             measures=text), kind


def cards(measured: list[Measured], unit=None) -> dict:
    """Key-result cards: each measure on each part."""
    out = {}
    for m in measured:
        v = m.values
        if m.data.is_classification:
            out[_("Accuracy, {part}").format(part=m.name)] = f"{v['accuracy']:.3f}"
            out[_("Always answering {majority}, {part}").format(
                majority=v["majority_class"], part=m.name)] = f"{v['majority_rate']:.3f}"
            out[_("Balanced accuracy, {part}").format(part=m.name)] = \
                f"{v['balanced_accuracy']:.3f}"
            if np.isfinite(v.get("roc_auc", np.nan)):
                out[_("ROC AUC, {part}").format(part=m.name)] = f"{v['roc_auc']:.3f}"
        else:
            out[_("R², {part}").format(part=m.name)] = f"{v['r2']:.3f}"
            out[_("Mean absolute error, {part}").format(part=m.name)] = amount(v["mae"], unit)
            out[_("Root mean squared error, {part}").format(part=m.name)] = \
                amount(v["rmse"], unit)
    return out


def worst_rows(m: Measured, unit=None, limit=WORST_ROWS):
    """(header, rows, caption) of the rows predicted worst (largest |error|), with their
    ID columns and their line in the file."""
    data = m.data
    actual = data.labels.reshape(len(data), -1)[:, 0]
    predicted = m.output.reshape(len(data), -1)[:, 0]
    error = predicted - actual
    order = np.argsort(-np.abs(error), kind="stable")[:limit]
    header = [*data.id_names] if data.id_names else []
    if data.lines is not None:
        header.append(_("line"))
    if not header:
        header.append(_("row"))
    name = data.target_name
    header += [_("actual {name}").format(name=name), _("predicted"),
               _("error (predicted - actual)")]
    rows = []
    for i in order:
        row = [str(v) for v in data.ids[i]] if data.id_names and data.ids is not None else []
        if data.lines is not None:
            row.append(int(data.lines[i]))
        elif not row:
            row.append(int(i) + 1)
        rows.append([*row, float(actual[i]), float(predicted[i]), float(error[i])])
    caption = (_("The {n} rows of the {part} predicted worst (largest error first), in "
                 "{unit}.") if unit else
               _("The {n} rows of the {part} predicted worst (largest error first).")).format(
        n=len(rows), part=m.name, unit=unit)
    return header, rows, caption


def class_table(m: Measured):
    """(header, rows, caption): each class's precision, recall, F1 and count."""
    header = [_("class"), _("precision"), _("recall"), _("F1"), _("rows")]
    rows = [[c["class"], c["precision"], c["recall"], c["f1"], c["support"]]
            for c in m.values["per_class"]]
    rows.append([_("mean of the classes"), float(np.mean([c["precision"] for c in
                                                           m.values["per_class"]])),
                 m.values["balanced_accuracy"], m.values["macro_f1"], m.values["rows"]])
    caption = _("Each class, {part}: precision (of the rows predicted as the class, the "
                "share right), recall (of the class's rows, the share found), F1 (their "
                "harmonic mean)").format(part=m.name)
    return header, rows, caption


def threshold_rows(m: Measured, positive: int):
    """(header, rows, caption) of the two-class threshold table on this part."""
    truth = m.data.labels == positive
    table = measures.threshold_table(truth, m.output[:, positive])
    name = m.data.class_names[positive]
    header = [_("threshold"), _("predicted {name}").format(name=name),
              _("{name} found").format(name=name), _("{name} missed").format(name=name),
              _("false alarms"), _("precision"), _("recall"), _("F1")]
    rows = [[f"{r['threshold']:.1f}", r["predicted"], r["found"], r["missed"],
             r["false_alarms"], r["precision"], r["recall"], r["f1"]] for r in table]
    caption = _("Thresholds, {part}: a row is predicted {name} when its probability of "
                "{name} reaches the threshold (0.5 is the default; predict --threshold "
                "changes it).").format(part=m.name, name=name)
    return header, rows, caption
