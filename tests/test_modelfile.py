"""Hostile and damaged model files: checked before anything is allocated, every fault a
ModelFileError naming the file and the fault, memory bounded."""

import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest
from glassnet.layers import Dense

import glassnet
from glassnet import DataError, ModelFileError, Sequential, load_model

MB = 1024 * 1024


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A small compiled, trained model file and its members."""
    model = Sequential([Dense(3, "tanh"), Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("adam", "categorical_crossentropy")
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    model.fit(x, np.eye(2)[[0, 1, 0, 1]], epochs=2, verbose=0)
    model.info.update(feature_names=["a", "b"], class_names=["no", "yes"], target_name="t")
    path = tmp_path_factory.mktemp("model") / "m.glassnet"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def build(tmp_path, members, name="hostile.glassnet", infos=None):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr((infos or {}).get(member, member), data)
    return path


def config_with(saved, change):
    config = json.loads(saved["config.json"])
    change(config)
    return json.dumps(config)


def load_bounded(path, match, limit=40 * MB):
    """load_model fails with ModelFileError naming ``path`` and ``match``, using less
    than ``limit`` bytes of Python memory on the way."""
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=match) as error:
            load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error.value).startswith(str(path)), error.value
    assert peak < limit, f"peak {peak / MB:.0f} MB"
    return str(error.value)


def test_model_file_error_is_a_data_error_exported_from_glassnet():
    assert issubclass(ModelFileError, DataError) and glassnet.ModelFileError is ModelFileError


def test_a_compression_bomb_is_refused_before_inflating(tmp_path, saved):
    path = tmp_path / "bomb.glassnet"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", saved["config.json"])
        with z.open("weights.npz", "w", force_zip64=True) as f:
            chunk = bytes(MB)
            for _ in range(200):  # 200 MB of zeros deflate to ~200 KB
                f.write(chunk)
    load_bounded(path, r"weights.npz would inflate 2\d+ bytes to 209715200 \(a compression bomb")


def npy_with_header(shape, descr="<f4", data=b""):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue() + data


def npz(**arrays_or_bytes):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, value in arrays_or_bytes.items():
            z.writestr(f"{name}.npy", value)
    return buffer.getvalue()


def test_an_npy_header_declaring_a_huge_array_is_refused_before_allocating(tmp_path, saved):
    huge = npz(**{f"w{i}": npy_with_header((10**12,)) for i in range(4)})
    path = build(tmp_path, {**saved, "weights.npz": huge})
    load_bounded(path, r"w0.npy declares shape \(1000000000000,\) of float32, more than")


def test_an_npy_header_that_disagrees_with_its_data_is_refused(tmp_path, saved):
    with zipfile.ZipFile(io.BytesIO(saved["weights.npz"])) as z:
        arrays = {n.removesuffix(".npy"): z.read(n) for n in z.namelist()}
    arrays["w0"] = npy_with_header((2, 3), data=bytes(8))  # declares 24 bytes, holds 8
    path = build(tmp_path, {**saved, "weights.npz": npz(**arrays)})
    load_bounded(path, r"declares shape \(2, 3\) of float32 but holds 8 bytes")


@pytest.mark.parametrize("units, message", [
    (10**9, r"model.layers\[0\].config.units must be an integer from 1 to 10000000, got "
            r"1000000000"),
    (10**6, r"the layers in config.json need at least 4000000 weights, the file lists 17"),
])
def test_a_config_declaring_enormous_layers_is_refused_before_building(tmp_path, saved, units,
                                                                        message):
    def change(config):
        config["model"]["layers"][0]["config"]["units"] = units

    path = build(tmp_path, {**saved, "config.json": config_with(saved, change)})
    load_bounded(path, message)


def test_deeply_nested_json_is_refused(tmp_path, saved):
    for depth in (100_000, 500):
        text = '{"format": "glassnet-model", "x": ' + "[" * depth + "]" * depth + "}"
        path = build(tmp_path, {**saved, "config.json": text}, f"deep{depth}.glassnet")
        load_bounded(path, "nested (too|more than 32 levels) deep")


def test_flipped_bits_are_a_damaged_file(tmp_path, saved):
    good = build(tmp_path, saved, "good.glassnet").read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        info = z.getinfo("weights.npz")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    messages = set()
    for offset in range(0, info.compress_size, max(1, info.compress_size // 12)):
        data = bytearray(good)
        data[start + offset] ^= 0xFF
        path = tmp_path / f"flip{offset}.glassnet"
        path.write_bytes(bytes(data))
        messages.add(load_bounded(path, "weights.npz").split(": ", 1)[1][:40])
    assert all("damaged" in m or "weights.npz" in m for m in messages)


def test_an_encrypted_member_is_refused(tmp_path, saved):
    data = bytearray(build(tmp_path, saved).read_bytes())
    name = b"weights.npz"
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:  # set the "encrypted" bit
            if data[start + name_at:start + name_at + len(name)] == name:
                data[start + flag_at] |= 0x1
            start += 4
    path = tmp_path / "encrypted.glassnet"
    path.write_bytes(bytes(data))
    load_bounded(path, "weights.npz is encrypted")


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(format_version="1"), r"format_version must be an integer .* got '1'"),
    (lambda c: c.update(format_version=True), r"format_version must be an integer"),
    (lambda c: c.update(format_version=7), r"uses model format 7; .* upgrade glassnet"),
    (lambda c: c.update(weights={"a": 1}), r"field weights must be a list, got \{'a': 1\}"),
    (lambda c: c.update(weights=[1]), r"field weights\[0\] must be an object, got 1"),
    (lambda c: c["weights"][0].update(shape="big"), r"weights\[0\].shape must be a list"),
    (lambda c: c["weights"][0].update(dtype="object"), r"weights\[0\].dtype must be float32"),
    (lambda c: c.update(info=[1, 2]), r"field info must be an object, got \[1, 2\]"),
    (lambda c: c["info"].update(class_names=["no"]),
     r"info.class_names must be 2 names \(one per output\), got 1 names"),
    (lambda c: c["info"].update(feature_names=[1, 2]), r"info.feature_names\[0\] must be a text"),
    (lambda c: c["info"].update(target_name=5), r"info.target_name must be a text"),
    (lambda c: c["info"].update(target_scaling={"mean": [0], "std": [1, 1]}),
     r"info.target_scaling.mean must be 2 finite numbers"),
    (lambda c: c["model"].update(layers={}), r"model.layers must be a list"),
    (lambda c: c["model"].update(input_dim="2"), r"model.input_dim must be an integer"),
    (lambda c: c.update(compile=[1]), r"field compile must be an object"),
    (lambda c: c["model"]["layers"][0].update(class_name="Nope"), r"model config is not valid"),
])
def test_every_config_field_is_checked(tmp_path, saved, change, message):
    path = build(tmp_path, {**saved, "config.json": config_with(saved, change)})
    load_bounded(path, message)


def test_not_a_number_constants_are_refused(tmp_path, saved):
    text = saved["config.json"].decode().replace('"format_version": 1', '"format_version": NaN')
    path = build(tmp_path, {**saved, "config.json": text})
    load_bounded(path, "NaN is not a number a model file may hold")


def optimizer_npz(saved, **replace):
    with zipfile.ZipFile(io.BytesIO(saved["optimizer.npz"])) as z:
        arrays = {n.removesuffix(".npy"): np.load(io.BytesIO(z.read(n))) for n in z.namelist()}
    arrays.update(replace)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_a_damaged_or_lying_optimizer_state_is_refused(tmp_path, saved):
    with zipfile.ZipFile(io.BytesIO(saved["optimizer.npz"])) as z:
        moment = next(n.removesuffix(".npy") for n in z.namelist() if "__" in n)
    cases = [
        (b"PK\x03\x04 not really a zip", "optimizer.npz is damaged"),
        (optimizer_npz(saved, **{moment: np.full(3, np.nan, np.float32)}),
         f"optimizer.npz: {moment} must hold finite floats"),
        (optimizer_npz(saved, iterations=np.array(-5)),
         "iterations must be a non-negative integer"),
        (optimizer_npz(saved, garbage=np.zeros(2)), "'garbage' does not name a weight's state"),
        (optimizer_npz(saved, **{moment: np.zeros(7, np.float32)}),
         "compile settings are not valid"),
    ]
    for i, (data, message) in enumerate(cases):
        path = build(tmp_path, {**saved, "optimizer.npz": data}, f"opt{i}.glassnet")
        load_bounded(path, message)


def test_a_sound_file_still_loads_and_predicts_the_same(tmp_path, saved):
    path = build(tmp_path, saved)
    model = load_model(path)
    assert model.info["class_names"] == ["no", "yes"]
    assert model.predict(np.array([[0.0, 1.0]])).shape == (1, 2)


def test_saving_to_a_folder_names_the_folder(tmp_path):
    model = Sequential([Dense(2, "softmax")], input_dim=2)
    with pytest.raises(glassnet.ConfigError, match=f"cannot write {tmp_path}: it is a folder"):
        model.save(tmp_path)
    with pytest.raises(ModelFileError, match="does not exist \\(it is a folder\\)"):
        load_model(tmp_path)


def test_a_checkpoint_into_a_folder_names_the_folder(tmp_path):
    from glassnet.callbacks import ModelCheckpoint

    model = Sequential([Dense(2, "softmax")], input_dim=2, seed=0)
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(glassnet.ConfigError, match=f"cannot write {tmp_path}: it is a folder"):
        model.fit(np.eye(2), np.eye(2), epochs=1, verbose=0,
                  callbacks=[ModelCheckpoint(tmp_path)])


def test_a_model_glassnet_could_not_read_back_is_not_written(tmp_path):
    model = Sequential([Dense(2, "softmax")], input_dim=2)
    model.info["target_scaling"] = {"mean": [float("inf")], "std": [1.0]}
    with pytest.raises(ModelFileError, match="hold a number that is not finite"):
        model.save(tmp_path / "m.glassnet")
    assert not (tmp_path / "m.glassnet").exists()


def test_a_target_beyond_the_model_dtype_is_a_clear_error(tmp_path):
    from glassnet.training.spec import ModelSpec, train

    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "".join(f"{i},{(i + 1) * 1e300}\n" for i in range(10)))
    data = glassnet.load_csv(path)
    with pytest.raises(DataError, match=r"big.csv, line 2, column 'y': 1e\+300 is beyond the "
                       r"range of float32"):
        train(ModelSpec(epochs=1), data)
    path.write_text("x,y\n" + "".join(f"{i * 1e300 if i == 3 else i},{i}\n" for i in range(10)))
    with pytest.raises(DataError, match=r"big.csv, line 5, column 'x': 3e\+300 is beyond the "
                       r"range of float32 \(largest 3.403e\+38\)"):
        train(ModelSpec(epochs=1), glassnet.load_csv(path))
