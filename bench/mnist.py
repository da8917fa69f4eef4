"""MNIST workloads for every peer: 784-H-10 relu/softmax, Adam 1e-3, one epoch, and
inference on the 10 000 test rows.

Each ``*_train(data, units, batch_size)`` returns a function that builds a fresh
network, trains it for one epoch on ``data.x`` and returns its test accuracy.
``data`` holds float32 ``x`` (rows, 784) scaled to [0, 1], int ``y``, and ``xt``, ``yt``.
"""

from __future__ import annotations

import os
import warnings
from types import SimpleNamespace

import numpy as np
from seed000 import import_keras, installed

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MNIST = os.path.join(HERE, "..", "..", "shared", "data", "mnist.npz")
LEARNING_RATE = 1e-3


def load(path, rows=None):
    """MNIST as float32 in [0, 1]; ``rows`` repeats or cuts the 60 000 training rows."""
    import glassnet

    (x, y), (xt, yt) = glassnet.datasets.load_mnist(path, flatten=True, scale=True,
                                                     download_missing=False)
    if rows is not None:
        reps = -(-rows // len(x))
        x, y = np.tile(x, (reps, 1))[:rows], np.tile(y, reps)[:rows]
    return SimpleNamespace(x=np.ascontiguousarray(x, np.float32), y=y.astype(np.int64),
                           xt=np.ascontiguousarray(xt, np.float32), yt=yt.astype(np.int64))


def glassnet_train(data, units, batch_size):
    from glassnet.layers import Dense

    import glassnet

    def run():
        model = glassnet.Sequential([Dense(units, "relu"), Dense(10, "softmax")],
                                    input_dim=784, seed=0)
        model.compile(glassnet.optimizers.Adam(LEARNING_RATE),
                      "sparse_categorical_crossentropy", ["accuracy"])
        model.fit(data.x, data.y, epochs=1, batch_size=batch_size, verbose=0)
        return float((model.predict(data.xt).argmax(1) == data.yt).mean())
    return run


def torch_net(units):
    import torch

    return torch.nn.Sequential(torch.nn.Linear(784, units), torch.nn.ReLU(),
                               torch.nn.Linear(units, 10))


def torch_train(data, units, batch_size):
    import torch

    X, Y, XT = torch.from_numpy(data.x), torch.from_numpy(data.y), torch.from_numpy(data.xt)

    def run():
        torch.manual_seed(0)
        net = torch_net(units)
        opt = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)  # torch's default: foreach
        order = torch.randperm(len(X))
        for s in range(0, len(X), batch_size):
            idx = order[s:s + batch_size]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(X[idx]), Y[idx]).backward()
            opt.step()
        with torch.no_grad():
            return float((net(XT).argmax(1).numpy() == data.yt).mean())
    return run


def sklearn_net(units, batch_size, max_iter=1):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier((units,), activation="relu", solver="adam",
                         learning_rate_init=LEARNING_RATE, alpha=0.0, batch_size=batch_size,
                         max_iter=max_iter, shuffle=True, random_state=0)


def sklearn_train(data, units, batch_size):
    from sklearn.exceptions import ConvergenceWarning

    def run():
        net = sklearn_net(units, batch_size)
        with warnings.catch_warnings():  # one epoch is not convergence, and we know it
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(data.x, data.y)
        return float((net.predict(data.xt) == data.yt).mean())
    return run


def keras_net(units):
    keras = import_keras()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(units, "relu"),
                              keras.layers.Dense(10, "softmax")])
    model.compile(keras.optimizers.Adam(LEARNING_RATE), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def keras_train(data, units, batch_size):
    def run():
        model = keras_net(units)
        model.fit(data.x, data.y, epochs=1, batch_size=batch_size, verbose=0)
        probabilities = model.predict(data.xt, batch_size=len(data.xt), verbose=0)
        return float((np.asarray(probabilities).argmax(1) == data.yt).mean())
    return run


TRAIN = {"glassnet": glassnet_train, "torch": torch_train, "sklearn": sklearn_train,
         "keras": keras_train}


def train_peers(data, units, batch_size, skip=()):
    return {name: make(data, units, batch_size) for name, make in TRAIN.items()
            if name not in skip and (name == "glassnet" or installed(name))}


def predict_peers(data, units=400, skip=()):
    """Inference on the test rows: each peer's network built once, timed predicting."""
    from glassnet.layers import Dense

    import glassnet

    model = glassnet.Sequential([Dense(units, "relu"), Dense(10, "softmax")], input_dim=784,
                                seed=0)
    runs = {"glassnet": lambda: model.predict(data.xt).shape}
    if "torch" not in skip and installed("torch"):
        import torch

        tnet = torch.nn.Sequential(torch_net(units), torch.nn.Softmax(dim=1))
        XT = torch.from_numpy(data.xt)

        def torch_predict():
            with torch.no_grad():
                return tuple(tnet(XT).numpy().shape)
        runs["torch"] = torch_predict
    if "sklearn" not in skip and installed("sklearn"):
        from sklearn.exceptions import ConvergenceWarning

        snet = sklearn_net(units, 200)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            snet.fit(data.x[:1000], data.y[:1000])  # weights to predict with
        runs["sklearn"] = lambda: snet.predict_proba(data.xt).shape
    if "keras" not in skip and installed("keras"):
        kmodel = keras_net(units)
        runs["keras"] = lambda: np.asarray(
            kmodel.predict(data.xt, batch_size=len(data.xt), verbose=0)).shape
    return runs


def params(units):
    return 784 * units + units + units * 10 + 10
