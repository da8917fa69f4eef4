"""A sweep's folder: its plan, its journal, its results and report.

A sweep writes into its result folder from the start (not into a temporary folder
published at the end): the journal must outlive a crash. The folder holds

- ``sweep.json``: the plan, everything needed to run the sweep again: ``kind``
  ("compare" or "search"), a ``title``, and either the trial ``specs`` (compare) or the
  search's ``base`` spec and sampler settings (search);
- ``journal.jsonl``: one line per finished trial (``journal``);
- ``optuna-journal.log`` for a TPE search;
- at the end ``results.json``, the report and its figures and tables, each written
  atomically.

``run_experiment(plan, out_dir, ...)`` starts a sweep; ``run_experiment(None, out_dir,
resume=True)`` resumes one from its plan alone. The CLI's ``compare`` and ``search``
call it with plain values.
"""

from __future__ import annotations

import json
import os
import shutil

from ..base.errors import ConfigError, ResultsError
from ..io.files import write_bytes
from .journal import JOURNAL
from .runner import run_sweep
from .search import OPTUNA_JOURNAL, l2_range, run_search

PLAN = "sweep.json"
KINDS = ("compare", "search")
SEARCH_SETTINGS = ("sampler", "trials", "learning_rate", "l2", "seed", "prune",
                   "prune_startup", "wave")


def compare_plan(specs, title="glassnet compare") -> dict:
    return {"kind": "compare", "title": title, "specs": list(specs)}


def search_plan(base, title="glassnet search", **settings) -> dict:
    if "weight_decay" in settings:  # the L2 range's old name
        settings["l2"] = l2_range(settings.get("l2"), settings.pop("weight_decay"))
    unknown = set(settings) - set(SEARCH_SETTINGS)
    if unknown:
        raise ConfigError(f"search plan: unknown setting(s) {', '.join(sorted(unknown))}; "
                          f"expected some of {', '.join(SEARCH_SETTINGS)}")
    return {"kind": "search", "title": title, "base": base, **settings}


MAX_PLAN_BYTES = 16 * 2**20
#: lists and objects nested deeper than this in a plan or a --config file are refused
MAX_DEPTH = 32


def load_plan(out_dir) -> dict:
    """The plan a sweep folder was started with (a ``ConfigError`` when it has none, or
    one that is not a sound plan: the file is read without following a link, and every
    setting is checked as a new sweep's are)."""
    from .journal import open_regular

    path = os.path.join(out_dir, PLAN)
    try:
        fd = open_regular(path, os.O_RDONLY, "sweep plan")
    except FileNotFoundError:
        raise ConfigError(f"resume: {out_dir} holds no sweep ({PLAN} is missing); expected "
                          "the result folder of an earlier compare or search") from None
    with os.fdopen(fd, "rb") as f:
        raw = f.read(MAX_PLAN_BYTES + 1)
    if len(raw) > MAX_PLAN_BYTES:
        raise ConfigError(f"resume: {path} is larger than a sweep plan can be "
                          f"({MAX_PLAN_BYTES // 2**20} MiB)")
    try:
        plan = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"resume: {path} is damaged ({type(exc).__name__}: "
                          f"{str(exc)[:100]})") from None
    if isinstance(plan, dict) and "weight_decay" in plan and "l2" not in plan:
        plan["l2"] = plan.pop("weight_decay")  # the L2 range's name before the rename
    check_plan(plan, f"resume: {path}")
    return plan


def depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (counted without recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (dict, list, tuple)):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                todo.extend((v, level + 1) for v in (item.values() if isinstance(item, dict)
                                                     else item))
    return deepest


def check_plan(plan, where="sweep plan") -> None:
    """ConfigError naming ``where`` and the setting, unless ``plan`` is a sound plan."""
    from ..base.validation import check_number
    from .search import SAMPLERS, _check_ranges, check_trials

    def bad(message):
        return ConfigError(f"{where}: {message}")

    if not isinstance(plan, dict) or plan.get("kind") not in KINDS:
        raise bad("expected a sweep plan with kind 'compare' or 'search'")
    if depth(plan) > MAX_DEPTH:
        raise bad(f"nested deeper than {MAX_DEPTH} levels")
    if not isinstance(plan.get("title", ""), str):
        raise bad("'title' must be text")
    try:
        if plan["kind"] == "compare":
            specs = plan.get("specs")
            if not isinstance(specs, list) or not specs or not all(isinstance(s, dict)
                                                                   for s in specs):
                raise bad("'specs' must be a non-empty list of model objects")
            check_trials(len(specs))
            for spec in specs:
                _check_spec(spec)
            return
        if not isinstance(plan.get("base"), dict):
            raise bad("'base' must be an object (the spec every trial starts from)")
        _check_spec(plan["base"])
        if plan.get("sampler", "random") not in SAMPLERS:
            raise bad(f"'sampler' must be one of {', '.join(SAMPLERS)}, got "
                      f"{plan.get('sampler')!r}")
        check_trials(plan.get("trials", 20))
        _check_ranges(**{k: plan[k] for k in ("learning_rate", "l2")
                         if plan.get(k) is not None})
        for key in ("seed",):
            if key in plan:
                check_number(key, plan[key], minimum=0, integer=True)
        for key in ("prune_startup", "wave"):
            if key in plan:
                check_number(key, plan[key], minimum=1, integer=True)
        if not isinstance(plan.get("prune", False), bool):
            raise bad(f"'prune' must be true or false, got {plan['prune']!r}")
    except ConfigError as exc:
        if str(exc).startswith(where):
            raise
        raise bad(str(exc)) from None


def _check_spec(spec):
    """The settings a sweep reads before a trial runs (the rest is checked by the trial's
    own ModelSpec)."""
    from ..base.validation import check_number

    if "epochs" in spec:
        check_number("epochs", spec["epochs"], minimum=1, integer=True)
    if "name" in spec and not isinstance(spec["name"], str):
        raise ConfigError(f"a model's name must be text, got {spec['name']!r}")
    hidden = spec.get("hidden", [])
    if not isinstance(hidden, list) or not all(
            isinstance(h.get("units") if isinstance(h, dict) else h, int)
            and not isinstance(h, bool) for h in hidden):
        raise ConfigError(f"hidden must be a list of layer sizes, got {str(hidden)[:80]}")
    if not isinstance(spec.get("data", {}), dict):
        raise ConfigError(f"data must be an object, got {spec['data']!r}")


#: what a sweep writes in its folder (fnmatch patterns); --overwrite removes nothing else
SWEEP_FILES = (".glassnet-results", PLAN, JOURNAL, OPTUNA_JOURNAL, OPTUNA_JOURNAL + ".lock",
               "results.json",
               "report.html", "summary.csv", "trials.csv", "history-*.csv", ".tmp-*",
               *(f"{name}.{ext}" for name in ("learning-curves", "search",
                                              "best-learning-curves")
                 for ext in ("png", "svg")))


def _written_by_sweeps(name) -> bool:
    import fnmatch

    return any(fnmatch.fnmatchcase(name, pattern) for pattern in SWEEP_FILES)


def _canonical(plan):
    return json.loads(json.dumps(plan, sort_keys=True))


def start(plan, out_dir, resume=False, overwrite=False, inputs=()) -> dict:
    """Prepare ``out_dir`` for ``plan`` and return the plan to run.

    A new sweep follows the rules of every result folder (``results.ResultFolder``):
    never the current folder, its parents or a folder holding an input; a new or empty
    folder, or with ``overwrite`` glassnet's own earlier results, which are removed as
    the sweep starts (the sweep keeps its journal there from the start). ``resume``
    needs the folder of an earlier sweep, and its plan is the one that runs (a ``plan``
    given too must agree with it).
    """
    from ..io.results import MARKER, ResultFolder, _write_marker, read_marker

    if resume:
        saved = load_plan(out_dir)
        if plan is not None and _canonical(plan) != saved:
            differ = sorted(k for k in set(plan) | set(saved)
                            if _canonical(plan).get(k) != saved.get(k))
            raise ConfigError(f"resume: {out_dir} was started with other settings "
                              f"({', '.join(differ)} differ); resume it without changing them, "
                              "or start a new sweep in another folder")
        return saved
    check_plan(plan)
    # a sweep that stopped before any trial finished left only its plan: nothing to lose
    unstarted = os.path.isdir(out_dir) and not set(os.listdir(out_dir)) - {PLAN, MARKER}
    try:
        ResultFolder(out_dir, plan["kind"], inputs, overwrite or unstarted)  # the checks
    except ResultsError as exc:
        if (read_marker(out_dir) or {}).get("state") == "sweep":
            raise type(exc)(f"{exc} (an unfinished sweep: add --resume to finish it)") from None
        raise
    marker = read_marker(out_dir) if os.path.isdir(out_dir) else None
    if marker is not None and marker.get("state") == "sweep":  # its marker lists no files
        foreign = sorted(name for name in os.listdir(out_dir) if not _written_by_sweeps(name))
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ConfigError(f"{out_dir} holds an earlier sweep and files a sweep does not "
                              f"write ({shown}); move those out or choose another folder")
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        shutil.rmtree(out_dir)  # glassnet's own results, checked above
    os.makedirs(out_dir, exist_ok=True)
    _write_marker(out_dir, plan["kind"], "sweep")  # a glassnet folder, still being written
    write_bytes(os.path.join(out_dir, PLAN),
                json.dumps(plan, ensure_ascii=False, indent=1).encode("utf-8"))
    return _canonical(plan)


def _finish(out_dir, kind):
    """Mark the folder complete, with the list of its files (``results``' marker)."""
    from ..io.results import _listing, _write_marker

    _write_marker(out_dir, kind, "complete", _listing(out_dir))


def run_experiment(plan, out_dir, jobs=1, scheduler=None, resume=False, overwrite=False,
                   progress=None, report=True, inputs=()):
    """Run (or resume) a sweep in ``out_dir``; return ``(results, report path or None)``.

    ``inputs`` are files the sweep reads: the result folder may not hold them.
    """
    plan = start(plan, out_dir, resume, overwrite, inputs)
    options = {"out_dir": out_dir, "jobs": jobs, "scheduler": scheduler, "resume": resume,
               "progress": progress}
    if plan["kind"] == "compare":
        results = run_sweep(plan["specs"], **options)
    else:
        if not resume and os.path.exists(os.path.join(out_dir, OPTUNA_JOURNAL)):
            raise ConfigError(f"{out_dir} already holds an Optuna study")
        settings = {k: plan[k] for k in SEARCH_SETTINGS if k in plan}
        for name in ("learning_rate", "l2"):
            if name in settings:
                settings[name] = tuple(settings[name])
        results = run_search(plan["base"], **settings, **options)
    write_bytes(os.path.join(out_dir, "results.json"),
                json.dumps(results, ensure_ascii=False, indent=1).encode("utf-8"))
    path = None
    if report:
        from .report import write_compare, write_search

        path = (write_compare(out_dir, results, plan.get("title", "glassnet compare"))
                if plan["kind"] == "compare" else
                write_search(out_dir, results, title=plan.get("title", "glassnet search"),
                             sampler=plan.get("sampler", "random")))
    _finish(out_dir, plan["kind"])
    return results, path
