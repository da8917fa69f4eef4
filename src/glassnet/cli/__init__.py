"""The ``glassnet`` command: the whole workflow from the shell.

One module per group of commands (``train``, ``models``: predict / evaluate /
gradcheck / trace, ``experiments``: compare / search, ``data``: datasets / demo) and
``common`` for what they share. Errors in arguments or data print one line on stderr
and exit with 2, having written nothing; an internal error exits with 1 (set
GLASSNET_DEBUG=1 for its traceback).
"""

from __future__ import annotations

import os
import sys

from ..errors import GlassnetError
from .common import Parser, UsageError


def build_parser() -> Parser:
    from . import data, experiments, models, train

    parser = Parser(prog="glassnet", description="A see-through neural-network workbench: "
                    "train feed-forward networks on CSV files and see every step.",
                    epilog="Run 'glassnet COMMAND --help' for the options of each command.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    train.add_train(sub)
    models.add_predict(sub)
    models.add_evaluate(sub)
    models.add_gradcheck(sub)
    models.add_trace(sub)
    experiments.add_compare(sub)
    experiments.add_search(sub)
    data.add_datasets(sub)
    data.add_demo(sub)
    from ..playground import add_parser as add_playground

    add_playground(sub)
    return parser


def _version():
    from ..version import __version__

    return f"glassnet {__version__}"


def run(argv=None) -> int:
    """Run the command line; return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except (GlassnetError, OSError) as exc:
        from ..sanitize import label

        message = str(exc) if isinstance(exc, GlassnetError) else _os_message(exc)
        # One line, whatever names the message quotes: no escape sequences, no breaks.
        print(f"glassnet: error: {label(message, 2000)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in glassnet, not in the user's input
        if os.environ.get("GLASSNET_DEBUG"):
            raise
        from ..sanitize import label

        print(f"glassnet: internal error: {type(exc).__name__}: {label(exc, 2000)} "
              "(set GLASSNET_DEBUG=1 to see the traceback)", file=sys.stderr)
        return 1


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def main(argv=None):
    sys.exit(run(argv))


__all__ = ["UsageError", "build_parser", "main", "run"]
