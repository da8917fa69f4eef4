"""The files the page offers: model, coefficient tables, predictions, report, Python.

Everything is built in memory (or in a temporary folder that is removed at once) and
handed to the server as bytes; no path from the page is ever read or written.
"""

from __future__ import annotations

import os
import pprint
import tempfile


def model_bytes(model) -> bytes:
    """The model in glassnet's own file format (a zip of JSON and .npz; no pickle)."""
    with tempfile.TemporaryDirectory(prefix="glassnet-playground-") as folder:
        path = os.path.join(folder, "model.glassnet")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()


def _csv(header, rows, data=None) -> bytes:
    """A CSV in the conventions of the uploaded file ``data`` came from (its delimiter
    and decimal mark; UTF-8 with a BOM), as the command line writes its files."""
    from ..io.files import csv_bytes, output_dialect

    return csv_bytes(header, rows, output_dialect(getattr(data, "info", None)))


def coefficients_csv(model, data=None) -> bytes:
    """Seed 000's Table 66 for every Dense layer, stacked: layer, cell, bias, weights."""
    from ..data.exports import coefficient_tables

    tables = coefficient_tables(model)
    width = max(len(t["header"]) for t in tables)
    rows = []
    for table in tables:
        rows.append(["layer", *table["header"], *[""] * (width - len(table["header"]))])
        for row in table["rows"]:
            rows.append([f"{table['layer']} ({table['activation']})", *row])
        rows.append([])
    return _csv(["coefficients per cell, bias first"], rows, data)


def predictions_csv(model, data, is_train) -> bytes:
    """Every row: its part, the inputs, the true target, the prediction(s)."""
    from ..data.exports import prediction_table

    header, rows, _ = prediction_table(model, data.feature_names, data.features)
    truth = data.label_text() if data.is_classification else list(data.labels[:, 0])
    out = [["training" if t else "validation", i + 1, *row, truth[i]]
           for i, (row, t) in enumerate(zip(rows, is_train))]
    return _csv(["part", "row", *header, f"{data.target_name} (true)"], out, data)


def report_html(model, train, validation, settings) -> bytes:
    """glassnet's one-file HTML report of the current state (figures included)."""
    from ..report import write_run

    with tempfile.TemporaryDirectory(prefix="glassnet-playground-") as folder:
        paths = write_run(folder, model, train, validation, model.history,
                          settings=settings, title="glassnet playground: current state")
        with open(paths["report"], "rb") as f:
            return f.read()


def python_code(state: dict, spec_dict: dict, upload_name: str | None) -> str:
    """The glassnet program that trains the same network on the same data."""
    data = state.get("data") or {}
    lines = ["import glassnet", "from glassnet.spec import ModelSpec, train", ""]
    if data.get("source") == "upload":
        args = [repr(upload_name or "your-data.csv"), f"target={data.get('target', -1)!r}"]
        if data.get("sheet"):
            args.append(f"sheet={data['sheet']!r}")
        if data.get("features"):
            args.append(f"features={data['features']!r}")
        if data.get("missing", "error") != "error":
            args.append(f"missing={data['missing']!r}")
        lines.append(f"data = glassnet.load_csv({', '.join(args)})")
    else:
        from .setup import BUILTIN_PARAMS

        name = data.get("name", "sample2")
        params = [f"{arg}={data[key]!r}" for key, arg in BUILTIN_PARAMS.get(name, {}).items()
                  if data.get(key) is not None]
        lines.append(f"data = glassnet.datasets.load({', '.join([repr(name), *params])})")
    split = state.get("split") or {}
    share = split.get("validation") or 0.0
    if share and split.get("method", "ratio") == "ratio":
        lines.append(f"train_part, validation = glassnet.training_ratio(data, {1 - share:.6g})")
    elif share:
        lines.append(f"train_part, validation = glassnet.train_test_split(data, {share!r}, "
                     f"stratify=data.is_classification, seed={split.get('seed', 0)!r})")
    else:
        lines.append("train_part, validation = data, None")
    text = pprint.pformat(spec_dict, sort_dicts=False, width=88)
    lines += ["", f"spec = ModelSpec.from_dict({text})",
              "model, history = train(spec, train_part, validation)",
              "print(history.history['loss'][-1])",
              "model.save('playground.glassnet')"]
    return "\n".join(lines) + "\n"


__all__ = ["coefficients_csv", "model_bytes", "predictions_csv", "python_code",
           "report_html"]
