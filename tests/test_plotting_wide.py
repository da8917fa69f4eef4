"""Figures of wide data (784 pixels), many classes and many coefficients: each chooses a
form that suits its size, and says so."""

import numpy as np
import pytest
from glassnet.layers import Dense, Normalization

from glassnet import callbacks, datasets, optimizers, plotting
from glassnet.data import Dataset
from glassnet.plotting import network, projection, selection
from glassnet.plotting.style import colour, marker, pyplot
from glassnet.training.model import Sequential

from .conftest import digit_images


@pytest.fixture(scope="module")
def digits():
    arrays = digit_images(per_class=12, test_per_class=3)
    x = np.concatenate([arrays["x_train"], arrays["x_test"]]).reshape(-1, 784) / 255.0
    y = np.concatenate([arrays["y_train"], arrays["y_test"]]).astype(np.intp)
    data = Dataset(x, y, [f"px{i}" for i in range(784)], [str(k) for k in range(10)],
                   "digit", "digits", {"image_shape": [28, 28], "test_rows": 30})
    model = Sequential([Normalization(), Dense(40, "relu"), Dense(10, "softmax")], seed=0)
    model.layers[0].adapt(x)
    model.compile(optimizers.Adam(0.01), "categorical_crossentropy", ["accuracy"])
    recorder = callbacks.Recorder()
    history = model.fit(data, epochs=15, batch_size=32, callbacks=[recorder])
    return model, data, history, recorder


def test_sixteen_classes_never_share_colour_and_marker():
    pairs = {(colour(k), marker(k)) for k in range(16)}
    assert len(pairs) == 16 and len({colour(k) for k in range(16)}) == 16
    assert len({(colour(k), marker(k)) for k in range(256)}) == 256


def test_pca_plane_recovers_the_spread_directions():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 5)) * [5.0, 0.1, 2.0, 0.1, 0.1]
    plane = projection.Plane.pca(x)
    np.testing.assert_allclose(np.abs(plane.basis[0]), [1, 0, 0, 0, 0], atol=0.02)
    np.testing.assert_allclose(np.abs(plane.basis[1]), [0, 0, 1, 0, 0], atol=0.02)
    np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-12)
    eigen = np.linalg.eigvalsh(np.cov(x.T))  # the variance along each principal axis
    assert plane.labels[0] == f"principal component 1 ({eigen[-1] / eigen.sum():.0%} of the " \
        "variance)"
    points = plane.project(x[:3])
    np.testing.assert_allclose(plane.project(plane.lift(points)), points, atol=1e-12)


def test_tabular_data_get_the_two_most_weighted_numeric_inputs():
    x = np.random.default_rng(1).normal(size=(40, 4))
    data = Dataset(x, np.arange(40) % 2, ["a", "b", "c", "d"], ["n", "y"])
    model = Sequential([Dense(3, "tanh"), Dense(2, "softmax")], input_dim=4, seed=0)
    model.layers[0].kernel[...] = [[0.1] * 3, [2.0] * 3, [0.2] * 3, [-3.0] * 3]
    plane = projection.plane_for(model, data)
    assert plane.labels == ("b", "d") and "the other 2 inputs held at their mean" in plane.note
    np.testing.assert_allclose(plane.lift([[5.0, 7.0]])[0, [1, 3]], [5.0, 7.0])
    np.testing.assert_allclose(plane.lift([[5.0, 7.0]])[0, [0, 2]], x[:, [0, 2]].mean(axis=0))


def test_every_run_figure_of_image_data(digits):
    model, data, history, recorder = digits
    train, test = data.subset(slice(0, 120)), data.subset(slice(120, None))
    made = {name: (fig, caption) for name, fig, caption in
            selection.run_figures(model, train, test, history, recorder)}
    assert list(made) == ["data", "learning-curves", "coefficients", "first-layer-weights",
                          "decision-regions", "probability-maps", "roc-pr", "network"]
    fig = made["data"][0]
    assert fig.axes[0].get_xlabel().startswith("principal component 1 (")
    assert len({tuple(c.get_facecolor()[0]) for c in fig.axes[0].collections}) == 10
    assert "projected on the first two principal components" in made["data"][1]
    # Coefficients: 784*40 + 40 + 40*10 + 10 of them, at most 200 drawn, the caption says so.
    coefficients = made["coefficients"][0]
    drawn = sum(len([line for line in ax.get_lines() if len(line.get_xdata())])
                for ax in coefficients.axes)
    assert drawn == 200 and "the 200 that moved most" in made["coefficients"][1]
    assert "the 100 of 31400 coefficients that moved most" in coefficients.axes[0].get_title()
    tiles = made["first-layer-weights"][0]
    images = [ax.get_images()[0].get_array() for ax in tiles.axes if ax.get_images()]
    assert len(images) == 40 and images[0].shape == (28, 28)
    np.testing.assert_allclose(images[3], model.layers[1].kernel[:, 3].reshape(28, 28))
    net = made["network"][0]
    texts = [t.get_text() for t in net.axes[0].texts]
    assert "784 inputs" in texts and "⋮ 774 more" in texts and "⋮ 30 more" in texts
    assert len(net.axes[0].get_lines()) == 10 * 10 + 10 * 10
    for fig, _ in made.values():
        pyplot().close(fig)


def test_traced_coefficients_are_those_that_moved_most(digits):
    model, _, _, recorder = digits
    fig = plotting.coefficient_trajectories(recorder, model, limit=20)
    kernel = recorder.weights["dense_1.kernel"]  # the output layer: (records, 40, 10)
    movement = np.ptp(kernel, axis=0)
    drawn = [line.get_ydata() for line in fig.axes[1].get_lines() if len(line.get_xdata())]
    biggest = np.sort(movement.ravel())[-5:]
    for value in biggest:  # the five kernel weights that moved most are among those drawn
        assert any(np.isclose(np.ptp(d), value, rtol=1e-6) for d in drawn)
    pyplot().close(fig)


def test_network_shows_the_most_weighted_cells():
    kernels = [np.zeros((30, 12)), np.zeros((12, 2))]
    kernels[0][7, :] = 1.0
    kernels[0][:, 11] = 0.5
    cells = network.shown_cells([30, 12, 2], kernels, limit=4)
    assert 7 in cells[0] and 11 in cells[1] and len(cells[0]) == 4
    assert cells[2].tolist() == [0, 1]


def test_ten_class_regions_in_two_dimensions():
    data = datasets.load("blobs", n_samples=200, centers=10, seed=2, spread=0.3)
    model = Sequential([Dense(16, "relu"), Dense(10, "softmax")], input_dim=2, seed=0)
    model.compile(optimizers.Adam(0.02), "categorical_crossentropy")
    model.fit(data, epochs=100, batch_size=len(data))
    fig = plotting.decision_regions(model, data)
    handles = fig.axes[0].get_legend().legend_handles
    assert len(handles) == 12  # 10 classes + the two contour levels
    pyplot().close(fig)
