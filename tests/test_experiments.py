import json
import os

import numpy as np
import pytest
from glassnet.layers import Dense, Normalization

import glassnet
from glassnet.cli import run
from glassnet.experiments import capacity, overfit, random_specs, run_sweep, score

MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist.npz")
needs_mnist = pytest.mark.skipif(not os.path.exists(MNIST),
                                 reason="../shared/data/mnist.npz is not present")


def comparable(result):
    """A result without the fields that measure the machine rather than the model."""
    h = {k: v for k, v in result["history"].items() if k != "epoch_time"}
    return result["name"], h, result["params"], result["verdict"]


@needs_mnist
def test_overfit_preset_shows_overfitting_and_its_repairs():
    specs = overfit(subsample=300, epochs=25, path=MNIST, validation_rows=2000)
    assert [s["name"] for s in specs] == [
        "Tiny (16)", "Small (16-16)", "Medium (64x3)", "Large (512x4)", "Large + L2",
        "Large + Dropout", "Large + L2 + Dropout"]
    results = {r["name"]: r for r in run_sweep(specs, jobs=2)}
    for r in results.values():
        assert len(r["history"]["loss"]) == 25 and len(r["history"]["val_accuracy"]) == 25
    large = results["Large (512x4)"]
    assert large["verdict"] == "over-fits"
    assert large["history"]["val_loss"][-1] > 1.05 * min(large["history"]["val_loss"])
    assert large["history"]["accuracy"][-1] == 1.0  # it memorised its 300 rows

    def gap(r):  # validation minus training cross-entropy, penalties left out
        return r["history"]["val_crossentropy"][-1] - r["history"]["crossentropy"][-1]

    for name in ("Large + L2", "Large + L2 + Dropout"):
        assert results[name]["verdict"] != "over-fits"
        assert gap(results[name]) < gap(large)
    assert gap(results["Large + Dropout"]) < gap(large)
    assert results["Tiny (16)"]["params"] < results["Large (512x4)"]["params"]


@needs_mnist
def test_capacity_preset_models():
    specs = capacity(subsample=300, epochs=1, path=MNIST, validation_rows=500)
    assert [s["hidden"] for s in specs] == [[400], [4000], [40000]]
    result = run_sweep(specs[:1])[0]
    assert result["params"] == 784 * 400 + 400 + 400 * 10 + 10
    assert result["peak_memory_mb"] > 784 * 400 * 4 * 4 / 2**20  # weights, grads, m, v


def test_random_search_draws_log_uniformly_and_ranks(tmp_path):
    base = {"data": {"source": "moons", "split_seed": 0}, "hidden": [8], "epochs": 10,
            "batch_size": 16, "optimizer": {"name": "sgd"}}
    specs = random_specs(base, trials=200, learning_rate=(1e-4, 1e-1), l2=(1e-6, 1e-2),
                         seed=3)
    lr = np.log10([s["optimizer"]["learning_rate"] for s in specs])
    assert lr.min() >= -4 and lr.max() <= -1 and abs(lr.mean() + 2.5) < 0.15
    l2 = np.log10([s["l2"] for s in specs])
    assert l2.min() >= -6 and l2.max() <= -2 and abs(l2.mean() + 4) < 0.2
    assert [s["l2"] for s in specs] == [s["search"]["l2"] for s in specs]
    assert specs == random_specs(base, trials=200, learning_rate=(1e-4, 1e-1),
                                 l2=(1e-6, 1e-2), seed=3)
    results = run_sweep(specs[:4])
    scores = [score(r) for r in results]
    assert all(0 < s <= 1 for s in scores)
    assert scores[0] == max(results[0]["history"]["val_accuracy"])


def test_compare_cli_with_flags_and_config(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = run(["compare", "moons", "--hidden", "4", "--hidden", "16,16", "--epochs", "5",
                "--out", str(out)])
    io = capsys.readouterr()
    assert code == 0, io.err
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "hidden 4" in html and "hidden 16,16" in html and "data:image/png" in html
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in results] == ["hidden 4", "hidden 16,16"]
    assert (out / "summary.csv").exists() and (out / "learning-curves.svg").exists()
    config = tmp_path / "models.toml"
    config.write_text('epochs = 3\n[[models]]\nname = "narrow"\nhidden = [2]\n'
                      '[[models]]\nname = "wide"\nhidden = [32]\ndropout = 0.2\n',
                      encoding="utf-8")
    code = run(["compare", "xor", "--config", str(config), "--out", str(tmp_path / "c2")])
    assert code == 0
    results = json.loads((tmp_path / "c2" / "results.json").read_text(encoding="utf-8"))
    assert [len(r["history"]["loss"]) for r in results] == [3, 3]
    bad = tmp_path / "bad.json"
    bad.write_text('{"models": 3}', encoding="utf-8")
    code = run(["compare", "xor", "--config", str(bad), "--out", str(tmp_path / "c3")])
    err = capsys.readouterr().err
    assert code == 2 and "expected a list of models" in err
    assert not (tmp_path / "c3").exists()


def test_search_cli(tmp_path, capsys):
    code = run(["search", "moons", "--trials", "3", "--epochs", "3", "--hidden", "8",
                "--out", str(tmp_path / "s")])
    assert code == 0, capsys.readouterr().err
    html = (tmp_path / "s" / "report.html").read_text(encoding="utf-8")
    assert "The best 3 trials" in html and (tmp_path / "s" / "search.png").exists()


def test_seed002_one_dimensional_generalisation():
    """Trained on 9→500, 11→500, 12→1000, 14→1000, the model predicts 500 for 7..11
    and 1000 for 12..16 (seed 002's worked example, also in the README)."""
    data = glassnet.datasets.load("steps")
    norm = Normalization()
    norm.adapt(data.features)
    model = glassnet.Sequential([norm, Dense(1, "tanh"), Dense(1)], seed=0, dtype="float64")
    model.compile(glassnet.optimizers.Adam(0.05), "mse")
    model.fit(data.features, data.labels / 1000, epochs=2000, batch_size=len(data), verbose=0)
    x = np.arange(7, 17, dtype=float)[:, None]
    predicted = model.predict(x)[:, 0] * 1000
    nearest = np.where(np.abs(predicted - 500) < np.abs(predicted - 1000), 500, 1000)
    assert nearest.tolist() == [500] * 5 + [1000] * 5
    assert np.abs(predicted - nearest).max() < 50


# -- the report agrees with its numbers ------------------------------------------------------
def _result(name, loss, val_loss, verdict, **extra):
    h = {"loss": loss, "crossentropy": loss, "val_loss": val_loss,
         "val_crossentropy": val_loss, "val_accuracy": [0.5] * len(loss)}
    best = int(np.argmin(val_loss))
    return {"name": name, "history": h, "verdict": verdict, "best_epoch": best + 1,
            "stop_reason": None, "spec": {"data": {"source": "moons"}}, **extra}


def test_a_risen_validation_loss_is_never_called_a_good_fit():
    from glassnet.experiments.reading import fit_reading

    # the compare report's "Large + L2": the final validation loss 56 % above its minimum,
    # the training loss not falling after it (so diagnosis did not call it over-fitting)
    r = _result("Large + L2", [1.0, 0.5, 0.52, 0.55], [1.0, 0.5, 0.6, 0.78], "good")
    reading = fit_reading(r)
    assert reading["label"] == "unsettled" and abs(reading["rise"] - 0.56) < 1e-12
    assert "56% above" in reading["sentence"] and "did not rise" not in reading["sentence"]
    flat = fit_reading(_result("flat", [1.0, 0.5, 0.4, 0.3], [1.0, 0.5, 0.45, 0.46], "good"))
    assert flat["label"] == "good" and "within 2.2% of it" in flat["sentence"]
    last = fit_reading(_result("last", [1.0, 0.5, 0.4, 0.3], [1.0, 0.5, 0.45, 0.44], "good"))
    assert "lowest at the last epoch (4, 0.44)" in last["sentence"]
    over = fit_reading(_result("over", [1.0, 0.5, 0.4, 0.3], [1.0, 0.5, 0.6, 0.7], "over-fits"))
    assert over["label"] == "over-fits" and "+40%" in over["sentence"]


def test_search_notes_say_ties_and_last_epoch_bests():
    from glassnet.experiments.reading import ranked, search_notes

    results = [_result(f"trial {i}", [1.0, 0.5], [1.0, v], "good", validation_rows=40)
               for i, v in enumerate([0.7, 0.6, 0.8])]
    for r, acc in zip(results, [0.875, 0.875, 0.8]):
        r["history"]["val_accuracy"] = [0.5, acc]
    notes = search_notes(results)
    assert notes[0].startswith("2 of 3 trials tie at the best score 0.875")
    assert "steps of 0.025" in notes[0]
    assert notes[1].startswith("For 3 of 3 trials the best epoch is the last")
    assert [r["name"] for r in ranked(results)] == ["trial 1", "trial 0", "trial 2"]


def test_search_report_states_the_setup_and_sorts_every_trial(tmp_path):
    from glassnet.experiments import grid_specs, run_sweep
    from glassnet.experiments.report import SORT_SCRIPT, write_search

    base = {"data": {"source": "moons", "split_seed": 0}, "hidden": [4], "epochs": 3,
            "batch_size": 16, "dropout": 0.1, "optimizer": {"name": "sgd"}}
    results = run_sweep(grid_specs(base, trials=4, learning_rate=(1e-2, 1e-1)))
    path = write_search(str(tmp_path), results, top=2, sampler="grid")
    html = open(path, encoding="utf-8").read()
    assert html.count('<table class="sortable">') == 1 and html.count(SORT_SCRIPT) == 1
    for fact in ("<dt>dataset</dt><dd>moons</dd>", "<dt>dropout rate</dt><dd>0.1</dd>",
                 "<dt>epochs</dt><dd>3</dd>", "<dt>optimiser</dt><dd>sgd</dd>",
                 "<dt>training rows</dt><dd>160</dd>", "log-spaced grid"):
        assert fact in html
    rows = (tmp_path / "trials.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 5 and rows[0].startswith("rank,trial,lr,l2,score")
    assert (tmp_path / "search.png").exists()


FAKE_DOM = """
const rows = [["trial 2", "0.5", "-"], ["trial 10", "12", "1e-05"], ["trial 1", "3e-05", "2"]]
  .map(cells => ({cells: cells.map(t => ({textContent: t}))}));
const body = {rows, appendChild(r) { rows.splice(rows.indexOf(r), 1); rows.push(r); }};
const table = {tBodies: [body]};
const heads = [0, 1, 2].map(i => ({cellIndex: i, dataset: {}, style: {},
  closest: () => table, addEventListener(kind, f) { this.click = f; }}));
global.document = {querySelectorAll: () => heads};
eval(require("fs").readFileSync(process.argv[2], "utf8"));
const column = i => JSON.stringify(rows.map(r => r.cells[i].textContent));
heads[1].click(); console.log(column(1));
heads[1].click(); console.log(column(1));
heads[0].click(); console.log(column(0));
"""


def test_the_trial_table_sorts_numbers_as_numbers(tmp_path):
    """The page's sorting script, run by Node on a stand-in for the table."""
    import shutil
    import subprocess

    from glassnet.experiments.report import SORT_SCRIPT

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = tmp_path / "sort.js"
    script.write_text(SORT_SCRIPT.removeprefix("<script>").removesuffix("</script>"),
                      encoding="utf-8")
    (tmp_path / "dom.js").write_text(FAKE_DOM, encoding="utf-8")
    out = subprocess.run([node, str(tmp_path / "dom.js"), str(script)], capture_output=True,
                         text=True, timeout=60, check=True).stdout.splitlines()
    assert [json.loads(line) for line in out] == [
        ["3e-05", "0.5", "12"],              # numbers by value, not as text
        ["12", "0.5", "3e-05"],              # a second click reverses
        ["trial 1", "trial 10", "trial 2"]]  # text as text
