"""The model file format: one zip of ``config.json`` and ``weights.npz``. Never pickle.

A ``.glassnet`` file (any name works) contains:

- ``config.json``: the format and glassnet version, the model's layer config, the
  compile settings, the name, shape and dtype of every weight, and the model's ``info``
  (feature and class names, preprocessing, the model spec, training settings);
- ``weights.npz``: the weights as plain arrays ``w0``, ``w1``, ... in the order of
  ``config["weights"]``, read with ``allow_pickle=False``;
- ``optimizer.npz`` (optional): the optimiser's state, to resume training.

This module reads and writes that container and checks it; it knows nothing of models
(``Sequential.save`` and ``glassnet.load_model`` turn models into it and back).
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np

from .errors import DataError
from .files import atomic_write, json_default

FORMAT = "glassnet-model"
FORMAT_VERSION = 1
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def npz_bytes(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def write(path, config: dict, weights: list, optimizer_state: dict | None = None) -> None:
    """Write a model file atomically: ``config`` (JSON-able), weight arrays in order,
    and an optional flat dict of optimiser state arrays."""
    text = json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, **config},
                      ensure_ascii=False, indent=1, default=json_default)
    arrays = {f"w{i}": w for i, w in enumerate(weights)}
    state = ({key.replace("/", "__"): np.asarray(v) for key, v in optimizer_state.items()}
             if optimizer_state else None)

    def write_zip(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("config.json", text)
            z.writestr("weights.npz", npz_bytes(arrays))
            if state:
                z.writestr("optimizer.npz", npz_bytes(state))

    atomic_write(path, write_zip)


def read(path) -> tuple[dict, list, dict | None]:
    """(config, weight arrays in order, optimiser state or None); DataError if damaged."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DataError(f"model file {path} does not exist")
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(
            f"{path} is not a glassnet model file (expected a zip archive: {exc})") from None
    with z:
        names = set(z.namelist())
        for required in ("config.json", "weights.npz"):
            if required not in names:
                raise DataError(f"{path} is not a glassnet model file: it has no {required}")
        info = z.getinfo("config.json")
        if info.file_size > MAX_CONFIG_BYTES:
            raise DataError(f"{path}: config.json is {info.file_size} bytes, more than a model "
                            "config can be")
        try:
            config = json.loads(z.read("config.json").decode("utf-8"))
        except (ValueError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise DataError(f"{path}: config.json is damaged or not JSON ({exc})") from None
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            found = config.get("format") if isinstance(config, dict) else None
            raise DataError(f"{path}: config.json does not describe a glassnet model "
                            f"(format {found!r}, expected {FORMAT!r})")
        if config.get("format_version", 0) > FORMAT_VERSION:
            raise DataError(f"{path} uses model format {config['format_version']}; this glassnet "
                            f"reads up to {FORMAT_VERSION}: upgrade glassnet")
        arrays = _read_npz(z, "weights.npz", path)
        state = _read_npz(z, "optimizer.npz", path) if "optimizer.npz" in names else None
    entries = config.get("weights", [])
    if len(arrays) != len(entries):
        raise DataError(f"{path}: weights.npz holds {len(arrays)} arrays, config.json lists "
                        f"{len(entries)}")
    weights = []
    for i, entry in enumerate(entries):
        if f"w{i}" not in arrays:
            raise DataError(f"{path}: weights.npz has no array for {entry.get('name', i)}")
        weights.append(arrays[f"w{i}"])
    if state is not None:
        state = {key.replace("__", "/"): value for key, value in state.items()}
    return config, weights, state


def _read_npz(z, member, path):
    try:
        with np.load(io.BytesIO(z.read(member)), allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except ValueError as exc:  # object arrays need pickle: refuse them
        raise DataError(f"{path}: {member} holds something other than plain arrays "
                        f"({exc}); refusing to load it") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"{path}: {member} is damaged ({exc})") from None


__all__ = ["FORMAT", "FORMAT_VERSION", "npz_bytes", "read", "write"]
