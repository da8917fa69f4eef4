"""The column plan inside a model file (``info.columns``) is checked with the weights'
rigour when the file is read (issue 25): every fault is a ModelFileError that blames the
model file and names the field, never a TypeError, and never a prediction silently
encoded another way."""

import json
import zipfile

import numpy as np
import pytest

import glassnet
from glassnet import ModelFileError, load_model
from glassnet.training.spec import ModelSpec, train


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A model trained from a CSV with a number and a text column, and its members."""
    folder = tmp_path_factory.mktemp("plan")
    lines = ["size,port,kind"] + [f"{i % 7},{'AB'[i % 2]}港,{'xy'[(i // 2) % 2]}"
                                  for i in range(40)]
    (folder / "fish.csv").write_text("\n".join(lines), encoding="utf-8")
    model, _ = train(ModelSpec(hidden=[2], epochs=2), glassnet.load_csv(
        str(folder / "fish.csv"), target="kind"))
    model.save(folder / "m.glassnet")
    with zipfile.ZipFile(folder / "m.glassnet") as z:
        return {n: z.read(n) for n in z.namelist()}


def tampered(tmp_path, saved, change):
    config = json.loads(saved["config.json"])
    change(config["info"])
    path = tmp_path / "tampered.glassnet"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in {**saved, "config.json": json.dumps(config)}.items():
            z.writestr(name, data)
    return path


def inputs(info):
    return info["columns"]["inputs"]


@pytest.mark.parametrize("change, message", [
    (lambda i: i.update(columns=[1]), r"info.columns must be an object"),
    (lambda i: i["columns"].update(inputs={}), r"info.columns.inputs must be a list"),
    (lambda i: i["columns"].update(inputs=[]), r"info.columns.inputs must be a non-empty"),
    (lambda i: inputs(i).__setitem__(0, "size"), r"inputs\[0\] must be an object"),
    (lambda i: inputs(i)[0].update(name=7), r"inputs\[0\].name must be a text"),
    (lambda i: inputs(i)[0].update(kind="date"), r"inputs\[0\].kind must be 'number' or"),
    (lambda i: inputs(i)[1].update(levels="A港"), r"inputs\[1\].levels must be a list"),
    (lambda i: inputs(i)[1].update(levels=[1, 2]), r"inputs\[1\].levels\[0\] must be a text"),
    (lambda i: inputs(i)[1].update(levels=["A港", "A港"]),
     r"inputs\[1\].levels must be names that are all different, got 'A港' twice"),
    (lambda i: inputs(i)[1].update(levels=["A港", "B港", "C港"]),
     r"must be columns making the model's 3 inputs, got columns making 4"),
    (lambda i: inputs(i)[1].update(levels=["B港", "A港"]),
     r"input 2 named 'port=B港' by the plan and 'port=A港' by info.feature_names"),
    (lambda i: inputs(i)[0].update(levels=["1"]), r"inputs\[0\].levels must be absent"),
    (lambda i: inputs(i)[0].update(indicator="yes"), r"inputs\[0\].indicator must be true"),
    (lambda i: inputs(i)[0].update(fill={"mean": "x"}), r"fill.mean must be a finite number"),
    (lambda i: inputs(i)[1].update(fill={"most-frequent": "C港"}),
     r"fill.most-frequent must be one of the column's levels"),
    (lambda i: inputs(i).append(dict(inputs(i)[0])), r"inputs names must be names that are all"),
    (lambda i: i["columns"].update(missing="guess"), r"info.columns.missing must be error or"),
    (lambda i: i["columns"].update(id="No."), r"info.columns.id must be a list"),
    (lambda i: i["columns"].update(ignored=[None]), r"info.columns.ignored\[0\] must be a text"),
    (lambda i: i.update(feature_names=["size", "size", "port=B港"]),
     r"info.feature_names must be names that are all different, got 'size' twice"),
])
def test_every_fault_in_the_plan_blames_the_model_file(tmp_path, saved, change, message):
    path = tampered(tmp_path, saved, change)
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(path)
    assert str(caught.value).startswith(str(path))


def test_the_sound_plan_loads_and_predicts_from_a_csv(tmp_path, saved):
    path = tmp_path / "m.glassnet"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in saved.items():
            z.writestr(name, data)
    model = load_model(path)
    assert model.info["feature_names"] == ["size", "port=A港", "port=B港"]
    assert np.isfinite(model.predict(np.eye(3))).all()


def test_the_missing_rules_agree_with_the_pipelines():
    from glassnet.data import columns, pipeline
    from glassnet.io import modelcheck

    assert modelcheck.MISSING_RULES == pipeline.RULES
    assert modelcheck.FILL_RULES == pipeline.FILL_RULES
    assert modelcheck.MISSING_LEVEL == columns.MISSING_LEVEL
