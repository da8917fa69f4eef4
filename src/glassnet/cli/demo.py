"""The two-layer discriminant analysis end to end (docs/seeds.md, seed 000):
``glassnet demo``.

On the built-in sample2 data, train the 2-2-5 sigmoid/softmax network three ways —
analytic and numerical batch gradient descent and Keras-style mini-batch SGD (batch
100), all lr 0.5 for 1000 steps — compare their times, coefficients and loss curves,
predict the class probabilities on a 5 × 5 grid (the seed's Table 67), repeat on
sample3 (twice the spread), and write every table and figure into one report.
"""

from __future__ import annotations

import os
import time

import numpy as np

from ..data import builtin as datasets
from ..engine import optimizers
from ..engine.layers import Dense
from ..training.model import Sequential

METHODS = [  # (label, gradient, batch_size)
    ("analytic", "analytic", None),
    ("numerical", "numerical", None),
    ("mini-batch SGD", "analytic", 100),
]


def seed000_model(seed=0, dtype="float64") -> Sequential:
    """Seed 000's network: Dense(2, sigmoid, "uniform") + Dense(5, softmax, "uniform").

    float64 by default, as the seed's NumPy programs, so the analytic and numerical
    methods agree to six digits as in Table 66.
    """
    return Sequential([Dense(2, "sigmoid", kernel_initializer="uniform"),
                       Dense(5, "softmax", kernel_initializer="uniform")],
                      input_dim=2, seed=seed, dtype=dtype)


def table67_grid() -> np.ndarray:
    """Seed 000's Table 67 inputs: x1, x2 in {-1, -0.5, 0, 0.5, 1}, x1 varying fastest."""
    values = np.linspace(-1.0, 1.0, 5)
    x1, x2 = np.meshgrid(values, values)
    return np.column_stack([x1.ravel(), x2.ravel()])


def train_three_ways(data, epochs=1000):
    """{label: (model, history, recorder, seconds)} for the three methods."""
    from ..training.callbacks import Recorder

    runs = {}
    for label, gradient, batch_size in METHODS:
        model = seed000_model()
        model.compile(optimizers.SGD(learning_rate=0.5), "categorical_crossentropy",
                      ["accuracy"])
        recorder = Recorder(every="epoch", gradient_norms=False)
        started = time.perf_counter()
        history = model.fit(data, epochs=epochs, batch_size=batch_size or len(data),
                            gradient=gradient,
                            verbose=0, callbacks=[recorder])
        runs[label] = (model, history, recorder, time.perf_counter() - started)
    return runs


def run_demo(out_dir, epochs=1000, stream=None) -> str:
    """Write the demo's files and report into ``out_dir``; return the report's path."""
    from ..report import Report

    report = Report("glassnet demo: a two-layer network separating 5 classes, trained three "
                    "ways")
    report.paragraph(
        "A 2-layer network (2 sigmoid units, 5 softmax units, Keras's 'uniform' initial "
        f"weights) learns 5 classes of 2-D points. lr 0.5, {epochs} steps. 'analytic' and "
        "'numerical' are batch gradient descent with backprop and with central differences; "
        "'mini-batch SGD' is the same network as a Keras program would train it (batch 100). "
        "float64 throughout.")
    areas = {name: _one_dataset(report, name, out_dir, epochs, stream)
             for name in ("sample2", "sample3")}
    report.heading("sample2 against sample3: what twice the spread does")
    rows = [[f"class {k + 1}", *(float(areas[n][level][k]) for n in areas
                                 for level in (0.5, 0.95))] for k in range(5)]
    report.table(["class", "sample2 p≥0.5", "sample2 p≥0.95", "sample3 p≥0.5",
                  "sample3 p≥0.95"], rows,
                 caption="Share of the square [-1, 1]² where each class reaches p = 0.5 and "
                 "0.95 (mini-batch SGD models)")
    report.paragraph("As the original article found: with twice the spread the classes overlap "
                     "more, the 0.95 regions shrink or vanish and class 5's 0.5 region becomes "
                     "small.")
    path = os.path.join(out_dir, "report.html")
    report.write(path)
    return path


def _one_dataset(report, name, out_dir, epochs, stream) -> dict:
    """Train ``name`` three ways, save the models, coefficient tables and figures in
    ``out_dir/name``, add its section to ``report``; the class regions' areas."""
    from .. import plotting
    from ..data import exports
    from ..io.files import write_csv
    from ..plotting.grid import class_probabilities, probability_grid, region_areas
    from ..report import save_figure

    grid = table67_grid()
    window = ((-1.0, 1.0), (-1.0, 1.0))
    data = datasets.load(name)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder)
    print(f"{name}: training three ways ...", file=stream)
    runs = train_three_ways(data, epochs)
    about = data.info["description"]
    report.heading(about if about.startswith(name) else f"{name}: {about}")
    rows = _save_runs(runs, folder, stream)
    analytic, numerical = runs["analytic"][0], runs["numerical"][0]
    keras_like = runs["mini-batch SGD"][0]
    # Pictures first: the loss curves and the decision regions of two methods.
    figure = lambda fig, file, folder=folder: save_figure(  # noqa: E731
        fig, os.path.join(folder, file))
    report.figures([
        (figure(plotting.compare_runs({label: run[1] for label, run in runs.items()},
                                      title=f"{name}: mean cross-entropy per step"),
                "loss-per-step"),
         "Loss per step of the three methods; analytic and numerical coincide.",
         f"{name}/loss-per-step.png"),
        *((figure(plotting.decision_regions(runs[label][0], data, title=f"{name}, "
                                            f"{label}: p = 0.5 and 0.95"),
                  f"regions-{label.replace(' ', '-')}"),
           f"Decision regions, {label}: each class's p = 0.5 (solid) and 0.95 (dashed) "
           "contours.", f"{name}/regions-{label.replace(' ', '-')}.png")
          for label in ("analytic", "mini-batch SGD"))])
    report.table(["method", "seconds", "final loss", "final accuracy"], rows,
                 caption="Time and result of each method (the original article measured "
                 "838 s numerical, 62 s analytic, 3.5 s Keras)")
    gap = max(float(np.abs(a - b).max()) for a, b in
              zip(analytic.get_weights(), numerical.get_weights()))
    report.paragraph(f"Largest difference between the analytic and the numerical "
                     f"coefficients: {gap:.1e} (the original article: identical to six "
                     "digits).")
    report.figures([
        (figure(plotting.decision_regions(keras_like, data, zoom=0.5, title=f"{name}, "
                                          "mini-batch SGD, zoomed"), "regions-zoom"),
         "Zoomed on the centre, where class 5 lives.", f"{name}/regions-zoom.png"),
        (figure(plotting.probability_maps(keras_like, data, points=grid, title=f"{name}: "
                                          "probability of each class"),
                "probability-maps"),
         "Each class's probability; dots: the 5 × 5 grid of the table below.",
         f"{name}/probability-maps.png"),
        (figure(plotting.coefficient_trajectories(runs["analytic"][2], analytic,
                                                  title=f"{name}: coefficients, "
                                                  "analytic"), "coefficients-analytic"),
         "How every coefficient moved during training (analytic).",
         f"{name}/coefficients-analytic.png")], small=True)
    p = class_probabilities(keras_like, grid)
    header = ["x1", "x2", *(f"p{c}" for c in data.class_names)]
    table67 = [[*map(float, x), *map(float, row)] for x, row in zip(grid, p)]
    write_csv(os.path.join(folder, "table67.csv"), header, table67)
    report.table(header, table67, caption="Class probabilities on a 5 × 5 grid "
                 "(mini-batch SGD model)", spec=".4f")
    per_method = {label: exports.coefficient_tables(run[0]) for label, run in runs.items()}
    for i, layer in enumerate(("layer 1 (a)", "layer 2 (b)")):
        report.side_by_side([
            (tables[i]["header"], tables[i]["rows"], f"Coefficients, {label}: {layer}")
            for label, tables in per_method.items()], spec=".6g")
    _, _, P = probability_grid(keras_like, *window, resolution=200)
    return region_areas(P)


def _save_runs(runs, folder, stream) -> list:
    """Each method's model file and coefficient tables; its row of the timing table."""
    from ..data import exports
    from ..io.files import write_csv

    rows = []
    for label, (model, history, _, seconds) in runs.items():
        h = history.history
        rows.append([label, seconds, h["loss"][-1], h["accuracy"][-1]])
        model.save(os.path.join(folder, f"{label.replace(' ', '-')}.glassnet"))
        for table in exports.coefficient_tables(model):
            write_csv(os.path.join(folder, f"coefficients-{label.replace(' ', '-')}-"
                                       f"{table['layer']}.csv"), table["header"],
                      table["rows"])
        print(f"  {label:<16} {seconds:6.2f} s  loss {h['loss'][-1]:.4f}  accuracy "
              f"{h['accuracy'][-1]:.3f}", file=stream)
    return rows
