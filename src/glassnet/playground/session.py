"""One page's playground: its data, its network and the worker thread that trains it.

The page sends its whole setup (data choice, split, model spec, view) as one JSON
object; ``Session.setup`` builds the data and the model from it with glassnet's own
reader and ``glassnet.spec``. A worker thread then trains one batch at a time while
the page plays; between two batches it hands out a frame when the event stream asks
for one, so drawing never waits behind a whole epoch and never slows training by
more than the frames themselves.
"""

from __future__ import annotations

import math
import threading
import time

from ..base.errors import ConfigError, DataError
from . import frames
from . import setup as setup_mod

#: input columns beyond which a click explains nothing (the page stays responsive)
MAX_EXPLAINED_COLUMNS = 60


class Session:
    """Everything the server keeps for one open page."""

    def __init__(self, session_id: str):
        self.id = session_id
        self.cond = threading.Condition()
        self.upload = None  # (file name, bytes) of the last CSV sent by the page
        self.state = None  # the page's last setup (JSON)
        self.data = self.train = self.validation = None
        self.model = self.spec = None
        self.view = None
        self.playing = False
        self.closed = False
        self.message = None  # why training stopped, for the page
        self.version = 0  # bumped by every change a frame would show
        self.focus_row = 0
        self.stream = 0  # number of the page's newest event stream (the server's)
        self._frame_wanted = False
        self._frame = None
        self.thread = threading.Thread(target=self._run, name=f"playground-{session_id[:6]}",
                                       daemon=True)
        self.thread.start()

    # Data and model ---------------------------------------------------------------------
    def set_upload(self, name: str, raw: bytes) -> dict:
        """Keep an uploaded CSV or workbook (in memory) and describe its columns (a
        workbook's first sheet)."""
        columns = setup_mod.describe_csv(name, raw)
        with self.cond:
            self.upload = (name, raw)
        return columns

    def describe_sheet(self, sheet) -> dict:
        """The columns of another sheet of the uploaded workbook."""
        from ..base.errors import DataError

        if self.upload is None:
            raise DataError("no file uploaded in this page yet: drop a file first")
        return setup_mod.describe_csv(*self.upload, sheet=sheet)

    def setup(self, state: dict) -> dict:
        """(Re)build data, split and model from the page's setup; training is paused."""
        data, is_train = setup_mod.load_data(state, self.upload)
        spec = setup_mod.model_spec(state)
        setup_mod.check_cost(spec, data)  # before any weight is made
        train, validation = data.subset(is_train), data.subset(~is_train)
        model, target = setup_mod.build(spec, train, validation)
        view = setup_mod.view_for(state.get("view"), data, strict=False)
        with self.cond:
            self.playing = False
            self.state, self.data, self.is_train = state, data, is_train
            self.train, self.validation = train, validation
            self.spec, self.model, self._target = spec, model, target
            self.view = view
            self._reset_counters()
            self.version += 1
            self.cond.notify_all()
        return self.describe()

    def _reset_counters(self):
        self.epoch = 0
        self.steps = 0
        self.batch = 0
        self.order = None
        self.totals = None
        self.history = {}
        self.message = None
        self.focus_row = 0

    def reset(self) -> None:
        """Back to the initial weights: the model is rebuilt from the spec and its seed,
        so the same seed gives the same weights, shuffles and dropout masks again."""
        with self.cond:
            self._require_model()
            self.playing = False
            self.model, self._target = setup_mod.build(self.spec, self.train, self.validation)
            self._reset_counters()
            self.version += 1

    def describe(self) -> dict:
        with self.cond:
            self._require_model()
            return {**setup_mod.describe(self.data, self.is_train, self.model, self.spec,
                                         self.view), "version": self.version}

    def set_view(self, view: dict) -> None:
        with self.cond:
            self._require_model()
            self.view = setup_mod.view_for(view, self.data)
            self.version += 1

    def _require_model(self):
        if self.model is None:
            raise ConfigError("no network yet: send the setup first (POST /api/setup)")

    # Controls ---------------------------------------------------------------------------
    def play(self) -> None:
        with self.cond:
            self._require_model()
            self.playing = True
            self.message = None
            self.cond.notify_all()

    def pause(self) -> None:
        with self.cond:
            self.playing = False
            self.version += 1

    def step(self) -> None:
        """Pause and train exactly one batch."""
        with self.cond:
            self._require_model()
            self.playing = False
            self._train_batch()
            self.version += 1

    def close(self) -> None:
        """The page went away: stop the worker for good."""
        with self.cond:
            self.closed = True
            self.playing = False
            self.cond.notify_all()

    # The worker -------------------------------------------------------------------------
    def _run(self):
        while True:
            with self.cond:
                while not self.playing and not self.closed:
                    self.cond.wait()
                if self.closed:
                    return
                try:
                    self._train_batch()
                except Exception as exc:  # noqa: BLE001 - shown in the page, never lost
                    self.playing = False
                    self.message = f"training stopped: {type(exc).__name__}: {exc}"
                self.version += 1
                if self._frame_wanted:
                    self._frame = self._safe_frame()
                    self._frame_wanted = False
                    self.cond.notify_all()
            time.sleep(0)  # let the event loop's threads in between batches

    def _train_batch(self):
        """One optimiser step on the next batch; at the end of an epoch, the epoch's
        training loss/metrics (means over its batches) and the validation ones."""
        model, x, y = self.model, self._target.x, self._target.y
        n = x.shape[0]
        size = min(self.spec_batch_size(), n)
        if self.order is None:
            self.order = model.rng.permutation(n)
            self.batch, self.totals = 0, None
        rows = self.order[self.batch * size:(self.batch + 1) * size]
        w = self._target.w
        logs = model.train_on_batch(x[rows], y[rows], None if w is None else w[rows],
                                    return_dict=True)
        if not all(math.isfinite(v) for v in logs.values()):
            self.playing = False
            self.message = (f"loss became {logs.get('loss')} at step {self.steps + 1}; training "
                            "paused. The learning rate may be too large: try one 10 times "
                            "smaller, then reset.")
        if self.totals is None:
            self.totals = {k: 0.0 for k in logs}
        for k, v in logs.items():
            self.totals[k] += v * rows.size
        self.steps += 1
        self.batch += 1
        if self.batch * size >= n:
            self._end_epoch(n)

    def spec_batch_size(self) -> int:
        size = self.spec.batch_size
        return self._target.x.shape[0] if size is None else int(size)

    def _end_epoch(self, n):
        logs = {k: v / n for k, v in self.totals.items()}
        if self._target.x_val is not None:
            val = self.model.evaluate(self._target.x_val, self._target.y_val,
                                      return_dict=True, batch_size=4096)
            logs.update({f"val_{k}": v for k, v in val.items()})
        logs = self._target.unscale_logs(self.model, logs)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(float(v))
        self.epoch += 1
        self.order = None

    # Frames -----------------------------------------------------------------------------
    def frame(self, timeout=2.0) -> dict:
        """The current picture; while training, built by the worker between two batches."""
        with self.cond:
            if self.playing and self.thread.is_alive():
                self._frame_wanted = True
                self._frame = None
                self.cond.wait_for(lambda: not self._frame_wanted or not self.playing
                                   or self.closed, timeout)
                if self._frame is not None:
                    return self._frame
                self._frame_wanted = False
            return self._safe_frame()

    def _safe_frame(self):
        try:
            return self._build_frame()
        except Exception as exc:  # noqa: BLE001 - a frame must never kill the stream
            return {"error": f"cannot draw this state: {type(exc).__name__}: {exc}",
                    "version": self.version}

    def _build_frame(self) -> dict:
        if self.model is None:
            return {"version": self.version, "empty": True}
        model, view = self.model, self.view
        classification = self.data.is_classification
        frame = {"version": self.version, "playing": self.playing, "epoch": self.epoch,
                 "step": self.steps, "message": self.message,
                 "learning_rate": model.optimizer.learning_rate,
                 "history": self._thinned_history(),
                 "verdict": _verdict(self.history),
                 "network": frames.network_frame(model, view),
                 "region": frames.region_frame(model, view, classification,
                                               self._target.unscale)}
        if not classification:
            frame["curve"] = frames.curve_frame(model, view, self._target.unscale)
        else:
            frame["confusion"] = setup_mod.confusion(model, self.validation
                                                     if len(self.validation) else self.train)
        if model.count_params() <= 5000:
            frame["trace"] = self.trace_row(self.focus_row, numerical=False)
        return frame

    def _thinned_history(self, limit=400):
        """The curves with at most ``limit`` points each (epoch numbers in "epoch")."""
        if not self.history:
            return {}
        epochs = list(range(1, self.epoch + 1))
        out = {"epoch": thinned(epochs, limit)}
        for key, values in self.history.items():
            out[key] = [float(f"{v:.6g}") for v in thinned(values, limit)]  # short JSON
        return out

    def trace_row(self, row: int, numerical=True) -> dict:
        """Forward values and deltas of every cell for one data row (and, when asked,
        analytic against numerical gradients of the loss for that row)."""
        with self.cond:
            self._require_model()
            if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row < len(self.data):
                raise DataError(f"row must be an integer from 0 to {len(self.data) - 1}, "
                                f"got {row!r}")
            self.focus_row = row
            x, target = self._target.row(self.data, row)
            out = frames.row_trace(self.model, x, target, self.model.loss)
            out["row"] = row
            out["features"] = self.data.features[row].tolist()
            out["label"] = self.data.label_text()[row]
            if numerical:
                params = self.model.count_params()
                if params <= setup_mod.MAX_GRADCHECK_WEIGHTS:
                    out["gradients"] = setup_mod.gradient_table(self.model, x, target)
                else:
                    out["gradients"] = None
                    out["gradients_note"] = (
                        f"no numerical check: this network has {params:,} weights, more "
                        f"than the {setup_mod.MAX_GRADCHECK_WEIGHTS:,} the page checks one "
                        "by one")
            return out

    def contributions_row(self, row: int) -> dict:
        """Why one row got its answer: each input column's Shapley contribution to the
        predicted class's probability (or to the value, in the target's units), against
        a seeded sample of the training rows (``glassnet.explain``)."""
        from ..explain import Players, background_rows, contributions
        from ..explain.players import describe_background

        with self.cond:
            self._require_model()
            if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row < len(self.data):
                raise DataError(f"row must be an integer from 0 to {len(self.data) - 1}, "
                                f"got {row!r}")
            model = setup_mod.export_copy(self.model, self._target, self.history)
            data, train, seed = self.data, self.train, self.spec.seed or 0
        if data.is_classification:
            model.info["class_names"] = list(data.class_names)
        players = Players.from_plan(data.info.get("columns"), model.input_dim,
                                    data.feature_names)
        if len(players.names) > MAX_EXPLAINED_COLUMNS:
            return {"row": row, "note": f"{len(players.names)} input columns: too many to "
                    f"explain one row here (at most {MAX_EXPLAINED_COLUMNS}); use "
                    "glassnet explain on the downloaded model"}
        background = background_rows(train.features, 100, seed)
        result = contributions(model, data.features[row], background, pairs=200, seed=seed,
                               players=players, background_note=describe_background(
                                   len(background), len(train), seed))
        error = result.standard_error
        return {"row": row, "names": result.names, "values": result.values[0].tolist(),
                "base": float(result.base[0]), "output": float(result.output[0]),
                "explained": result.explained[0], "classes": result.classes,
                "note": result.describe(), "method": result.method,
                "standard_error": None if error is None else error[0].tolist()}

    # Exports ----------------------------------------------------------------------------
    def trained_model(self):
        """A copy of the model in the data's own units (a numeric target's scaling folded
        back into the output layer) with its history, for files the user downloads."""
        with self.cond:
            self._require_model()
            return setup_mod.export_copy(self.model, self._target, self.history)


def _verdict(history):
    """The over-fitting verdict of the learning curves (glassnet.diagnosis)."""
    from ..training.diagnosis import diagnose

    if not history:
        return None
    result = diagnose(history)
    return {"key": result.verdict, "message": result.message, "best_epoch": result.best_epoch}


def thinned(values, limit):
    """Every k-th value so at most ``limit`` are left (the last always kept)."""
    if len(values) <= limit:
        return list(values)
    k = math.ceil(len(values) / limit)
    out = list(values[::k])
    if (len(values) - 1) % k:
        out.append(values[-1])
    return out


__all__ = ["Session"]
