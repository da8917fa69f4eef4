"""The verdict over a run never contradicts its learning curves (issue 22).

A grid of real runs — regression and classification × SGD and Adam × a standardised
and a raw target (for classes: standardised and raw inputs) × converging, over-fitting
and truly diverging — each judged twice: by ``diagnose`` (the report's headline and the
figure's caption) and by plain facts read off the curves the figure draws. The numbers a
verdict cites must be points of that figure, and every loss is in one unit: the
callbacks (the progress line), the history, the loss before the first update and
``evaluate`` on the saved model agree.
"""

import math

import numpy as np
import pytest

from glassnet.data import Dataset
from glassnet.plotting.style import pyplot
from glassnet.training.callbacks import Callback
from glassnet.training.diagnosis import diagnose
from glassnet.training.spec import ModelSpec, build_model, fit_model


def regression(rows, seed, scaled):
    """Prices in 万円 (mean about 3000, SD about 800) to learn standardised, or a small
    raw target (about 5 ± 1) to learn as it is."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(rows, 2))
    y = np.sin(2 * x[:, 0]) + 0.5 * x[:, 1] + rng.normal(0, 0.3, rows)
    y = 3000 + 800 * y if scaled else 5 + y
    return Dataset(x, y[:, None], ["a", "b"], None, "価格(万円)" if scaled else "y")


def classification(rows, seed, scaled):
    """Two overlapping classes; unscaled, the first input is in other units."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 2))
    labels = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 0.7, rows) > 0).astype(int)
    if not scaled:
        x = x * [3.0, 1.0] + [1.0, 0.0]
    return Dataset(x, labels, ["a", "b"], ["no", "yes"], "c")


#: regime -> (training rows, hidden layers, epochs, batch size, {optimiser: learning rate})
REGIMES = {
    "converging": (200, [8], 150, 32, {"sgd": 0.05, "adam": 0.01}),
    "over-fitting": (16, [64, 64], 1200, None, {"sgd": 0.1, "adam": 0.01}),
    "diverging": (200, [], 60, 32, {"sgd": 50.0, "adam": 50.0}),
}
EXPECTED = {"converging": ("good", "under-fits"), "over-fitting": ("over-fits",),
            "diverging": ("diverged",)}


class Logged(Callback):
    """What a progress display sees at the end of every epoch."""

    def __init__(self):
        self.epochs = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs))


def run(task, optimizer, scaled, regime):
    rows, hidden, epochs, batch, rates = REGIMES[regime]
    make = regression if task == "regression" else classification
    data, validation = make(rows, 1, scaled), make(100, 2, scaled)
    spec = ModelSpec(hidden=hidden, activation="tanh", kernel_initializer="auto",
                     optimizer={"name": optimizer, "learning_rate": rates[optimizer]},
                     epochs=epochs, batch_size=batch, seed=0, dtype="float64",
                     scale="standard" if scaled or task == "regression" else "none",
                     scale_target=scaled if task == "regression" else "auto")
    model = build_model(spec, data)
    logged = Logged()
    with pytest.warns() if regime == "diverging" else _nothing():
        history = fit_model(model, spec, data, validation, callbacks=[logged])
    return model, validation, history, logged


class _nothing:
    def __enter__(self): ...
    def __exit__(self, *exc): ...


def plotted(fig):
    """Every finite y value drawn on the loss panel (curves and the starting point)."""
    lines = [line for line in fig.axes[0].get_lines() if line.get_linestyle() != ":"]
    values = np.concatenate([np.asarray(line.get_ydata(), float) for line in lines])
    return values[np.isfinite(values)]


GRID = [(task, optimizer, scaled, regime) for task in ("regression", "classification")
        for optimizer in ("sgd", "adam") for scaled in (True, False) for regime in REGIMES]


@pytest.mark.parametrize("task, optimizer, scaled, regime", GRID,
                         ids=["-".join(map(str, case)) for case in GRID])
def test_the_verdict_matches_the_curves_it_sits_under(task, optimizer, scaled, regime):
    from glassnet import plotting

    model, validation, history, logged = run(task, optimizer, scaled, regime)
    result = diagnose(history)
    assert result.verdict in EXPECTED[regime], result.message
    fig = plotting.learning_curves(history, diagnosis=result)
    try:
        assert result.message in [t.get_text() for t in fig.texts]  # the caption
        drawn = plotted(fig)
        for value in result.values:  # each number the verdict cites is on the figure
            assert np.isclose(drawn, value, rtol=1e-12).any(), (value, result.message)
            assert f"{value:.4g}" in result.message
        train, val = (np.asarray(history.history[k], float) for k in ("loss", "val_loss"))
        start = history.params["first_loss"]
        if regime == "converging":  # the curve fell from its start and stayed down
            assert train[-1] < 0.8 * start and train[-1] < 1.2 * train.min()
        elif regime == "over-fitting":  # validation turned up while training fell
            best = int(np.argmin(val))
            assert val[-1] > 1.05 * val[best] and train[-1] < train[best]
            marker = [ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == ":"]
            assert marker[0].get_xdata()[0] == best + 1 == result.best_epoch + 1
        else:  # rose above its start, or jumps by more than twice over its last third
            tail = train[-len(train) // 3:]
            assert (not np.isfinite(train).all() or train[-1] > start
                    or tail.max() > 2 * tail.min())
    finally:
        pyplot().close(fig)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_standardised_target_is_shown_in_its_own_units_everywhere(optimizer):
    """Progress, history, the loss before the first update and evaluate: one unit (万円²)."""
    model, validation, history, logged = run("regression", optimizer, True, "converging")
    h = history.history
    assert [e["loss"] for e in logged.epochs] == h["loss"]
    assert [e["val_mean_absolute_error" if "val_mean_absolute_error" in e else "val_mae"]
            for e in logged.epochs] == h.get("val_mae", h.get("val_mean_absolute_error"))
    variance = float(np.var(regression(200, 1, True).labels))
    # before the first update the network predicts about the mean: a loss near the
    # target's variance in 万円², not about 1 (standardised)
    assert 0.5 * variance < history.params["first_loss"] < 3 * variance
    evaluated = model.evaluate(validation, return_dict=True)
    assert math.isclose(evaluated["loss"], h["val_loss"][-1], rel_tol=1e-9)
    assert math.isclose(evaluated["mae"], h["val_mae"][-1], rel_tol=1e-9)


def test_a_run_that_broke_in_its_first_epoch_is_called_diverged():
    data = regression(200, 1, True)
    spec = ModelSpec(hidden=[8], activation="relu", optimizer={"name": "sgd",
                     "learning_rate": 50.0}, epochs=20, batch_size=32, dtype="float64")
    model = build_model(spec, data)
    with pytest.warns():
        history = fit_model(model, spec, data)
    assert history.stop_reason == "non_finite_loss" and not history.epoch
    result = diagnose(history)
    assert result.verdict == "diverged"
    assert "infinite or NaN in epoch 1" in result.message


@pytest.mark.parametrize("last, rise, verdict", [(0.83, 0.05, "good"), (0.86, 0.05, "over-fits"),
                                                 (0.86, 0.10, "good"), (0.9, 0.10, "over-fits")])
def test_over_fitting_needs_a_rise_beyond_the_tolerance(last, rise, verdict):
    """The validation loss must end more than ``rise`` above its minimum (0.8: above 0.84
    for 5 %, above 0.88 for 10 %) while the training loss kept falling; a smaller rise is
    noise, not over-fitting."""
    history = {"loss": [1.0, 0.6, 0.5, 0.45, 0.44, 0.44],
               "val_loss": [1.0, 0.8, 0.8, 0.8, 0.8, last]}
    result = diagnose(history, rise=rise)
    assert (result.verdict, result.best_epoch) == (verdict, 1)
