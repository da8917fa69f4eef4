"""The command line in the user's language: ``--lang`` and ``-q`` on every command, and
every help text, group title and description passed through the message catalogue.

Help texts stay plain English literals in the command modules (``help="..."``); they
are the message ids, translated here when the parser is built, so the command modules
need no ``_()`` around each one (tests/test_i18n.py finds them all the same).
"""

from __future__ import annotations

import argparse

from ..base.i18n import LANGUAGES, N_, _, wrap

# argparse's own words, which reach translate() as titles and help texts
ARGPARSE = (N_("positional arguments"), N_("options"), N_("show this help message and exit"),
            N_("show program's version number and exit"))


def early_language(argv) -> str | None:
    """``--lang X`` / ``--lang=X`` anywhere in ``argv``, before the parser exists (so
    ``--help`` itself is translated); None when absent or not a known language."""
    argv = list(argv)
    for i, arg in enumerate(argv):
        value = (arg.split("=", 1)[1] if arg.startswith("--lang=") else
                 argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGUAGES:
            return value
    return None


def add_common_options(parser, default=argparse.SUPPRESS):
    """--lang and -q/--quiet (on the main parser with real defaults, on each command with
    SUPPRESS so that an option given before the command is not reset after it)."""
    parser.add_argument("--lang", choices=LANGUAGES, default=default,
                        help="language of messages and the report: en or ja (default: "
                        "GLASSNET_LANG, else the locale)")
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="no progress display and no summary; errors only")


class Formatter(argparse.HelpFormatter):
    """argparse's formatter, wrapping by terminal columns (a kanji takes two)."""

    def _split_lines(self, text, width):
        return wrap(" ".join(text.split()), width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in wrap(" ".join(text.split()),
                                                          width - len(indent)))

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


def translate(parser) -> None:
    """Translate a parser's texts in place, its commands' parsers too."""
    parser.formatter_class = Formatter
    for name in ("description", "epilog"):
        if getattr(parser, name):
            setattr(parser, name, _(getattr(parser, name)))
    for group in parser._action_groups:
        if group.title:
            group.title = _(group.title)
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            action.help = _(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = _(choice.help) if choice.help else choice.help
            for sub in {id(p): p for p in action.choices.values()}.values():
                translate(sub)
