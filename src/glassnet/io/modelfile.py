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
import struct
import zipfile
import zlib

import numpy as np

from ..base.errors import ModelFileError
from .files import atomic_write, json_default
from .modelcheck import FORMAT, FORMAT_VERSION, MAX_CONFIG_BYTES, check_config


def npz_bytes(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def write(path, config: dict, weights: list, optimizer_state: dict | None = None) -> None:
    """Write a model file atomically: ``config`` (JSON-able), weight arrays in order,
    and an optional flat dict of optimiser state arrays."""
    try:  # Infinity and NaN are not JSON: a file glassnet could not read back
        text = json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, **config},
                          ensure_ascii=False, indent=1, default=json_default, allow_nan=False)
    except ValueError as exc:
        raise ModelFileError(f"cannot write {os.fspath(path)}: the model's settings or info "
                             f"hold a number that is not finite ({exc})") from None
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


# Limits a model file is checked against before anything is read or allocated.
MAX_MEMBERS = 16
MAX_RATIO = 20  # declared size / compressed size: random weights deflate by ~1.1
RATIO_SLACK = 32 * 1024 * 1024  # ... and a model of mostly zeros is still fine up to this
MAX_ARRAY_BYTES = 4 * 1024**3
MAX_JSON_DEPTH = 32
MAX_HEADER = 10000
_DAMAGE = (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error, NotImplementedError,
           RuntimeError, struct.error, KeyError, IndexError, OverflowError)


def read(path) -> tuple[dict, list, dict | None]:
    """(config, weight arrays in order, optimiser state or None).

    Everything is checked before it is read: the zip members' flags and declared sizes,
    the compression ratio, every field of ``config.json``, and each ``.npy`` header
    (dtype, shape, size) against the config. Any fault is a ``ModelFileError`` that
    names the file and the fault.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ModelFileError(f"model file {path} does not exist"
                             + (" (it is a folder)" if os.path.isdir(path) else ""))
    try:
        z = zipfile.ZipFile(path)
    except _DAMAGE as exc:
        raise ModelFileError(
            f"{path} is not a glassnet model file (expected a zip archive: {exc})") from None
    with z:
        members = _check_members(z, path)
        config = _read_config(z, members["config.json"], path)
        weights = _read_weights(z, members["weights.npz"], config, path)
        state = None
        if "optimizer.npz" in members:
            state = _read_state(z, members["optimizer.npz"], weights, path)
    return config, weights, state


def _fault(path, text) -> ModelFileError:
    return ModelFileError(f"{path}: {text}")


def _check_members(z, path) -> dict:
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _fault(path, f"the archive has {len(infos)} members; a model file has 2 or 3")
    members = {}
    for info in infos:
        if info.filename not in ("config.json", "weights.npz", "optimizer.npz"):
            continue
        _check_member(info, path, info.filename)
        members[info.filename] = info
    for required in ("config.json", "weights.npz"):
        if required not in members:
            raise ModelFileError(f"{path} is not a glassnet model file: it has no {required}")
    if members["config.json"].file_size > MAX_CONFIG_BYTES:
        raise _fault(path, f"config.json declares {members['config.json'].file_size} bytes, "
                     f"more than a model config can be ({MAX_CONFIG_BYTES})")
    return members


def _check_member(info, path, where) -> None:
    """Flags and declared sizes of one zip member, before a byte of it is inflated."""
    if info.flag_bits & 0x1:
        raise _fault(path, f"{where} is encrypted; glassnet model files never are")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _fault(path, f"{where} uses compression method {info.compress_type}; glassnet "
                     "writes only stored or deflated members")
    if info.file_size > MAX_ARRAY_BYTES:
        raise _fault(path, f"{where} declares {info.file_size} bytes, more than the "
                     f"{MAX_ARRAY_BYTES} a model file may hold")
    if info.file_size > info.compress_size * MAX_RATIO + RATIO_SLACK:
        raise _fault(path, f"{where} would inflate {info.compress_size} bytes to "
                     f"{info.file_size} (a compression bomb?); refusing to read it")


def _read_config(z, info, path) -> dict:
    try:
        text = z.read(info).decode("utf-8")
        config = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _fault(path, "config.json is nested too deeply to be a model config") from None
    except _DAMAGE as exc:
        raise _fault(path, f"config.json is damaged or not JSON ({exc})") from None
    if _depth(config) > MAX_JSON_DEPTH:
        raise _fault(path, f"config.json is nested more than {MAX_JSON_DEPTH} levels deep; a "
                     "model config is not")
    check_config(config, path)
    return config


def _no_constant(name):
    raise ValueError(f"{name} is not a number a model file may hold")


def _depth(value) -> int:
    """Nesting depth of a JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _read_weights(z, info, config, path) -> list:
    entries = config["weights"]
    needed = sum(_nbytes(e["shape"], e["dtype"]) for e in entries)
    if needed > info.file_size:
        raise _fault(path, f"config.json lists {needed} bytes of weights but weights.npz "
                     f"declares only {info.file_size}")
    arrays = _read_npz(z, info, path, {f"w{i}": (tuple(e["shape"]), e["dtype"], e["name"])
                                       for i, e in enumerate(entries)})
    return [arrays[f"w{i}"] for i in range(len(entries))]


def _read_state(z, info, weights, path) -> dict:
    """Optimiser state: ``iterations`` and per-weight moments ``<i>__<name>`` (``i``
    counts the trainable weights); every value finite, the step count a non-negative
    integer. The optimiser checks the shapes when it takes the state."""
    arrays = _read_npz(z, info, path, None, len(weights))
    state = {}
    for key, value in arrays.items():
        if key == "iterations":
            if value.shape != () or value.dtype.kind not in "iu" or int(value) < 0:
                raise _fault(path, "optimizer.npz: iterations must be a non-negative integer, "
                             f"got {value!r}")
            state[key] = value
            continue
        index, _, name = key.partition("__")
        if not (index.isdigit() and name and int(index) < len(weights)):
            raise _fault(path, f"optimizer.npz: {key!r} does not name a weight's state "
                         "(expected <weight number>__<name>)")
        if value.dtype.kind != "f" or not np.isfinite(value).all():
            raise _fault(path, f"optimizer.npz: {key} must hold finite floats")
        state[f"{index}/{name}"] = value
    return state


def _nbytes(shape, dtype) -> int:
    return int(np.prod(shape, dtype=object)) * np.dtype(dtype).itemsize


def _read_npz(z, info, path, expected, n_weights=0) -> dict:
    """Arrays of an inner ``.npz``; each ``.npy`` header is read and checked first.

    ``expected`` maps array names to (shape, dtype, weight name); None accepts any
    float or integer array (optimizer state), at most ``4 * n_weights + 1`` of them.
    """
    member = info.filename
    try:
        inner = zipfile.ZipFile(io.BytesIO(z.read(info)))
        with inner:
            infos = inner.infolist()
            limit = len(expected) if expected is not None else 4 * n_weights + 1
            if len(infos) > limit:
                raise _fault(path, f"{member} holds {len(infos)} arrays, expected at most "
                             f"{limit}")
            arrays = {}
            for item in infos:
                name = item.filename.removesuffix(".npy")
                where = f"{member}/{item.filename}"
                _check_member(item, path, where)
                with inner.open(item) as f:
                    shape, dtype, offset = _npy_header(f, path, where)
                want = None if expected is None else expected.get(name)
                if expected is not None and want is None:
                    raise _fault(path, f"{member} holds an array {name!r} that config.json "
                                 "does not list")
                if want is not None and (shape != want[0] or dtype != np.dtype(want[1])):
                    raise _fault(path, f"weight {want[2]} must be {want[1]} of shape "
                                 f"{want[0]} as config.json says, {member} holds {dtype} of "
                                 f"shape {shape}")
                if dtype.kind not in "fiu" or dtype.hasobject:
                    raise _fault(path, f"{where} holds {dtype} values; expected numbers")
                if offset + _nbytes(shape, dtype) != item.file_size:
                    raise _fault(path, f"{where} declares shape {shape} of {dtype} but holds "
                                 f"{item.file_size - offset} bytes of data")
                with inner.open(item) as f:
                    arrays[name] = np.lib.format.read_array(f, allow_pickle=False)
    except ModelFileError:
        raise
    except _DAMAGE as exc:
        raise _fault(path, f"{member} is damaged ({type(exc).__name__}: {exc})") from None
    if expected is not None:
        missing = [want[2] for key, want in expected.items() if key not in arrays]
        if missing:
            raise _fault(path, f"weights.npz has no array for {', '.join(missing)}")
    return arrays


def _npy_header(f, path, where):
    """(shape, dtype, header length) of an ``.npy`` stream, read without the data."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f, MAX_HEADER)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f, MAX_HEADER)
    else:
        raise _fault(path, f"{where} has .npy format {version}, not one NumPy writes")
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise _fault(path, f"{where} declares an invalid shape {shape!r}")
    if dtype.hasobject:
        raise _fault(path, f"{where} holds Python objects; refusing to load it (it would "
                     "need pickle)")
    if _nbytes(shape, dtype) > MAX_ARRAY_BYTES:
        raise _fault(path, f"{where} declares shape {shape} of {dtype}, more than "
                     f"{MAX_ARRAY_BYTES} bytes")
    return tuple(shape), dtype, f.tell()


__all__ = ["FORMAT", "FORMAT_VERSION", "npz_bytes", "read", "write"]
