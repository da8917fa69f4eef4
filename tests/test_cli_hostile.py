"""The command line against hostile names, paths and arguments (issue 25): every user
mistake is one line on stderr and exit 2; names and paths print on one line with their
control characters escaped; costs are checked before the memory is taken."""

import os
import tracemalloc

import pytest

from glassnet.cli import run


def one_line_exit_2(capsys, args, *words):
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in err, err
    return err


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_newline_in_out_prints_as_one_line(work, capsys):
    out = "res\nults\x1b[2J"
    assert run(["train", "sample2", "--epochs", "1", "--out", out]) == 0
    lines = capsys.readouterr().out.splitlines()
    results = [line for line in lines if line.startswith("results in ")]
    assert results == [f"results in {work}/res\\nults\\x1b[2J"]
    assert [line for line in lines if line.startswith("report: ")] == [
        f"report: {work}/res\\nults\\x1b[2J/report.html"]
    assert (work / out / "report.html").exists()  # the folder has the name asked for


def test_column_names_with_escapes_and_newlines_print_escaped(work, capsys):
    (work / "f.csv").write_text('"a\x1b]0;owned\x07","b\nc",y\n' + "".join(
        f"{i % 5 * 1.5},{i % 3},{'xy'[i % 2]}\n" for i in range(20)), encoding="utf-8")
    assert run(["train", "f.csv", "--epochs", "1", "--out", "o"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    columns = [line for line in out.splitlines() if line.startswith("columns: ")]
    assert columns == ["columns: inputs a\\x1b]0;owned\\x07, b\\nc"]


@pytest.mark.parametrize("encoding", ["rot13", "zlib", "base64", "no-such-codec"])
def test_an_encoding_that_is_not_a_text_encoding_is_one_line(work, capsys, encoding):
    (work / "f.csv").write_text("a,y\n1,x\n2,y\n", encoding="utf-8")
    one_line_exit_2(capsys, ["train", "f.csv", "--encoding", encoding],
                    "is not a text encoding", "--encoding")


@pytest.mark.parametrize("args, words", [
    (["train", "sample2", "--max-classes", "0"], "--max-classes must be at least 2 (a class"),
    (["train", "sample2", "--max-classes", "1"], "--max-classes must be at least 2 (a class"),
    (["gradcheck", "sample2", "--rows", "0"], "--rows must be >= 1, got 0"),
    (["gradcheck", "sample2", "--rows", "-3"], "--rows must be >= 1, got -3"),
    (["train", "sample2", "--hidden", "1000000000"], "more than the limit of 50,000,000"),
    (["train", "sample2", "--hidden", "30000,30000"], "900,"),
    (["gradcheck", "sample2", "--hidden", "1000000000"], "limit of 50,000,000"),
])
def test_impossible_sizes_are_refused_before_any_work(work, capsys, args, words):
    tracemalloc.start()
    try:
        one_line_exit_2(capsys, args, words)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


def test_a_one_hot_heavy_csv_is_refused_with_bounded_memory(work, capsys):
    header = ",".join(f"t{j}" for j in range(400)) + ",y"
    lines = [header] + [",".join(f"L{(i * 7 + j) % 50}" for j in range(400)) + f",{i % 2}"
                        for i in range(1400)]
    (work / "wide.csv").write_text("\n".join(lines), encoding="utf-8")
    assert os.path.getsize(work / "wide.csv") > 1.5e6
    tracemalloc.start()
    try:
        err = one_line_exit_2(capsys, ["train", "wide.csv", "--target", "y"],
                              "wide.csv: 400 text columns would become 20000 one-hot inputs",
                              "limit of 1000", "--ignore")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300 * 2**20, f"{peak / 2**20:.0f} MiB"
    assert "'t0' (50)" in err


def test_many_rows_of_text_are_bounded_by_cells(work, capsys):
    from glassnet.data import columns

    header = ",".join(f"t{j}" for j in range(20)) + ",y"
    rows = 20001
    lines = [header] + [",".join(f"L{(i + j) % 50}" for j in range(20)) + f",{i % 2}"
                        for i in range(rows)]
    (work / "long.csv").write_text("\n".join(lines), encoding="utf-8")
    assert 20 * 50 <= columns.MAX_ONE_HOT_INPUTS and 1000 * rows > columns.MAX_ONE_HOT_CELLS
    one_line_exit_2(capsys, ["train", "long.csv", "--target", "y"],
                    "1000 one-hot inputs", f"{1000 * rows:,} cells for {rows} rows",
                    "limit of 20,000,000")


def test_values_beyond_float32_name_file_line_and_column(work, capsys):
    (work / "big.csv").write_text("a,b,y\n1,2,x\n3,4e39,y\n5,6,x\n7,8,y\n", encoding="utf-8")
    one_line_exit_2(capsys, ["train", "big.csv", "--epochs", "1"],
                    "big.csv, line 3, column 'b': 4e+39 is beyond the range of float32",
                    "--dtype float64")
    (work / "big.csv").write_text("a,y\n1,2\n3,4\n5,-6e300\n", encoding="utf-8")
    one_line_exit_2(capsys, ["train", "big.csv", "--epochs", "1"],
                    "big.csv, line 4, column 'y': -6e+300 is beyond")
