"""Progress and interruption of training.

``ProgressBar`` is ``fit``'s own display (verbose=1: a bar per epoch, 2: a line per
epoch). ``RunProgress`` is the command line's: one bar for the whole run with an ETA in
a terminal, plain periodic lines in a log file. ``Interrupt`` turns Ctrl-C into a
request that training honours after the current step.
"""

from __future__ import annotations

import sys
import time

from .callbacks import Callback


def format_logs(logs: dict) -> str:
    """'loss: 0.25 - val_loss: 0.3' (Keras's keys), or the keys in words in another
    language ('訓練データの損失: 0.25 - ...')."""
    from ..base.i18n import get_language

    if get_language() == "en":
        name = str
    else:
        from .metrics import metric_label as name
    return " - ".join(f"{name(k)}: {v:.4g}" for k, v in logs.items()
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


class ProgressCallback(Callback):
    """``fit``'s own display (``ProgressBar``) driven as a callback, for a caller that
    shows the logs converted first (``units.InUnits``: a standardised target's losses
    in its own units)."""

    def __init__(self, epochs: int, steps: int, verbose: int, stream=None):
        self.bar = ProgressBar(epochs, steps, verbose, stream)

    def on_epoch_begin(self, epoch, logs=None):
        self.bar.epoch_begin(epoch)

    def on_train_batch_end(self, batch, logs=None):
        self.bar.batch_end(batch + 1, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self.bar.epoch_end(logs or {})


class Interrupt:
    """Ctrl-C as a request, checked between training steps, so a step is never cut in half.

    First press: ``requested`` becomes True and ``announce`` (if any) is written to
    stderr at once. Later presses raise ``KeyboardInterrupt`` while ``raise_again`` is
    True (the default: a second Ctrl-C stops ``fit`` at once); a command that must not
    lose a half-written model sets it False while the step finishes and True while
    figures are written (a third press always raises).

    Used inside another ``Interrupt`` (``fit`` within the CLI's), it shares the outer
    one's state instead of installing a second handler.
    """

    _active: Interrupt | None = None

    def __init__(self, announce: str | None = None, raise_again: bool = True):
        self.announce = announce
        self.raise_again = raise_again
        self.presses = 0
        self._outer = None
        self._previous = None

    @property
    def requested(self) -> bool:
        return (self._outer or self).presses > 0

    def __enter__(self):
        import signal
        import threading

        if Interrupt._active is not None:
            self._outer = Interrupt._active
            return self._outer
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
            Interrupt._active = self
        return self

    def _handler(self, signum, frame):
        self.presses += 1
        if self.presses == 1:
            if self.announce:
                # os.write: a signal handler must not re-enter a buffered stream's write
                import os

                os.write(2, ("\n" + self.announce + "\n").encode("utf-8", "replace"))
            return
        if self.raise_again or self.presses > 2:
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self._outer is None and self._previous is not None:
            import signal

            signal.signal(signal.SIGINT, self._previous)
            Interrupt._active = None


def _terminal_size(stream) -> tuple[int, int]:
    """(columns, rows) of the terminal ``stream`` writes to; 0 for what it did not say."""
    import os

    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return 0, 0
    return size.columns, size.lines


def _duration(seconds: float) -> str:
    """'42 s', '3 min 05 s', '2 h 07 min'."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class RunProgress(Callback):
    """One bar for the whole run with an ETA, or plain lines when nobody watches.

    ``mode``: "auto" (a bar when ``stream`` is a terminal, else lines), "bar", "lines"
    or "quiet". The bar is tqdm's; lines are written at most every ``every`` seconds
    (and at the end) with no carriage returns, so log files stay readable. Runs with
    many steps per epoch count steps, so the bar moves within a long epoch.
    """

    def __init__(self, epochs: int, steps: int = 1, mode: str = "auto", stream=None,
                 every: float = 10.0):
        self.epochs, self.steps = epochs, steps
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "lines"
        self.mode, self.every = mode, every
        self.by_step = steps >= 20  # long epochs: show steps moving
        self._bar = None

    def on_train_begin(self, logs=None):
        self.start = self._last = time.perf_counter()
        self.done = 0
        if self.mode == "bar":
            from tqdm import tqdm

            from ..base.i18n import _

            total = self.epochs * self.steps if self.by_step else self.epochs
            # A terminal that has not said its size (a serial console, some containers)
            # reports 0 columns or 0 rows; tqdm would then draw no bar at all (it reads
            # 0 rows as "no room"), so such a terminal gets a fixed bar 80 columns wide.
            columns, rows = _terminal_size(self.stream)
            sized = columns > 1 and rows > 1
            self._bar = tqdm(total=total, file=self.stream, leave=True, dynamic_ncols=sized,
                             ncols=None if sized else 80, nrows=None if sized else 20,
                             unit=_("step") if self.by_step else _("epoch"), mininterval=0.2,
                             desc=_("Training"), smoothing=0.1)

    def on_train_batch_end(self, batch, logs=None):
        if self.by_step and self._bar is not None:
            self._bar.update(1)

    def on_epoch_end(self, epoch, logs=None):
        self.done = epoch + 1
        shown = {k: v for k, v in (logs or {}).items() if k in ("loss", "val_loss",
                                                               "accuracy", "val_accuracy")}
        if self._bar is not None:
            if not self.by_step:
                self._bar.update(1)
            self._bar.set_postfix({k: f"{v:.4g}" for k, v in shown.items()}, refresh=False)
        elif self.mode == "lines":
            now = time.perf_counter()
            if now - self._last >= self.every or self.done == self.epochs:
                self._last = now
                self._line(shown, now)

    def _line(self, shown, now):
        from ..base.i18n import _

        elapsed = now - self.start
        left = elapsed / self.done * (self.epochs - self.done)
        text = _("epoch {epoch}/{epochs} ({percent}), {elapsed} elapsed, about {left} "
                 "left").format(epoch=self.done, epochs=self.epochs,
                                percent=f"{100 * self.done / self.epochs:.0f} %",
                                elapsed=_duration(elapsed), left=_duration(left))
        if shown:
            text += ": " + format_logs(shown)
        self.stream.write(text + "\n")
        self.stream.flush()

    def on_train_end(self, logs=None):
        if self._bar is not None:
            self._bar.close()
            self._bar = None
