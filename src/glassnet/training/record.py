"""``model.info`` as a typed record: what a model knows about its data and training.

``ModelRecord`` is a dict (so the model file's JSON, ``{**info}`` and ``info.get`` work
as before) whose known fields are typed attributes, checked when they are set:

- ``feature_names`` (list of str): the network's inputs, in order;
- ``class_names`` (list of str or None): the classes, None for a numeric target;
- ``target_name`` (str): the column predicted;
- ``columns`` (dict): the column plan (``glassnet.data.columns`` and
  ``glassnet.data.pipeline``: inputs, ID and ignored columns, text levels, the
  blank-cell rule and the fill values fitted on the training rows);
- ``spec`` (dict): the ``ModelSpec`` the model was built from;
- ``training`` (dict): what training recorded (epochs, seconds, stop reason, ...);
- ``target_scaling`` (dict): mean and SD of a standardised numeric target.

Other keys (a front end's own notes) are kept as given.

>>> record = ModelRecord(feature_names=["a", "b"])
>>> record.feature_names, record["feature_names"], record.class_names
(['a', 'b'], ['a', 'b'], None)
>>> record["class_names"] = "yes"
Traceback (most recent call last):
...
glassnet.ConfigError: model.info['class_names'] must be a list of names or None, got 'yes'
"""

from __future__ import annotations

from ..base.errors import ConfigError


def _names(value):
    return isinstance(value, (list, tuple))


#: field -> (check, what it must be)
FIELDS = {
    "feature_names": (lambda v: v is None or _names(v), "a list of names or None"),
    "class_names": (lambda v: v is None or _names(v), "a list of names or None"),
    "target_name": (lambda v: v is None or isinstance(v, str), "a text or None"),
    "columns": (lambda v: v is None or isinstance(v, dict), "a column plan (dict) or None"),
    "spec": (lambda v: isinstance(v, dict), "a dict (ModelSpec.to_dict())"),
    "training": (lambda v: isinstance(v, dict), "a dict"),
    "target_scaling": (lambda v: v is None or isinstance(v, dict), "a dict or None"),
}


class ModelRecord(dict):
    """``model.info``: a dict whose known fields (``FIELDS``) are typed and checked."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.update(*args, **kwargs)

    def __setitem__(self, key, value):
        check = FIELDS.get(key)
        if check is not None and not check[0](value):
            raise ConfigError(f"model.info[{key!r}] must be {check[1]}, got {value!r}")
        if key in ("feature_names", "class_names") and isinstance(value, tuple):
            value = list(value)
        super().__setitem__(key, value)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def copy(self) -> ModelRecord:
        return ModelRecord(self)

    def to_dict(self) -> dict:
        """A plain dict (for JSON)."""
        return dict(self)

    feature_names = property(lambda self: self.get("feature_names"))
    class_names = property(lambda self: self.get("class_names"))
    target_name = property(lambda self: self.get("target_name"))
    columns = property(lambda self: self.get("columns"))
    spec = property(lambda self: self.get("spec"))
    training = property(lambda self: self.get("training", {}))
    target_scaling = property(lambda self: self.get("target_scaling"))
