"""Learning-rate schedules: the rate as a function of the optimiser step (batch) count.

>>> InverseTimeDecay(0.5, decay_steps=1, decay_rate=0.01)(100)   # Keras's `decay`
0.25
"""

from __future__ import annotations

import bisect
import math

from ...base.errors import ConfigError
from ...base.registry import Configurable, Registry
from ...base.validation import check_number


class LearningRateSchedule(Configurable):
    def __init__(self, initial_learning_rate):
        self.initial_learning_rate = check_number("initial_learning_rate",
                                                  initial_learning_rate, minimum=0.0)

    def __call__(self, step: int) -> float:
        raise NotImplementedError


SCHEDULES = Registry("learning-rate schedule", LearningRateSchedule)


class _RateDecay(LearningRateSchedule):
    """Shared by the decays that run on step / decay_steps (floored if ``staircase``)."""

    _config = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase")

    def __init__(self, initial_learning_rate, decay_steps=1, decay_rate=0.0, staircase=False):
        super().__init__(initial_learning_rate)
        self.decay_steps = check_number("decay_steps", decay_steps, minimum=0,
                                        exclusive_minimum=True)
        self.decay_rate = check_number("decay_rate", decay_rate, minimum=0.0)
        self.staircase = bool(staircase)

    def progress(self, step):
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p


@SCHEDULES.register("inverse_time_decay", "time_based")
class InverseTimeDecay(_RateDecay):
    """lr / (1 + decay_rate · step / decay_steps): Keras's legacy ``decay`` argument."""

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self.progress(step))


@SCHEDULES.register("exponential_decay")
class ExponentialDecay(_RateDecay):
    """lr · decay_rate^(step / decay_steps)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase)
        check_number("decay_rate", decay_rate, minimum=0.0, exclusive_minimum=True)

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self.progress(step)


@SCHEDULES.register("step_decay")
class StepDecay(LearningRateSchedule):
    """lr · factor^floor(step / drop_every): drop by ``factor`` every ``drop_every`` steps."""

    _config = ("initial_learning_rate", "drop_every", "factor")

    def __init__(self, initial_learning_rate, drop_every, factor=0.5):
        super().__init__(initial_learning_rate)
        self.drop_every = check_number("drop_every", drop_every, minimum=1, integer=True)
        self.factor = check_number("factor", factor, minimum=0.0, maximum=1.0)

    def __call__(self, step):
        return self.initial_learning_rate * self.factor ** (step // self.drop_every)


@SCHEDULES.register("cosine_decay")
class CosineDecay(LearningRateSchedule):
    """Half a cosine from lr down to alpha·lr over ``decay_steps``, then flat.

    With ``warmup_target``: first a straight line from lr up to ``warmup_target``
    over ``warmup_steps`` (Goyal et al.'s warm-up), then the cosine from there.
    """

    _config = ("initial_learning_rate", "decay_steps", "alpha", "warmup_target",
               "warmup_steps")

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
                 warmup_steps=0):
        super().__init__(initial_learning_rate)
        self.decay_steps = check_number("decay_steps", decay_steps, minimum=1, integer=True)
        self.alpha = check_number("alpha", alpha, minimum=0.0, maximum=1.0)
        if warmup_target is not None:
            check_number("warmup_target", warmup_target, minimum=0.0)
        self.warmup_target = warmup_target
        self.warmup_steps = check_number("warmup_steps", warmup_steps, minimum=0, integer=True)

    def __call__(self, step):
        peak = self.initial_learning_rate
        if self.warmup_target is not None:
            if step < self.warmup_steps:  # lr + (target - lr) · step / warmup_steps
                return peak + (self.warmup_target - peak) * step / self.warmup_steps
            peak, step = self.warmup_target, step - self.warmup_steps
        p = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * p))
        return peak * ((1.0 - self.alpha) * cosine + self.alpha)


@SCHEDULES.register("cosine_decay_restarts")
class CosineDecayRestarts(LearningRateSchedule):
    """SGDR (Loshchilov & Hutter 2017): cosine decays that restart from the top.

    Period i lasts first_decay_steps · t_mul^i steps and starts at lr · m_mul^i; within
    a period at fraction f the rate is lr · m_mul^i ((1 - alpha) ½(1 + cos πf) + alpha).
    """

    _config = ("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha")

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0):
        super().__init__(initial_learning_rate)
        self.first_decay_steps = check_number("first_decay_steps", first_decay_steps,
                                              minimum=0, exclusive_minimum=True)
        self.t_mul = check_number("t_mul", t_mul, minimum=0.0, exclusive_minimum=True)
        self.m_mul = check_number("m_mul", m_mul, minimum=0.0)
        self.alpha = check_number("alpha", alpha, minimum=0.0, maximum=1.0)

    def __call__(self, step):
        fraction = step / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:  # periods 1, t, t², ... end at (1 - t^i) / (1 - t)
            restart = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul))
                                 / math.log(self.t_mul))
            done = (1.0 - self.t_mul**restart) / (1.0 - self.t_mul)
            fraction = (fraction - done) / self.t_mul**restart
        cosine = 0.5 * self.m_mul**restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


@SCHEDULES.register("polynomial_decay")
class PolynomialDecay(LearningRateSchedule):
    """(lr - end) (1 - step / decay_steps)^power + end, flat at ``end`` afterwards;
    with ``cycle`` the decay restarts over the next multiple of ``decay_steps``."""

    _config = ("initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle")

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False):
        super().__init__(initial_learning_rate)
        self.decay_steps = check_number("decay_steps", decay_steps, minimum=0,
                                        exclusive_minimum=True)
        self.end_learning_rate = check_number("end_learning_rate", end_learning_rate,
                                              minimum=0.0)
        self.power = check_number("power", power, minimum=0.0)
        self.cycle = bool(cycle)

    def __call__(self, step):
        decay_steps = self.decay_steps
        if self.cycle:  # the first multiple of decay_steps at or after step (1 at step 0)
            decay_steps *= math.ceil(step / decay_steps) if step > 0 else 1
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        end = self.end_learning_rate
        return (self.initial_learning_rate - end) * (1.0 - p) ** self.power + end


@SCHEDULES.register("piecewise_constant_decay")
class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] up to boundaries[0] (inclusive), values[1] up to boundaries[1], ...,
    values[-1] after the last boundary."""

    _config = ("boundaries", "values")

    def __init__(self, boundaries, values):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ConfigError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}.")
        for i, v in enumerate(values):
            check_number(f"values[{i}]", v, minimum=0.0)
        if boundaries != sorted(boundaries):
            raise ConfigError(f"boundaries must be increasing, got {boundaries}")
        super().__init__(values[0])
        self.boundaries, self.values = boundaries, values

    def __call__(self, step):
        return self.values[bisect.bisect_left(self.boundaries, step)]


def get(identifier):
    return SCHEDULES.get(identifier)
