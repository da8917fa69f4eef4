"""Golden values from Keras 3's schedule tests
(keras/src/optimizers/schedules/learning_rate_schedule_test.py); each test names the
Keras test case it ports."""

import json
import math

import numpy as np
import pytest
from glassnet.layers import Dense
from glassnet.optimizers import schedules

from glassnet import Sequential, optimizers


def test_piecewise_constant():
    """PiecewiseConstantDecayTest.test_piecewise_values / test_boundary_values."""
    lr = optimizers.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001])
    for step, expected in [(-999, 1.0), (100, 1.0), (105, 0.1), (110, 0.1), (120, 0.01),
                           (999, 0.001)]:
        assert lr(step) == pytest.approx(expected)
    lr = optimizers.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7])
    assert [lr(step) for step in range(5)] == [0.4, 0.4, 0.5, 0.6, 0.7]
    with pytest.raises(ValueError, match="length of boundaries should be 1 less"):
        optimizers.PiecewiseConstantDecay([1, 2], [0.1, 0.2])


@pytest.mark.parametrize("step,end,power,cycle,expected", [
    # LinearDecayTest
    (5, 0.0, 1.0, False, 0.05 * 0.5),  # test_halfway
    (10, 0.001, 1.0, False, 0.001),  # test_end
    (5, 0.001, 1.0, False, (0.05 + 0.001) * 0.5),  # test_halfway_with_end
    (15, 0.001, 1.0, False, 0.001),  # test_beyond_end
    (15, 0.001, 1.0, True, (0.05 - 0.001) * 0.25 + 0.001),  # test_beyond_end_with_cycle
    # SqrtDecayTest
    (5, 0.0, 0.5, False, 0.05 * 0.5**0.5),  # test_halfway
    (5, 0.001, 0.5, False, (0.05 - 0.001) * 0.5**0.5 + 0.001),  # test_halfway_with_end
    (15, 0.001, 0.5, True, (0.05 - 0.001) * 0.25**0.5 + 0.001),  # test_beyond_end_with_cycle
    (0, 0.0001, 1.0, True, 0.05),  # test_begin_with_cycle
])
def test_polynomial_decay(step, end, power, cycle, expected):
    lr = optimizers.PolynomialDecay(0.05, 10, end, power=power, cycle=cycle)
    assert lr(step) == pytest.approx(expected, rel=1e-6)


def _cosine(step, decay_steps, alpha=0.0):
    step = min(step, decay_steps)
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * step / decay_steps)) + alpha


def test_cosine_decay_warmup():
    """CosineDecayTest.test_warmup and test_warmup_decay."""
    for step in range(0, 1500, 250):
        lr = optimizers.CosineDecay(0.0, 10, warmup_target=10.0, warmup_steps=1500)
        assert lr(step) == pytest.approx(step / 1500 * 10.0)
    lr = optimizers.CosineDecay(0.0, 1000, warmup_target=10.0, warmup_steps=2000)
    for step in range(0, 3000, 250):
        expected = (step / 2000 * 10.0 if step < 2001
                    else 10.0 * _cosine(step - 2000, 1000))
        assert lr(step) == pytest.approx(expected, abs=1e-12)


def _restarts(step, decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """CosineDecayRestartsTest.np_cosine_decay_restarts."""
    factor = 1.0
    while step >= decay_steps:
        step -= decay_steps
        decay_steps *= t_mul
        factor *= m_mul
    decay = factor * 0.5 * (1.0 + math.cos(math.pi * step / decay_steps))
    return (1.0 - alpha) * decay + alpha


@pytest.mark.parametrize("kwargs", [{}, {"alpha": 0.1}, {"m_mul": 0.9}, {"t_mul": 1.0},
                                    {"t_mul": 3.0, "m_mul": 0.5}])
def test_cosine_decay_restarts(kwargs):
    """CosineDecayRestartsTest: test_decay, test_alpha, test_mmul, test_tmul."""
    lr = optimizers.CosineDecayRestarts(1.0, 1000, **kwargs)
    for step in range(0, 5000, 250):
        assert lr(step) == pytest.approx(_restarts(step, 1000, **kwargs), abs=1e-6)


@pytest.mark.parametrize("schedule", [
    optimizers.PiecewiseConstantDecay([10, 20], [1.0, 2.0, 3.0]),
    optimizers.PolynomialDecay(0.1, 100, 0.005, power=1.0, cycle=False),
    optimizers.CosineDecay(0.05, 10, alpha=0.1, warmup_target=0.2, warmup_steps=2),
    optimizers.CosineDecayRestarts(0.05, 10, alpha=0.1, t_mul=3.0, m_mul=4.0),
])
def test_config(schedule):
    """*Test.test_config: the schedule survives a JSON round trip, inside an optimiser."""
    again = schedules.get(json.loads(json.dumps(schedule.get_config())))
    assert [again(s) for s in range(40)] == [schedule(s) for s in range(40)]
    opt = optimizers.get(optimizers.SGD(schedule).get_config())
    assert opt.learning_rate == schedule(0)


def test_fit_lr_correctness():
    """LearningRateScheduleTest.test_fit_lr_correctness: the schedule is read at each
    optimiser step (one per batch)."""
    model = Sequential([Dense(2, kernel_initializer="ones", bias_initializer="ones",
                              kernel_regularizer="l2")], input_dim=3, seed=0)
    schedule = optimizers.ExponentialDecay(0.5, decay_steps=1, decay_rate=0.9)
    model.compile(optimizers.SGD(schedule), "mse")
    x, y = np.ones((10, 3)), np.ones((10, 2))
    model.fit(x, y, batch_size=2, epochs=3, verbose=0)
    assert model.optimizer.iterations == 15
    assert model.optimizer.learning_rate == pytest.approx(0.5 * 0.9**15)
