"""A glassnet model as one ONNX graph, from a sheet's raw columns to its answer.

The graph takes one input per column of the sheet, named after it: a float tensor of
shape (rows, 1) for a number column (NaN for a blank cell) and a string tensor for a text
column (``""`` for a blank). Inside it holds what glassnet does to a table before the
network sees it: the fill value of each column's blanks (when the model was trained with
one), the text columns' levels as one-hot columns, the input scaling, then the network
(Dense, activations, batch normalisation with its moving averages; dropout is the
identity at prediction), and the label map. Its outputs: ``label`` (the predicted class
name) and ``probabilities`` (one column per class, in ``class_names`` order), or
``value`` (the predicted values, in the target's units).

Opset 19 of the default domain (``Equal`` on strings needs 19). Not exportable, with a
ConfigError saying so: layers without an ONNX counterpart here (a custom activation), a
model of more than one input axis. A text cell the model never saw becomes all-zero
one-hot columns in the graph, where glassnet itself refuses the row.
"""

from __future__ import annotations

import numpy as np

from ..base.errors import ConfigError
from ..data.cells import MISSING
from ..data.columns import MISSING_LEVEL
from ..data.pipeline import FILL_RULES

OPSET = 19


def onnx():
    try:
        import onnx
    except ImportError:
        raise ConfigError("exporting to ONNX needs the onnx package: "
                          "pip install 'glassnet[onnx]'") from None
    return onnx


def columns_of(model) -> list[dict]:
    """The sheet's input columns as the graph takes them: name, kind ("number" or
    "category"), levels, fill (the value a blank cell gets under the model's missing-cell
    rule, or None), blank_level (a text column's ``(missing)`` level) and whether a
    missing-value indicator input follows a number column."""
    info = model.info or {}
    plan = info.get("columns")
    if not (plan and plan.get("inputs")):
        names = info.get("feature_names") or [f"x{i + 1}" for i in range(model.input_dim)]
        return [{"name": str(n), "kind": "number", "levels": [], "fill": None,
                 "blank_level": None, "indicator": False} for n in names]
    rule = plan.get("missing")
    out = []
    for column in plan["inputs"]:
        fills = column.get("fill") if isinstance(column.get("fill"), dict) else {}
        levels = list(column.get("levels") or [])
        kind = column.get("kind", "number")
        # a text column's blanks get its most frequent level under every filling rule
        fill = fills.get("most-frequent" if kind == "category" and rule in FILL_RULES
                         else rule)
        out.append({"name": column["name"], "kind": kind, "levels": levels, "fill": fill,
                    "blank_level": MISSING_LEVEL if MISSING_LEVEL in levels else None,
                    "indicator": bool(column.get("indicator"))})
    return out


class _Graph:
    """Nodes and constants, with fresh names for every intermediate value."""

    def __init__(self, dtype):
        self.onnx = onnx()
        self.helper = self.onnx.helper
        self.dtype = np.dtype(dtype)
        self.elem = self.onnx.helper.np_dtype_to_tensor_dtype(self.dtype)
        self.nodes, self.constants, self.count = [], [], 0

    def name(self, stem):
        self.count += 1
        return f"{stem}_{self.count}"

    def const(self, value, stem="c", dtype=None):
        from onnx import numpy_helper

        array = np.asarray(value, dtype=dtype or self.dtype)
        name = self.name(stem)
        self.constants.append(numpy_helper.from_array(array, name))
        return name

    def op(self, kind, inputs, stem=None, **attrs):
        out = self.name(stem or kind.lower())
        self.nodes.append(self.helper.make_node(kind, list(inputs), [out], **attrs))
        return out


def build(model, opset=OPSET):
    """The ONNX ModelProto of ``model`` with its table preprocessing; ConfigError for
    anything that cannot be exported."""
    if not model.built:
        raise ConfigError("the model is not built; train or build it before exporting")
    if model.row_shape is not None and len(model.row_shape) > 1:
        raise ConfigError("only models that read rows of features export to ONNX; this one "
                          f"reads rows of shape {model.row_shape}")
    g = _Graph(model.dtype)
    onnx_ = g.onnx
    columns = columns_of(model)
    inputs, parts = [], []
    for column in columns:
        if column["kind"] == "category":
            inputs.append(g.helper.make_tensor_value_info(column["name"],
                                                          onnx_.TensorProto.STRING, [None, 1]))
            parts.append(_one_hot(g, column))
        else:
            inputs.append(g.helper.make_tensor_value_info(column["name"], g.elem, [None, 1]))
            parts.extend(_number(g, column))
    width = sum(len(c["levels"]) if c["kind"] == "category" else 1 + c["indicator"]
                for c in columns)
    if width != model.input_dim:
        raise ConfigError(f"the model's column plan gives {width} network inputs, the "
                          f"network has {model.input_dim}")
    x = parts[0] if len(parts) == 1 else g.op("Concat", parts, "features", axis=1)
    for layer in model.layers:
        x = _layer(g, layer, x)
    outputs = _outputs(g, model, x)
    graph = g.helper.make_graph(g.nodes, model.name or "glassnet", inputs, outputs,
                                g.constants)
    proto = g.helper.make_model(graph, opset_imports=[g.helper.make_opsetid("", opset)],
                                producer_name="glassnet")
    proto.ir_version = min(proto.ir_version, 10)  # onnxruntime releases of 2024 read IR 10
    onnx_.checker.check_model(proto)
    return proto


def _number(g, column):
    x = column["name"]
    missing = g.op("IsNaN", [x], "blank") if column["fill"] is not None or \
        column["indicator"] else None
    parts = []
    if column["fill"] is not None:
        parts.append(g.op("Where", [missing, g.const([[float(column["fill"])]], "fill"), x],
                          "filled"))
    else:
        parts.append(x)
    if column["indicator"]:
        parts.append(g.op("Cast", [missing], "indicator", to=g.elem))
    return parts


def _one_hot(g, column):
    """One 0/1 column per level: a blank cell (empty, NA, N/A, ..., as glassnet reads
    them: ``blank_marks``) becomes the ``(missing)`` level or the fill level first.
    (No StringNormalizer: onnxruntime's needs the machine's locales.)"""
    if not column["levels"]:
        raise ConfigError(f"column {column['name']!r} is text without levels in the plan")
    s = column["name"]
    filler = column["blank_level"] or column["fill"]
    if filler is not None:
        markers = g.const([blank_marks()], "blank_marks", dtype=object)
        hits = g.op("Cast", [g.op("Equal", [s, markers])], to=g.onnx.TensorProto.FLOAT)
        blank = g.op("Cast", [g.op("ReduceMax", [hits, g.const([1], "axis", dtype=np.int64)],
                                   keepdims=1)], "blank", to=g.onnx.TensorProto.BOOL)
        s = g.op("Where", [blank, g.const([[str(filler)]], "fill", dtype=object), s],
                 "filled")
    levels = g.const([column["levels"]], "levels", dtype=object)
    return g.op("Cast", [g.op("Equal", [s, levels], "is_level")], "one_hot", to=g.elem)


def blank_marks() -> list[str]:
    """The texts glassnet reads as a blank cell (``data.cells.MISSING``), as a sheet
    writes them: lower case, upper case and capitalised (``na``, ``NA``, ``Na``)."""
    marks = set()
    for mark in MISSING:
        marks.update({mark, mark.upper(), mark.capitalize(), mark.title()})
    marks.update({"NaN", "#N/A", "#NA"})
    return sorted(marks)


def _layer(g, layer, x):
    kind = type(layer).__name__
    weights = [np.asarray(w, np.float64) for w in layer.weights]
    if kind in ("Dropout", "Flatten"):
        return x
    if kind == "Normalization":
        return g.op("Div", [g.op("Sub", [x, g.const(weights[0], "offset")]),
                            g.const(weights[1], "scale")], "scaled")
    if kind == "BatchNormalization":
        named = dict(zip(layer.weight_names, weights))
        gamma = named.get("gamma", np.ones_like(named["moving_mean"]))
        beta = named.get("beta", np.zeros_like(named["moving_mean"]))
        factor = gamma / np.sqrt(named["moving_variance"] + layer.epsilon)
        shifted = g.op("Sub", [x, g.const(named["moving_mean"], "moving_mean")])
        return g.op("Add", [g.op("Mul", [shifted, g.const(factor, "bn_factor")]),
                            g.const(beta, "beta")], "normalised")
    if kind == "Dense":
        x = g.op("MatMul", [x, g.const(weights[0], "kernel")])
        if layer.use_bias:
            x = g.op("Add", [x, g.const(weights[1], "bias")], "alpha")
        return _activation(g, layer.activation, x)
    if getattr(layer, "activation", None) is not None and not layer.weights:
        return _activation(g, layer.activation, x)
    raise ConfigError(f"layer {layer.name!r} ({kind}) has no ONNX counterpart here")


def _activation(g, activation, x):
    """y = f(α) in ONNX. Built from elementary operators (Exp, Log, Abs, Relu, Min,
    Max), as glassnet writes them, because onnxruntime has Elu, Selu, Softplus, Softsign,
    HardSigmoid and LeakyRelu for float32 only."""
    config = activation.get_config()
    name = config["name"] if isinstance(config, dict) else config
    params = {k: v for k, v in config.items() if k != "name"} if isinstance(config, dict) \
        else {}
    if name == "linear":
        return x
    if name in ("sigmoid", "tanh"):
        return g.op(name.capitalize(), [x])
    if name == "relu":
        return _relu(g, x, **params)
    if name == "softmax":
        return g.op("Softmax", [x], axis=-1)
    if name == "leaky_relu":  # relu(α) + s·min(α, 0)
        return _add(g, g.op("Relu", [x]), _mul(g, _min0(g, x), activation.negative_slope))
    if name == "elu":
        return _elu(g, x, float(params.get("alpha", 1.0)))
    if name == "selu":
        return _mul(g, _elu(g, x, activation.ALPHA), activation.SCALE)
    if name == "relu6":
        return g.op("Clip", [x, g.const(0.0), g.const(6.0)])
    if name == "hard_sigmoid":  # clip(α/6 + ½, 0, 1)
        return g.op("Clip", [_add(g, _mul(g, x, 1.0 / 6.0), 0.5), g.const(0.0), g.const(1.0)])
    if name == "softplus":
        return _softplus(g, x)
    if name == "softsign":  # α / (1 + |α|)
        return g.op("Div", [x, _add(g, g.op("Abs", [x]), 1.0)])
    if name == "swish":
        return g.op("Mul", [x, g.op("Sigmoid", [x])], "swish")
    if name == "mish":
        return g.op("Mul", [x, g.op("Tanh", [_softplus(g, x)])], "mish")
    if name == "gelu":
        return _gelu(g, x, bool(params.get("approximate")))
    raise ConfigError(f"the activation {name!r} has no ONNX counterpart here")


def _add(g, x, other):
    return g.op("Add", [x, other if isinstance(other, str) else g.const(other)])


def _mul(g, x, factor):
    return g.op("Mul", [x, g.const(float(factor))])


def _min0(g, x):
    return g.op("Min", [x, g.const(0.0)])


def _elu(g, x, a):  # relu(α) + a (exp(min(α, 0)) - 1)
    return _add(g, g.op("Relu", [x]), _mul(g, _add(g, g.op("Exp", [_min0(g, x)]), -1.0), a))


def _softplus(g, x):  # log(1 + e^α) = relu(α) + log(1 + e^-|α|), without overflow
    tail = g.op("Log", [_add(g, g.op("Exp", [g.op("Neg", [g.op("Abs", [x])])]), 1.0)])
    return _add(g, g.op("Relu", [x]), tail)


def _relu(g, x, max_value=None, negative_slope=0.0, threshold=0.0):
    if negative_slope or threshold:
        raise ConfigError("a ReLU with a negative slope or threshold is not exported to ONNX")
    y = g.op("Relu", [x])
    return y if max_value is None else g.op("Min", [y, g.const(float(max_value))])


def _gelu(g, x, approximate):
    half = g.const(0.5)
    if approximate:  # ½ α (1 + tanh(√(2/π) (α + 0.044715 α³)))
        cube = g.op("Mul", [g.op("Mul", [x, x]), x])
        t = g.op("Tanh", [_mul(g, _add(g, x, _mul(g, cube, 0.044715)), np.sqrt(2.0 / np.pi))])
    else:  # ½ α (1 + erf(α / √2)); onnxruntime's Erf is float32 only
        scaled = _mul(g, x, 1.0 / np.sqrt(2.0))
        if g.dtype == np.float32:
            t = g.op("Erf", [scaled])
        else:
            single = g.op("Cast", [scaled], to=g.onnx.TensorProto.FLOAT)
            t = g.op("Cast", [g.op("Erf", [single])], to=g.elem)
    return g.op("Mul", [g.op("Mul", [x, half]), _add(g, t, 1.0)], "gelu")


def _outputs(g, model, y):
    helper, onnx_ = g.helper, g.onnx
    info = model.info or {}
    classes = info.get("class_names")
    if not classes:
        g.nodes.append(helper.make_node("Identity", [y], ["value"]))
        return [helper.make_tensor_value_info("value", g.elem, [None, model.output_dim])]
    if model.output_dim == 1:  # one logistic output: [1 - p, p]
        y = g.op("Concat", [g.op("Sub", [g.const([[1.0]]), y]), y], axis=1)
    g.nodes.append(helper.make_node("Identity", [y], ["probabilities"]))
    index = g.op("ArgMax", ["probabilities"], "index", axis=1, keepdims=0)
    names = g.const([str(c) for c in classes], "class_names", dtype=object)
    g.nodes.append(helper.make_node("Gather", [names, index], ["label"], axis=0))
    return [helper.make_tensor_value_info("label", onnx_.TensorProto.STRING, [None]),
            helper.make_tensor_value_info("probabilities", g.elem, [None, len(classes)])]
