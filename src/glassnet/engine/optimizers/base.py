"""The optimiser contract: one ``_step`` per optimiser, state as a dict of arrays.

``apply(weights, grads)`` clips the gradients if asked, applies decoupled weight
decay if asked, then calls ``_step(w, g, state, lr, t, buf)`` for each weight array;
``_step`` updates ``w`` in place following the optimiser's published rule, with
``t`` the 1-based step count, ``lr`` the learning rate of this step and ``buf`` a
scratch array shaped like ``w``. Steps write every intermediate into ``buf`` or the
state with ``out=`` / in-place operators: the update runs once per batch over every
weight, so it must not allocate.

When the weights are consecutive views of one flat array (a model lays them out so,
``Sequential.flat_weights``) and so are the gradients, the state is laid out the same
way and one step covers every weight at once: the fused kernel of ``kernels.py`` when
numba is installed and the model is big enough to pay for it, else the rule's own
``_step`` over the flat arrays. The per-weight state dicts stay (views into the flat
state), so saving and loading do not change.
"""

from __future__ import annotations

import numpy as np

from ...base.errors import ConfigError, ShapeError
from ...base.registry import Configurable, Registry
from ...base.validation import check_number
from . import kernels, schedules

#: flat models with fewer weights than this skip the compiled kernel: importing numba
#: and loading its cache (about 0.5 s once per process) would cost more than it saves
KERNEL_MIN_SIZE = 1 << 14


class Optimizer(Configurable):
    _config: tuple[str, ...] = ()
    _common = ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay")

    def __init__(self, learning_rate=0.001, *, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, weight_decay=None, decay=0.0, lr=None):
        if lr is not None:  # Keras 2 spelling, used by seed 000: SGD(lr=0.5)
            learning_rate = lr
        if isinstance(learning_rate, (dict, schedules.LearningRateSchedule)):
            learning_rate = schedules.get(learning_rate)
        elif callable(learning_rate):  # Keras: a function of no arguments, read every step
            pass
        else:
            learning_rate = check_number("learning_rate", learning_rate, minimum=0.0)
            if decay:  # Keras 2's time-based decay: lr / (1 + decay · iterations)
                check_number("decay", decay, minimum=0.0)
                learning_rate = schedules.InverseTimeDecay(learning_rate, 1, decay)
        self._learning_rate = learning_rate
        for key, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                           ("global_clipnorm", global_clipnorm), ("weight_decay", weight_decay)):
            if value is not None:
                check_number(key, value, minimum=0.0, exclusive_minimum=key != "weight_decay")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ConfigError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                              f"set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                              f"global_clipnorm={global_clipnorm}")
        self.clipnorm, self.clipvalue = clipnorm, clipvalue
        self.global_clipnorm, self.weight_decay = global_clipnorm, weight_decay
        self.iterations = 0
        self.state: list[dict] | None = None
        self._flat = None  # the flat array the weights are views of, when they are
        self._buffers = None
        self._exclude_ids: set[int] = set()
        self._exclude_names: tuple[str, ...] = ()

    # learning rate -------------------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The learning rate the next step will use."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self.iterations))
        return float(lr()) if callable(lr) else float(lr)

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if not callable(value) and isinstance(self._learning_rate,
                                              schedules.LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object "
                            "as its `learning_rate` constructor argument, hence its learning "
                            "rate is not settable. If you need the learning rate to be "
                            "settable, you should instantiate the optimizer with a float "
                            "`learning_rate` argument.")
        self._learning_rate = value if callable(value) else check_number(
            "learning_rate", value, minimum=0.0)

    # weight decay ----------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Keep some weights out of the decoupled weight decay (Keras's method).

        ``var_list``: weight arrays (e.g. ``model.layers[0].bias``); ``var_names``:
        substrings of weight names such as ``"bias"`` (names like ``"dense.bias"``).
        Must be called before the first step.
        """
        if self.state is not None:
            raise ConfigError("exclude_from_weight_decay() can only be configured before the "
                              "optimizer is built (before the first training step)")
        self._exclude_ids = {id(w) for w in var_list or []}
        self._exclude_names = tuple(var_names or ())

    def _decays(self, weights, names) -> list[bool]:
        names = names if names is not None else [""] * len(weights)
        return [bool(self.weight_decay) and id(w) not in self._exclude_ids
                and not any(part in name for part in self._exclude_names)
                for w, name in zip(weights, names)]

    # the update -----------------------------------------------------------------------
    def build(self, weights, names=None) -> None:
        """Create the state for ``weights`` (their ``names`` select weight-decay exclusions)."""
        self._decay = self._decays(weights, names)
        self._flat = _flat_base(weights)
        if self._flat is None:
            self.state = [self.init_state(w) for w in weights]
            self._buffers = [np.empty_like(w) for w in weights]
            return
        # one state array of each kind over all weights, and per-weight views into it
        self._flat_state = self.init_state(self._flat)
        self._flat_buffer = np.empty_like(self._flat)
        self.state, self._buffers, start = [], [], 0
        for w in weights:
            part = slice(start, start + w.size)
            # elementwise state becomes views; a number (Nadam's Π_t) is shared
            self.state.append({k: v[part].reshape(w.shape) if v.ndim else v
                               for k, v in self._flat_state.items()})
            self._buffers.append(self._flat_buffer[part].reshape(w.shape))
            start += w.size

    def rebind(self, weights) -> None:
        """Lay the state out again for ``weights`` (the same weights, now in new arrays:
        after unpickling), keeping its values and the weight-decay choices."""
        old, decay = self.state, self._decay
        if len(weights) != len(old):
            raise ShapeError(f"optimizer was built for {len(old)} weights, got {len(weights)}")
        self.build(weights)
        self._decay = decay
        for new, kept in zip(self.state, old):
            for key, value in kept.items():
                new[key][...] = value

    def __getstate__(self) -> dict:
        """Pickle the per-weight state, not the flat arrays it is a view of (see
        ``rebind``, which the model calls after unpickling)."""
        state = self.__dict__.copy()
        for key in ("_flat", "_flat_state", "_flat_buffer", "_buffers", "_flat_grads",
                    "_flat_clipped"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._flat = self._buffers = None

    def init_state(self, weight: np.ndarray) -> dict:
        return {}

    def apply(self, weights, grads, names=None) -> None:
        """Update every weight in place from its gradient (one optimiser step)."""
        if self.state is None:
            self.build(weights, names)
        elif self._buffers is None:  # unpickled on its own: lay the state out for weights
            self.rebind(weights)
        if len(weights) != len(self.state):
            raise ShapeError(
                f"optimizer was built for {len(self.state)} weights, got {len(weights)}"
            )
        lr = self.learning_rate
        t = self.iterations + 1
        flat_grads = self._flat_gradients(grads) if self._flat is not None else None
        if flat_grads is not None and weights[0].base is self._flat:
            # one step over the flat arrays: every weight, one pass
            w, g = self._flat, self._clipped_flat(grads, flat_grads)
            decay = all(self._decay)
            if not decay:  # some weights decay, some do not: decay those first
                for weight, flagged in zip(weights, self._decay):
                    if flagged:
                        weight -= lr * self.weight_decay * weight
            if w.size < KERNEL_MIN_SIZE or not kernels.step(
                    self, w, g, self._flat_state, lr, t, lr * self.weight_decay if decay else 0.0):
                self._update(w, g, self._flat_state, lr, t, self._flat_buffer, decay)
        else:
            for w, g, state, buf, decay in zip(weights, self._clip(grads), self.state,
                                               self._buffers, self._decay):
                self._update(w, g, state, lr, t, buf, decay)
        self.iterations = t

    def _update(self, w, g, state, lr, t, buf, decay) -> None:
        """The readable rule on one weight array (or the flat array of all of them)."""
        if decay:  # decoupled decay: w ← w - lr·λ·w
            np.multiply(w, lr * self.weight_decay, out=buf)
            w -= buf
        self._step(w, g, state, lr, t, buf)

    def _flat_gradients(self, grads):
        """The flat array the gradients are views of (checked once, then recognised)."""
        known = getattr(self, "_flat_grads", None)
        if known is None or grads[0].base is not known:
            known = self._flat_grads = _flat_base(grads)
        return known

    def _clipped_flat(self, grads, flat_grads):
        """The flat gradients, or their clipped copy in a flat buffer when clipping."""
        clipped = self._clip(grads)
        if clipped is grads:
            return flat_grads
        if getattr(self, "_flat_clipped", None) is None:
            self._flat_clipped = np.empty_like(flat_grads)
        start = 0
        for c in clipped:
            self._flat_clipped[start:start + c.size] = c.reshape(-1)
            start += c.size
        return self._flat_clipped

    def _clip(self, grads):
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            return [g * min(1.0, self.clipnorm / max(float(np.linalg.norm(g)), 1e-30))
                    for g in grads]
        if self.global_clipnorm is not None:
            total = float(np.sqrt(sum(float((g * g).sum()) for g in grads)))
            if total > self.global_clipnorm:
                scale = self.global_clipnorm / total
                return [g * scale for g in grads]
        return grads

    def _step(self, w, g, state, lr, t, buf) -> None:
        raise NotImplementedError

    # state and config -----------------------------------------------------------------
    def get_state(self) -> dict[str, np.ndarray]:
        """Flat dict of state arrays (for saving), keys like ``'3/velocity'``."""
        flat = {"iterations": np.array(self.iterations)}
        for i, state in enumerate(self.state or []):
            for key, value in state.items():
                flat[f"{i}/{key}"] = value
        return flat

    def set_state(self, flat: dict, weights, names=None) -> None:
        self.build(weights, names)
        self.iterations = int(flat.get("iterations", 0))
        for name, value in flat.items():
            if name == "iterations":
                continue
            i, key = name.split("/", 1)
            target = self.state[int(i)][key]
            if target.shape != value.shape:
                raise ShapeError(f"optimizer state {name} must have shape {target.shape}, "
                                 f"got {value.shape}")
            target[...] = value

    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = lr.get_config()
        elif callable(lr):  # a function cannot be stored: keep its current value
            lr = float(lr())
        config = {"name": self.name, "learning_rate": lr}
        for key in self._config + self._common:
            config[key] = getattr(self, key)
        return config

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


def _flat_base(arrays) -> np.ndarray | None:
    """The 1-D array that ``arrays`` tile exactly, in order, as contiguous views; else None.

    >>> flat = np.arange(6.0)
    >>> _flat_base([flat[:4].reshape(2, 2), flat[4:]]) is flat
    True
    >>> _flat_base([flat[:4].reshape(2, 2)]) is None   # leaves two elements out
    True
    """
    if not arrays:
        return None
    base = arrays[0].base
    if base is None or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    address = base.__array_interface__["data"][0]
    for a in arrays:
        if (a.base is not base or a.dtype != base.dtype or not a.flags.c_contiguous
                or a.__array_interface__["data"][0] != address):
            return None
        address += a.nbytes
    return base if address == base.__array_interface__["data"][0] + base.nbytes else None


OPTIMIZERS = Registry("optimizer", Optimizer)
