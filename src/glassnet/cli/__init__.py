"""The ``glassnet`` command: the whole workflow from the shell.

One module per group of commands (``train``, ``models``: predict / evaluate /
gradcheck / trace, ``experiments``: compare / search, ``data``: datasets / demo) and
``common`` for what they share. Errors in arguments or data print one line on stderr
and exit with 2, having written nothing; an internal error exits with 1 (set
GLASSNET_DEBUG=1 for its traceback).

May import: base, io, engine, training, data, explain, interop, plotting, report,
experiments, playground.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys

from ..base.errors import GlassnetError
from ..base.i18n import N_, _, language
from .common import Parser, UsageError, quiet
from .helptext import add_common_options, early_language, translate


def build_parser() -> Parser:
    from . import data, experiments, explain, export, models, train

    parser = Parser(prog="glassnet", description="A see-through neural-network workbench: "
                    "train feed-forward networks on CSV files and see every step.",
                    epilog="Run 'glassnet COMMAND --help' for the options of each command.")
    parser.add_argument("--version", action="version", version=_version())
    add_common_options(parser, default=None)
    parser.set_defaults(quiet=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser,
                                help="what to do (each has its own --help)")
    sub.required = True
    train.add_train(sub)
    models.add_predict(sub)
    models.add_evaluate(sub)
    models.add_gradcheck(sub)
    models.add_trace(sub)
    explain.add_explain(sub)
    export.add_export(sub)
    experiments.add_compare(sub)
    experiments.add_search(sub)
    data.add_datasets(sub)
    data.add_demo(sub)
    from ..playground import add_parser as add_playground

    add_playground(sub)
    for command in sub.choices.values():
        add_common_options(command)
    translate(parser)
    return parser


def _version():
    from ..base.version import __version__

    return f"glassnet {__version__}"


def run(argv=None) -> int:
    """Run the command line; return the exit code."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    lang = early_language(argv)  # before the parser exists, so --help is translated too
    with language(lang) if lang else contextlib.nullcontext():
        return _run(argv)


def _run(argv) -> int:
    try:
        args = build_parser().parse_args(argv)
        with quiet(args.quiet) as args.data_stream:  # -q: errors only, on every command
            return int(args.func(args) or 0)
    except (GlassnetError, OSError) as exc:
        from ..base.sanitize import label
        from .common import for_shell

        message = for_shell(str(exc)) if isinstance(exc, GlassnetError) else _os_message(exc)
        # One line, whatever names the message quotes: no escape sequences, no breaks.
        print(_("glassnet: error: {message}").format(message=label(message, 2000)),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("glassnet: interrupted; nothing was saved"), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in glassnet, not in the user's input
        if os.environ.get("GLASSNET_DEBUG"):
            raise
        from ..base.sanitize import label

        print(_("glassnet: internal error: {error} (set GLASSNET_DEBUG=1 to see the "
                "traceback)").format(error=f"{type(exc).__name__}: {label(exc, 2000)}"),
              file=sys.stderr)
        return 1


#: the operating system's words for the usual file problems, in the user's language
OS_ERRORS = {errno.ENOENT: N_("no such file or folder"), errno.EACCES: N_("permission denied"),
             errno.EISDIR: N_("is a folder, not a file"), errno.ENOTDIR: N_("not a folder"),
             errno.EEXIST: N_("already exists"), errno.ENOSPC: N_("no space left on the disk")}


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    said = OS_ERRORS.get(exc.errno)
    return f"{where}{_(said) if said else exc.strerror or exc}"


def main(argv=None):
    sys.exit(run(argv))


__all__ = ["UsageError", "build_parser", "main", "run"]
