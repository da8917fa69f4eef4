"""The message catalogue: no missing keys, matching placeholders, no tofu."""

import ast
import importlib.util
import os
import pathlib
import re

import pytest

from glassnet.base import i18n
from glassnet.base.i18n import _, catalogue, language, language_from_environment, ngettext, parse_po

SOURCE = pathlib.Path(i18n.__file__).parent.parent  # the whole package


def used_messages():
    """Every literal passed to _ / gettext / N_ / ngettext in glassnet's code, by file."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            literals = [a.value for a in node.args
                        if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            first = node.args[0] if node.args else None
            if name in ("_", "gettext", "N_") and isinstance(first, ast.Constant) and literals:
                found.setdefault(literals[0], f"{path.relative_to(SOURCE)}:{node.lineno}")
            elif name == "ngettext" and len(literals) >= 2:
                found.setdefault(tuple(literals[:2]), f"{path.relative_to(SOURCE)}:{node.lineno}")
            # help texts are translated when the parser is built (cli/helptext.py), in the
            # command modules and wherever else a command is added (the playground)
            if path.parent.name == "cli" or name in ("add_parser", "add_argument"):
                texts = [k.value.value for k in node.keywords
                         if k.arg in ("help", "description", "epilog")
                         and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)]
                if name == "add_argument_group" and literals:
                    texts.append(literals[0])
                for text in texts:
                    found.setdefault(text, f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def japanese():
    with open(i18n.po_path("ja"), encoding="utf-8") as f:
        return parse_po(f.read())


def fields(text):
    """The {name} placeholders (help texts may hold JSON braces, which are not fields)."""
    return sorted(re.findall(r"\{(\w*)\}", text))


def test_the_scan_finds_messages():
    # guards the scan itself: if it found nothing, the next test would pass vacuously
    used = used_messages()
    assert "No epochs were run." in used  # diagnosis.py
    assert ("units (neurons) in each hidden layer: 2, or 64,64 for two layers (default 2; 0 "
            "for none)") in used  # --hidden
    assert "data split" in used  # a group title


def test_every_message_in_the_code_has_a_japanese_entry():
    po = japanese()
    missing = [f"{where}: {msgid!r}" for msgid, where in used_messages().items()
               if msgid not in po]
    assert not missing, "no Japanese for:\n" + "\n".join(missing)


def test_placeholders_match_between_english_and_japanese():
    wrong = []
    for msgid, msgstr in japanese().items():
        english = msgid if isinstance(msgid, tuple) else (msgid,)
        translated = msgstr if isinstance(msgstr, list) else [msgstr]
        for text in translated:
            if fields(text) != fields(english[-1]):
                wrong.append(f"{english[0]!r}: {fields(english[-1])} vs {fields(text)}")
    assert not wrong, "\n".join(wrong)


def test_japanese_renders_without_tofu():
    """Every character of every translation has a glyph in the bundled IPAexGothic."""
    from fontTools.ttLib import TTFont

    spec = importlib.util.find_spec("matplotlib_fontja")
    font = TTFont(os.path.join(os.path.dirname(spec.origin), "fonts", "ipaexg.ttf"))
    cmap = font.getBestCmap()
    text = "".join(v if isinstance(v, str) else "".join(v) for v in japanese().values())
    assert any(ord(ch) > 0x3000 for ch in text)  # the check below really sees Japanese
    missing = sorted({ch for ch in text if ch.isprintable() and ord(ch) not in cmap})
    assert not missing, f"no glyph in IPAexGothic for {missing}"


def test_translations_follow_the_chosen_language():
    with language("ja"):
        assert _("Learning curves") == "学習曲線"
        assert _("a message nobody translated") == "a message nobody translated"
        assert ngettext("{n} row skipped", "{n} rows skipped", 1) == "{n} 行を読み飛ばしました"
    with language("en"):
        assert _("Learning curves") == "Learning curves"
        assert ngettext("{n} row skipped", "{n} rows skipped", 1) == "{n} row skipped"
        assert ngettext("{n} row skipped", "{n} rows skipped", 2) == "{n} rows skipped"


def test_environment_picks_the_language(monkeypatch):
    assert language_from_environment({}) == "en"
    assert language_from_environment({"LANG": "ja_JP.UTF-8"}) == "ja"
    assert language_from_environment({"LANG": "en_US.UTF-8", "LC_ALL": "ja_JP.eucJP"}) == "ja"
    assert language_from_environment({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}) == "en"
    assert language_from_environment({"GLASSNET_LANG": "ja", "LC_ALL": "C"}) == "ja"
    assert language_from_environment({"GLASSNET_LANG": "fr", "LANG": "ja_JP"}) == "ja"
    monkeypatch.setenv("GLASSNET_LANG", "ja")
    with language(None):
        assert i18n.get_language() == "ja"
    with language("en"):  # an explicit choice (--lang) beats the environment
        assert i18n.get_language() == "en"


def test_unknown_language_is_a_config_error():
    from glassnet.base.errors import ConfigError

    with pytest.raises(ConfigError, match="got 'fr'"):
        i18n.set_language("fr")
    with pytest.raises(ConfigError, match="got 'de'"):
        catalogue("de")


def test_catalogue_for_the_playground():
    ja = catalogue("ja")
    assert ja["Learning curves"] == "学習曲線"
    assert ja["{n} row skipped"] == "{n} 行を読み飛ばしました"
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in ja.items())
    assert catalogue("en") == {}


def test_po_reader_handles_continuations_escapes_plurals_and_fuzzy():
    text = '''msgid ""
msgstr "Language: ja\\n"

#. a comment
msgid "Line one "
"and two"
msgstr "一行目"
"と二行目"

msgid "say \\"hi\\"\\n"
msgstr "「やあ」\\n"

#, fuzzy
msgid "Unsure"
msgstr "不確か"

msgid "Untranslated"
msgstr ""

msgid "{n} file"
msgid_plural "{n} files"
msgstr[0] "{n} 個のファイル"
'''
    assert parse_po(text) == {"Line one and two": "一行目と二行目",
                              'say "hi"\n': "「やあ」\n",
                              ("{n} file", "{n} files"): ["{n} 個のファイル"]}
    with pytest.raises(ValueError, match="line 1"):
        parse_po("msgid Loss\n")


def test_no_module_that_translates_rebinds_the_underscore():
    """``handles, _ = ...`` in a module that imports ``_`` turns every later ``_("...")``
    in that function into a call of whatever was unpacked."""
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = any(isinstance(n, ast.ImportFrom) and any(a.name == "_" for a in n.names)
                      for n in ast.walk(tree))
        if not imports:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                offenders.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert not offenders, "assigns to _: " + ", ".join(offenders)


def test_dataset_descriptions_have_japanese_and_no_markup():
    """``glassnet datasets`` shows each description through the catalogue."""
    from glassnet import datasets

    po = japanese()
    texts = datasets.describe().values()
    assert not [t for t in texts if "`" in t]
    missing = [t for t in texts if t not in po]
    assert not missing, "no Japanese for dataset descriptions:\n" + "\n".join(missing)
