"""Figures: checked on what they show, not only that a file appears."""

import warnings

import numpy as np

from glassnet import callbacks, datasets, optimizers, plotting
from glassnet.cli.demo import seed000_model
from glassnet.plotting.style import PALETTE, pyplot

CACHE = {}


def keras_like(name):
    """Seed 000's Keras program: mini-batch SGD, batch 100, lr 0.5, 1000 epochs."""
    if name not in CACHE:
        data = datasets.load(name)
        model = seed000_model(dtype="float32")
        model.compile(optimizers.SGD(0.5), "categorical_crossentropy", ["accuracy"])
        recorder = callbacks.Recorder()
        history = model.fit(data, epochs=1000, batch_size=100, verbose=0, callbacks=[recorder],
                            validation_split=0.2, validation_method="stratified")
        CACHE[name] = (model, data, history, recorder)
    return CACHE[name]


def pixel_class(fig, ax, x, y):
    """Which class colour the rendered pixels around data point (x, y) carry."""
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    px, py = ax.transData.transform((x, y))
    row, col = int(image.shape[0] - py), int(px)
    patch = np.median(image[row - 4:row + 5, col - 4:col + 5].reshape(-1, 3), axis=0)
    tint = 1.0 - patch  # region colour = 1 - s (1 - class colour)
    palette = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in PALETTE[:5]])
    ref = 1.0 - palette
    cosine = ref @ tint / (np.linalg.norm(ref, axis=1) * np.linalg.norm(tint) + 1e-12)
    return int(np.argmax(cosine))


def test_decision_regions_put_each_class_colour_in_its_quadrant():
    model, data, _, _ = keras_like("sample2")
    fig = plotting.decision_regions(model, data)
    ax = fig.axes[0]
    # Table 67: class 1 upper right, 2 upper left, 3 lower left, 4 lower right, 5 centre
    spots = {0: (0.8, 0.85), 1: (-0.8, 0.85), 2: (-0.8, -0.85), 3: (0.8, -0.85), 4: (0.0, 0.0)}
    for k, (x, y) in spots.items():
        assert pixel_class(fig, ax, x, y) == k, (k, x, y)
    pyplot().close(fig)


def contour_levels(fig):
    found = []
    for artist in fig.axes[0].collections:
        levels = getattr(artist, "levels", None)
        if levels is not None:
            found.extend(float(v) for v in levels)
    return found


def test_095_contours_exist_for_sample2_and_shrink_for_sample3():
    m2, d2, _, _ = keras_like("sample2")
    m3, d3, _, _ = keras_like("sample3")
    fig = plotting.decision_regions(m2, d2)
    levels = contour_levels(fig)
    assert levels.count(0.5) == 5 and levels.count(0.95) >= 4
    pyplot().close(fig)
    window = ((-1.0, 1.0), (-1.0, 1.0))
    a2 = plotting.region_areas(plotting.probability_grid(m2, *window, 120)[2])
    a3 = plotting.region_areas(plotting.probability_grid(m3, *window, 120)[2])
    assert a3[0.95].sum() < 0.6 * a2[0.95].sum()       # the confident regions shrink
    assert a3[0.5][4] < a2[0.5][4]                      # class 5's 0.5 region shrinks
    assert a2[0.5][4] > 0.02


def test_japanese_names_render_without_missing_glyphs():
    plt = pyplot()
    fig, ax = plt.subplots()
    ax.set_xlabel("体長(cm)")
    ax.set_title("魚種: 鯛, 鮭, 鯵")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert not [w for w in caught if "missing from font" in str(w.message)]
    plt.close(fig)


def test_learning_curves_mark_best_epoch_and_give_a_verdict():
    history = {"loss": [1.0, 0.6, 0.4, 0.3, 0.2, 0.1], "accuracy": [0.5] * 6,
               "val_loss": [1.0, 0.7, 0.5, 0.6, 0.8, 1.0], "val_accuracy": [0.5] * 6}
    fig = plotting.learning_curves(history)
    loss_ax = fig.axes[0]
    styles = [line.get_linestyle() for line in loss_ax.get_lines()]
    assert styles[:2] == ["-", "--"]  # training solid, validation dashed
    best = [line for line in loss_ax.get_lines() if line.get_linestyle() == ":"][0]
    assert best.get_xdata()[0] == 3  # epoch 3 has the lowest validation loss
    assert any("Over-fits from epoch 3" in t.get_text() for t in fig.texts)
    pyplot().close(fig)


def test_network_diagram_line_widths_follow_weights():
    model, data, _, _ = keras_like("sample2")
    fig = plotting.network_diagram(model, data)
    lines = fig.axes[0].get_lines()
    kernels = [model.layers[0].kernel, model.layers[1].kernel]
    assert len(lines) == sum(k.size for k in kernels)
    weights = np.concatenate([k.ravel() for k in kernels])
    widths = np.array([line.get_linewidth() for line in lines])
    assert np.corrcoef(np.abs(weights), widths)[0, 1] > 0.999
    colours = [line.get_color() for line in lines]
    assert all((c == "#0072B2") == (w >= 0) for c, w in zip(colours, weights))
    assert len(fig.axes) == 1 + 2 + 2 + 5  # the diagram plus a response map per cell
    pyplot().close(fig)


def test_every_figure_saves_png_and_svg(tmp_path):
    model, data, history, recorder = keras_like("sample2")
    figures = {
        "data": plotting.data_distribution(data),
        "curves": plotting.learning_curves(history),
        "compare": plotting.compare_runs({"a": history, "b": history}),
        "coefficients": plotting.coefficient_trajectories(recorder, model),
        "zoom": plotting.decision_regions(model, data, zoom=0.5),
        "maps": plotting.probability_maps(model, data),
    }
    for name, fig in figures.items():
        png, svg = plotting.save(fig, str(tmp_path / name))
        assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in open(svg, "rb").read(400)
    assert figures["coefficients"].axes[0].get_lines()[0].get_xdata()[-1] == \
        recorder.steps[-1]


def test_probability_maps_one_panel_per_class():
    model, data, _, _ = keras_like("sample2")
    fig = plotting.probability_maps(model, data)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"p(class = {k})" for k in "12345"]
    pyplot().close(fig)


def test_regression_curve_for_seed002_steps():
    from glassnet.layers import Dense, Normalization

    from glassnet import Sequential

    data = datasets.load("steps")
    norm = Normalization()
    norm.adapt(data.features)
    model = Sequential([norm, Dense(8, "tanh"), Dense(1)], seed=0)
    model.compile(optimizers.Adam(0.05), "mse")
    model.fit(data.features, data.labels / 1000, epochs=300, verbose=0)
    fig = plotting.regression_curve(model, data)
    assert len(fig.axes[0].get_lines()) == 1
    pyplot().close(fig)


def test_a_report_with_many_classes_stays_small(tmp_path):
    from glassnet.layers import Dense

    from glassnet import Sequential
    from glassnet.data import Dataset
    from glassnet.report import write_run

    rng = np.random.default_rng(0)
    k = 40
    names = [f"=class{i}" for i in range(k)]
    data = Dataset(rng.normal(size=(200, 2)), np.arange(200) % k, ["a", "b"], names, "t")
    model = Sequential([Dense(k, "softmax")], input_dim=2, seed=0)
    model.compile("sgd", "categorical_crossentropy")
    history = model.fit(data, epochs=2, verbose=0)
    paths = write_run(str(tmp_path), model, data, data.subset(slice(0, 0)), history,
                      figures=True)
    html = open(paths["report"], encoding="utf-8").read()
    assert "40 classes: too many for a confusion matrix here" in html
    assert "<summary>40 items: " in html  # the class list folds, with a count
    assert not (tmp_path / "probability-maps.png").exists()
    assert (tmp_path / "decision-regions.png").exists()
    assert "'=class0" in (tmp_path / "train.csv").read_text(encoding="utf-8-sig")


def test_log_axes_are_labelled_in_plain_text():
    """Figures parse no mathtext, so matplotlib's $\\mathdefault{10^{-3}}$ would show raw;
    log_axis labels the decades 10⁻³ as text (the search report's axes)."""
    from glassnet.plotting.style import log_axis, pyplot

    plt = pyplot()
    fig, ax = plt.subplots()
    ax.plot([1e-5, 1e-1], [1e-8, 1e-2])
    log_axis(ax, "x")
    log_axis(ax, "y")
    fig.canvas.draw()
    x = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    y = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    plt.close(fig)
    assert {"10⁻⁵", "10⁻³", "10⁻¹"} <= set(x) and {"10⁻⁸", "10⁻²"} <= set(y)
    assert not [label for label in x + y if "$" in label or "mathdefault" in label]


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_network_diagram_counts_in_the_singular_and_names_a_logistic_output():
    """Issue 28: "1 outputs"; one sigmoid output of two classes is the second class's p."""
    from glassnet.layers import Dense

    from glassnet import Sequential
    from glassnet.base.i18n import language

    model = Sequential([Dense(3, "tanh"), Dense(1, "sigmoid")], input_dim=2, seed=0)
    model.info.update(feature_names=["体長", "体重"], class_names=["いいえ", "はい"])
    fig = plotting.network_diagram(model)
    texts = _texts(fig)
    assert {"2 inputs", "3 tanh units", "1 output", "p(はい)"} <= set(texts)
    assert "1 outputs" not in texts
    pyplot().close(fig)
    with language("ja"):
        fig = plotting.network_diagram(model)
        assert {"入力 2", "tanh のユニット 3", "出力 1"} <= set(_texts(fig))
        assert fig._suptitle.get_text().startswith("ネットワーク")
        pyplot().close(fig)


def test_learning_curve_caption_mentions_validation_only_when_there_is_some():
    from itertools import islice

    from glassnet.plotting.selection import run_figures

    model, data, history, _ = keras_like("sample2")
    captions = {}
    for name, h in (("with", history), ("without", {"loss": history.history["loss"],
                                                     "accuracy": history.history["accuracy"]})):
        for file, fig, caption in islice(run_figures(model, data, data.subset([]), h), 2):
            pyplot().close(fig)
            captions[name, file] = caption
    assert "validation dashed" in captions["with", "learning-curves"]
    assert "dashed" not in captions["without", "learning-curves"]
    assert "no rows were held out" in captions["without", "learning-curves"]
