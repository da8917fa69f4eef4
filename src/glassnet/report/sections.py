"""The report's words about a run: the data story, the settings that mattered, and the
coefficients in both scales (as learnt on scaled inputs, and in the data's own units).

``settings`` is the command line's choices as a dict (``ModelSpec.to_dict()`` plus
``training_ratio``, ``test_split``, ``validation``, ``encoding`` ...; dashes or
underscores); anything missing is simply not shown.
"""

from __future__ import annotations

import os

import numpy as np

from ..base.i18n import N_, _, ngettext

DELIMITERS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("bar")}
LOSSES = {"categorical_crossentropy": N_("cross-entropy (categorical)"),
          "binary_crossentropy": N_("cross-entropy (binary)"),
          "mean_squared_error": N_("mean squared error"),
          "mean_absolute_error": N_("mean absolute error")}


def data_story(train, test, settings: dict) -> dict:
    """Where the rows came from, which were skipped and why, and how they were split."""
    info = train.info or {}
    settings = _plain_keys(settings)
    source = train.source or ""
    story = {_("Data"): (_("{name} (built-in)").format(name=source.removeprefix("builtin:"))
                         if source.startswith("builtin:") else
                         os.path.basename(source) if source else _("(in memory)"))}
    if info.get("description"):
        story[_("Description")] = info["description"]
    if info.get("sheet"):
        sheets = info.get("sheets") or [info["sheet"]]
        story[_("Sheet")] = (_("{sheet} ({number} of {count}: {sheets})").format(
            sheet=info["sheet"], number=sheets.index(info["sheet"]) + 1, count=len(sheets),
            sheets=", ".join(sheets)) if info["sheet"] in sheets else info["sheet"])
    if info.get("encoding"):
        given = settings.get("encoding")
        story[_("Encoding")] = (_("{encoding} (given)") if given else
                                _("{encoding} (detected)")).format(encoding=info["encoding"])
    if info.get("delimiter"):
        story[_("Delimiter")] = _(DELIMITERS.get(info["delimiter"], repr(info["delimiter"])))
    if info.get("decimal") == ",":
        story[_("Decimal mark")] = _("comma (10,5), also in the files written")
    if (info.get("header_line") or 1) > 1:
        story[_("Header")] = (
            _("row {line} of the sheet (the rows above it were taken for a title)")
            if info.get("sheet") else
            _("line {line} (the lines above it were taken for a title)")).format(
                line=info["header_line"])
    used = len(train) + len(test)
    skipped = _skipped(info)
    if "encoding" in info:  # a file was read
        read = used + sum(n for n, _reason in skipped)
        story[_("Rows read")] = ngettext("{n} data row", "{n} data rows", read).format(n=read)
        story[_("Rows skipped")] = ([_("{reason}: {n}").format(n=n, reason=r) for n, r in skipped]
                                    or _("none"))
        if info.get("blank_lines"):
            story[_("Blank lines passed over")] = str(info["blank_lines"])
    filled = _filled(train, test)
    if filled:
        story[_("Blank cells filled")] = filled
    story[_("Split")] = _split_text(train, test, settings)
    story[_("Inputs")] = list(train.feature_names)
    if getattr(train, "id_names", None):
        story[_("ID columns (carried, not inputs)")] = list(train.id_names)
    ignored = (info.get("columns") or {}).get("ignored")
    if ignored:
        story[_("Ignored columns")] = list(ignored)
    if train.is_classification:
        story[_("Target")] = ngettext("{name}: {n} class", "{name}: {n} classes",
                                      train.n_classes).format(name=train.target_name,
                                                              n=train.n_classes)
        story[_("Classes")] = [str(c) for c in train.class_names]
    else:
        story[_("Target")] = _("{name} (a number)").format(name=train.target_name)
    return story


def _plain_keys(settings) -> dict:
    return {str(k).replace("-", "_"): v for k, v in (settings or {}).items()}


def _filled(train, test) -> list[str]:
    """'面積: 12 cells (training rows' median)' per column whose blanks were filled."""
    missing = train.info.get("missing") or {}
    rule = missing.get("rule")
    counts = dict(missing.get("filled") or {})
    for name, n in ((test.info.get("missing") or {}).get("filled") or {}).items():
        counts[name] = counts.get(name, 0) + n
    what = {"mean": _("the training rows' mean"), "median": _("the training rows' median"),
            "most-frequent": _("the training rows' most frequent value")}.get(rule, "")
    return [ngettext("{name}: {n} cell, with {what}", "{name}: {n} cells, with {what}",
                     n).format(name=name, n=n, what=what) for name, n in counts.items()]


def _skipped(info):
    """(count, reason) for every kind of row left out while reading."""
    out = []
    missing = info.get("missing") or {}
    if missing.get("dropped_rows"):
        out.append((missing["dropped_rows"], _("rows with empty cells (missing: drop)")))
    if missing.get("no_target"):
        out.append((missing["no_target"], _("rows with a blank target")))
    if info.get("rows_dropped") and not missing:  # a reader that counts only rows
        out.append((info["rows_dropped"], _("rows with empty cells (missing: drop)")))
    for reason, n in (info.get("skipped") or {}).items():  # other readers' reasons
        if n:
            out.append((n, str(reason)))
    return out


def _split_text(train, test, settings):
    n_train, n_test = len(train), len(test)
    counts = _("{train} training rows, {test} test rows").format(train=n_train, test=n_test)
    ratio = settings.get("training_ratio", 1.0) or 1.0
    share = settings.get("test_split") or 0.0
    if settings.get("validation"):
        how = _("validation data from {file}").format(
            file=os.path.basename(str(settings["validation"])))
    elif share:
        how = _("{percent} drawn at random as test data (also used as validation "
                "data)").format(percent=f"{share * 100:g}\u00a0%")
    elif ratio < 1.0:
        how = _("the first {percent} of the rows train, the rest test").format(
            percent=f"{ratio * 100:g}\u00a0%")
    else:
        how = _("every row trains; no test data")
    return f"{counts}: {how}" if n_test or ratio < 1.0 or share else how


def settings_cards(model, settings: dict, history) -> dict:
    """The choices that shaped the model, in words, with what was actually used."""
    settings = _plain_keys(settings)
    cards = {_("Network"): network_text(model)}
    scaling = _scaling_layer(model)
    if scaling is not None:
        cards[_("Input scaling")] = (_("standardised: (x - mean) / SD of the training rows")
                                     if scaling.method == "standard" else
                                     _("min-max: (x - min) / (max - min) of the training rows"))
    else:
        cards[_("Input scaling")] = _("none")
    cards[_("Loss")] = _(LOSSES.get(model.loss.name, model.loss.name))
    cards[_("Optimiser")] = _optimizer_text(model.optimizer)
    planned = settings.get("epochs")
    run = len(history.epoch)
    epochs = str(run) if planned in (None, run) else _("{run} of {planned}").format(
        run=run, planned=planned)
    if getattr(history, "stop_reason", None):
        epochs += " (" + _("stopped early: {reason}").format(
            reason=str(history.stop_reason).replace("_", " ")) + ")"
    cards[_("Epochs")] = epochs
    if "batch_size" in settings:
        batch = settings["batch_size"]
        cards[_("Batch size")] = (_("all rows (batch gradient descent)")
                                  if batch in (None, "full") else str(batch))
    penalties = [f"{k.upper()} {settings[k]:g}" for k in ("l1", "l2") if settings.get(k)]
    if settings.get("dropout"):
        penalties.append(_("dropout {rate}").format(rate=f"{settings['dropout']:g}"))
    if settings.get("batch_norm"):
        penalties.append(_("batch normalisation"))
    if settings.get("early_stopping") is not None:
        penalties.append(_("early stopping after {n} epochs without improvement").format(
            n=settings["early_stopping"]))
    cards[_("Regularisation")] = ", ".join(penalties) or _("none")
    weights = settings.get("class_weight")
    if weights:
        cards[_("Class weights")] = (_("balanced: n / (classes × rows of the class)")
                                     if weights == "balanced" else
                                     ", ".join(f"{k} {v:g}" for k, v in weights.items()))
    if settings.get("gradient") == "numerical":
        cards[_("Gradients")] = _("numerical differentiation")
    if settings.get("seed") is not None:
        cards[_("Random seed")] = str(settings["seed"])
    return cards


def network_text(model) -> str:
    """'2 inputs → 2 sigmoid → 5 softmax'."""
    from ..engine.layers import Dense

    parts = [ngettext("{n} input", "{n} inputs", model.input_dim).format(n=model.input_dim)]
    parts += [f"{layer.units} {layer.activation.name}" for layer in model.layers
              if isinstance(layer, Dense)]
    return " → ".join(parts)


def _optimizer_text(optimizer) -> str:
    config = optimizer.get_config()
    name = type(optimizer).__name__
    text = name + ", " + _("learning rate {rate}").format(rate=f"{optimizer.learning_rate:g}")
    if config.get("momentum"):
        text += ", " + _("momentum {m}").format(m=f"{config['momentum']:g}")
    if config.get("nesterov"):
        text += " (Nesterov)"
    return text


def _scaling_layer(model):
    from ..engine.layers import Normalization

    for layer in model.layers:
        if isinstance(layer, Normalization):
            return layer
    return None


def original_units(model):
    """The first Dense layer rewritten for unscaled inputs, or None when there is nothing
    to rewrite (no scaling layer directly in front of it).

    With x' = (x - m) / s before y = x'·W + b (m, s the scaling layer's offset and
    scale: mean and SD, or min and range):

        y = x·(W / s) + (b - Σ_i W_i m_i / s_i)

    Returns (kernel, bias, offset, scale, layer, method).

    >>> from glassnet import Sequential
    >>> from glassnet.layers import Dense, Normalization
    >>> import numpy as np
    >>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> norm = Normalization(); norm.adapt(x)
    >>> model = Sequential([norm, Dense(1)], seed=0, dtype="float64"); model.build(2)
    >>> kernel, bias, *_ = original_units(model)
    >>> np.allclose(x @ kernel + bias, model.predict(x))
    True
    """
    from ..engine.layers import Dense, Normalization

    layers = model.layers
    for first, second in zip(layers, layers[1:]):
        if isinstance(first, Normalization) and isinstance(second, Dense):
            offset, scale = (np.asarray(w, dtype=float) for w in first.weights)
            kernel = np.asarray(second.kernel, dtype=float)
            bias = (np.asarray(second.bias, dtype=float) if second.use_bias
                    else np.zeros(second.units))
            return (kernel / scale[:, None], bias - (kernel * (offset / scale)[:, None]).sum(0),
                    offset, scale, second, first.method)
        if isinstance(first, Dense):
            return None
    return None
