"""Learning-rate schedules: the rate as a function of the optimiser step (batch) count.

>>> InverseTimeDecay(0.5, decay_steps=1, decay_rate=0.01)(100)   # Keras's `decay`
0.25
"""

from __future__ import annotations

import math

from .._registry import Configurable, Registry
from ..validation import check_number


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
    """Half a cosine from lr down to alpha·lr over ``decay_steps``, then flat."""

    _config = ("initial_learning_rate", "decay_steps", "alpha")

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0):
        super().__init__(initial_learning_rate)
        self.decay_steps = check_number("decay_steps", decay_steps, minimum=1, integer=True)
        self.alpha = check_number("alpha", alpha, minimum=0.0, maximum=1.0)

    def __call__(self, step):
        p = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * p))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


def get(identifier):
    return SCHEDULES.get(identifier)
