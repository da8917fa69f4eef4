"""Name -> class tables shared by activations, losses, initialisers, ... (one mechanism)."""

from __future__ import annotations

from .errors import ConfigError


class Registry:
    """Maps names (and aliases) to classes and turns identifiers into objects.

    An identifier is a name (``"relu"``), a config dict (``{"name": "leaky_relu",
    "alpha": 0.1}``), or an instance of the base class, which is returned as is.
    """

    def __init__(self, kind: str, base: type, set_name: bool = True):
        self.kind = kind
        self.base = base
        self.set_name = set_name
        self._classes: dict[str, type] = {}

    def register(self, *names: str):
        def decorate(cls):
            if self.set_name:
                cls.name = names[0]
            for name in names:
                self._classes[name.lower()] = cls
            return cls

        return decorate

    def names(self) -> list[str]:
        return sorted(self._classes)

    def get_class(self, name: str) -> type:
        key = name.lower() if isinstance(name, str) else name
        try:
            return self._classes[key]
        except (KeyError, TypeError):
            raise ConfigError(
                f"unknown {self.kind} {name!r}; expected one of: {', '.join(self.names())}"
            ) from None

    def get(self, identifier, **defaults):
        if isinstance(identifier, self.base):
            return identifier
        if isinstance(identifier, str):
            return self.get_class(identifier)(**defaults)
        if isinstance(identifier, dict):
            config = dict(identifier)
            name = config.pop("name", None)
            if name is None:
                raise ConfigError(f"a {self.kind} config needs a 'name' key, got {identifier!r}")
            return self.get_class(name).from_config(config)
        raise ConfigError(
            f"{self.kind} must be a name, a config dict or a {self.base.__name__}, "
            f"got {identifier!r} ({type(identifier).__name__})"
        )


class Configurable:
    """``get_config()`` / ``from_config()`` for objects whose __init__ takes their config.

    Subclasses list the constructor arguments that make up their config in ``_config``.
    """

    name = ""
    _config: tuple[str, ...] = ()

    def get_config(self) -> dict:
        config = {"name": self.name}
        for key in self._config:
            value = getattr(self, key)
            config[key] = value.item() if hasattr(value, "item") else value
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = {k: v for k, v in config.items() if k != "name"}
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._config)
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = object.__hash__
