"""TEMPORARY stand-in for glassnet.spec until the lead's commit lands. Delete then."""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class ModelSpec:
    hidden: list = dataclasses.field(default_factory=lambda: [2])
    activation: str = "sigmoid"
    output_activation: str = "auto"
    loss: str = "auto"
    kernel_initializer: str = "uniform"
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    batch_norm: bool = False
    scale: str = "standard"
    scale_target: bool = True
    optimizer: object = dataclasses.field(default_factory=lambda: {"name": "sgd",
                                                                    "learning_rate": 0.5})
    epochs: int = 1000
    batch_size: int | None = 100
    seed: int = 0
    dtype: str = "float32"

    @classmethod
    def from_dict(cls, d):
        return cls(**d)

    def to_dict(self):
        return dataclasses.asdict(self)


def build_model(spec, data):
    from .. import Sequential, optimizers
    from ..layers import BatchNormalization, Dense, Dropout, Normalization

    layers = []
    if spec.scale != "none":
        norm = Normalization(spec.scale)
        norm.adapt(data.features)
        layers.append(norm)
    for h in spec.hidden:
        h = h if isinstance(h, dict) else {"units": h}
        l1, l2 = h.get("l1", spec.l1), h.get("l2", spec.l2)
        reg = {"name": "l1_l2", "l1": l1, "l2": l2} if l1 or l2 else None
        layers.append(Dense(h["units"], h.get("activation", spec.activation),
                            kernel_initializer=spec.kernel_initializer, kernel_regularizer=reg))
        if h.get("batch_norm", spec.batch_norm):
            layers.append(BatchNormalization())
        if h.get("dropout", spec.dropout):
            layers.append(Dropout(h.get("dropout", spec.dropout)))
    if data.is_classification:
        out, loss, units = "softmax", "categorical_crossentropy", data.n_classes
    else:
        out, loss, units = "linear", "mean_squared_error", data.labels.shape[1]
    out = out if spec.output_activation == "auto" else spec.output_activation
    loss = loss if spec.loss == "auto" else spec.loss
    reg = {"name": "l1_l2", "l1": spec.l1, "l2": spec.l2} if spec.l1 or spec.l2 else None
    layers.append(Dense(units, out, kernel_initializer=spec.kernel_initializer,
                        kernel_regularizer=reg))
    model = Sequential(layers, seed=spec.seed, dtype=spec.dtype)
    model.compile(optimizers.get(spec.optimizer), loss,
                  ["accuracy"] if data.is_classification else ["mae"])
    model.build(data.features.shape[1])
    model.info.update(feature_names=list(data.feature_names), class_names=data.class_names,
                      target_name=data.target_name)
    return model


def train_on_batch(model, x, y):
    from ..training import _logs

    x = model._inputs(x)
    y = model._targets(y, model.loss, x.shape[0])
    output, value = model._forward_loss(x, y, model.loss, training=True)
    model._backward(y, output, model.loss)
    grads = [g for layer in model.layers for g in layer.grads if g is not None]
    model.optimizer.apply(model._trainable_weights(), grads)
    for layer in model.layers:
        layer.update_state()
    values = [value] + [float(np.mean(fn(y, output))) for _, fn in model.metrics]
    return _logs(model, values)
