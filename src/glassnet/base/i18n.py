"""Messages in the user's language: gettext conventions on a small ``.po`` reader.

English text in the code is the message id; ``locale/<lang>/LC_MESSAGES/glassnet.po``
holds the translations, read at run time by the stdlib-only parser below (the files are
small, so there is no compiled ``.mo`` to keep in step). The language is, in order:
an explicit ``set_language`` (the CLI's ``--lang``), ``GLASSNET_LANG``, then the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``: a value starting with ``ja`` means Japanese).

Placeholders are ``str.format`` fields with names, ``_("Epoch {epoch}").format(epoch=3)``,
so a translation may put them in any order. Text that must be translated later than it
is written (a module-level table) is marked with ``N_`` and passed through ``_`` when
shown.

>>> with language("ja"):
...     _("Learning curves")
'学習曲線'
>>> with language("en"):
...     _("Learning curves")
'Learning curves'
>>> with language("ja"):
...     ngettext("{n} row skipped", "{n} rows skipped", 3).format(n=3)
'3 行を読み飛ばしました'
"""

from __future__ import annotations

import contextlib
import os

LANGUAGES = ("en", "ja")
DOMAIN = "glassnet"

_chosen: str | None = None      # set_language's choice; None = environment decides
_catalogues: dict[str, dict] = {}


def set_language(lang: str | None) -> None:
    """Choose the language for every later message (``None``: back to the environment)."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        from .errors import ConfigError

        raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    _chosen = lang


def get_language() -> str:
    """The language messages are shown in now: 'en' or 'ja'."""
    if _chosen is not None:
        return _chosen
    return language_from_environment(os.environ)


def language_from_environment(environ) -> str:
    """``GLASSNET_LANG`` if it names a language, else the locale variables, else 'en'.

    >>> language_from_environment({"LANG": "ja_JP.UTF-8"})
    'ja'
    >>> language_from_environment({"LANG": "ja_JP.UTF-8", "LC_ALL": "C"})
    'en'
    >>> language_from_environment({"GLASSNET_LANG": "en", "LANG": "ja_JP.UTF-8"})
    'en'
    """
    wanted = environ.get("GLASSNET_LANG", "").strip().lower()
    if wanted[:2] in LANGUAGES:
        return wanted[:2]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):  # POSIX order: the first one set wins
        value = environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


@contextlib.contextmanager
def language(lang: str | None):
    """Show messages in ``lang`` inside the block (tests, one report in another language)."""
    global _chosen
    before = _chosen
    set_language(lang)
    try:
        yield
    finally:
        _chosen = before


def gettext(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    lang = get_language()
    if lang == "en":
        return message
    return catalogue(lang).get(message) or message


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (gettext_noop)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for ``n`` (Japanese has one form for every n)."""
    lang = get_language()
    english = singular if n == 1 else plural
    if lang == "en":
        return english
    forms = _load(lang).get((singular, plural))
    return forms[0] if forms and forms[0] else english


def catalogue(lang: str) -> dict[str, str]:
    """Every translation of ``lang`` as {English: translated} (the playground asks for it).

    Counted messages appear under their singular English form. English gives {}.
    """
    if lang == "en":
        return {}
    if lang not in LANGUAGES:
        from .errors import ConfigError

        raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return {key if isinstance(key, str) else key[0]: value if isinstance(value, str)
            else value[0] for key, value in _load(lang).items()}


def po_path(lang: str) -> str:
    return os.path.join(os.path.dirname(__file__), "locale", lang, "LC_MESSAGES",
                        f"{DOMAIN}.po")


def _load(lang: str) -> dict:
    if lang not in _catalogues:
        with open(po_path(lang), encoding="utf-8") as f:
            _catalogues[lang] = parse_po(f.read())
    return _catalogues[lang]


def parse_po(text: str) -> dict:
    """Translations in a ``.po`` file: {msgid: msgstr, (msgid, msgid_plural): [forms]}.

    Untranslated entries (empty msgstr), fuzzy ones and the header are left out.

    >>> parse_po('msgid "Loss"\\nmsgstr "損失"\\n\\n#, fuzzy\\nmsgid "A"\\nmsgstr "B"\\n')
    {'Loss': '損失'}
    """
    result = {}
    for entry in _entries(text):
        if entry.get("fuzzy") or not entry.get("msgid"):
            continue
        if "msgid_plural" in entry:
            forms = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr["))]
            if any(forms):
                result[(entry["msgid"], entry["msgid_plural"])] = forms
        elif entry.get("msgstr"):
            result[entry["msgid"]] = entry["msgstr"]
    return result


def _entries(text: str):
    entry: dict = {}
    key = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            if entry:
                yield entry
            entry, key = {}, None
        elif line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
        elif line.startswith('"'):
            if key is None:
                raise ValueError(f"line {number}: a string continues no msgid/msgstr")
            entry[key] += _string(line, number)
        else:
            keyword, _space, rest = line.partition(" ")
            if keyword in entry and keyword != "msgctxt":
                # a new entry without a blank line in between
                yield entry
                entry = {}
            key = keyword
            entry[key] = _string(rest.strip(), number)
    if entry:
        yield entry


def _string(literal: str, number: int) -> str:
    if not (len(literal) >= 2 and literal[0] == literal[-1] == '"'):
        raise ValueError(f"line {number}: expected a quoted string, found {literal!r}")
    import ast

    # a literal, never code; C escapes (\n, \", \\) read as in Python
    return ast.literal_eval(literal)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (East Asian W/F) characters take two.

    >>> display_width("鯛"), display_width("tai"), display_width("シロザケ")
    (2, 3, 8)
    """
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else
               0 if unicodedata.combining(ch) else 1 for ch in text)


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` terminal columns ('<' left, '>' right).

    >>> pad("鯛", 4, ">") + "|"
    '  鯛|'
    """
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == ">" else text + fill


_NO_LINE_START = set("、。，．）」』】〉》：；！？・ー,.;:!?)]")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns: Latin text breaks at spaces, Japanese between
    any two characters (never before 、。）and the like).

    >>> wrap("学習曲線と決定境界を描きます。", 10)
    ['学習曲線と', '決定境界を', '描きます。']
    >>> wrap("one two three", 7)
    ['one two', 'three']
    """
    import re

    tokens = re.findall(r"\s+|[^\s\u2e80-\uffef]+|.", text)
    lines, line = [], ""
    for token in tokens:
        if token.isspace():
            if line:
                line += " "
            continue
        fits = display_width(line + token) <= width if line.strip() else True
        if fits or (token[0] in _NO_LINE_START and len(token) == 1):
            line += token
        else:
            lines.append(line.rstrip())
            line = token
    if line.strip():
        lines.append(line.rstrip())
    return lines
