"""Long runs talk to you: a bar with an ETA in a terminal, plain lines in a log, and
Ctrl-C that says what it does and keeps the last good model."""

import fcntl
import io
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

import glassnet
from glassnet.training.progress import Interrupt, RunProgress, _duration


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = RunProgress(epochs=3, mode="auto", stream=stream, every=0)
    assert progress.mode == "lines"
    progress.on_train_begin()
    for epoch in range(3):
        progress.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "epoch_time": 0.1})
    progress.on_train_end()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3 and "\r" not in stream.getvalue()
    assert lines[0].startswith("epoch 1/3 (33 %)") and lines[2].endswith("loss: 0.3333")
    assert "epoch_time" not in stream.getvalue()


def test_lines_are_spaced_out_in_time():
    stream = io.StringIO()
    progress = RunProgress(epochs=1000, mode="lines", stream=stream, every=3600)
    progress.on_train_begin()
    for epoch in range(1000):
        progress.on_epoch_end(epoch, {"loss": 0.5})
    assert len(stream.getvalue().splitlines()) == 1  # only the last epoch's line


def test_bar_in_a_terminal_counts_epochs_or_steps():
    stream = Tty()
    progress = RunProgress(epochs=4, steps=50, stream=stream)
    assert progress.mode == "bar" and progress.by_step
    progress.on_train_begin()
    for epoch in range(4):
        for step in range(50):
            progress.on_train_batch_end(step)
        progress.on_epoch_end(epoch, {"loss": 0.25})
    progress.on_train_end()
    text = stream.getvalue()
    assert "200/200" in text and "loss=0.25" in text


def test_quiet_writes_nothing():
    stream = Tty()
    progress = RunProgress(epochs=2, stream=stream, mode="quiet")
    progress.on_train_begin()
    progress.on_epoch_end(0, {"loss": 1.0})
    progress.on_train_end()
    assert stream.getvalue() == ""


def test_durations_read_naturally():
    assert [_duration(s) for s in (4.4, 65, 7325)] == ["4 s", "1 min 05 s", "2 h 02 min"]


def test_interrupt_announces_once_and_raises_only_when_allowed():
    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)  # the announcement goes to stderr by os.write
    try:
        with Interrupt(announce="stopping after this step", raise_again=False) as stop:
            with Interrupt() as inner:  # fit inside the CLI shares the CLI's state
                assert inner is stop
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)  # not allowed to raise yet
            assert stop.requested and stop.presses == 2
            stop.raise_again = True
            with pytest.raises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGINT)
    finally:
        os.dup2(saved, 2)
        os.close(write)
    assert os.read(read, 1000).decode() == "\nstopping after this step\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _glassnet(*args, **kwargs):
    env = {**os.environ, "GLASSNET_LANG": "en", "COLUMNS": "100"}
    return subprocess.Popen([sys.executable, "-m", "glassnet", *map(str, args)], env=env,
                            **kwargs)


def test_log_files_get_lines_without_carriage_returns(tmp_path):
    proc = _glassnet("train", "sample2", "--epochs", "200", "--no-figures", "--out",
                     tmp_path / "run", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"\r" not in out + err
    assert b"epoch 200/200 (100 %)" in err and b"about 0 s left" in err


class Terminal:
    """glassnet in a pseudo-terminal, as a user sees it."""

    def __init__(self, *args):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.proc = _glassnet(*args, stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        self.master, self.text = master, ""

    def expect(self, pattern, timeout=120):
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.text):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None and not self._read(0):
                raise AssertionError(f"never saw {pattern!r} in:\n{self.text[-2000:]}")
            self._read(min(left, 1.0))
        return re.search(pattern, self.text)

    def _read(self, timeout) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.text += data.decode("utf-8", "replace")
        return bool(data)

    def wait(self):
        code = self.proc.wait(timeout=120)
        while self._read(0.1):
            pass
        os.close(self.master)
        return code


def test_terminal_shows_a_bar_with_eta_and_ctrl_c_saves(tmp_path):
    out = tmp_path / "run"
    term = Terminal("train", "sample2", "--epochs", "1000000", "--no-figures", "--out", out)
    term.expect(r"Training:\s+\d+%.*\d+/1000000 \[\d\d:\d\d<\d\d:\d\d")  # tqdm's ETA
    term.proc.send_signal(signal.SIGINT)
    term.expect("Stopping after this step, then writing the results")
    assert term.wait() == 130
    assert "interrupted: the results so far are saved" in term.text
    model = glassnet.load_model(out / "model.glassnet")
    assert 0 < len(model.info["training"]) and (out / "report.html").exists()
    epochs = len(open(out / "history.csv", encoding="utf-8-sig").readlines()) - 1
    assert 0 < epochs < 1000000


def test_second_ctrl_c_still_leaves_the_last_good_model(tmp_path):
    out = tmp_path / "run"
    term = Terminal("train", "sample2", "--epochs", "1000000", "--out", out)
    term.expect(r"[1-9]\d*/1000000")
    term.proc.send_signal(signal.SIGINT)
    term.expect("Stopping after this step")
    term.proc.send_signal(signal.SIGINT)  # during the last step or while writing
    assert term.wait() == 130, term.text
    assert (out / "model.glassnet").exists(), term.text
    model = glassnet.load_model(out / "model.glassnet")
    assert model.predict([[0.5, 0.5]]).shape == (1, 5)
    assert not (out / "decision-regions.png").exists()  # the slow figures were skipped


@pytest.mark.parametrize("rows, columns", [(24, 100), (0, 0), (0, 80), (24, 0)])
def test_a_terminal_that_has_not_said_its_size_still_gets_a_bar(rows, columns, monkeypatch):
    """A pty reporting 0 rows or 0 columns (a serial console, some containers): the bar is
    drawn, 80 columns wide; tqdm alone would read 0 rows as no room and draw nothing."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    stream = os.fdopen(slave, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", stream)  # where tqdm asks for the size
    progress = RunProgress(epochs=3, mode="bar", stream=stream)
    progress.on_train_begin()
    for epoch in range(3):
        progress.on_epoch_end(epoch, {"loss": 0.5})
    progress.on_train_end()
    stream.flush()
    out = b""
    while select.select([master], [], [], 0.5)[0]:
        out += os.read(master, 65536)
    stream.close()
    os.close(master)
    last = out.decode("utf-8").replace("\r\n", "\n").split("\r")[-1].strip("\n")
    assert "3/3" in last and "loss=0.5" in last
    assert len(last) == (columns - 1 if rows and columns else 80)
