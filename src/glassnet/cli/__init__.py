"""The ``glassnet`` command: seed 000's whole workflow from the shell.

Errors in arguments or data print one line on stderr and exit with 2, having written
nothing; an internal error exits with 1 (set GLASSNET_DEBUG=1 for its traceback).
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import GlassnetError


class UsageError(GlassnetError, ValueError):
    """A command-line argument is wrong."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def build_parser() -> Parser:
    from . import commands

    parser = Parser(prog="glassnet", description="A see-through neural-network workbench: "
                    "train feed-forward networks on CSV files and see every step.",
                    epilog="Run 'glassnet COMMAND --help' for the options of each command.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    commands.add_train(sub)
    commands.add_predict(sub)
    commands.add_evaluate(sub)
    commands.add_gradcheck(sub)
    commands.add_trace(sub)
    commands.add_compare(sub)
    commands.add_search(sub)
    commands.add_datasets(sub)
    commands.add_demo(sub)
    from ..playground import add_parser as add_playground

    add_playground(sub)
    return parser


def _version():
    from .. import __version__

    return f"glassnet {__version__}"


def run(argv=None) -> int:
    """Run the command line; return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except (GlassnetError, OSError) as exc:
        message = str(exc) if isinstance(exc, GlassnetError) else _os_message(exc)
        print(f"glassnet: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in glassnet, not in the user's input
        if os.environ.get("GLASSNET_DEBUG"):
            raise
        print(f"glassnet: internal error: {type(exc).__name__}: {exc} "
              "(set GLASSNET_DEBUG=1 to see the traceback)", file=sys.stderr)
        return 1


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def main(argv=None):
    sys.exit(run(argv))
