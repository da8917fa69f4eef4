"""How often the playground redraws while it trains, for seed 000's 2-2-5 network and for
a 784-64-10 MNIST network.

Two measurements per network:

- server: the page's event stream asks the training session for a frame every 50 ms
  (at most 20 a second) while the worker trains at full speed between frames; we
  count frames (with their JSON encoding) and training steps a second, and compare
  the steps with the same session training without anyone asking for frames;
- browser (when Playwright and /usr/bin/chromium are there): the real page, redraws a
  second counted by the page itself (``GN.stats.draws``) while training.

The MNIST network uses 2000 rows of MNIST when the data is already on this machine
(``$GLASSNET_DATA`` or the cache), otherwise 2000 random 28x28 "images" with 10
classes: the redraw cost depends on the shapes, not on the pixels.

Run with ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python
bench/playground_redraw.py [--seconds 5]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import machine, print_table, write_results  # noqa: E402

SEED000 = {"data": {"source": "builtin", "name": "sample2"},
           "split": {"validation": 0.2, "method": "random"},
           "spec": {"hidden": [2], "batch_size": 100}}
MNIST = {"data": {"source": "upload", "target": "label"},
         "split": {"validation": 0.2, "method": "random"},
         "spec": {"hidden": [{"units": 64, "activation": "relu"}], "kernel_initializer": "auto",
                  "optimizer": {"name": "adam", "learning_rate": 0.001}, "batch_size": 32}}


def mnist_csv(rows=2000) -> tuple[bytes, str]:
    try:
        from glassnet.datasets import load_mnist

        (x, y), _ = load_mnist(flatten=True, download_missing=False)
        x, y, source = x[:rows], y[:rows], "MNIST (first 2000 rows)"
    except Exception:  # noqa: BLE001 - not on this machine: shapes are what matter here
        rng = np.random.default_rng(0)
        x, y = rng.integers(0, 256, (rows, 784)), rng.integers(0, 10, rows)
        source = "random 28x28 images, 10 classes (MNIST not on this machine)"
    lines = [",".join([*(f"p{i}" for i in range(784)), "label"])]
    lines += [",".join(map(str, [*row, label])) for row, label in zip(x, y)]
    return ("\n".join(lines) + "\n").encode(), source


def server_rates(state, upload, seconds) -> dict:
    from glassnet.playground.server import FRAME_INTERVAL, to_json
    from glassnet.playground.session import Session

    session = Session("bench")
    if upload is not None:
        session.set_upload("mnist.csv", upload)
    session.setup(state)
    session.play()  # alone: nobody asks for frames
    time.sleep(seconds / 2)
    start, begun = session.steps, time.perf_counter()
    time.sleep(seconds)
    alone = (session.steps - start) / (time.perf_counter() - begun)
    frames, size = 0, 0
    start, begun = session.steps, time.perf_counter()
    while time.perf_counter() - begun < seconds:  # what the event stream does
        size += len(to_json(session.frame()))
        frames += 1
        time.sleep(FRAME_INTERVAL)
    elapsed = time.perf_counter() - begun
    steps = (session.steps - start) / elapsed
    session.close()
    return {"frames/s": frames / elapsed, "frame kB": size / frames / 1000,
            "steps/s with frames": steps, "steps/s alone": alone,
            "training kept": steps / alone if alone else None}


def browser_rate(state, upload, seconds) -> float | None:
    if not os.path.exists("/usr/bin/chromium"):
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
    from playground_server import start_server

    base, _, stop = start_server()  # in this process: one BLAS thread, as served
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/")
            page.wait_for_function("window.GN && GN.info && GN.frame && GN.frame.network")
            if upload is not None:
                with tempfile.TemporaryDirectory() as folder:
                    path = os.path.join(folder, "mnist.csv")
                    with open(path, "wb") as f:
                        f.write(upload)
                    page.set_input_files("#file", path)
                    page.wait_for_function("GN.info && GN.info.features.length === 784",
                                           timeout=120000)
                page.evaluate("""spec => { Object.assign(GN.state.spec, spec);
                                 return sendSetup(); }""", state["spec"])
                page.wait_for_function("GN.info.layers[0].units === 64")
            page.click("#play")
            page.wait_for_function("GN.frame.playing && GN.frame.version >= GN.info.version")
            page.wait_for_timeout(1000)
            start = page.evaluate("[GN.stats.draws, performance.now()]")
            page.wait_for_timeout(seconds * 1000)
            end = page.evaluate("[GN.stats.draws, performance.now()]")
            print("  page time per redraw (ms):", page.evaluate(
                "['drawMs', 'regionMs', 'networkMs'].map(k => (GN.stats[k] / GN.stats.draws)"
                ".toFixed(1))"))
            page.click("#play")
            browser.close()
    finally:
        stop()
    return (end[0] - start[0]) / ((end[1] - start[1]) / 1000)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    from glassnet.playground.server import one_blas_thread

    one_blas_thread()  # as `glassnet playground` does
    upload, source = mnist_csv()
    rows = []
    for name, state, data in (("seed 000: 2-2-5, sample2", SEED000, None),
                              ("MNIST: 784-64-10", MNIST, upload)):
        row = {"network": name, **server_rates(state, data, args.seconds)}
        if not args.no_browser:
            row["browser redraws/s"] = browser_rate(state, data, args.seconds)
        rows.append(row)
    print(f"{machine()}; MNIST rows: {source}")
    print_table(rows, ["network", "frames/s", "frame kB", "steps/s with frames",
                       "steps/s alone", "training kept", "browser redraws/s"])
    print("results:", write_results("playground_redraw", rows))


if __name__ == "__main__":
    main()
