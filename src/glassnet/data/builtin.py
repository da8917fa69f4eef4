"""Built-in datasets: seed 000's sample2/sample3, seed 003's XOR, seed 002's 1-D steps.

>>> d = load("sample2")
>>> d.features.shape, d.class_names
((250, 2), ['1', '2', '3', '4', '5'])
"""

from __future__ import annotations

import numpy as np

from ..base.errors import ConfigError
from ..base.i18n import _
from .dataset import Dataset

# Seed 000, Table 67: class 1 upper right, 2 upper left, 3 lower left, 4 lower right,
# 5 in the centre.
SAMPLE_CENTRES = np.array([[0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5], [0.5, -0.5], [0.0, 0.0]])
SAMPLE2_SPREAD = 0.15


def _sample(name: str, spread: float) -> Dataset:
    # Fixed seed: the data are part of the product and must be the same everywhere.
    # sample3 keeps sample2's draws and doubles their deviation from the centres,
    # exactly as the seed describes ("the same centres, twice the spread").
    rng = np.random.default_rng(20260000)
    per_class = 50
    labels = np.repeat(np.arange(5), per_class)
    noise = rng.standard_normal((labels.size, 2))
    order = rng.permutation(labels.size)  # interleave classes so a "first half" has all
    features = SAMPLE_CENTRES[labels] + spread * noise
    return Dataset(
        features=features[order], labels=labels[order], feature_names=["x1", "x2"],
        class_names=["1", "2", "3", "4", "5"], target_name="class", source=f"builtin:{name}",
        info={"description": f"{name}: 5 classes x 50 points around (±0.5, ±0.5) and "
                             f"(0, 0), spread {spread}"},
    )


def sample2() -> Dataset:
    """250 points in 5 classes of 50: upper right, upper left, lower left, lower right, centre.

    The sample of the two-layer discriminant analysis (docs/seeds.md, seed 000).
    """
    return _sample("sample2", SAMPLE2_SPREAD)


def sample3() -> Dataset:
    """sample2 with the same class centres and twice the spread."""
    return _sample("sample3", 2 * SAMPLE2_SPREAD)


def xor() -> Dataset:
    """XOR: buy (1) when exactly one of design and quality is good.

    The example worked by hand with ReLU cells (docs/seeds.md, seed 003).
    """
    features = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    return Dataset(features, np.array([0, 1, 1, 0]), ["design", "quality"],
                   ["not buy", "buy"], "decision", "builtin:xor",
                   {"description": "XOR: buy when exactly one of design and quality is good"})


def steps() -> Dataset:
    """A step learned from 4 points: 9 and 11 -> 500, 12 and 14 -> 1000 (regression).

    The one-dimensional generalisation example (docs/seeds.md, seed 002).
    """
    return Dataset(np.array([[9.0], [11.0], [12.0], [14.0]]),
                   np.array([[500.0], [500.0], [1000.0], [1000.0]]), ["x"], None, "y",
                   "builtin:steps",
                   {"description": "a step learned from 4 points: 9, 11 -> 500; 12, 14 -> 1000"})


def _teaching(name, features, labels, class_names, seed, **params):
    described = ", ".join(f"{k}={v}" for k, v in params.items())
    return Dataset(features, labels, ["x1", "x2"], class_names, "class", f"builtin:{name}",
                   {"description": f"{name} ({described}, seed={seed})", "seed": seed, **params})


def moons(n_samples=200, noise=0.1, seed=0) -> Dataset:
    """Two interleaving half circles (2 classes)."""
    n, rng = _size(n_samples, 2), np.random.default_rng(seed)
    counts = [n // 2, n - n // 2]
    outer = np.linspace(0, np.pi, counts[0])
    inner = np.linspace(0, np.pi, counts[1])
    x = np.vstack([np.column_stack([np.cos(outer), np.sin(outer)]),
                   np.column_stack([1 - np.cos(inner), 0.5 - np.sin(inner)])])
    x += rng.normal(scale=_noise(noise), size=x.shape)
    return _teaching("moons", x, np.repeat([0, 1], counts), ["A", "B"], seed, n_samples=n,
                     noise=noise)


def circles(n_samples=200, noise=0.05, factor=0.5, seed=0) -> Dataset:
    """A small circle (class B) inside a large one (class A)."""
    n, rng = _size(n_samples, 2), np.random.default_rng(seed)
    counts = [n // 2, n - n // 2]
    angles = [np.linspace(0, 2 * np.pi, c, endpoint=False) for c in counts]
    x = np.vstack([np.column_stack([np.cos(a), np.sin(a)]) * r
                   for a, r in zip(angles, (1.0, factor))])
    x += rng.normal(scale=_noise(noise), size=x.shape)
    return _teaching("circles", x, np.repeat([0, 1], counts), ["A", "B"], seed, n_samples=n,
                     noise=noise, factor=factor)


def spiral(n_samples=300, classes=3, noise=0.2, seed=0) -> Dataset:
    """Interleaved spiral arms, one per class (the classic hard case for linear models)."""
    k = int(classes)
    n, rng = _size(n_samples, k), np.random.default_rng(seed)
    per = [n // k + (i < n % k) for i in range(k)]
    xs, ys = [], []
    for c, m in enumerate(per):
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, m) + rng.normal(scale=_noise(noise), size=m)
        xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(m, c))
    return _teaching("spiral", np.vstack(xs), np.concatenate(ys),
                     [str(c + 1) for c in range(k)], seed, n_samples=n, classes=k, noise=noise)


def blobs(n_samples=200, centers=3, spread=0.5, seed=0) -> Dataset:
    """Gaussian blobs around random centres in [-3, 3]² (3 centres by default)."""
    k = int(centers)
    n, rng = _size(n_samples, k), np.random.default_rng(seed)
    spread = _noise(spread)
    middle = rng.uniform(-3.0, 3.0, size=(k, 2))
    labels = np.arange(n) % k
    x = middle[labels] + rng.normal(scale=spread, size=(n, 2))
    return _teaching("blobs", x, labels, [str(c + 1) for c in range(k)], seed, n_samples=n,
                     centers=k, spread=spread)


def _size(n, classes):
    from ..base.validation import check_number

    check_number("classes", classes, minimum=2, integer=True)
    return check_number("n_samples", n, minimum=classes, integer=True)


def _noise(value):
    from ..base.validation import check_number

    return check_number("noise", value, minimum=0.0)


BUILTIN = {"sample2": sample2, "sample3": sample3, "xor": xor, "steps": steps, "moons": moons,
           "circles": circles, "spiral": spiral, "blobs": blobs}


def names() -> list[str]:
    return list(BUILTIN)


def describe() -> dict[str, str]:
    """Name -> one plain line about each built-in dataset (its docstring's first line,
    without reStructuredText markup such as ``double backquotes``)."""
    import re

    first = {name: (fn.__doc__ or "").strip().splitlines()[0] for name, fn in BUILTIN.items()}
    return {name: re.sub(r"(?::\w+:)?`{1,2}([^`]+)`{1,2}", r"\1", text)
            for name, text in first.items()}


def load(name: str, **params) -> Dataset:
    """Load a built-in dataset by name; teaching sets take size, noise and seed parameters.

    >>> load("moons", n_samples=50, noise=0.2, seed=1).features.shape
    (50, 2)
    """
    if name not in BUILTIN:
        raise ConfigError(
            f"unknown dataset {name!r}; built-in datasets are: {', '.join(names())}"
        )
    try:
        return BUILTIN[name](**params)
    except TypeError:
        import inspect

        allowed = ", ".join(inspect.signature(BUILTIN[name]).parameters) or "none"
        raise ConfigError(f"dataset {name!r} takes parameters: {allowed}; got "
                          f"{', '.join(params)}") from None


def load_any(source, target=None, encoding=None, missing=None, max_classes=None,
             **options) -> Dataset:
    """The CLI's DATA argument: a built-in dataset by name, image data ('mnist', an
    ``.npz`` or IDX file, or a folder holding them), or a CSV file by path; ``options``
    (features, ignore, id, skip_rows, plan) go to ``load_csv``."""
    import os

    from . import load_csv
    from .mnist import image_dataset, is_image_source

    if not os.path.isfile(source) and source in BUILTIN:  # a file of that name wins
        data = load(source)
        if target is not None and target != data.target_name:
            raise ConfigError(f"built-in dataset {source!r} has target {data.target_name!r}, "
                              f"not {target!r}")
        return data
    if is_image_source(source):
        if target is not None or any(v not in (None, 0) for v in options.values()):
            raise ConfigError(f"{source} holds images with their labels; target and column "
                              "options apply to CSV files only")
        return image_dataset(source)
    if not os.path.exists(source):
        raise ConfigError(_("{source}: no such file, and not a built-in dataset ({names}, or "
                            "mnist)").format(source=source, names=", ".join(names())))
    if isinstance(target, str) and target.lstrip("-").isdigit():
        target = int(target)
    extra = {} if max_classes is None else {"max_classes": max_classes}
    return load_csv(source, target=-1 if target is None else target, encoding=encoding,
                    missing=missing, **extra, **options)


def export(name: str, path, overwrite=True, **params) -> Dataset:
    """Write a built-in dataset to CSV (UTF-8 with BOM, opens in Excel) and return it;
    with ``overwrite=False`` an existing file is never replaced."""
    dataset = load(name, **params)
    dataset.to_csv(path, overwrite)
    return dataset


def load_mnist(path=None, flatten=False, scale=False, download_missing=True, **kwargs):
    """MNIST as Keras returns it: ``(x_train, y_train), (x_test, y_test)``.

    See ``glassnet.data.mnist.load_mnist`` (imported on first use: it needs urllib, which
    ``import glassnet`` should not pay for).
    """
    from .mnist import load_mnist as load

    return load(path, flatten=flatten, scale=scale, download_missing=download_missing,
                **kwargs)

__all__ = ["BUILTIN", "describe", "export", "load", "load_any", "load_mnist", "names"]
