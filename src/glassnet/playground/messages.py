"""The page's words in other languages, from a gettext catalogue (``locale/<lang>/
LC_MESSAGES/playground.po``). English is the msgid itself, so English needs no file.

>>> catalogue("en")
{'lang': 'en', 'messages': {}}
>>> catalogue("ja")["messages"]["Play"]
'再生'
"""

from __future__ import annotations

import ast
import os
import re

LOCALE = os.path.join(os.path.dirname(__file__), "locale")
LANGUAGES = ("en", "ja")


def read_po(path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (plain entries; untranslated ones left out)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    messages = {}
    pattern = re.compile(r'^msgid\s+((?:".*"\s*)+)^msgstr\s+((?:".*"\s*)+)', re.M)
    for msgid, msgstr in pattern.findall(text):
        key = "".join(ast.literal_eval(part) for part in re.findall(r'".*"', msgid))
        value = "".join(ast.literal_eval(part) for part in re.findall(r'".*"', msgstr))
        if key and value:
            messages[key] = value
    return messages


def catalogue(lang: str) -> dict:
    """``{"lang": ..., "messages": {English: translation}}`` for a language the page offers."""
    from ..errors import ConfigError

    if lang not in LANGUAGES:
        raise ConfigError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if lang == "en":
        return {"lang": "en", "messages": {}}
    return {"lang": lang,
            "messages": read_po(os.path.join(LOCALE, lang, "LC_MESSAGES", "playground.po"))}
