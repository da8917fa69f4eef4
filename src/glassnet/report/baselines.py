"""Was the network worth it? The same split, two standard models from scikit-learn.

For small tables the strongest plain tools are a linear model (logistic regression for
classes, least squares for numbers) and gradient-boosted trees
(``HistGradientBoostingClassifier`` / ``Regressor``). Each is fitted on the run's
training rows and scored on its test rows (the training rows when there is no test
data, and the panel says so), as the network is. A figure of one fit hides how much it
depends on which rows trained it, so each baseline is fitted on ``SEEDS`` bootstrap
resamples of the training rows (drawn with that seed) and shown as mean ± standard
deviation. Large data is subsampled to ``MAX_ROWS`` training rows and the fits stop
after ``TIME_BOX`` seconds; the panel says when either happened.

scikit-learn is an optional dependency (``pip install 'glassnet[sklearn]'``); without
it the panel says how to get it and the rest of the report is unchanged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..base.i18n import _
from ..training import measures

SEEDS = (0, 1, 2)
MAX_ROWS = 20_000  # training rows a baseline is fitted on at most
TIME_BOX = 30.0    # seconds for all baseline fits together
IMBALANCED = 0.2   # below this share of the rarest class, balanced accuracy leads
CLOSE = 0.01       # differences smaller than this (or than the spread) are a tie


@dataclass
class Baselines:
    """The panel's numbers: the measure that leads, each model's values, notes."""
    measure: str                       # "balanced_accuracy", "accuracy" or "r2"
    part: str                          # the rows scored ("test data")
    rows: list = field(default_factory=list)   # (name, {measure: (mean, sd)}, seconds, fits)
    network: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    missing: str | None = None         # why there are no baselines (scikit-learn absent)


def leading_measure(train) -> str:
    if not train.is_classification:
        return "r2"
    shares = np.bincount(train.labels, minlength=train.n_classes) / max(len(train), 1)
    return "balanced_accuracy" if shares.min() < IMBALANCED else "accuracy"


def _scores(part, output) -> dict:
    """The panel's measures of one model's output on ``part``: class probabilities or
    predicted values."""
    if part.is_classification:
        values = measures.classification(part.labels, output.argmax(axis=1), part.class_names)
        out = {"accuracy": values["accuracy"], "balanced_accuracy": values["balanced_accuracy"]}
        auc = measures.roc_auc(part.labels, output) if part.n_classes >= 2 else float("nan")
        if np.isfinite(auc):
            out["roc_auc"] = auc
        return out
    values = measures.regression(part.labels, output)
    return {"r2": values["r2"], "mae": values["mae"]}


def _models(classification, seed, class_weight=None):
    """(name, unfitted scikit-learn model) for one seed; ``class_weight`` is the run's
    ({class index: weight}), so a weighted network meets weighted baselines."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scaled = [SimpleImputer(), StandardScaler()]
    if classification:
        return [(_("logistic regression"),
                 make_pipeline(*scaled, LogisticRegression(max_iter=2000,
                                                           class_weight=class_weight))),
                (_("gradient boosting (HistGradientBoosting)"),
                 HistGradientBoostingClassifier(random_state=seed, class_weight=class_weight))]
    return [(_("linear regression"), make_pipeline(*scaled, LinearRegression())),
            (_("gradient boosting (HistGradientBoosting)"),
             HistGradientBoostingRegressor(random_state=seed))]


def fit_baselines(model, train, test, network_output=None, seeds=SEEDS, max_rows=MAX_ROWS,
                  time_box=TIME_BOX) -> Baselines:
    """Fit and score the baselines on ``train`` / ``test`` beside the network ``model``."""
    scored, part = (test, _("test data")) if len(test) else (train, _("training data"))
    result = Baselines(leading_measure(train), part)
    if network_output is None:
        from ..data.exports import class_probabilities

        network_output = (class_probabilities(model, scored.features)
                          if scored.is_classification else model.predict(scored.features))
    result.network = _scores(scored, np.asarray(network_output, dtype=np.float64))
    if not len(test):
        result.notes.append(_("There is no test data: every model is scored on the rows it "
                              "trained on, which flatters the flexible ones."))
    try:
        import sklearn  # noqa: F401
        from threadpoolctl import threadpool_limits
    except ImportError:
        result.missing = _("The baselines need scikit-learn: pip install 'glassnet[sklearn]'.")
        return result
    if not train.is_classification and train.labels.reshape(len(train), -1).shape[1] != 1:
        result.missing = _("Baselines are fitted for one target column only.")
        return result
    weights = None
    spec = (model.info or {}).get("spec") or {}
    if train.is_classification and spec.get("class_weight"):
        from ..training.balance import class_weights

        weights = dict(enumerate(class_weights(spec["class_weight"], train).tolist()))
        result.notes.append(_("The baselines weigh the classes as the network did "
                              "(class weights)."))
    rng = np.random.default_rng(0)
    rows = np.arange(len(train))
    if len(train) > max_rows:
        rows = np.sort(rng.choice(len(train), max_rows, replace=False))
        result.notes.append(_("The baselines were fitted on a random {n} of the {all} "
                              "training rows, to stay quick.").format(n=max_rows,
                                                                      all=len(train)))
    started = time.perf_counter()
    runs: dict = {}
    for seed in seeds:
        if runs and time.perf_counter() - started > time_box:  # the first always runs
            result.notes.append(_("The fits stopped after {seconds} s: {n} of {all} "
                                  "resamples were fitted.").format(
                seconds=f"{time_box:g}", n=len(next(iter(runs.values()))[1]),
                all=len(seeds)))
            break
        pick = np.random.default_rng(seed).choice(rows, rows.size, replace=True)
        x, y = train.features[pick], train.labels[pick]
        y = y if train.is_classification else y.reshape(-1)
        for name, estimator in _models(train.is_classification, seed, weights):
            if train.is_classification and np.unique(y).size < 2:
                continue
            begun = time.perf_counter()
            with threadpool_limits(1):  # one thread: quick and steady on a busy machine
                estimator.fit(x, y)
            seconds = time.perf_counter() - begun
            output = _predict(estimator, scored, train)
            entry = runs.setdefault(name, ([], []))
            entry[0].append(seconds)
            entry[1].append(_scores(scored, output))
    for name, (seconds, values) in runs.items():
        keys = values[0].keys()
        summary = {k: (float(np.mean([v[k] for v in values])),
                       float(np.std([v[k] for v in values]))) for k in keys}
        result.rows.append((name, summary, float(np.mean(seconds)), len(values)))
    return result


def _predict(estimator, scored, train):
    if not train.is_classification:
        return estimator.predict(scored.features).reshape(-1, 1)
    p = np.zeros((len(scored), train.n_classes))
    p[:, estimator.classes_] = estimator.predict_proba(scored.features)
    return p


def verdict(result: Baselines, network_name=None) -> str:
    """One plain sentence: is the network worth it against the best baseline?"""
    if not result.rows:
        return ""
    key = result.measure
    better = lambda v: v if key != "mae" else -v  # noqa: E731 - higher is better
    name, summary, _s, _n = max(result.rows, key=lambda r: better(r[1][key][0]))
    mean, spread = summary[key]
    net = result.network[key]
    words = {"accuracy": _("accuracy"), "balanced_accuracy": _("balanced accuracy"),
             "r2": "R²"}[key]
    margin = max(spread, CLOSE)
    values = dict(measure=words, net=f"{net:.3f}", name=name, mean=f"{mean:.3f}",
                  spread=f"{spread:.3f}", part=result.part)
    if net > mean + margin:
        return _("Worth it: the network's {measure} on the {part}, {net}, beats the best "
                 "baseline, {name} ({mean} ± {spread}).").format(**values)
    if net >= mean - margin:
        return _("Not clearly worth it: the network's {measure} on the {part}, {net}, is "
                 "within the spread of {name} ({mean} ± {spread}), a standard model that "
                 "needs no tuning.").format(**values)
    return _("Not worth it here: {name} scores a {measure} of {mean} ± {spread} on the "
             "{part}, the network only {net}; use the simpler model or improve the "
             "network.").format(**values)


def panel(report, result: Baselines, network_seconds=None) -> None:
    """The report's panel: the sentence, the network beside the baselines, the notes."""
    report.heading(_("Baselines: was the network worth it?"))
    if result.missing:
        report.paragraph(result.missing, css="note")
        return
    said = verdict(result)
    if said:
        report.verdict(said, "measures")
    keys = [k for k in ("accuracy", "balanced_accuracy", "roc_auc", "r2", "mae")
            if k in result.network]
    words = {"accuracy": _("accuracy"), "balanced_accuracy": _("balanced accuracy"),
             "roc_auc": "ROC AUC", "r2": "R²", "mae": _("mean absolute error")}
    header = [_("model"), *(words[k] for k in keys), _("fit time (s)")]
    rows = [[_("the network (this run)"), *(f"{result.network[k]:.3f}" for k in keys),
             "-" if network_seconds is None else f"{network_seconds:.2f}"]]
    for name, summary, seconds, _n in result.rows:
        rows.append([name, *(f"{summary[k][0]:.3f} ± {summary[k][1]:.3f}" if k in summary
                             else "-" for k in keys), f"{seconds:.2f}"])
    fits = max((r[3] for r in result.rows), default=0)
    report.table(header, rows, caption=_(
        "On the {part}, the same rows the network is scored on. Baselines: mean ± standard "
        "deviation over {n} fits, each on a resample (with replacement) of the training "
        "rows; scikit-learn's defaults, inputs standardised for the linear model.").format(
            part=result.part, n=fits))
    for note in result.notes:
        report.paragraph(note, css="note")


__all__ = ["Baselines", "fit_baselines", "leading_measure", "panel", "verdict"]
