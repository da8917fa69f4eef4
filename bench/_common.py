"""Shared benchmark helpers: peers timed round by round, the machine, the BLAS in use."""

from __future__ import annotations

import csv
import json
import os
import platform
import statistics
import time

HERE = os.path.dirname(os.path.abspath(__file__))
#: environment variables that change which OpenBLAS kernel NumPy runs
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                      "OMP_NUM_THREADS")


def alternate(peers: dict, repeat: int, pause: float = 0.5) -> dict:
    """Time every peer ``repeat`` times, one run of each per round, in one process.

    Alternating round by round spreads the machine's slow moments (other processes,
    frequency changes) over every peer instead of loading them onto whichever ran
    during them. A pause before each run lets the previous peer's BLAS / OpenMP
    threads stop spinning, so they do not steal cycles from the next peer.

    Returns ``{name: {"median": s, "times": [...], "result": last result}}``.
    """
    out = {name: {"times": [], "result": None} for name in peers}
    for _ in range(repeat):
        for name, run in peers.items():
            time.sleep(pause)
            started = time.perf_counter()
            result = run()
            out[name]["times"].append(time.perf_counter() - started)
            out[name]["result"] = result
    for entry in out.values():
        entry["median"] = statistics.median(entry["times"])
    return out


def machine() -> dict:
    """CPU model, cores, memory, Python, NumPy and the BLAS libraries that are loaded."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next(line.split(":", 1)[1].strip() for line in f
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        pass
    import numpy as np

    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": memory,
            "python": platform.python_version(), "numpy": np.__version__,
            "blas": blas_info(),
            "openblas_variables": {k: os.environ[k] for k in OPENBLAS_VARIABLES
                                   if k in os.environ}}


def blas_info() -> list[dict]:
    """The BLAS / OpenMP thread pools loaded in this process (threadpoolctl), e.g.
    NumPy's OpenBLAS with the kernel it chose for this CPU ("architecture")."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl not installed"}]
    keys = ("user_api", "internal_api", "version", "architecture", "threading_layer",
            "num_threads", "filepath")
    return [{k: pool.get(k) for k in keys if pool.get(k) is not None}
            for pool in threadpool_info()]


def blas_summary(info: list[dict]) -> str:
    parts = []
    for pool in info:
        if pool.get("user_api") == "blas":
            where = os.path.basename(os.path.dirname(pool.get("filepath", "")))
            parts.append(f"{pool.get('internal_api')} {pool.get('version')} "
                         f"{pool.get('architecture') or ''} kernel, "
                         f"{pool.get('num_threads')} threads ({where})".replace("  ", " "))
    return "; ".join(parts) or "unknown"


def median_time(fn, repeat: int) -> tuple[float, list[float], object]:
    """Median of ``repeat`` timed calls of ``fn`` alone: (median, times, last result)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def write_results(name: str, rows: list[dict]) -> str:
    """bench/results/<name>.json with the machine and date; returns its path."""
    folder = os.path.join(HERE, "results")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"machine": machine(), "date": time.strftime("%Y-%m-%d"), "rows": rows}, f,
                  indent=1, default=str)
    return path


def print_table(rows: list[dict], columns: list[str]) -> None:
    print(markdown_table(rows, [(c, c) for c in columns]))


def write_suite_results(name: str, header: dict, rows: list[dict],
                        columns: list[str]) -> list[str]:
    """bench/results/<name>.json (everything), .csv (one row per workload) and .md."""
    folder = os.path.join(HERE, "results")
    os.makedirs(folder, exist_ok=True)
    base = os.path.join(folder, name)
    with open(base + ".json", "w", encoding="utf-8") as f:
        json.dump(dict(header, rows=rows), f, indent=1, default=str)
    with open(base + ".csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return [base + ".json", base + ".csv"]


def fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:.0f}"
        return f"{value:.3g}"
    return str(value)


def markdown_table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """A markdown table of ``rows`` with (key, heading) columns; missing cells are '-'."""
    lines = ["| " + " | ".join(h for _, h in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(fmt(row.get(k)) for k, _ in columns) + " |")
    return "\n".join(lines)
