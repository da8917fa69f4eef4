"""Weight penalties (engine/regularizers.py), each number worked out by hand: the
penalty l1 Σ|w| + l2 Σ w², its gradient l1 sign(w) + 2 l2 w, the stacked form the
numerical gradients use, Keras's defaults and the refusal of negative strengths."""

import numpy as np
import pytest

from glassnet import ConfigError, regularizers

W = np.array([[1.0, -2.0], [0.5, 0.0]])  # Σ|w| = 3.5, Σ w² = 5.25


@pytest.mark.parametrize("l1, l2, penalty", [(0.1, 0.0, 0.35), (0.0, 0.01, 0.0525),
                                             (0.1, 0.01, 0.4025), (0.0, 0.0, 0.0)])
def test_penalty_is_l1_sum_abs_plus_l2_sum_squares(l1, l2, penalty):
    assert regularizers.L1L2(l1=l1, l2=l2)(W) == pytest.approx(penalty, abs=1e-15)


def test_gradient_is_l1_sign_plus_twice_l2_w():
    reg = regularizers.L1L2(l1=0.1, l2=0.01)
    expected = 0.1 * np.sign(W) + 0.02 * W  # [[0.12, -0.14], [0.11, 0]]
    np.testing.assert_allclose(reg.gradient(W), [[0.12, -0.14], [0.11, 0.0]])
    np.testing.assert_allclose(reg.gradient(W), expected)
    grad = np.ones_like(W)  # the training step adds to the data term's gradient
    assert reg.add_gradient(W, grad) is grad
    np.testing.assert_allclose(grad, 1.0 + expected)
    np.testing.assert_array_equal(regularizers.L1L2()(W), 0.0)
    np.testing.assert_array_equal(regularizers.L1L2().gradient(W), np.zeros_like(W))


def test_stacked_penalties_are_one_per_weight_array():
    reg = regularizers.L1L2(l1=0.1, l2=0.01)
    stack = np.stack([W, 2 * W, np.zeros_like(W)])  # 3 copies of a (2, 2) kernel
    np.testing.assert_allclose(reg.penalty_stacked(stack, 2),
                               [0.35 + 0.0525, 0.7 + 0.21, 0.0])
    np.testing.assert_allclose(reg.penalty_stacked(W, 1), [0.1 * 3 + 0.01 * 5, 0.1 * 0.5
                                                           + 0.01 * 0.25])


def test_keras_defaults_and_negative_strengths_refused():
    assert regularizers.L1().l1 == 0.01 and regularizers.L1().l2 == 0.0
    assert regularizers.L2().l2 == 0.01 and regularizers.L2().l1 == 0.0
    with pytest.raises(ConfigError, match=r"^l1 must be >= 0"):
        regularizers.L1L2(l1=-0.1)
    with pytest.raises(ConfigError, match=r"^l2 must be >= 0"):
        regularizers.L2(-1e-3)
