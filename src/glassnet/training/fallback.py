"""Going back to finite weights when the loss becomes NaN or infinite.

The loss of a training step is computed on the weights *before* that step's update.
:class:`Fallback` keeps two copies: the weights at the start of this epoch and at the
start of the one before. When step s of an epoch gives a non-finite loss, step 0 of the
same epoch gave a finite loss on this epoch's starting weights if s > 0; if s == 0 the
starting weights themselves gave the NaN, and the previous epoch's start (whose own
first step was finite, or training would have stopped there) is the one to go back to.
When the very first step of a run fails, no weights ever gave a finite loss: the data
(or the initial weights) are at fault, which is a ``DataError``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..base.errors import DataError

#: Models above this many parameters keep no copies (they would cost more than they save).
SNAPSHOT_LIMIT = 1 << 24


class NonFiniteLossWarning(RuntimeWarning):
    """Training stopped because the loss became NaN or infinite."""


class NonFiniteStartError(DataError):
    """The loss is not finite before the first update: the data, not the training."""


class Fallback:
    """Two copies of the trainable weights, refreshed at each epoch start."""

    def __init__(self, trainable):
        self.trainable = trainable
        self.copies = None
        if sum(w.size for w in trainable) <= SNAPSHOT_LIMIT:
            self.copies = ([w.copy() for w in trainable], [w.copy() for w in trainable])
        self.epochs = 0  # epoch starts seen in this run

    def epoch_begin(self):
        self.epochs += 1
        if self.copies is not None:
            self.copies = self.copies[::-1]  # the older copy takes this epoch's start
            for copy, w in zip(self.copies[0], self.trainable):
                np.copyto(copy, w)

    def stop(self, model, epoch, step, value, learning_rate, x) -> str:
        """Restore the last weights that gave a finite loss; return the message (also
        warned). A non-finite loss on the run's very first step is a DataError."""
        if self.epochs == 1 and step == 0:
            raise NonFiniteStartError(
                            f"the loss is {value} for the initial weights, before any update: "
                            f"the inputs (largest |x| = {float(np.abs(x).max()):.4g}) or the "
                            f"targets are too large for {model.dtype} arithmetic; scale them "
                            "(e.g. a Normalization layer) and train again")
        if self.copies is None:
            kept = "its current weights (too large a model to keep a copy; reload a checkpoint)"
        else:
            for w, copy in zip(self.trainable, self.copies[0] if step > 0 else self.copies[1]):
                w[...] = copy
            kept = (f"the weights from the start of epoch {epoch + 1 if step > 0 else epoch}, "
                    "the last that gave a finite loss")
        message = (f"loss became {value} at epoch {epoch + 1}, step {step + 1}; training "
                   f"stopped and the model went back to {kept}. Hint: the learning rate "
                   f"({learning_rate:.4g}) may be too large; try one 10 times smaller, or "
                   f"scale the inputs (largest |x| = {float(np.abs(x).max()):.4g}).")
        warnings.warn(message, NonFiniteLossWarning, stacklevel=4)
        return message
