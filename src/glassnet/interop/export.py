"""``model.export(path)`` / ``glassnet export MODEL --to FORMAT --out FILE``."""

from __future__ import annotations

import os

from ..base.errors import ConfigError
from ..io.files import write_bytes

FORMATS = {"onnx": ".onnx", "keras": ".keras"}


def format_of(path, to=None) -> str:
    """The format asked for (``to``) or named by the file's extension."""
    if to is not None:
        if to not in FORMATS:
            raise ConfigError(f"export format must be one of {', '.join(FORMATS)}, got {to!r}")
        return to
    extension = os.path.splitext(os.fspath(path))[1].lower()
    for name, suffix in FORMATS.items():
        if extension == suffix:
            return name
    raise ConfigError(f"{os.fspath(path)}: say the format (to='onnx' or 'keras'), or end the "
                      "file name in .onnx or .keras")


def export(model, path, to=None) -> list[str]:
    """Write ``model`` as ONNX (the table's preprocessing inside) or as a Keras file;
    return notes on what changed on the way (each one sentence)."""
    kind = format_of(path, to)
    if not os.fspath(path).lower().endswith(FORMATS[kind]):
        raise ConfigError(f"{os.fspath(path)}: an {kind} file's name must end in "
                          f"{FORMATS[kind]!r}")
    if kind == "onnx":
        from .onnx_graph import build

        write_bytes(path, build(model).SerializeToString())
        return []
    from .keras_file import write

    notes = _check_keras(model)
    return write(model, path) + notes


def _check_keras(model) -> list[str]:
    """A Keras file holds the network alone: a model whose inputs include one-hot text
    levels or missing-value indicators is refused with a pointer to ONNX; blank-cell
    fills that stay behind are said in a note."""
    plan = (model.info or {}).get("columns") or {}
    inputs = plan.get("inputs", [])
    text = [c["name"] for c in inputs if c.get("kind") == "category"]
    flagged = [c["name"] for c in inputs if c.get("indicator")]
    behind = []
    if text:
        behind.append(f"the text columns {', '.join(map(repr, text))} (their one-hot levels)")
    if flagged:
        behind.append(f"the missing-value indicators of {', '.join(map(repr, flagged))}")
    if behind:
        raise ConfigError("a .keras file holds the network alone; " + " and ".join(behind)
                          + " would stay behind. Export to ONNX (--to onnx), which carries "
                          "the whole table pipeline")
    if plan.get("missing") in ("mean", "median", "most-frequent"):
        return [f"blank cells are not filled in the .keras file (the model fills them with "
                f"the training rows' {plan['missing']}); give complete rows, or export to "
                "ONNX, which fills them"]
    return []
