"""The page's words in other languages, from a gettext catalogue (``locale/<lang>/
LC_MESSAGES/playground.po``). English is the msgid itself, so English needs no file.

>>> catalogue("en")
{'lang': 'en', 'messages': {}}
>>> catalogue("ja")["messages"]["Play"]
'再生'
"""

from __future__ import annotations

import os

LOCALE = os.path.join(os.path.dirname(__file__), "locale")
LANGUAGES = ("en", "ja")


def read_po(path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (plain entries; untranslated ones left out)."""
    from ..base.i18n import parse_po

    with open(path, encoding="utf-8") as f:
        return {k: v for k, v in parse_po(f.read()).items() if isinstance(k, str)}


def catalogue(lang: str) -> dict:
    """``{"lang": ..., "messages": {English: translation}}`` for a language the page offers."""
    from ..base.errors import ConfigError

    if lang not in LANGUAGES:
        raise ConfigError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if lang == "en":
        return {"lang": "en", "messages": {}}
    return {"lang": lang,
            "messages": read_po(os.path.join(LOCALE, lang, "LC_MESSAGES", "playground.po"))}
