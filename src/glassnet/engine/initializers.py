"""Weight initialisers, each drawing from a seeded ``numpy.random.Generator``.

Names and formulas follow Keras. For a kernel of shape (fan_in, fan_out):

- ``uniform``: U(-0.05, 0.05) (Keras's ``RandomUniform`` default; seed 000 uses it)
- ``normal``: N(0, 0.05²)
- ``glorot_uniform`` (Xavier): U(-l, l), l = √(6 / (fan_in + fan_out))  (seed 001)
- ``glorot_normal``: truncated N(0, 2 / (fan_in + fan_out))
- ``he_uniform``: U(-l, l), l = √(6 / fan_in)
- ``he_normal``: truncated N(0, 2 / fan_in)  (seed 001, ReLU)
- ``zeros``, ``ones``, ``constant``

"Truncated" normals redraw values beyond two standard deviations and are scaled by
1/0.87962566 so the variance is the stated one, as in Keras.

>>> import numpy as np
>>> w = get("glorot_uniform")((2, 3), np.random.default_rng(0), "float64")
>>> w.shape, bool(np.abs(w).max() <= np.sqrt(6 / 5))
((2, 3), True)
"""

from __future__ import annotations

import numpy as np

from ..base.registry import Configurable, Registry

# Standard deviation of a unit normal truncated to [-2, 2]
_TRUNCATED_STD = 0.87962566103423978


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of this shape; a vector counts as (n, n)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    n = int(np.prod(shape)) if shape else 1
    return n, n


class Initializer(Configurable):
    def __call__(self, shape, rng: np.random.Generator, dtype="float32") -> np.ndarray:
        return np.asarray(self.sample(tuple(shape), rng), dtype=dtype)

    def sample(self, shape, rng):
        raise NotImplementedError


INITIALIZERS = Registry("initializer", Initializer)


def _truncated_normal(shape, rng, std):
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():  # redraw the few values beyond two standard deviations
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values * (std / _TRUNCATED_STD)


@INITIALIZERS.register("zeros")
class Zeros(Initializer):
    def sample(self, shape, rng):
        return np.zeros(shape)


@INITIALIZERS.register("ones")
class Ones(Initializer):
    def sample(self, shape, rng):
        return np.ones(shape)


@INITIALIZERS.register("constant")
class Constant(Initializer):
    _config = ("value",)

    def __init__(self, value: float = 0.0):
        self.value = float(value)

    def sample(self, shape, rng):
        return np.full(shape, self.value)


@INITIALIZERS.register("uniform", "random_uniform")
class RandomUniform(Initializer):
    _config = ("minval", "maxval")

    def __init__(self, minval: float = -0.05, maxval: float = 0.05):
        self.minval, self.maxval = float(minval), float(maxval)

    def sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, shape)


@INITIALIZERS.register("normal", "random_normal")
class RandomNormal(Initializer):
    _config = ("mean", "stddev")

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean, self.stddev = float(mean), float(stddev)

    def sample(self, shape, rng):
        return self.mean + self.stddev * rng.standard_normal(shape)


class _VarianceScaling(Initializer):
    """Scale 2 (He) or 2/(1+1) per average fan (Glorot); uniform or truncated normal."""

    distribution = "uniform"

    def fan(self, fan_in, fan_out):
        raise NotImplementedError

    def sample(self, shape, rng):
        variance = 2.0 / self.fan(*fans(shape))
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape)
        return _truncated_normal(shape, rng, np.sqrt(variance))


@INITIALIZERS.register("glorot_uniform", "xavier_uniform")
class GlorotUniform(_VarianceScaling):
    def fan(self, fan_in, fan_out):
        return fan_in + fan_out  # Var = 2 / (fan_in + fan_out)


@INITIALIZERS.register("glorot_normal", "xavier_normal")
class GlorotNormal(GlorotUniform):
    distribution = "normal"


@INITIALIZERS.register("he_uniform")
class HeUniform(_VarianceScaling):
    def fan(self, fan_in, fan_out):
        return fan_in  # Var = 2 / fan_in


@INITIALIZERS.register("he_normal")
class HeNormal(HeUniform):
    distribution = "normal"


def get(identifier) -> Initializer | None:
    """Return an initialiser from a name, a config dict or an instance (None stays None)."""
    if identifier is None:
        return None
    return INITIALIZERS.get(identifier)


def names() -> list[str]:
    return INITIALIZERS.names()
