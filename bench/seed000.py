"""Seed 000's workload for every peer: 250 rows of sample2, a 2-2-5 sigmoid/softmax
network, cross-entropy, SGD with learning rate 0.5, 1000 epochs.

    python bench/seed000.py [--repeat 5]

Each ``*_run(x, labels, batch_size)`` returns a function that builds a fresh network,
trains it and returns its training accuracy; ``batch_size=None`` is full batch.
Weights start as Keras's "uniform" (U(-0.05, 0.05)) wherever the peer lets us say so.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import alternate, markdown_table  # noqa: E402

EPOCHS = 1000
LEARNING_RATE = 0.5


def glassnet_run(x, labels, batch_size, gradient="analytic", dtype="float32"):
    import glassnet
    from glassnet.cli.demo import seed000_model

    t = np.eye(5, dtype=dtype)[labels]

    def run():
        model = seed000_model(seed=0, dtype=dtype)
        model.compile(glassnet.optimizers.SGD(LEARNING_RATE), "categorical_crossentropy",
                      ["accuracy"])
        # fit(batch_size=None) is Keras's 32: full batch is the number of rows
        h = model.fit(x, t, epochs=EPOCHS, batch_size=batch_size or len(x), gradient=gradient,
                      verbose=0)
        return h.history["accuracy"][-1]
    return run


def numpy_run(x, labels, batch_size):
    """The seed's own program as a plain NumPy loop: the least a step can cost in NumPy."""
    x = x.astype(np.float32)
    t = np.eye(5, dtype=np.float32)[labels]
    n = len(x)
    size = batch_size or n

    def run():
        rng = np.random.default_rng(0)
        a = rng.uniform(-0.05, 0.05, (2, 2)).astype(np.float32)  # layer 1: a_ji
        a0 = np.zeros(2, np.float32)
        b = rng.uniform(-0.05, 0.05, (2, 5)).astype(np.float32)  # layer 2: b_kj
        b0 = np.zeros(5, np.float32)
        for _ in range(EPOCHS):
            order = rng.permutation(n) if size < n else slice(None)
            xs, ts = x[order], t[order]
            for s in range(0, n, size):
                xb, tb = xs[s:s + size], ts[s:s + size]
                y = 1.0 / (1.0 + np.exp(-(xb @ a + a0)))  # y = σ(α)
                beta = y @ b + b0
                z = np.exp(beta - beta.max(axis=1, keepdims=True))
                z /= z.sum(axis=1, keepdims=True)  # z = softmax(β)
                d2 = (z - tb) / len(xb)  # δ2 = z - t (averaged)
                d1 = (d2 @ b.T) * y * (1.0 - y)  # δ1 = σ'(α) Σk δ2 b
                b -= LEARNING_RATE * (y.T @ d2)
                b0 -= LEARNING_RATE * d2.sum(axis=0)
                a -= LEARNING_RATE * (xb.T @ d1)
                a0 -= LEARNING_RATE * d1.sum(axis=0)
        y = 1.0 / (1.0 + np.exp(-(x @ a + a0)))
        return float(((y @ b + b0).argmax(1) == labels).mean())
    return run


def torch_run(x, labels, batch_size):
    import torch

    xt = torch.from_numpy(x.astype(np.float32))
    yt = torch.from_numpy(labels.astype(np.int64))

    def run():
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 5))
        for p in net.parameters():
            torch.nn.init.uniform_(p, -0.05, 0.05)
        opt = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)
        n = len(xt)
        size = batch_size or n
        for _ in range(EPOCHS):
            order = torch.randperm(n)
            for s in range(0, n, size):
                idx = order[s:s + size]
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx]).backward()
                opt.step()
        with torch.no_grad():
            return float((net(xt).argmax(1) == yt).float().mean())
    return run


def sklearn_run(x, labels, batch_size):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    x = x.astype(np.float32)

    def run():
        net = MLPClassifier((2,), activation="logistic", solver="sgd",
                            learning_rate_init=LEARNING_RATE, momentum=0.0, alpha=0.0,
                            batch_size=batch_size or len(x), max_iter=EPOCHS, tol=0.0,
                            n_iter_no_change=EPOCHS + 1, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(x, labels)
        return float((net.predict(x) == labels).mean())
    return run


def keras_run(x, labels, batch_size):
    keras = import_keras()
    x = x.astype(np.float32)

    def run():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([
            keras.Input((2,)),
            keras.layers.Dense(2, "sigmoid", kernel_initializer="uniform"),
            keras.layers.Dense(5, "softmax", kernel_initializer="uniform")])
        model.compile(keras.optimizers.SGD(LEARNING_RATE), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        h = model.fit(x, labels, epochs=EPOCHS, batch_size=batch_size or len(x), verbose=0)
        return float(h.history["accuracy"][-1])
    return run


def import_keras():
    """Keras 3 on the torch backend (the backend must be chosen before the import)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    if keras.backend.backend() != "torch":
        raise ImportError(f"Keras runs on {keras.backend.backend()}, not torch")
    return keras


def installed(module: str) -> bool:
    try:
        if module == "keras":
            import_keras()
        else:
            __import__(module)
    except ImportError:
        return False
    return True


PEERS = {"glassnet": glassnet_run, "numpy": numpy_run, "torch": torch_run,
         "sklearn": sklearn_run, "keras": keras_run}


def peers(x, labels, batch_size, skip=()):
    """The runs of every installed peer for one batch size."""
    runs = {"glassnet": glassnet_run(x, labels, batch_size),
            "numpy": numpy_run(x, labels, batch_size)}
    for name in ("torch", "sklearn", "keras"):
        if name not in skip and installed(name):
            runs[name] = PEERS[name](x, labels, batch_size)
    return runs


def main(argv=None):
    import glassnet

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip", nargs="*", default=["keras"], help="peers to leave out")
    args = parser.parse_args(argv)
    data = glassnet.datasets.load("sample2")
    rows = []
    for batch in (100, None):
        timed = alternate(peers(data.features, data.labels, batch, args.skip), args.repeat)
        row = {"workload": f"batch {batch or 'full'}"}
        for name, entry in timed.items():
            row[name] = entry["median"]
            row[f"{name}_accuracy"] = entry["result"]
        rows.append(row)
    print(markdown_table(rows, [("workload", "workload")] + [(k, k) for k in PEERS]))


if __name__ == "__main__":
    main()
