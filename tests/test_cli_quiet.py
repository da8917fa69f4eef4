"""``-q`` means errors only, on every command (issue 28): a test walks every command the
parser has, runs it once as usual (it says something) and once with ``-q`` (nothing on
stdout or stderr, file descriptors included, so worker processes count too), and an
error under ``-q`` still prints its one line."""

import re
from types import SimpleNamespace

import pytest

from glassnet.cli import build_parser, run

# every command, with arguments that make it quick; {tmp} is a folder of its own
COMMANDS = {
    "train": ["train", "xor", "--epochs", "20", "--out", "{tmp}/run"],
    "predict": ["predict", "{model}", "{tmp}/labelled.csv", "--out", "{tmp}/p.csv"],
    "evaluate": ["evaluate", "{model}", "{tmp}/labelled.csv"],
    "gradcheck": ["gradcheck", "xor"],
    "trace": ["trace", "--weights", "seed003", "--input", "1,1;0,1"],
    "compare": ["compare", "xor", "--hidden", "2", "--hidden", "3", "--epochs", "2", "--jobs",
                "2", "--out", "{tmp}/compare"],
    "search": ["search", "xor", "--trials", "2", "--epochs", "2", "--hidden", "2", "--out",
               "{tmp}/search"],
    "datasets": ["datasets"],
    "export": ["export", "{model}", "--out", "{tmp}/model.onnx"],
    "explain": ["explain", "{model}", "{tmp}/labelled.csv", "--out", "{tmp}/why"],
    "demo": ["demo", "--epochs", "5", "--out", "{tmp}/demo"],
}


def commands() -> set:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def test_the_table_names_every_command():
    assert commands() == {*COMMANDS, "playground"}  # playground: its own test below


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("model")
    assert run(["train", "xor", "--epochs", "5", "--no-figures", "--out", str(tmp / "run"),
                "-q"]) == 0
    return tmp / "run" / "model.glassnet"


def argv(name, tmp, model, quiet):
    (tmp / "labelled.csv").write_text("design,quality,decision\n1,0,buy\n0,0,not buy\n",
                                      encoding="utf-8")
    return [a.replace("{tmp}", str(tmp)).replace("{model}", str(model))
            for a in COMMANDS[name]] + (["-q"] if quiet else [])


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_quiet_prints_nothing_on_every_command(name, model, tmp_path, capfd):
    loud, quiet = tmp_path / "loud", tmp_path / "quiet"
    loud.mkdir(), quiet.mkdir()
    assert run(argv(name, loud, model, False)) == 0
    said = capfd.readouterr()
    assert said.out.strip() or said.err.strip(), f"{name} says nothing even without -q"
    assert run(argv(name, quiet, model, True)) == 0
    said = capfd.readouterr()
    assert (said.out, said.err) == ("", ""), f"{name} -q printed {said}"
    assert sorted(p.name for p in quiet.iterdir()) == sorted(p.name for p in loud.iterdir())


def test_quiet_before_the_command_works_too(capfd):
    assert run(["-q", "datasets"]) == 0
    assert capfd.readouterr() == ("", "")


def test_an_error_under_quiet_still_prints_its_one_line(tmp_path, capfd):
    assert run(["train", str(tmp_path / "none.csv"), "-q"]) == 2
    said = capfd.readouterr()
    assert said.out == "" and said.err.count("\n") == 1 and "none.csv" in said.err


def test_predict_without_out_still_writes_its_table_under_quiet(model, tmp_path, capfd):
    """The table is the command's output (as --out FILE would be); the accuracy and
    confusion matrix that would go to stderr beside it are not."""
    (tmp_path / "labelled.csv").write_text("design,quality,decision\n1,0,buy\n0,0,not buy\n",
                                           encoding="utf-8")
    assert run(["predict", str(model), str(tmp_path / "labelled.csv"), "-q"]) == 0
    said = capfd.readouterr()
    assert said.out.splitlines()[0] == "design,quality,decision,p_not buy,p_buy,predicted"
    assert len(said.out.splitlines()) == 3 and said.err == ""


def test_playground_under_quiet_prints_only_its_address(monkeypatch, capfd):
    pytest.importorskip("uvicorn")
    import uvicorn

    class Server:  # uvicorn's Config would also set up logging: nothing real here
        def __init__(self, config):
            pass

        def run(self, sockets=None):
            print("serving")

    monkeypatch.setattr(uvicorn, "Config", lambda app, **options: SimpleNamespace(app=app))
    monkeypatch.setattr(uvicorn, "Server", Server)
    assert run(["playground", "--no-browser", "-q"]) == 0
    said = capfd.readouterr()
    assert re.fullmatch(r"glassnet playground: http://127\.0\.0\.1:\d+/  \(Ctrl-C to stop\)\n",
                        said.out), said.out
    assert said.err == ""
