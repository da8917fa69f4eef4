"""Shuffled mini-batches without a per-epoch copy of the data."""

from __future__ import annotations

import numpy as np


class BatchBuffers:
    """Shuffled batches gathered into buffers allocated once per ``fit``.

    Copying the whole shuffled data set every epoch (``x[order]``) costs a data-sized
    allocation and a pass over all of it; gathering each batch when it is used touches
    only the rows the step needs, into memory that stays in cache from step to step.
    Data that fits in cache (up to 4 MiB) is still gathered once an epoch, into a
    reused buffer: one call instead of one per step.
    """

    WHOLE_EPOCH_BYTES = 1 << 22

    def __init__(self, x, y, batch_size):
        self.source = x, y
        self.per_epoch = x.nbytes + y.nbytes <= self.WHOLE_EPOCH_BYTES
        rows = x.shape[0] if self.per_epoch else batch_size
        self.x = np.empty((rows, *x.shape[1:]), x.dtype)
        self.y = np.empty((rows, *y.shape[1:]), y.dtype)

    def shuffle(self, order):
        self.order = order
        if self.per_epoch:
            self._gather(order, self.x, self.y)

    def batch(self, rows: slice):
        if self.per_epoch:
            return self.x[rows], self.y[rows]
        index = self.order[rows]
        m = index.shape[0]
        return self._gather(index, self.x[:m], self.y[:m])

    def _gather(self, index, x_out, y_out):
        x, y = self.source
        # mode="clip": the rows are valid by construction, and "raise" (the default)
        # would gather into a temporary first and copy it into ``out``
        return (x.take(index, axis=0, out=x_out, mode="clip"),
                y.take(index, axis=0, out=y_out, mode="clip"))
