"""Parity with PyTorch autograd and optimisers (skipped without torch; run by `make parity`)."""

import numpy as np
import pytest
from glassnet.layers import Dense

from glassnet import Sequential, optimizers

from .conftest import require_torch

pytestmark = pytest.mark.parity

TORCH_ACT = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "elu": "ELU",
             "softplus": "Softplus", "swish": "SiLU", "linear": "Identity"}


def torch_mirror(torch, model):
    """A torch.nn.Sequential with the same weights (torch stores kernels transposed)."""
    modules = []
    for layer in model.layers:
        linear = torch.nn.Linear(layer.input_dim, layer.units)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.kernel.T.copy()))
            linear.bias.copy_(torch.from_numpy(layer.bias.copy()))
        modules.append(linear)
        name = layer.activation.name
        if name == "leaky_relu":
            modules.append(torch.nn.LeakyReLU(layer.activation.negative_slope))
        elif name != "softmax":
            modules.append(getattr(torch.nn, TORCH_ACT[name])())
    return torch.nn.Sequential(*modules)


def torch_grads(torch, net):
    grads = []
    for module in net:
        if isinstance(module, torch.nn.Linear):
            grads += [module.weight.grad.numpy().T, module.bias.grad.numpy()]
    return grads


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
                                    "swish"])
def test_analytic_gradients_equal_torch_autograd(hidden):
    torch = require_torch()
    rng = np.random.default_rng(0)
    model = Sequential([Dense(8, hidden, bias_initializer="normal"),
                        Dense(6, hidden, bias_initializer="normal"), Dense(4, "softmax")],
                       input_dim=5, seed=1, dtype="float64")
    x = rng.normal(size=(32, 5))
    labels = rng.integers(0, 4, 32)
    ours = model.compute_gradients(x, labels, loss="sparse_categorical_crossentropy")
    net = torch_mirror(torch, model)
    loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(labels))
    loss.backward()
    for a, b in zip(ours, torch_grads(torch, net)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-10)


def test_binary_and_mse_gradients_equal_torch():
    torch = require_torch()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 3))
    for loss_name, out, target in [
        ("binary_crossentropy", "sigmoid", rng.integers(0, 2, (20, 2)).astype(float)),
        ("mean_squared_error", "linear", rng.normal(size=(20, 2))),
    ]:
        model = Sequential([Dense(5, "tanh"), Dense(2, out)], input_dim=3, seed=2,
                           dtype="float64")
        ours = model.compute_gradients(x, target, loss=loss_name)
        net = torch_mirror(torch, model)
        if out == "sigmoid":
            net = net[:-1]  # logits; torch fuses sigmoid into the loss like we do
            value = torch.nn.functional.binary_cross_entropy_with_logits(
                net(torch.from_numpy(x)), torch.from_numpy(target))
        else:
            value = torch.nn.functional.mse_loss(net(torch.from_numpy(x)),
                                                 torch.from_numpy(target))
        value.backward()
        for a, b in zip(ours, torch_grads(torch, net)):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-10)


CASES = [
    ("sgd", dict(learning_rate=0.1), "SGD", dict(lr=0.1)),
    ("sgd", dict(learning_rate=0.1, momentum=0.9), "SGD", dict(lr=0.1, momentum=0.9)),
    ("sgd", dict(learning_rate=0.1, momentum=0.9, nesterov=True), "SGD",
     dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("rmsprop", dict(learning_rate=0.01, rho=0.9, epsilon=0.0), "RMSprop",
     dict(lr=0.01, alpha=0.9, eps=0.0)),
    ("adagrad", dict(learning_rate=0.1, epsilon=0.0), "Adagrad",
     dict(lr=0.1, initial_accumulator_value=0.1, eps=0.0)),
    ("adam", dict(learning_rate=0.01, epsilon=0.0), "Adam", dict(lr=0.01, eps=0.0)),
    ("adam", dict(learning_rate=0.01, epsilon=0.0, amsgrad=True), "Adam",
     dict(lr=0.01, eps=0.0, amsgrad=True)),
    ("adamw", dict(learning_rate=0.01, epsilon=0.0, weight_decay=0.1), "AdamW",
     dict(lr=0.01, eps=0.0, weight_decay=0.1)),
]


@pytest.mark.parametrize("ours,our_args,theirs,their_args", CASES)
def test_training_trajectory_equals_torch(ours, our_args, theirs, their_args):
    """Same start, shuffle=False, mini-batches of 8: weights agree to 1e-5 after 5 epochs."""
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 3))
    labels = rng.integers(0, 3, 40)
    model = Sequential([Dense(6, "tanh"), Dense(3, "softmax")], input_dim=3, seed=4,
                       dtype="float64")
    net = torch_mirror(torch, model)
    model.compile(optimizers.get({"name": ours, **our_args}), "sparse_categorical_crossentropy")
    model.fit(x, labels, epochs=5, batch_size=8, shuffle=False, verbose=0)
    opt = getattr(torch.optim, theirs)(net.parameters(), **their_args)
    xt, yt = torch.from_numpy(x), torch.from_numpy(labels)
    for _ in range(5):
        for start in range(0, 40, 8):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xt[start:start + 8]),
                                              yt[start:start + 8]).backward()
            opt.step()
    theirs_w = []
    for module in net:
        if isinstance(module, torch.nn.Linear):
            theirs_w += [module.weight.detach().numpy().T, module.bias.detach().numpy()]
    for a, b in zip(model.get_weights(), theirs_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
