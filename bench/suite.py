"""glassnet's benchmark suite: every workload side by side with PyTorch eager.

    python bench/suite.py [--repeat 5] [--quick] [--mnist PATH] [--full-mnist]

Workloads (median of --repeat runs each, glassnet and PyTorch alternating in one run):
- seed 000: 250 rows, 2-2-5 sigmoid/softmax, SGD lr 0.5, 1000 epochs, batch 100 and
  full batch, analytic; and glassnet's numerical gradients;
- seed 002: one MNIST epoch of 784-400-10 relu/softmax, Adam 1e-3, batch 32 and 128,
  with the test accuracy after it;
- inference: predict 10 000 MNIST rows;
- start-up: `import glassnet` and `glassnet --help` in fresh processes;
- memory: peak memory of training 784-40000-10 (Adam, batch 32, float32) against
  weights + gradients + optimiser state + one batch's activations;
- with --full-mnist: 20 epochs of 784-400-10 (Adam 1e-3, batch 32) and its test accuracy.
Prints a table and writes bench/results/suite.json and suite.csv.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import machine, median_time, print_table, write_results  # noqa: E402
from seed000 import glassnet_run, torch_run  # noqa: E402

import glassnet  # noqa: E402
from glassnet.layers import Dense  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MNIST = os.path.join(HERE, "..", "..", "shared", "data", "mnist.npz")


def have_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def mnist_glassnet(x, y, xt, yt, batch_size, epochs=1):
    def run():
        model = glassnet.Sequential([Dense(400, "relu"), Dense(10, "softmax")], input_dim=784,
                                    seed=0)
        model.compile(glassnet.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                      ["accuracy"])
        model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
        return float((model.predict(xt).argmax(1) == yt).mean())
    return run


def mnist_torch(x, y, xt, yt, batch_size, epochs=1):
    import torch

    X, Y = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    XT = torch.from_numpy(xt)

    def run():
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(784, 400), torch.nn.ReLU(),
                                  torch.nn.Linear(400, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(epochs):
            order = torch.randperm(len(X))
            for s in range(0, len(X), batch_size):
                idx = order[s:s + batch_size]
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(X[idx]), Y[idx]).backward()
                opt.step()
        with torch.no_grad():
            return float((net(XT).argmax(1).numpy() == yt).mean())
    return run


def predict_pair(x, xt):
    model = glassnet.Sequential([Dense(400, "relu"), Dense(10, "softmax")], input_dim=784,
                                seed=0)
    theirs = None
    if have_torch():
        import torch

        net = torch.nn.Sequential(torch.nn.Linear(784, 400), torch.nn.ReLU(),
                                  torch.nn.Linear(400, 10), torch.nn.Softmax(dim=1))
        XT = torch.from_numpy(xt)

        def theirs():
            with torch.no_grad():
                return net(XT).numpy()
    def ours():
        model.predict(xt)

    def torch_predict():
        theirs()

    return ours, (torch_predict if theirs is not None else None)


def startup(command, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def memory_40000(x, y, steps=60):
    """Peak traced memory of training 784-40000-10 against its analytic floor."""
    rows = steps * 32
    xs, ys = x[:rows], y[:rows]
    tracemalloc.start()  # before the model exists: its weights and gradients count too
    base = tracemalloc.get_traced_memory()[0]
    model = glassnet.Sequential([Dense(40000, "relu"), Dense(10, "softmax")], input_dim=784,
                                seed=0)
    model.compile(glassnet.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    params = model.count_params()
    weights = params * 4  # float32
    # weights + gradients + Adam's m and v + one batch's activations (input, 40000
    # pre-activations and outputs, 10 logits and probabilities)
    floor = weights * (1 + 1 + 2) + 32 * (784 + 2 * 40000 + 2 * 10) * 4
    started = time.perf_counter()
    model.fit(xs, ys, epochs=1, batch_size=32, shuffle=False, verbose=0)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return {"params": params, "peak_mb": peak / 2**20, "floor_mb": floor / 2**20,
            "ratio": peak / floor, "seconds_per_step": seconds / steps}


def main(argv=None):
    parser = argparse.ArgumentParser(description="glassnet benchmark suite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="repeat 3, skip memory")
    parser.add_argument("--mnist", default=os.environ.get("GLASSNET_MNIST", DEFAULT_MNIST))
    parser.add_argument("--full-mnist", action="store_true")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    torch_ok = have_torch()
    rows = []

    def pair(name, ours, theirs, unit="s", note=""):
        ours_s, _, ours_r = median_time(ours, repeat)
        row = {"workload": name, "glassnet": ours_s, "glassnet_result": ours_r, "note": note}
        if theirs is not None:
            theirs_s, _, theirs_r = median_time(theirs, repeat)
            row.update(pytorch=theirs_s, pytorch_result=theirs_r, ratio=ours_s / theirs_s)
        rows.append(row)
        print(f"  {name}: {row}", flush=True)

    data = glassnet.datasets.load("sample2")
    x0, t0 = data.features, data.one_hot()
    pair("seed000 analytic batch 100 (1000 epochs)", glassnet_run(x0, t0, 100, "analytic"),
         torch_run(x0, data.labels, 100) if torch_ok else None, note="result: train accuracy")
    pair("seed000 analytic full batch (1000 epochs)", glassnet_run(x0, t0, None, "analytic"),
         torch_run(x0, data.labels, None) if torch_ok else None)
    pair("seed000 numerical full batch (1000 epochs)",
         glassnet_run(x0, t0, None, "numerical"), None)

    if os.path.exists(args.mnist):
        (x, y), (xt, yt) = glassnet.datasets.load_mnist(args.mnist, flatten=True, scale=True,
                                                         download_missing=False)
        for batch in (32, 128):
            pair(f"MNIST 784-400-10 one epoch, batch {batch}",
                 mnist_glassnet(x, y, xt, yt, batch),
                 mnist_torch(x, y, xt, yt, batch) if torch_ok else None,
                 note="result: test accuracy")
        ours, theirs = predict_pair(x, xt)
        pair("predict 10000 MNIST rows", ours, theirs)
        if not args.quick:
            m = memory_40000(x, y)
            rows.append({"workload": "train 784-40000-10 peak memory (MB)",
                         "glassnet": m["peak_mb"], "glassnet_result": m["ratio"],
                         "note": f"floor {m['floor_mb']:.0f} MB (weights + grads + Adam "
                                 f"state + batch); result: peak / floor; "
                                 f"{m['seconds_per_step'] * 1000:.0f} ms per step"})
            print(f"  memory: {rows[-1]}", flush=True)
        if args.full_mnist:
            started = time.perf_counter()
            accuracy = mnist_glassnet(x, y, xt, yt, 32, epochs=20)()
            rows.append({"workload": "MNIST 784-400-10, 20 epochs, batch 32",
                         "glassnet": time.perf_counter() - started,
                         "glassnet_result": accuracy, "note": "result: test accuracy"})
            print(f"  full MNIST: {rows[-1]}", flush=True)
    else:
        print(f"MNIST not found at {args.mnist}: skipping the MNIST workloads")

    exe = os.path.join(os.path.dirname(sys.executable), "glassnet")
    bare = startup([sys.executable, "-c", "pass"], max(repeat, 7))
    rows.append({"workload": "import glassnet (beyond Python's own start-up)",
                 "glassnet": startup([sys.executable, "-c", "import glassnet"],
                                     max(repeat, 7)) - bare,
                 "note": f"Python itself starts in {bare:.3f} s"})
    rows.append({"workload": "glassnet --help (whole process)",
                 "glassnet": startup([exe, "--help"], max(repeat, 7))})
    print(f"\nglassnet benchmark suite, median of {repeat}; {machine()}; numpy "
          f"{np.__version__}; torch "
          f"{__import__('torch').__version__ if torch_ok else 'not installed'}; "
          f"{time.strftime('%Y-%m-%d')}")
    print_table(rows, ["workload", "glassnet", "pytorch", "ratio", "glassnet_result",
                       "pytorch_result"])
    path = write_results("suite", rows)
    with open(path.replace(".json", ".csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["workload", "glassnet", "pytorch", "ratio",
                                               "glassnet_result", "pytorch_result", "note"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"written to {path} and suite.csv")


if __name__ == "__main__":
    main()
