"""glassnet's benchmark suite: every workload side by side with its peers, in one process.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/suite.py \
        [--repeat 5] [--pause 0.5] [--floor] [--scaling] [--skip keras] [--only seed000 ...]

Peers: PyTorch eager, scikit-learn's MLPClassifier, Keras 3 on the torch backend and,
for seed 000, the seed's program as a plain NumPy loop; each runs when installed.
Every workload times its peers round by round (glassnet, torch, sklearn, keras,
glassnet, ...) with a pause before each run, and reports medians.

Workloads:
- seed000: 250 rows of sample2, 2-2-5 sigmoid/softmax, SGD 0.5, 1000 epochs, batch 100
  and full batch; glassnet's numerical gradients alone;
- mnist: one epoch of 784-400-10 relu/softmax, Adam 1e-3, batch 32 and 128 (with test
  accuracy); width 64 (784-64-10, batch 128); predicting the 10 000 test rows;
- floor (--floor): the GEMM floor of each MNIST epoch, 6 × parameters × rows at the
  float32 matrix-product peak measured here (forward, and backward's two products);
- scaling (--scaling): one epoch at width 64, 400, 2000, 4000 (batch 128), and
  784-400-10 on 250 … 250 000 rows (MNIST repeated);
- startup: ``import glassnet`` and ``glassnet --help`` in fresh processes;
- memory: peak traced memory of training 784-40000-10 against weights + gradients +
  Adam's state + one batch.
Writes bench/results/suite.json, suite.csv and suite.md (the table for README).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist  # noqa: E402
import seed000  # noqa: E402
from _common import (  # noqa: E402
    alternate,
    blas_summary,
    machine,
    markdown_table,
    write_suite_results,
)
from memory import memory_40000  # noqa: E402

PEERS = ("glassnet", "torch", "sklearn", "keras", "numpy")
LABELS = {"glassnet": "glassnet", "torch": "PyTorch eager", "sklearn": "scikit-learn MLP",
          "keras": "Keras (torch)", "numpy": "plain NumPy loop"}
SECTIONS = ("seed000", "mnist", "scaling", "startup", "memory")


def row_of(workload, timed, result_name="", floor=None):
    """One table row: each peer's median, its ratio glassnet ÷ peer, and its result."""
    row = {"workload": workload, "result": result_name}
    ours = timed["glassnet"]["median"]
    for name, entry in timed.items():
        row[name] = entry["median"]
        row[f"{name}_times"] = entry["times"]
        row[f"{name}_result"] = entry["result"]
        if name != "glassnet":
            row[f"ratio_{name}"] = ours / entry["median"]
    if floor is not None:
        row["floor"] = floor
        row["glassnet_over_floor"] = ours / floor
        if "torch" in timed:
            row["torch_over_floor"] = timed["torch"]["median"] / floor
    print(f"  {workload}: " + ", ".join(
        f"{k} {row[k]:.3g} s" for k in PEERS if k in row), flush=True)
    return row


def thread_counts(text):
    """'1,all' -> [1, every core]: the thread counts ``--threads`` runs the suite at."""
    counts = []
    for part in text.split(","):
        part = part.strip().lower()
        count = os.cpu_count() or 1 if part == "all" else int(part)
        if count < 1:
            raise argparse.ArgumentTypeError(f"thread counts must be positive, got {part!r}")
        if count not in counts:
            counts.append(count)
    return counts


def limit_threads(n):
    """Every peer on ``n`` threads: NumPy's and scikit-learn's BLAS and OpenMP pools
    (threadpoolctl, for the whole process), torch's intra-op pool and numba's threads
    (glassnet's parallel optimiser kernels)."""
    from threadpoolctl import threadpool_limits

    if seed000.installed("numba"):
        import numba

        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))

    if seed000.installed("torch"):
        import torch

        torch.set_num_threads(n)
    import glassnet  # noqa: F401  (load NumPy's BLAS, then limit it)
    if seed000.installed("sklearn"):
        import sklearn.neural_network  # noqa: F401  (its BLAS and OpenMP runtime)
    if getattr(limit_threads, "keep", None) is not None:
        limit_threads.keep.restore_original_limits()
    limit_threads.keep = threadpool_limits(n)


def gemm_peak(size=2048, repeat=7):
    """Best float32 matrix-product rate on this machine, in FLOP/s (2 n³ per product)."""
    a = np.random.default_rng(0).standard_normal((size, size)).astype(np.float32)
    out = np.empty_like(a)
    np.matmul(a, a, out=out)
    best = min(_timed(lambda: np.matmul(a, a, out=out)) for _ in range(repeat))
    return 2 * size**3 / best


def _timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def startup(command, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_seed000(args, rows):
    import glassnet

    data = glassnet.datasets.load("sample2")
    x, labels = data.features, data.labels
    for batch, name in ((100, "batch 100"), (None, "full batch")):
        timed = alternate(seed000.peers(x, labels, batch, args.skip), args.repeat, args.pause)
        rows.append(row_of(f"seed 000 network, {name}, 1000 epochs", timed, "train accuracy"))
    timed = alternate({"glassnet": seed000.glassnet_run(x, labels, None, "numerical")},
                      args.repeat, args.pause)
    rows.append(row_of("seed 000 network, numerical gradients, full batch", timed,
                       "train accuracy"))


def run_mnist(args, rows, peak):
    data = mnist.load(args.mnist, rows=args.mnist_rows)
    rows_n = len(data.x)
    for units, batch in ((400, 32), (400, 128), (64, 128)):
        skip = args.skip if units == 400 else (*args.skip, "sklearn", "keras")
        timed = alternate(mnist.train_peers(data, units, batch, skip), args.repeat, args.pause)
        floor = 6 * mnist.params(units) * rows_n / peak if peak else None
        rows.append(row_of(f"MNIST 784-{units}-10, Adam, batch {batch}, one epoch"
                           + (f" of {rows_n} rows" if args.mnist_rows else ""), timed,
                           "test accuracy", floor))
    timed = alternate(mnist.predict_peers(data, skip=args.skip), max(args.repeat, 7),
                      args.pause)
    rows.append(row_of("predict 10 000 MNIST rows (784-400-10)", timed,
                       floor=2 * mnist.params(400) * len(data.xt) / peak if peak else None))


def run_scaling(args, rows, peak):
    skip = (*args.skip, "sklearn", "keras")
    data = mnist.load(args.mnist)
    repeat = min(args.repeat, 3)
    for units in (64, 400, 2000, 4000):
        timed = alternate(mnist.train_peers(data, units, 128, skip), repeat, args.pause)
        floor = 6 * mnist.params(units) * len(data.x) / peak if peak else None
        rows.append(row_of(f"width {units}: MNIST 784-{units}-10, batch 128, one epoch",
                           timed, "test accuracy", floor))
    for n in (250, 2500, 25000, 250000):
        part = mnist.load(args.mnist, rows=n)
        timed = alternate(mnist.train_peers(part, 400, 128, skip), repeat, args.pause)
        floor = 6 * mnist.params(400) * n / peak if peak else None
        rows.append(row_of(f"rows {n}: 784-400-10, batch 128, one pass", timed,
                           "test accuracy", floor))


def run_startup(args, rows):
    exe = os.path.join(os.path.dirname(sys.executable), "glassnet")
    repeat = max(args.repeat, 7)
    bare = startup([sys.executable, "-c", "pass"], repeat)
    ours = startup([sys.executable, "-c", "import glassnet"], repeat) - bare
    rows.append({"workload": "import glassnet (beyond Python's own start-up)",
                 "glassnet": ours, "result": f"Python itself starts in {bare:.3f} s"})
    rows.append({"workload": "glassnet --help (whole process)",
                 "glassnet": startup([exe, "--help"], repeat)})


def markdown(rows, peers_present):
    """README's table: each peer's time with glassnet ÷ peer beside it."""
    table = []
    for row in rows:
        cells = {"workload": row["workload"], "glassnet": _seconds(row.get("glassnet"))}
        for name in peers_present:
            if row.get(name) is not None:
                cells[name] = f"{_seconds(row[name])} ({row[f'ratio_{name}']:.2f})"
        if row.get("floor"):
            cells["floor"] = f"{_seconds(row['floor'])} ({row['glassnet_over_floor']:.1f}×)"
        results = [f"{row[f'{n}_result']:.3f}" for n in ("glassnet", *peers_present)
                   if isinstance(row.get(f"{n}_result"), float)]
        cells["result"] = (f"{row['result']}: " + " / ".join(results)
                           if results and row.get("result") else row.get("result") or "")
        table.append(cells)
    columns = [("workload", "workload"), ("glassnet", "glassnet")]
    columns += [(n, f"{LABELS[n]} (glassnet ÷ it)") for n in peers_present]
    if any("floor" in c for c in table):
        columns.append(("floor", "GEMM floor (glassnet ÷ it)"))
    columns.append(("result", "result (glassnet / peers in order)"))
    return markdown_table(table, columns)


def _seconds(value):
    if value is None:
        return None
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main(argv=None):
    parser = argparse.ArgumentParser(description="glassnet benchmark suite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds of rest before each timed run (default 0.5)")
    parser.add_argument("--quick", action="store_true", help="repeat 3, no memory section")
    parser.add_argument("--floor", action="store_true",
                        help="measure the float32 GEMM peak and add each MNIST workload's floor")
    parser.add_argument("--scaling", action="store_true", help="add the width and rows scaling")
    parser.add_argument("--skip", nargs="*", default=[], choices=PEERS[1:],
                        help="peers to leave out")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--mnist", default=os.environ.get("GLASSNET_MNIST", mnist.DEFAULT_MNIST))
    parser.add_argument("--mnist-rows", type=int,
                        help="train the MNIST workloads on this many rows (quick checks)")
    parser.add_argument("--name", default="suite", help="results file name (default suite)")
    parser.add_argument("--threads", type=thread_counts,
                        help="run every workload with every peer's BLAS / OpenMP / torch / "
                             "numba threads limited to each of these counts, e.g. 1,all "
                             "('all': every core; default: each library's own choice)")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 3
    sections = set(args.only or [s for s in SECTIONS if s != "scaling" or args.scaling])
    if args.quick:
        sections.discard("memory")
    for name in ("torch", "sklearn", "keras"):
        if name not in args.skip and not seed000.installed(name):
            print(f"{LABELS[name]} is not installed: left out")
            args.skip.append(name)
    import glassnet  # noqa: F401  (loads NumPy's BLAS before the machine is described)

    about = machine()
    print(f"BLAS: {blas_summary(about['blas'])}")
    if about["openblas_variables"]:
        print(f"warning: {about['openblas_variables']} set; users' machines do not set them")
    peak = gemm_peak() if args.floor else None
    if peak:
        print(f"float32 GEMM peak: {peak / 1e9:.0f} GFLOP/s")
    rows = []
    has_mnist = os.path.exists(args.mnist)
    if not has_mnist:
        print(f"MNIST not found at {args.mnist}: skipping the MNIST workloads")
    for count in args.threads or [None]:
        if count is not None:
            limit_threads(count)
            print(f"-- every peer on {count} thread(s)", flush=True)
        done = len(rows)
        if "seed000" in sections:
            run_seed000(args, rows)
        if "mnist" in sections and has_mnist:
            run_mnist(args, rows, peak)
        if "scaling" in sections and has_mnist:
            run_scaling(args, rows, peak)
        for row in rows[done:]:
            if count is not None and len(args.threads) > 1:
                row["workload"] += f", {count} thread{'s' if count > 1 else ''}"
            row["threads"] = count
    if "memory" in sections and has_mnist:
        rows.append(memory_40000(mnist.load(args.mnist)))
        print(f"  memory: {rows[-1]['result']}", flush=True)
    if "startup" in sections:
        run_startup(args, rows)

    versions = {"glassnet": glassnet.__version__ if hasattr(glassnet, "__version__") else ""}
    for name in ("torch", "sklearn", "keras", "numba"):
        if name not in args.skip and seed000.installed(name):
            versions[name] = sys.modules[name].__version__
    command = "python bench/suite.py " + " ".join(argv if argv is not None else sys.argv[1:])
    header = {"command": command, "threads": args.threads,
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "machine": about, "versions": versions, "repeat": args.repeat,
              "pause": args.pause, "gemm_peak_gflops": peak / 1e9 if peak else None}
    present = [p for p in PEERS[1:] if any(p in r for r in rows)]
    table = markdown(rows, present)
    columns = ["workload", *PEERS, *(f"ratio_{p}" for p in PEERS[1:]), "floor",
               "glassnet_over_floor", "torch_over_floor", "result",
               *(f"{p}_result" for p in PEERS)]
    paths = write_suite_results(args.name, header, rows, columns)
    about_line = (f"{about['cpu']}, {about['cores']} cores, Python {about['python']}, NumPy "
                  f"{about['numpy']}; BLAS: {blas_summary(about['blas'])}; "
                  + ", ".join(f"{k} {v}" for k, v in versions.items() if v))
    threads = (f"; every peer limited to {', '.join(map(str, args.threads))} thread(s) in turn"
               if args.threads else "")
    md = (f"`{command}`, {header['date']}, median of {args.repeat} (peers alternating "
          f"round by round, {args.pause} s pause before each run{threads})\n\n{about_line}"
          + (f"; float32 GEMM peak {peak / 1e9:.0f} GFLOP/s" if peak else "")
          + f"\n\n{table}\n")
    with open(paths[0].replace(".json", ".md"), "w", encoding="utf-8") as f:
        f.write(md)
    print("\n" + md)
    print("written to " + ", ".join(paths) + " and .md")


if __name__ == "__main__":
    main()
