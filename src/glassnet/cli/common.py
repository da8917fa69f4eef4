"""What every command shares: the parser class, user errors, argument parsers for
plain values, loading data, and one way to write a result folder.

Helpers here take plain values, never the argparse namespace, so the library calls
they wrap can be read without the command line in mind.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import os
import sys
import warnings

import numpy as np

from ..base.errors import GlassnetError
from ..base.i18n import _
from ..base.sanitize import one_line, terminal


class UsageError(GlassnetError, ValueError):
    """A command-line argument is wrong."""


class Parser(argparse.ArgumentParser):
    """One-line errors, no abbreviated options, and "did you mean" for unknown ones."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but an unknown option is reported by the (sub)command it was
        given to, with the closest option that command has."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self
            for action in self._actions:  # the subcommand's own parser, when there is one
                if isinstance(action, argparse._SubParsersAction):
                    parser = action.choices.get(getattr(parsed, action.dest, None), self)
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def error(self, message):  # one line, no usage dump
        if message.startswith("unrecognized arguments:"):
            unknown = message.split(":", 1)[1].split()
            known = _option_names(self)
            hints = [difflib.get_close_matches(u.split("=")[0], known, n=1)
                     for u in unknown if u.startswith("-")]
            hint = ", ".join(h[0] for h in hints if h)
            if hint:
                message += f" (did you mean {hint}?)"
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _option_names(parser) -> list[str]:
    """Every option of a parser and of its subcommands (argparse reports unknown options
    of a subcommand from the top-level parser)."""
    names = []
    for action in parser._actions:
        names += action.option_strings
        choices = getattr(action, "choices", None)
        for sub in (choices.values() if isinstance(choices, dict) else ()):
            if isinstance(sub, argparse.ArgumentParser):
                names += _option_names(sub)
    return names


def load_data(source, target=None, encoding=None, missing=None, max_classes=None,
              features=None, ignore=None, id=None, skip_rows=None, sheet=None, task=None,
              missing_indicator=False, fill=True):
    """A built-in dataset name, image data (mnist, .npz, IDX) or a CSV path -> Dataset;
    ``features`` / ``ignore`` / ``id`` are lists of the options' values (names, globs,
    positions, ranges; comma-separated allowed), ``id`` may be ["none"]. ``fill=False``
    leaves blank cells NaN for ``pipeline.fit_missing`` after the split."""
    from ..data.builtin import load_any

    options = column_options(features, ignore, id, skip_rows, sheet, None, missing_indicator,
                             task)
    if not fill and missing in ("mean", "median", "most-frequent"):
        options["fill"] = False
    return load_any(source, target, encoding, missing or "error", max_classes, **options)


def column_options(features=None, ignore=None, id=None, skip_rows=None, sheet=None,
                   missing=None, missing_indicator=False, task=None) -> dict:
    """The column options given (as ``load_csv`` keywords); ``--id none`` -> id=False;
    ``--skip-rows 0`` is kept (no title row), None detects one."""
    if id and [v.strip().lower() for v in id] == ["none"]:
        id = False
    options = {k: v for k, v in (("features", features), ("ignore", ignore), ("id", id),
                                 ("sheet", sheet), ("missing", missing),
                                 ("missing_indicator", missing_indicator), ("task", task))
               if v not in (None, [], False)}
    if skip_rows is not None:
        options["skip_rows"] = skip_rows
    return options


def sheet_line(info) -> str:
    """'sheet: 物件 (1 of 2: 物件, memo)' for data read from a workbook's sheet."""
    from ..base.i18n import _

    sheets = info.get("sheets") or [info["sheet"]]
    if info["sheet"] not in sheets:
        return terminal(_("sheet: {sheet} (a hidden sheet)").format(sheet=info["sheet"]))
    number = sheets.index(info["sheet"]) + 1
    return terminal(_("sheet: {sheet} ({number} of {count}: {sheets})").format(
        sheet=info["sheet"], number=number, count=len(sheets), sheets=", ".join(sheets)))


def print_table_notes(data, quiet=False, columns=True):
    """The lines that say what reading the table decided: the sheet, the columns, the
    task when a numeric target was taken for classes, and the blank cells filled or rows
    dropped."""
    if quiet:
        return
    from ..data.pipeline import summary

    info = data.info or {}
    if info.get("sheet"):  # the sweeps too: which sheet every trial reads
        print(sheet_line(info))
    if info.get("columns") and columns:
        from ..base.i18n import _
        from ..data.columns import describe

        print(terminal(_("columns: {description}").format(
            description=one_line(describe(info["columns"])))))
    if info.get("task_note"):
        print(terminal(for_shell(info["task_note"])))
    line = summary(info, cli=True)
    if line:
        print(terminal(line))


#: Python parameters as the command line spells them, for messages shown in a shell.
_PYTHON_TO_CLI = (
    (r"missing='([\w-]+)'", r"--missing \1"), (r"task='(\w+)'", r"--task \1"),
    (r"skip_rows=(\d+)", r"--skip-rows \1"), (r"max_classes=\.\.\.", "--max-classes N"),
    (r"missing_indicator=True", "--missing-indicator"),
)


def for_shell(message: str) -> str:
    """A message written for Python (``missing='drop'``) with the command line's option
    names (``--missing drop``); a "(... in Python)" aside is dropped.

    >>> for_shell("pass missing='drop' or task='regression'")
    'pass --missing drop or --task regression'
    >>> for_shell("leave it out with --ignore d (ignore=['d'] in Python)")
    'leave it out with --ignore d'
    """
    import re

    message = re.sub(r" \([^()]*(\([^()]*\))?[^()]* in Python\)", "", message)
    for pattern, replacement in _PYTHON_TO_CLI:
        message = re.sub(pattern, replacement, message)
    return message


def count(text) -> int:
    """An argparse type: a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def add_column_options(p, features=True):
    """--features, --ignore, --id, --skip-rows and --sheet: which columns of a sheet are
    what. Without ``features`` (predict, evaluate: the model knows its columns) only
    --skip-rows and --sheet. Every command finds a title row above the header the same
    way (``csvfile.title_rows``) unless --skip-rows says how many lines to skip."""
    g = p.add_argument_group("columns of a sheet")
    if features:
        g.add_argument("--features", action="append", metavar="COLUMNS",
                       help="input columns: names, globs (px*), positions counted from 1 "
                       "(3-10) or name ranges (体長:体重), comma-separated or repeated "
                       "(default: every column but the target, IDs and ignored ones)")
        g.add_argument("--ignore", action="append", metavar="COLUMNS",
                       help="columns to leave out (dates, notes), in the same forms")
        g.add_argument("--id", action="append", metavar="COLUMNS",
                       help="ID columns, carried into predictions and never inputs (default: "
                       "detected, such as No., ID, 番号 or row numbers; 'none' for no IDs)")
    g.add_argument("--missing", choices=["error", "drop", "mean", "median", "most-frequent"],
                   help="blank cells: refuse them (error), leave their rows out (drop), or "
                   "fill them with the training rows' mean, median or most frequent value "
                   "(text columns: the most frequent level); default error, or the rule "
                   "the model was trained with")
    if features:
        g.add_argument("--missing-indicator", action="store_true",
                       help="with a fill rule: a 0/1 input 'name (missing)' for each number "
                       "column with blanks, a level '(missing)' for each text column")
        g.add_argument("--task", choices=["classification", "regression"],
                       help="what the target is (default: numbers are regression, text or "
                       "at most 10 whole-number levels are classes)")
    g.add_argument("--skip-rows", type=count, default=None, metavar="N",
                   help="lines above the header to skip (default: a title row above "
                   "the header is found and skipped)")
    add_sheet_option(g)


def add_sheet_option(p):
    """--sheet NAME|N for commands that read a workbook."""
    p.add_argument("--sheet", metavar="NAME|N",
                   help="the sheet of an Excel or LibreOffice workbook (.xlsx, .xls, .ods) to "
                   "read: its name, or its number counted from 1 (default: the first sheet)")


def print_matrix(classes, matrix, file=None):
    """A confusion matrix on the terminal, aligned for full-width (Japanese) names;
    names from a user's file are shown escaped and cut (``sanitize.label``)."""
    from ..base.i18n import _
    from ..base.sanitize import label

    print(_("confusion matrix (rows: true class, columns: predicted class)"), file=file)
    print(confusion_text([label(str(c), 24) for c in classes], matrix), file=file)


def confusion_text(classes, matrix) -> str:
    """A confusion matrix for a terminal, aligned by display width (a kanji takes two
    columns, so シロザケ is as wide as 8 Latin letters).

    >>> print(confusion_text(["シロザケ", "cod"], [[5, 1], [0, 17]]))
              シロザケ      cod
     シロザケ        5        1
          cod        0       17
    """
    from ..base.i18n import display_width, pad

    names = [str(c) for c in classes]
    width = max(4, *(display_width(c) + 1 for c in names), *(len(str(v)) + 1 for row in
                                                             matrix for v in row))
    lines = [" " * width + "".join(pad(c, width, ">") for c in names)]
    lines += [pad(c, width, ">") + "".join(pad(str(int(v)), width, ">") for v in row)
              for c, row in zip(names, matrix)]
    return "\n".join(lines)


def parse_hidden(text, option="--hidden") -> list[int]:
    """'2' or '64,64' -> [2] or [64, 64]; '0' or 'none' -> [] (no hidden layer)."""
    if text.strip() in ("", "0", "none"):
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(_("{option} must be cell counts like 2 or 64,64, got {text}").format(
            option=option, text=repr(text))) from None
    if any(s < 1 for s in sizes):
        raise UsageError(_("{option} cell counts must be >= 1, got {text}").format(
            option=option, text=repr(text)))
    return sizes


def parse_batch(text, option="--batch-size"):
    """A row count, or 'full' (None: gradient descent on every row at once)."""
    if text in ("full", "none", "all"):
        return None
    try:
        value = int(text)
    except ValueError:
        raise UsageError(_("{option} must be a number or 'full', got {text}").format(
            option=option, text=repr(text))) from None
    if value < 1:
        raise UsageError(_("{option} must be >= 1 or 'full', got {text}").format(
            option=option, text=repr(text)))
    return value


def parse_rows(text, n_inputs, option="--input", sheet=None) -> np.ndarray:
    """'1,1;0,1' or a CSV file (or a workbook's ``sheet``) -> (n, n_inputs) array."""
    from ..data.cells import parse_number

    decimal_comma = False
    if os.path.exists(text):
        from ..data.csvfile import read_table

        header, rows, detected = read_table(text, sheet=sheet)
        values = [list(row) for _line, row in rows]
        decimal_comma = detected["delimiter"] == ";"
    else:
        values = [row.split(",") for row in text.replace(" ", "").split(";") if row]
    try:
        array = np.array([[parse_number(v, decimal_comma) for v in row] for row in values])
    except ValueError:
        raise UsageError(f"{option} must be numbers like '1,1;0,1' or a CSV file, got "
                         f"{text!r}") from None
    if array.ndim != 2 or array.shape[1] != n_inputs:
        raise UsageError(f"{option} rows must have {n_inputs} values each, got {text!r}")
    return array


def check_positive(option, value):
    if value is not None and value < 1:
        raise UsageError(_("{rule}, got {value}").format(
            rule=_("{name} must be >= {bound}").format(name=option, bound=1), value=value))
    return value


def result_folder(out, overwrite=False, what="results", inputs=()):
    """The result folder of a command (``results.ResultFolder``): built in a hidden
    temporary sibling, published at the end, replacing only glassnet's own results, and
    never the current folder, its parents or a folder holding an ``input`` of the run.

    >>> import tempfile, os
    >>> with result_folder(os.path.join(tempfile.mkdtemp(), "run")) as folder:
    ...     _ = open(folder.path("a.txt"), "w").write("x")
    >>> sorted(os.listdir(folder.final))
    ['.glassnet-results', 'a.txt']
    """
    from ..io.results import ResultFolder

    return ResultFolder(out, what, [p for p in inputs if p and os.path.exists(p)], overwrite)


def output_file(path, overwrite=False, inputs=(), option="--out"):
    """Check a single output file before the work: not a folder, not an input of the
    run, and not an existing file unless ``overwrite``."""
    from ..io.files import check_output_file

    return check_output_file(path, [p for p in inputs if p and os.path.exists(p)], overwrite,
                             option)


def print_results(folder, report=None):
    """Where the results went (and what they replaced), and the report's path."""
    from ..base.i18n import _

    print(terminal(folder.message))
    if report:
        print(terminal(_("report: {path}").format(
            path=one_line(folder.final_path(os.path.basename(report))))))


@contextlib.contextmanager
def quiet(enabled: bool):
    """``-q``: errors only. Inside, everything a command prints (summaries, tables,
    progress, notes and warnings) goes nowhere; yields the stream a command's data goes
    to (``predict`` without ``--out`` writes its table there, as if to a file). Errors
    are printed by ``glassnet.cli.run`` after this has ended, so they always show."""
    if not enabled:
        yield sys.stdout
        return
    data = sys.stdout
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield data
