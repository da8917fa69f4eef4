"""Running trials in worker processes, one BLAS thread each.

The runner knows nothing about models: it maps ``run_trial`` over JSON-able specs.
Workers are fresh processes ("spawn") whose BLAS libraries are limited to one thread
before NumPy loads: workers then do not fight over cores, and, because a matrix
product split over a different number of threads may round differently, every trial
computes with the same single thread whatever the number of workers. With every trial
also carrying its own seed, ``jobs=1`` and ``jobs=4`` give identical numbers.

Scripts that call ``run_trials`` need the usual ``if __name__ == "__main__":`` guard,
as any program that starts worker processes.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from ..validation import check_number
from .trial import run_trial

BLAS_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                  "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def run_trials(specs, jobs=1, progress=None, in_process=False) -> list[dict]:
    """Results of every spec, in the order of ``specs``.

    ``jobs`` worker processes run the trials; ``in_process=True`` runs them here
    instead (handy in a debugger; BLAS then uses this process's threads, so the last
    digits may differ from the workers').
    """
    jobs = check_number("jobs", jobs, minimum=1, integer=True)
    specs = list(specs)
    results = []
    if in_process:
        for i, spec in enumerate(specs):
            results.append(run_trial(spec))
            if progress:
                progress(i + 1, len(specs), results[-1])
        return results
    saved = {k: os.environ.get(k) for k in BLAS_VARIABLES}
    os.environ.update({k: "1" for k in BLAS_VARIABLES})  # inherited by the workers
    try:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(specs))),
                                 mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(run_trial, spec) for spec in specs]
            for i, future in enumerate(futures):
                results.append(future.result())
                if progress:
                    progress(i + 1, len(specs), results[-1])
        return results
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
