"""Shuffled mini-batches without a per-epoch copy of the data."""

from __future__ import annotations

import numpy as np


class BatchBuffers:
    """Shuffled batches of aligned arrays (x, y, row weights or None), gathered into
    buffers allocated once per ``fit``.

    Copying the whole shuffled data set every epoch (``x[order]``) costs a data-sized
    allocation and a pass over all of it; gathering each batch when it is used touches
    only the rows the step needs, into memory that stays in cache from step to step.
    Data that fits in cache (up to 4 MiB) is still gathered once an epoch, into a
    reused buffer: one call instead of one per step.

    >>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> batches = BatchBuffers([x, y, None], batch_size=2)
    >>> batches.shuffle(np.array([4, 3, 2, 1, 0]))
    >>> [a.tolist() if a is not None else None for a in batches.batch(slice(0, 2))]
    [[[8.0, 9.0], [6.0, 7.0]], [4, 3], None]
    """

    WHOLE_EPOCH_BYTES = 1 << 22

    def __init__(self, arrays, batch_size):
        self.source = list(arrays)
        self.per_epoch = sum(a.nbytes for a in self.source if a is not None) \
            <= self.WHOLE_EPOCH_BYTES
        rows = self.source[0].shape[0] if self.per_epoch else batch_size
        self.buffers = [None if a is None else np.empty((rows, *a.shape[1:]), a.dtype)
                        for a in self.source]

    def shuffle(self, order):
        """Start an epoch with the rows in ``order``."""
        self.order = order
        if self.per_epoch:
            self._gather(order, self.buffers)

    def batch(self, rows: slice):
        """The arrays' rows ``order[rows]``, as (views of) the reused buffers."""
        if self.per_epoch:
            return [None if b is None else b[rows] for b in self.buffers]
        index = self.order[rows]
        m = index.shape[0]
        return self._gather(index, [None if b is None else b[:m] for b in self.buffers])

    def _gather(self, index, outs):
        # mode="clip": the rows are valid by construction, and "raise" (the default)
        # would gather into a temporary first and copy it into ``out``
        return [None if a is None else a.take(index, axis=0, out=out, mode="clip")
                for a, out in zip(self.source, outs)]
