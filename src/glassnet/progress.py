"""Progress display for ``fit``: a live bar (verbose=1) or one line per epoch (2).

The bar redraws at most ``refresh`` times a second, so printing never costs more than
a few microseconds per batch.
"""

from __future__ import annotations

import sys
import time


def format_logs(logs: dict) -> str:
    return " - ".join(f"{k}: {v:.4g}" for k, v in logs.items()
                      if k not in ("epoch_time", "learning_rate"))


class ProgressBar:
    def __init__(self, epochs: int, steps: int, verbose: int, stream=None, refresh=5.0):
        self.epochs, self.steps, self.verbose = epochs, steps, verbose
        self.stream = stream or sys.stdout
        self.interval = 1.0 / refresh
        self._last = 0.0
        self._width = 0

    def epoch_begin(self, epoch: int) -> None:
        self.epoch = epoch
        self.start = time.perf_counter()
        self._last = 0.0

    def batch_end(self, step: int, logs: dict) -> None:
        if self.verbose != 1:
            return
        now = time.perf_counter()
        if now - self._last < self.interval and step < self.steps:
            return
        self._last = now
        elapsed = now - self.start
        left = elapsed / step * (self.steps - step)
        width = 24
        done = int(width * step / self.steps)
        bar = "━" * done + " " * (width - done)
        line = (f"\rEpoch {self.epoch + 1}/{self.epochs} {bar} {step}/{self.steps} "
                f"- ETA {left:.0f}s - {format_logs(logs)}")
        self._width = max(self._width, len(line) - 1)
        self.stream.write(line)
        self.stream.flush()

    def epoch_end(self, logs: dict) -> None:
        if not self.verbose:
            return
        took = time.perf_counter() - self.start
        line = f"Epoch {self.epoch + 1}/{self.epochs} - {took:.2f}s - {format_logs(logs)}"
        if self.verbose == 1:  # overwrite the live bar, padding away its tail
            line = "\r" + line.ljust(self._width)
        self.stream.write(line + "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        if self.verbose:
            self.stream.write(text + "\n")
            self.stream.flush()
