"""Seed 000's workload: 250 rows, 2-2-5 sigmoid/softmax, SGD lr 0.5, 1000 epochs.

    python bench/seed000.py [--repeat 5]

Times glassnet (analytic mini-batch 100 and full batch, numerical full batch) and,
when installed, PyTorch eager on the same work, side by side in one run; prints the
medians and the glassnet/PyTorch ratios, and writes bench/results/seed000.json.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import machine, median_time, print_table, write_results  # noqa: E402

import glassnet  # noqa: E402
from glassnet.demo import seed000_model  # noqa: E402

EPOCHS = 1000


def glassnet_run(x, t, batch_size, gradient, dtype="float32"):
    def run():
        model = seed000_model(seed=0, dtype=dtype)
        model.compile(glassnet.optimizers.SGD(0.5), "categorical_crossentropy", ["accuracy"])
        h = model.fit(x, t, epochs=EPOCHS, batch_size=batch_size, gradient=gradient, verbose=0)
        return h.history["accuracy"][-1]
    return run


def torch_run(x, labels, batch_size):
    import torch

    xt = torch.from_numpy(x.astype(np.float32))
    yt = torch.from_numpy(labels.astype(np.int64))

    def run():
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 5))
        for p in net.parameters():  # Keras's "uniform": U(-0.05, 0.05)
            torch.nn.init.uniform_(p, -0.05, 0.05)
        opt = torch.optim.SGD(net.parameters(), lr=0.5)
        n = len(xt)
        size = batch_size or n
        for _ in range(EPOCHS):
            order = torch.randperm(n)
            for s in range(0, n, size):
                idx = order[s:s + size]
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
        with torch.no_grad():
            return float((net(xt).argmax(1) == yt).float().mean())
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    data = glassnet.datasets.load("sample2")
    x, t = data.features, data.one_hot()
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    workloads = [
        ("analytic, batch 100", glassnet_run(x, t, 100, "analytic"),
         torch_run(x, data.labels, 100) if torch_version else None),
        ("analytic, full batch", glassnet_run(x, t, None, "analytic"),
         torch_run(x, data.labels, None) if torch_version else None),
        ("numerical, full batch", glassnet_run(x, t, None, "numerical"), None),
        ("numerical, full batch, float64", glassnet_run(x, t, None, "numerical", "float64"),
         None),
    ]
    rows = []
    for name, ours, theirs in workloads:
        ours_s, _, ours_acc = median_time(ours, args.repeat)
        row = {"workload": name, "glassnet_s": ours_s, "glassnet_acc": ours_acc}
        if theirs is not None:
            theirs_s, _, theirs_acc = median_time(theirs, args.repeat)
            row.update(pytorch_s=theirs_s, pytorch_acc=theirs_acc, ratio=ours_s / theirs_s)
        rows.append(row)
    print(f"seed 000 workload, {EPOCHS} epochs, median of {args.repeat}; {machine()}; "
          f"numpy {np.__version__}, torch {torch_version or 'not installed'}")
    print_table(rows, ["workload", "glassnet_s", "pytorch_s", "ratio", "glassnet_acc",
                       "pytorch_acc"])
    print(f"written to {write_results('seed000', rows)}")


if __name__ == "__main__":
    main()
