"""Every command explains itself: a help text for every option of every command, in
English and in Japanese, and a first sentence a newcomer understands."""

import argparse

import pytest

from glassnet.base.i18n import language
from glassnet.cli import build_parser, run


def walk(parser, path=("glassnet",)):
    """(path, parser) for the main parser and every (sub)command's parser, and the
    (path, action) pairs of every action in them."""
    parsers, actions = [(path, parser)], []
    for action in parser._actions:
        actions.append((path, action))
        if isinstance(action, argparse._SubParsersAction):
            listed = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                actions.append(((*path, name), argparse.Namespace(
                    help=listed.get(name), option_strings=[], dest=f"command {name}")))
                more_parsers, more_actions = walk(sub, (*path, name))
                parsers += more_parsers
                actions += more_actions
    return parsers, actions


def named(path, action):
    return f"{' '.join(path)} {'/'.join(action.option_strings) or action.dest}"


def test_the_walk_reaches_every_command():
    # guards the walk itself: a walk that found nothing would pass every test below
    parsers, actions = walk(build_parser())
    commands = {path[1] for path, _parser in parsers if len(path) == 2}
    assert {"train", "predict", "evaluate", "gradcheck", "trace", "compare", "search",
            "datasets", "demo", "playground"} <= commands
    assert "glassnet train --epochs" in {named(p, a) for p, a in actions}
    assert len(actions) > 150


def test_every_option_of_every_command_has_a_help_text():
    empty = [named(path, action) for path, action in walk(build_parser())[1]
             if action.help is not argparse.SUPPRESS and not (action.help or "").strip()]
    assert not empty, "options without a help text:\n" + "\n".join(empty)


def test_every_command_says_what_it_does():
    missing = [" ".join(path) for path, parser in walk(build_parser())[0]
               if not (parser.description or "").strip()]
    assert not missing, "commands without a description:\n" + "\n".join(missing)


def test_every_help_text_is_translated():
    english = {named(p, a): a.help for p, a in walk(build_parser())[1]
               if a.help and a.help is not argparse.SUPPRESS}  # hidden: old option names
    english.update({" ".join(p): q.description for p, q in walk(build_parser())[0]})
    with language("ja"):
        japanese = {named(p, a): a.help for p, a in walk(build_parser())[1] if a.help}
        japanese.update({" ".join(p): q.description for p, q in walk(build_parser())[0]})
    same = [f"{where}: {text!r}" for where, text in english.items()
            if japanese.get(where) == text]
    assert not same, "help texts left in English under --lang ja:\n" + "\n".join(same)


def test_train_help_opens_in_plain_words(capsys):
    with pytest.raises(SystemExit):
        run(["train", "--help", "--lang", "en"])
    text = " ".join(capsys.readouterr().out.split())
    description = text.split("positional arguments:")[0].split("data ", 1)[1]
    assert description.startswith("Train a neural network to predict one column")
    assert "units (neurons)" in description
    # the glossary of the source articles lives in docs/seeds.md, not in --help; a
    # network has units ("empty cells" of a sheet are fine)
    for jargon in ("Keras program", "discriminant analysis", "sigmoid cells", "hidden cells"):
        assert jargon not in text, jargon


def test_datasets_help_explains_list_and_export(capsys):
    with pytest.raises(SystemExit):
        run(["datasets", "--help", "--lang", "en"])
    text = " ".join(capsys.readouterr().out.split())
    assert "list: print the built-in datasets" in text
    assert "export: write dataset NAME to the CSV file FILE" in text
    assert "glassnet datasets export NAME FILE" in text


def test_search_help_says_why_its_network_differs_from_train(capsys):
    with pytest.raises(SystemExit):
        run(["search", "--help", "--lang", "en"])
    text = " ".join(capsys.readouterr().out.split())
    assert "differs from train's on purpose" in text
    assert "(default 100,100)" in text and "(default sgd" in text
