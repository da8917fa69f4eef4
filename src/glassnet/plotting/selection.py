"""Which figures a training run gets, each in a form that suits the data's size.

Two inputs: seed 000's figures as they are. More inputs: the data and the decision
regions in a plane of the input space (two chosen inputs in the user's units, or the
first two principal components, see ``projection.plane_for``). Images: the first
layer's weights as images. Many coefficients: the ones that moved most. Many rows:
a random sample drawn, and the caption says so.
"""

from __future__ import annotations

import numpy as np

from ..base.i18n import _
from .projection import MAX_POINTS

MAX_PANELS = 12  # classes with a probability map each


def run_figures(model, train, test, history, recorder=None, diagnosis=None):
    """Yield (file name, figure, caption) for one training run, one figure at a time;
    ``diagnosis`` is the verdict the learning curves carry (the report's headline)."""
    from ..engine.layers import Dense
    from . import evaluation, figures, network, projection, weights

    shown, total = _rows_for_figures(train, test)
    drawn = (" " + _("A random {shown} of the {total} rows are drawn.").format(
        shown=len(shown), total=total) if len(shown) < total else "")
    classification = train.is_classification
    plane = projection.plane_for(model, shown) if classification else None
    where = _(", {note}").format(note=plane.note) if plane is not None else ""
    title = (_("Data: {rows} rows, {classes} classes").format(rows=total,
                                                               classes=train.n_classes)
             if classification else None)
    yield ("data", figures.data_distribution(shown, title=title, plane=plane),
           (_("The data by class.") if not where else
            _("The data by class{where}.").format(where=where)) + drawn)
    units = {} if classification else evaluation.history_units(model, train.target_name)
    yield ("learning-curves", figures.learning_curves(history, diagnosis=diagnosis,
                                                      units=units),
           _("Learning curves: training solid, validation dashed.")
           if any(k.startswith("val_") for k in getattr(history, "history", history)) else
           _("Learning curves of the training rows (no rows were held out for validation)."))
    if not classification:
        yield from _prediction_figures(model, train, test)
    if recorder is not None:
        count = sum(layer.kernel.size + (layer.bias.size if layer.use_bias else 0)
                    for layer in model.layers if isinstance(layer, Dense))
        many = count > figures.MAX_TRACES
        yield ("coefficients", figures.coefficient_trajectories(recorder, model),
               _("Coefficients over the epochs: of {count}, the {shown} that moved most "
                 "(largest range over training), shared among the layers.").format(
                     count=count, shown=figures.MAX_TRACES)
               if many else _("Every coefficient over the epochs."))
    image = train.info.get("image_shape")
    if image and model.input_dim == int(np.prod(image)):
        yield ("first-layer-weights", weights.first_layer_images(model, image),
               _("What each first-layer cell looks for: its weights as an image "
                 "({size} pixels).").format(size="×".join(map(str, image))))
    if classification and model.input_dim >= 2:
        yield ("decision-regions", figures.decision_regions(model, shown, plane=plane),
               _("Decision regions with each class's p = 0.5 (solid) and 0.95 (dashed) "
                 "contours.") if plane is None else
               _("Decision regions with each class's p = 0.5 (solid) and 0.95 (dashed) "
                 "contours{where}; the points are the rows projected onto that "
                 "plane.").format(where=where))
        if plane is None:
            yield ("decision-regions-zoom", figures.decision_regions(model, shown, zoom=0.5),
                   _("The same decision regions, zoomed on the centre."))
        if train.n_classes <= MAX_PANELS:
            yield ("probability-maps", figures.probability_maps(model, shown, plane=plane),
                   _("Each class's predicted probability over the plane.") if not where
                   else _("Each class's predicted probability over the plane{where}.").format(
                       where=where))
    if classification:
        yield from _prediction_figures(model, train, test)
    if model.input_dim == 1 and not classification:
        yield ("model-curve", figures.regression_curve(model, shown),
               _("The model's predictions against the data."))
    two_d = model.input_dim == 2 and classification
    wide = max([model.input_dim] + [getattr(layer, "units", 0) for layer in model.layers]) \
        > network.MAX_NODES
    yield ("network", network.network_diagram(model, shown if two_d else None),
           _("The network: line width ∝ |weight|, blue positive, vermillion negative.")
           + (" " + _("Each cell shows its output over the input plane.") if two_d else "")
           + (" " + _("A layer of more than {n} cells shows the {n} with the largest weights "
                      "and counts the others.").format(n=network.MAX_NODES) if wide else ""))


def _prediction_figures(model, train, test):
    """Predicted against actual and the residuals (a numeric target), or the ROC and
    precision-recall curves (classes) on the test data (the training data without)."""
    from ..data.exports import class_probabilities
    from ..data.targets import column_unit
    from ..training.measures import positive_class
    from . import evaluation

    if not train.is_classification:
        parts = [(name, _sample(part)) for name, part in ((_("training data"), train),
                                                          (_("test data"), test)) if len(part)]
        drawn = [(name, part.labels, model.predict(part.features)) for name, part in parts]
        unit = column_unit(train.target_name)
        yield ("predictions", evaluation.predictions(drawn, train.target_name, unit),
               _("Left: each row's prediction against its actual value (on the dashed "
                 "diagonal it is exact). Right: the residuals (actual - predicted) against "
                 "the prediction; a pattern in them is something the model missed."))
        return
    if train.n_classes > MAX_PANELS:
        return
    name, part = (_("test data"), test) if len(test) else (_("training data"), train)
    if part.n_classes < 2 or len(np.unique(part.labels)) < 2:
        return
    positive = positive_class(train.labels) if train.n_classes == 2 else None
    p = class_probabilities(model, part.features)
    yield ("roc-pr", evaluation.roc_pr(part.labels, p, part.class_names, positive, name),
           (_("ROC and precision-recall curves of {name} on the {part}: the closer to the "
              "top left (ROC) and top right (precision-recall), the better; dotted: "
              "guessing.").format(name=train.class_names[positive], part=name)
            if positive is not None else
            _("ROC and precision-recall curves on the {part}, each class against the "
              "others.").format(part=name)))


def _sample(part, limit=MAX_POINTS):
    if len(part) <= limit:
        return part
    rng = np.random.default_rng(0)
    return part.subset(np.sort(rng.choice(len(part), limit, replace=False)))


def _rows_for_figures(train, test, limit=MAX_POINTS):
    """Training and test rows together (at most ``limit``, drawn at random in order),
    and how many there are in all."""
    from ..data import Dataset

    total = len(train) + len(test)
    parts = [p for p in (train, test) if len(p)]
    rng = np.random.default_rng(0)
    if total > limit:
        picked = []
        for part in parts:
            k = max(1, round(limit * len(part) / total))
            picked.append(part.subset(np.sort(rng.choice(len(part), k, replace=False))))
        parts = picked
    if len(parts) == 1:
        return parts[0], total
    a, b = parts
    return Dataset(np.vstack([a.features, b.features]), np.concatenate([a.labels, b.labels]),
                   a.feature_names, a.class_names, a.target_name, a.source, a.info), total
