"""glassnet's scikit-learn estimators against MLPClassifier / MLPRegressor, side by side.

    python bench/sklearn_compare.py [--seeds 5] [--epochs 50] [--repeat 3] [--quick]

For each of scikit-learn's bundled datasets (iris, wine, breast cancer, digits,
diabetes; California housing too when it is already in scikit-learn's data folder):

- held-out score (accuracy or R² on a 25 % split) with each estimator's defaults
  (MLPClassifier's parameters are the same for both), median over --seeds seeds;
- fit time for the same work: --epochs epochs, batch 200 ("auto"), no early stop
  (tol=0), median of --repeat runs, the estimators alternating (glassnet in float64,
  MLPClassifier's precision, and in float32); MLPClassifier also with one BLAS thread,
  which glassnet's estimators choose for networks this small;
- skorch's NeuralNetClassifier for the same network, when skorch is installed.

Prints a table and writes bench/results/sklearn_compare.json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import median_time, print_table, write_results  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from glassnet.sklearn import NetClassifier, NetRegressor  # noqa: E402


def bundled(quick=False):
    """(name, X, y, is_classification) for every dataset available offline."""
    out = [("iris", *datasets.load_iris(return_X_y=True), True),
           ("wine", *datasets.load_wine(return_X_y=True), True),
           ("breast_cancer", *datasets.load_breast_cancer(return_X_y=True), True),
           ("digits", *datasets.load_digits(return_X_y=True), True),
           ("diabetes", *datasets.load_diabetes(return_X_y=True), False)]
    if not quick:
        try:
            x, y = datasets.fetch_california_housing(return_X_y=True, download_if_missing=False)
            out.append(("california_housing", x, y, False))
        except OSError:
            pass
    return out


def held_out_scores(x, y, classification, seeds, net_params=None):
    """Median held-out score of MLP* and Net* with default parameters over the seeds."""
    mlp_scores, net_scores = [], []
    for seed in range(seeds):
        parts = train_test_split(x, y, test_size=0.25, random_state=seed,
                                 stratify=y if classification else None)
        x_train, x_test, y_train, y_test = parts
        mlp = (MLPClassifier if classification else MLPRegressor)(random_state=seed)
        net = (NetClassifier if classification else NetRegressor)(random_state=seed,
                                                                  **(net_params or {}))
        mlp_scores.append(mlp.fit(x_train, y_train).score(x_test, y_test))
        net_scores.append(net.fit(x_train, y_train).score(x_test, y_test))
    return statistics.median(mlp_scores), statistics.median(net_scores)


def fit_times(x, y, classification, epochs, repeat):
    """Median fit time of the same epochs and batch size, estimators alternating."""
    same = dict(max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1, random_state=0)
    mlp = (MLPClassifier if classification else MLPRegressor)(**same)
    net = (NetClassifier if classification else NetRegressor)(**same)
    net32 = (NetClassifier if classification else NetRegressor)(dtype="float32", **same)
    times = {"mlp": [], "mlp1": [], "net": [], "net32": []}
    for _ in range(repeat):
        for key, est in (("mlp", mlp), ("mlp1", mlp), ("net", net), ("net32", net32)):
            started = time.perf_counter()
            with threadpool_limits(1, "blas") if key == "mlp1" else contextlib.nullcontext():
                est.fit(x, y)
            times[key].append(time.perf_counter() - started)
    return tuple(statistics.median(times[key]) for key in ("mlp", "mlp1", "net", "net32"))


def skorch_time(x, y, epochs):
    """skorch's NeuralNetClassifier with the same 100-cell ReLU network, or None."""
    try:
        import torch
        from skorch import NeuralNetClassifier
    except ImportError:
        return None
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 100), torch.nn.ReLU(),
                                 torch.nn.Linear(100, len(np.unique(y))))
    net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
                              optimizer=torch.optim.Adam, lr=1e-3, max_epochs=epochs,
                              batch_size=200, train_split=None, verbose=0)
    return median_time(lambda: net.fit(x.astype(np.float32), y.astype(np.int64)), 1)[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 seed, 1 repeat, 20 epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.repeat, args.epochs = 1, 1, 20
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows = []
    for name, x, y, classification in bundled(args.quick):
        mlp_score, net_score = held_out_scores(x, y, classification, args.seeds)
        mlp_time, mlp1_time, net_time, net32_time = fit_times(x, y, classification,
                                                              args.epochs, args.repeat)
        row = {"dataset": name, "rows": x.shape[0], "features": x.shape[1],
               "metric": "accuracy" if classification else "R2",
               "mlp_score": round(mlp_score, 4), "net_score": round(net_score, 4),
               "epochs": args.epochs, "mlp_fit_s": round(mlp_time, 4),
               "mlp_1_thread_fit_s": round(mlp1_time, 4),
               "net_fit_s": round(net_time, 4), "time_ratio": round(net_time / mlp_time, 3),
               "net32_fit_s": round(net32_time, 4),
               "time_ratio_32": round(net32_time / mlp_time, 3)}
        if classification:
            row["skorch_fit_s"] = skorch_time(x, y, args.epochs)
        rows.append(row)
        print(f"{name}: done", file=sys.stderr)
    print_table(rows, ["dataset", "rows", "features", "metric", "mlp_score", "net_score",
                       "mlp_fit_s", "mlp_1_thread_fit_s", "net_fit_s", "time_ratio",
                       "net32_fit_s", "time_ratio_32", "skorch_fit_s"])
    print(f"written {write_results('sklearn_compare', rows)}")


if __name__ == "__main__":
    main()
