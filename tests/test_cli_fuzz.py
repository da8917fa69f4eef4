"""A seeded fuzz of every command's arguments (issue 25): whatever hostile value lands in
whichever option, the command ends with exit 0 or 2, never a traceback or an internal
error. The values are those a typo, a shell or an attacker produces: empty, negative
zero, NaN and infinities, numbers argparse cannot read, control characters, a newline,
a path outside the folder; none is a large valid count (that would be a long run, not
a mistake)."""

import argparse
import random

import pytest

from glassnet.cli import build_parser, run

VALUES = ["", "0", "-1", "-0", "nan", "inf", "-inf", "1e999", "1e9", "0.5", "x", "-x",
          "\x1b[2J", "a\nb", "../../../etc/passwd", "/dev/null", ".", "ö漢字", "1,0",
          "--", "=cmd|' /C calc'!A0", "9" * 30]
#: options that would reach the network or another process, not a user mistake
SKIPPED = {"--preset", "--mnist", "--scheduler", "--help", "--version", "--lang", "-q",
           "--quiet", "--resume", "--show-example"}
TINY = ["--subsample", "40", "--validation-rows", "10", "--epochs", "1", "--hidden", "2"]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    assert run(["train", "sample2", "--epochs", "1", "--out", str(folder / "m"), "-q"]) == 0
    return str(folder / "m" / "model.glassnet")


def bases(model, folder):
    """A command line of each command that runs (quickly) as it is."""
    return {
        "train": ["train", "sample2", "--epochs", "1", "--out", f"{folder}/train"],
        "predict": ["predict", model, "sample2", "--out", f"{folder}/p.csv"],
        "evaluate": ["evaluate", model, "sample2"],
        "gradcheck": ["gradcheck", "sample2", "--rows", "2"],
        "trace": ["trace", "--weights", "xor", "--input", "1,1"],
        "explain": ["explain", model, "sample2", "--rows", "2", "--repeats", "1",
                    "--background-rows", "5", "--no-figures", "--out", f"{folder}/x"],
        "export": ["export", model, "--out", f"{folder}/m.h5"],
        "compare": ["compare", "moons", *TINY, "--out", f"{folder}/c"],
        "search": ["search", "moons", "--trials", "1", *TINY, "--out", f"{folder}/s"],
        "datasets": ["datasets", "list"],
    }


def options(command):
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [a for a in sub.choices[command]._actions
            if a.option_strings and not set(a.option_strings) & SKIPPED
            and a.dest != "help"]


def mutate(args, action, value):
    """``args`` with ``action``'s option set to ``value`` (replacing a value given)."""
    flag = action.option_strings[-1]
    out = list(args)
    for name in action.option_strings:
        if name in out:
            i = out.index(name)
            del out[i:i + 1 + (action.nargs != 0)]
    if action.nargs == 0:
        return out + [flag]
    count = action.nargs if isinstance(action.nargs, int) else 1
    return out + [flag] + [value] * count


@pytest.mark.parametrize("seed", range(6))
def test_no_argument_ends_in_a_traceback(tmp_path, model, capsys, monkeypatch, seed):
    monkeypatch.chdir(tmp_path)  # a fuzzed --out ('nan', '-1', ...) lands in the test's folder
    rng = random.Random(seed)
    base = bases(model, tmp_path)
    for _ in range(8):
        command = rng.choice(sorted(base))
        args = base[command]
        for action in rng.sample(options(command), k=rng.choice([1, 2])):
            args = mutate(args, action, rng.choice(VALUES))
        try:
            code = run(args)
        except SystemExit as exc:  # argparse: --help exits 0, a bad value 2
            code = exc.code
        err = capsys.readouterr().err
        assert code in (0, 2), (args, err)
        assert "Traceback" not in err and "internal error" not in err, (args, err)
        if code == 2:
            assert "error" in err, (args, err)
