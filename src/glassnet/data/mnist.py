"""MNIST: Keras's ``mnist.npz`` or the four IDX files, from a path, ``$GLASSNET_DATA``,
the user cache, or (when online) a checksum-verified download into the cache."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request

import numpy as np

from ..base.errors import DataError

#: The file Keras distributes, and its SHA-256.
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "glassnet")


def _read_npz(path):
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in IDX_FILES}
    except KeyError as exc:
        raise DataError(f"{path}: not a Keras-layout mnist.npz (missing {exc})") from None
    except (ValueError, OSError) as exc:
        raise DataError(f"{path}: cannot read it as an .npz file ({exc})") from None
    return arrays


def read_idx(path) -> np.ndarray:
    """Read one IDX file (optionally gzipped): big-endian dims after a type/rank magic."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DataError(f"{path}: not an IDX file of unsigned bytes (bad magic number)")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if body.size != int(np.prod(dims)):
        raise DataError(f"{path}: header says {dims} values, file holds {body.size}")
    return body.reshape(dims)


def _read_idx_dir(folder):
    arrays = {}
    for key, name in IDX_FILES.items():
        for candidate in (name, name + ".gz", name.replace("-idx", ".idx")):
            path = os.path.join(folder, candidate)
            if os.path.exists(path):
                arrays[key] = read_idx(path)
                break
        else:
            return None
    return arrays


def _find(path):
    """An .npz file or a folder with mnist.npz or the IDX files -> arrays, or None."""
    if os.path.isfile(path):
        return _read_npz(path)
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, "mnist.npz")):
            return _read_npz(os.path.join(path, "mnist.npz"))
        return _read_idx_dir(path)
    return None


def download(url=MNIST_URL, sha256=MNIST_SHA256, folder=None) -> str:
    """Download ``url`` into the cache, verify its SHA-256, and return the file's path."""
    folder = folder or cache_dir()
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, "mnist.npz")
    handle, tmp = tempfile.mkstemp(prefix=".download-", dir=folder)
    try:
        if hasattr(os, "fchmod"):
            from ..io.files import file_mode

            os.fchmod(handle, file_mode())  # a shared cache: readable as the umask allows
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise DataError(f"downloaded {url} but its SHA-256 is {digest.hexdigest()}, "
                            f"expected {sha256}; the file was discarded")
        shutil.move(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target


def load_mnist(path=None, flatten=False, scale=False, download_missing=True, url=MNIST_URL,
               sha256=MNIST_SHA256):
    """Return ``(x_train, y_train), (x_test, y_test)`` as Keras does.

    Looks in ``path`` (an ``.npz`` file, or a folder with ``mnist.npz`` or the four IDX
    files), then ``$GLASSNET_DATA``, then the user cache; if none has it, downloads
    the official file into the cache (checking its SHA-256), and otherwise fails with a
    message that says where to put the file. ``flatten`` gives 784-long rows and
    ``scale`` float32 values in [0, 1].
    """
    places = [p for p in (path, os.environ.get("GLASSNET_DATA"), cache_dir()) if p]
    if path is not None and not os.path.exists(path):
        raise DataError(f"{path}: no such file or folder; expected mnist.npz or a folder "
                        "holding it or the four IDX files")
    arrays = None
    for place in places:
        arrays = _find(os.fspath(place))
        if arrays is not None:
            break
    if arrays is None and download_missing:
        try:
            arrays = _read_npz(download(url, sha256))
        except (OSError, ValueError) as exc:
            if isinstance(exc, DataError) and "SHA-256" in str(exc):
                raise
            raise DataError(
                "MNIST not found and could not be downloaded "
                f"({type(exc).__name__}: {exc}); put mnist.npz (Keras layout) or the four IDX "
                f"files in {cache_dir()}, or set GLASSNET_DATA to their folder, or pass "
                "path=...") from None
    if arrays is None:
        raise DataError(f"MNIST not found in {', '.join(map(str, places))}; put mnist.npz "
                        f"there or pass path=...")
    x_train, y_train, x_test, y_test = (arrays[k] for k in IDX_FILES)
    if flatten:
        x_train = x_train.reshape(len(x_train), -1)
        x_test = x_test.reshape(len(x_test), -1)
    if scale:
        x_train = x_train.astype(np.float32) / np.float32(255)
        x_test = x_test.astype(np.float32) / np.float32(255)
    return (x_train, y_train), (x_test, y_test)


def is_image_source(source) -> bool:
    """Whether DATA names image data: 'mnist', an .npz file, an IDX file, or a folder
    holding mnist.npz or the four IDX files."""
    source = os.fspath(source)
    if source == "mnist" and not os.path.exists(source):
        return True
    if os.path.isfile(source):
        return source.endswith(".npz") or "idx" in os.path.basename(source)
    return os.path.isdir(source) and _find_quietly(source)


def _find_quietly(folder):
    return (os.path.isfile(os.path.join(folder, "mnist.npz"))
            or all(any(os.path.exists(os.path.join(folder, n + ext)) for ext in ("", ".gz"))
                   for n in IDX_FILES.values()))


def image_dataset(source="mnist"):
    """MNIST-layout images (Keras ``mnist.npz``, the four IDX files, or 'mnist' from
    ``$GLASSNET_DATA``, the cache or a download) as one ``Dataset``: the training
    images, then the test images (``info["test_rows"]`` of them), each flattened to
    ``px0 .. px783`` in [0, 1], with ``info["image_shape"]`` for the figures."""
    from .dataset import Dataset

    source = os.fspath(source)
    path = None if source == "mnist" and not os.path.exists(source) else source
    if path and os.path.isfile(path) and not path.endswith(".npz"):
        path = os.path.dirname(os.path.abspath(path))  # one IDX file: its folder
    (x, y), (xt, yt) = load_mnist(path, flatten=False, scale=False)
    if x.ndim < 2 or xt.shape[1:] != x.shape[1:] or len(y) != len(x) or len(yt) != len(xt):
        raise DataError(f"{source}: expected images x_train (n, height, width) with labels "
                        f"y_train (n,), and x_test/y_test alike; got {x.shape}, {y.shape}, "
                        f"{xt.shape}, {yt.shape}")
    shape = list(x.shape[1:])
    features = np.concatenate([x.reshape(len(x), -1), xt.reshape(len(xt), -1)])
    features = features.astype(np.float32) / np.float32(255 if features.dtype == np.uint8 else 1)
    labels = np.concatenate([y, yt]).astype(np.intp)
    classes = np.unique(labels)
    if classes.min() < 0 or classes.max() > 255:
        raise DataError(f"{source}: labels must be class numbers 0, 1, 2, ...; found "
                        f"{classes.min()} .. {classes.max()}")
    names = [str(k) for k in range(int(classes.max()) + 1)]
    return Dataset(features, labels, [f"px{i}" for i in range(features.shape[1])], names,
                   "digit" if source == "mnist" or "mnist" in source.lower() else "class",
                   "mnist" if path is None else source,
                   {"description": f"{len(x)} training and {len(xt)} test images of "
                                   f"{'x'.join(map(str, shape))} pixels",
                    "image_shape": shape, "test_rows": len(xt)})
