"""Result folders and output files: nothing of the user's is ever replaced or lost."""

import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from glassnet.base.errors import ResultsError
from glassnet.io import files, results
from glassnet.io.files import check_output_file, place_file
from glassnet.io.results import MARKER, ResultFolder


def write_results(out, text="new", what="train", **options):
    with ResultFolder(out, what=what, log=options.pop("log", lambda _: None),
                      **options) as folder:
        with open(os.path.join(folder.temp, "report.txt"), "w") as f:
            f.write(text)
    return folder


def read(path):
    with open(path) as f:
        return f.read()


def test_new_folder_is_published_with_a_marker_listing_its_files(tmp_path):
    folder = write_results(tmp_path / "res")
    marker = json.loads(read(tmp_path / "res" / MARKER))
    assert marker["what"] == "train" and marker["pid"] == os.getpid()
    assert marker["state"] == "complete" and marker["files"] == ["report.txt"]
    assert read(tmp_path / "res" / "report.txt") == "new"
    assert folder.replaced is None and folder.message == f"results in {tmp_path / 'res'}"
    assert sorted(os.listdir(tmp_path)) == ["res"]  # no temporary folder left behind


def test_folders_and_files_respect_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_results(tmp_path / "res")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "res").st_mode) == 0o755
    assert stat.S_IMODE(os.stat(tmp_path / "res" / MARKER).st_mode) == 0o644
    assert files.file_mode() == 0o666 & ~old


@pytest.mark.parametrize("out", [".", "..", "/"])
def test_current_folder_and_its_parents_are_refused_even_with_overwrite(tmp_path, monkeypatch,
                                                                         out):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(work)
    with pytest.raises(ResultsError, match="current folder|root folder"):
        write_results(out, overwrite=True)
    assert read(work / "notes.txt") == "mine"


def test_a_folder_holding_an_input_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "my.csv").write_text("x,y\n1,a\n")
    with pytest.raises(ResultsError, match="holds an input of this run"):
        write_results(data, inputs=[data / "my.csv"], overwrite=True)
    with pytest.raises(ResultsError, match="is an input of this run"):
        write_results(data / "my.csv", inputs=[data / "my.csv"], overwrite=True)
    with pytest.raises(ResultsError, match="is not a folder"):
        write_results(data / "my.csv", overwrite=True)
    assert read(data / "my.csv") == "x,y\n1,a\n"


def test_a_folder_glassnet_did_not_write_is_refused_without_inviting_overwrite(tmp_path):
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "chapter1.tex").write_text("text")
    for overwrite in (False, True):
        with pytest.raises(ResultsError, match="did not write") as error:
            write_results(tmp_path / "thesis", overwrite=overwrite)
        assert "--overwrite" not in str(error.value)
    assert read(tmp_path / "thesis" / "chapter1.tex") == "text"


def test_an_empty_folder_is_used(tmp_path):
    (tmp_path / "res").mkdir()
    folder = write_results(tmp_path / "res")
    assert read(tmp_path / "res" / "report.txt") == "new" and folder.replaced is None


def test_existing_results_need_overwrite_which_replaces_and_says_so(tmp_path):
    write_results(tmp_path / "res", "old")
    with pytest.raises(ResultsError, match="already holds train results.*--overwrite"):
        write_results(tmp_path / "res", "new")
    assert read(tmp_path / "res" / "report.txt") == "old"
    folder = write_results(tmp_path / "res", "new", overwrite=True)
    assert read(tmp_path / "res" / "report.txt") == "new"
    assert folder.replaced["what"] == "train"
    assert "replaced the earlier train results written" in folder.message
    assert sorted(os.listdir(tmp_path)) == ["res"]


def test_a_result_folder_with_the_users_own_files_in_it_is_not_replaced(tmp_path):
    write_results(tmp_path / "res", "old")
    (tmp_path / "res" / "my-notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="did not write there \\(my-notes.txt\\)"):
        write_results(tmp_path / "res", "new", overwrite=True)
    assert read(tmp_path / "res" / "my-notes.txt") == "mine"


def test_an_error_during_the_run_leaves_the_old_results_and_no_partial_folder(tmp_path):
    write_results(tmp_path / "res", "old")
    with pytest.raises(RuntimeError):
        with ResultFolder(tmp_path / "res", "train", overwrite=True):
            raise RuntimeError("training failed")
    assert read(tmp_path / "res" / "report.txt") == "old"
    assert sorted(os.listdir(tmp_path)) == ["res"]


def test_two_runs_on_a_new_folder_the_second_to_finish_does_not_replace_the_first(tmp_path):
    first = ResultFolder(tmp_path / "res", "train").__enter__()
    second = ResultFolder(tmp_path / "res", "train").__enter__()
    (tmp_path.joinpath(first.temp, "report.txt")).write_text("first")
    (tmp_path.joinpath(second.temp, "report.txt")).write_text("second")
    first.__exit__(None, None, None)
    with pytest.raises(ResultsError, match="appeared.*kept in (.*unpublished.*)") as error:
        second.__exit__(None, None, None)
    assert read(tmp_path / "res" / "report.txt") == "first"
    kept = str(error.value).rsplit("kept in ", 1)[1]
    assert read(os.path.join(kept, "report.txt")) == "second"


def test_two_overwriting_runs_the_second_to_finish_does_not_replace_the_first(tmp_path):
    write_results(tmp_path / "res", "old")
    first = ResultFolder(tmp_path / "res", "train", overwrite=True).__enter__()
    second = ResultFolder(tmp_path / "res", "train", overwrite=True).__enter__()
    tmp_path.joinpath(first.temp, "report.txt").write_text("first")
    tmp_path.joinpath(second.temp, "report.txt").write_text("second")
    first.__exit__(None, None, None)
    with pytest.raises(ResultsError, match="were replaced while this run worked"):
        second.__exit__(None, None, None)
    assert read(tmp_path / "res" / "report.txt") == "first"


def test_two_processes_on_the_same_out_keep_both_results(tmp_path):
    # Both enter before either publishes (a file tells the second to go on), then both finish.
    script = textwrap.dedent("""
        import os, sys, time
        from glassnet.io.results import ResultFolder, ResultsError
        out, me, go = sys.argv[1], sys.argv[2], sys.argv[3]
        folder = ResultFolder(out, "train").__enter__()
        open(os.path.join(folder.temp, "who.txt"), "w").write(me)
        open(go + "." + me, "w").close()
        while not all(os.path.exists(go + "." + k) for k in ("a", "b")):
            time.sleep(0.01)
        try:
            folder.__exit__(None, None, None)
            print("published")
        except ResultsError as exc:
            print("refused", exc)
    """)
    go = str(tmp_path / "go")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "res"), me, go],
                              stdout=subprocess.PIPE, text=True) for me in ("a", "b")]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert sorted(o.split()[0] for o in outputs) == ["published", "refused"]
    winner = "ab"[[o.startswith("published") for o in outputs].index(True)]
    assert read(tmp_path / "res" / "who.txt") == winner
    kept = [n for n in os.listdir(tmp_path) if ".unpublished-" in n]
    assert len(kept) == 1 and read(tmp_path / kept[0] / "who.txt") != winner


def test_the_final_move_has_no_window_without_the_destination(tmp_path, monkeypatch):
    write_results(tmp_path / "res", "old")
    seen = []
    real = results.rename_exchange

    def exchange(a, b):
        seen.append(os.path.isdir(b))
        done = real(a, b)
        seen.append(os.path.isdir(b))
        return done

    monkeypatch.setattr(results, "rename_exchange", exchange)
    write_results(tmp_path / "res", "new", overwrite=True)
    assert seen == [True, True] and read(tmp_path / "res" / "report.txt") == "new"


def test_a_rename_failing_during_the_move_leaves_the_old_results(tmp_path, monkeypatch):
    write_results(tmp_path / "res", "old")

    def broken(a, b):
        raise OSError(5, "Input/output error", b)

    monkeypatch.setattr(results, "rename_exchange", broken)
    with pytest.raises(OSError):
        write_results(tmp_path / "res", "new", overwrite=True)
    assert read(tmp_path / "res" / "report.txt") == "old"
    assert sorted(os.listdir(tmp_path)) == ["res"]
    # Without rename-exchange, a failing second rename puts the old results back at once.
    monkeypatch.setattr(results, "rename_exchange", lambda a, b: False)
    real_rename = os.rename

    def rename(a, b):
        if ".partial-" in str(a):
            raise OSError(28, "No space left on device", b)
        real_rename(a, b)

    monkeypatch.setattr(results.os, "rename", rename)
    with pytest.raises(OSError, match="No space left"):
        write_results(tmp_path / "res", "new", overwrite=True)
    monkeypatch.setattr(results.os, "rename", real_rename)
    assert read(tmp_path / "res" / "report.txt") == "old"
    assert sorted(os.listdir(tmp_path)) == ["res"]


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from glassnet.io import results
    out, where = sys.argv[1], sys.argv[2]
    real_rename, real_exchange = os.rename, results.rename_exchange
    def die():
        os.kill(os.getpid(), signal.SIGKILL)
    if where == "between-renames":      # the fallback without rename-exchange
        results.rename_exchange = lambda a, b: False
        calls = []
        def rename(a, b):
            calls.append(a)
            if len(calls) == 2:
                die()
            real_rename(a, b)
        results.os.rename = rename
    elif where == "after-exchange":
        def exchange(a, b):
            real_exchange(a, b)
            die()
        results.rename_exchange = exchange
    with results.ResultFolder(out, "train", overwrite=True) as folder:
        open(os.path.join(folder.temp, "report.txt"), "w").write("new")
""")


@pytest.mark.parametrize("where, expected", [("between-renames", "old"),
                                             ("after-exchange", "new")])
def test_a_run_killed_during_the_final_move_is_repaired_by_the_next_run(tmp_path, where,
                                                                         expected):
    write_results(tmp_path / "res", "old")
    child = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(tmp_path / "res"), where])
    assert child.returncode == -9
    assert any(n.startswith(".res.") for n in os.listdir(tmp_path))  # the killed run's leftover
    notes = []
    with pytest.raises(ResultsError, match="already holds"):
        ResultFolder(tmp_path / "res", "train", log=notes.append)
    assert read(tmp_path / "res" / "report.txt") == expected
    assert sorted(os.listdir(tmp_path)) == ["res"]
    assert notes and all("restored" in n or "removed" in n for n in notes)


def test_a_partial_folder_of_a_killed_run_is_removed_and_reported(tmp_path):
    partial = tmp_path / ".res.partial-999999999-abcd"
    partial.mkdir()
    (partial / MARKER).write_text(json.dumps({"glassnet": "results", "what": "train"}))
    unrelated = tmp_path / ".res.partial-999999999-mine"  # no marker: not ours, kept
    unrelated.mkdir()
    notes = []
    write_results(tmp_path / "res", log=notes.append)
    assert not partial.exists() and unrelated.exists()
    assert len(notes) == 1 and "unfinished results of a run that was stopped" in notes[0]


def test_a_symlinked_out_keeps_the_link_and_leaves_nothing_dangling(tmp_path):
    write_results(tmp_path / "real", "old")
    os.symlink(tmp_path / "real", tmp_path / "link")
    folder = write_results(tmp_path / "link", "new", overwrite=True)
    assert os.path.islink(tmp_path / "link")
    assert read(tmp_path / "link" / "report.txt") == "new"
    assert folder.final == str(tmp_path / "real")
    assert sorted(os.listdir(tmp_path)) == ["link", "real"]


def test_single_output_files(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("x\n1\n")
    with pytest.raises(ResultsError, match="is an input of this run"):
        check_output_file(data, inputs=[data], overwrite=True)
    os.symlink(data, tmp_path / "alias.csv")
    with pytest.raises(ResultsError, match="is an input of this run"):
        check_output_file(tmp_path / "alias.csv", inputs=[data], overwrite=True)
    with pytest.raises(ResultsError, match="is a folder"):
        check_output_file(tmp_path, overwrite=True)
    (tmp_path / "old.csv").write_text("old")
    with pytest.raises(ResultsError, match="exists; choose another file, or pass --overwrite"):
        check_output_file(tmp_path / "old.csv")
    assert check_output_file(tmp_path / "old.csv", overwrite=True) == str(tmp_path / "old.csv")
    # Publishing never replaces a file that appeared meanwhile, unless asked to.
    (tmp_path / "tmp1").write_text("new")
    with pytest.raises(ResultsError, match="appeared while this run worked"):
        place_file(str(tmp_path / "tmp1"), str(tmp_path / "old.csv"), overwrite=False)
    assert read(tmp_path / "old.csv") == "old" and not (tmp_path / "tmp1").exists()
    (tmp_path / "tmp2").write_text("new")
    place_file(str(tmp_path / "tmp2"), str(tmp_path / "old.csv"), overwrite=True)
    assert read(tmp_path / "old.csv") == "new"
