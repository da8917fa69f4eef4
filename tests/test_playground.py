"""The playground without a browser: sessions, frames, traces, exports and every
endpoint's answer to malformed requests."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from glassnet.playground import frames, messages
from glassnet.playground.session import Session

from .playground_server import request, start_server

SAMPLE2 = {"data": {"source": "builtin", "name": "sample2"},
           "split": {"validation": 0.2, "method": "random"},
           "spec": {"hidden": [2], "batch_size": 100}}


@pytest.fixture
def session():
    s = Session("test")
    yield s
    s.close()
    s.thread.join(5)
    assert not s.thread.is_alive()


def test_step_then_reset_gives_the_same_initial_weights_and_curve(session):
    session.setup(SAMPLE2)
    initial = session.model.get_weights()
    for _ in range(6):
        session.step()
    assert session.steps == 6 and session.epoch == 3  # 200 training rows, batches of 100
    first = list(session.history["loss"])
    assert not np.allclose(session.model.get_weights()[2], initial[2])  # first kernel
    session.reset()
    assert session.steps == 0 and session.history == {}
    for a, b in zip(session.model.get_weights(), initial):
        np.testing.assert_array_equal(a, b)
    for _ in range(6):
        session.step()
    assert session.history["loss"] == first


def test_play_trains_in_the_worker_and_frames_arrive_between_batches(session):
    session.setup(SAMPLE2)
    session.play()
    seen = [session.frame()["step"] for _ in range(5)]
    deadline = time.monotonic() + 60
    while session.epoch < 200 and time.monotonic() < deadline:
        session.frame()
    session.pause()
    assert seen == sorted(seen) and seen[-1] > seen[0]
    frame = session.frame()
    assert frame["history"]["loss"][-1] < frame["history"]["loss"][0]
    assert frame["verdict"]["key"] in ("good", "under-fits", "over-fits")
    assert np.sum(frame["confusion"]["matrix"]) == 50  # the validation rows


def test_row_trace_deltas_are_seed_000s_formulas(session):
    """Output δ2 = z - t; hidden δ1_j = σ'(α_j) Σk δ2_k b_kj, computed here by hand."""
    session.setup(SAMPLE2)
    for _ in range(4):
        session.step()
    row = 7
    trace = session.trace_row(row)
    hidden, output = trace["layers"]
    target = np.eye(5)[session.data.labels[row]]
    z = np.array(output["output"])
    np.testing.assert_allclose(output["delta"], z - target, atol=1e-6)
    b = session.model.layers[-1].kernel.astype(np.float64)
    y = np.array(hidden["output"])
    np.testing.assert_allclose(hidden["delta"], y * (1 - y) * (b @ (z - target)), atol=1e-6)
    # α by hand from the scaled inputs and the first layer's weights
    dense = session.model.layers[1]
    alpha = np.array(hidden["inputs"]) @ dense.kernel + dense.bias
    np.testing.assert_allclose(hidden["alpha"], alpha, rtol=1e-5)
    assert all(r["relative_error"] < 1e-6 for r in trace["gradients"])
    assert trace["label"] == session.data.class_names[session.data.labels[row]]


def test_regression_frames_and_downloads_are_in_the_targets_units(session):
    session.setup({"data": {"source": "builtin", "name": "steps"},
                   "spec": {"hidden": [4], "activation": "tanh", "batch_size": None,
                            "optimizer": {"name": "adam", "learning_rate": 0.05}}})
    for _ in range(300):
        session.step()
    curve = session.frame()["curve"]
    assert 350 < curve["y"][0] < 650 and 850 < curve["y"][-1] < 1150  # 500 ... 1000
    model = session.trained_model()
    np.testing.assert_allclose(model.predict(np.array([[9.0], [14.0]]))[:, 0],
                               np.array(curve["y"])[[11, 188]], rtol=0.05)


def test_a_new_setup_brings_the_pages_view_into_the_datas_range(session):
    """The page keeps its plane (x1, x2) when it switches to a one-feature data set."""
    info = session.setup({"data": {"source": "builtin", "name": "steps"},
                          "view": {"x": 0, "y": 1, "fixed": [0.0, 0.0]}, "spec": {}})
    assert (info["view"]["x"], info["view"]["y"]) == (0, 0)
    from glassnet.base.errors import ConfigError

    with pytest.raises(ConfigError, match="view.y must be a feature index from 0 to 0"):
        session.set_view({"x": 0, "y": 1})


def test_plane_holds_the_other_features_fixed():
    view = {"x": 2, "y": 0, "fixed": [1.0, 5.0, 3.0], "xlim": [0, 1], "ylim": [-1, 1]}
    rows = frames.plane(view, 3)
    assert rows.shape == (9, 3)
    assert set(rows[:, 1]) == {5.0}
    assert rows[0, 2] == 0 and rows[2, 2] == 1  # x runs left to right
    assert rows[0, 0] == 1 and rows[6, 0] == -1  # y runs top (high) to bottom (low)


def test_json_has_no_nan_but_keeps_the_text_nan():
    from glassnet.playground.server import to_json

    assert to_json({"loss": [1.5, float("nan"), float("-inf")], "name": "NaN"}) == \
        '{"loss": [1.5, null, null], "name": "NaN"}'


def test_grid_bytes_round_trip():
    values = np.array([0.0, 0.5, 1.0])
    out = frames.grid_bytes(values, 0.0, 1.0)
    import base64

    assert list(base64.b64decode(out["data"])) == [0, 128, 255]


def test_every_page_string_has_a_japanese_translation():
    import re

    static = os.path.join(os.path.dirname(frames.__file__), "static")
    keys = set()
    with open(os.path.join(static, "index.html"), encoding="utf-8") as f:
        keys |= set(re.findall(r'data-i18n(?:-title)?="([^"]+)"', f.read()))
    for name in ("app.js", "network.js", "plots.js"):
        with open(os.path.join(static, name), encoding="utf-8") as f:
            text = f.read()
        keys |= {k.replace("\\\\", "\\") for k in re.findall(r'\bt\("([^"]+)"\)', text)}
        keys |= set(re.findall(r'^  "[a-z -]+": "([^"]+)"', text, re.M))  # VERDICTS
        keys |= set(re.findall(r'^var [A-Z_]+_NOTE = "([^"]+)";', text, re.M))
    ja = messages.catalogue("ja")["messages"]
    assert sorted(keys - set(ja)) == []


def test_python_panel_runs_and_trains_the_same_network(tmp_path):
    from glassnet.playground.exports import python_code

    state = {"data": {"source": "builtin", "name": "moons", "noise": 0.2, "size": 60},
             "split": {"validation": 0.25, "method": "random", "seed": 0}}
    code = python_code(state, {"hidden": [3], "epochs": 3, "batch_size": 20}, None)
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, timeout=120,
                   capture_output=True)
    import glassnet

    model = glassnet.load_model(tmp_path / "playground.glassnet")
    assert [w.shape for w in model.get_weights()][-2:] == [(3, 2), (2,)]


# HTTP --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    base, app, stop = start_server()
    yield base, app
    stop()


@pytest.fixture
def sid(server):
    """A fresh page session, closed after the test."""
    base, _ = server
    status, body = request(base, "/api/session", b"")
    assert status == 200
    yield body["session"]
    request(base, f"/api/close?session={body['session']}", b"")


CSV = "体長,体重,魚種\n10,200,鯛\n12,250,鮭\n11,x,鯛\n".encode("cp932")


@pytest.mark.parametrize("path, body, status, words", [
    ("/api/setup?session={s}", b"{not json", 400, "JSON"),
    ("/api/setup?session={s}", b"[1, 2]", 400, "JSON object"),
    ("/api/setup?session={s}", b'{"data": {"source": "disk", "path": "/etc/passwd"}}', 400,
     "'builtin' or 'upload'"),
    ("/api/setup?session={s}", b'{"data": {"source": "upload"}, "spec": {}}', 400,
     "no CSV uploaded"),
    ("/api/setup?session={s}", b'{"data": {"source": "builtin", "name": "moons"}, '
     b'"spec": {"hidden": [0]}}', 400, "units"),
    ("/api/setup?session={s}", b'{"data": {"source": "builtin", "name": "moons", '
     b'"size": 10000000}, "spec": {}}', 400, "at most"),
    ("/api/setup?session={s}", b'{"data": {"source": "builtin", "name": "moons"}, '
     b'"spec": {"rm": 1}}', 400, "unknown model spec key"),
    ("/api/setup?session=nobody", b"{}", 404, "unknown or expired session"),
    ("/api/control?session={s}", b'{"action": "explode"}', 400, "action must be one of"),
    ("/api/control?session={s}", b'{"action": "play"}', 400, "no network yet"),
    ("/api/view?session={s}", b'{"x": 0}', 400, "no network yet"),
    ("/api/trace?session={s}", b'{"row": 0}', 400, "no network yet"),
    ("/api/upload?session={s}", b"", 400, "empty"),
    ("/api/upload?session={s}", b"\x00\x01\x02binary", 400, "not a text file"),
    ("/api/download/etc-passwd?session={s}", None, 404, "no download"),
    ("/api/download/model?session={s}", None, 400, "no network yet"),
    ("/api/messages?lang=xx", None, 400, "lang must be one of"),
])
def test_malformed_requests_get_a_4xx_with_a_message(server, sid, path, body, status, words):
    base, _ = server
    got, answer = request(base, path.format(s=sid), body)
    assert got == status, answer
    assert words in answer["error"] and "Traceback" not in answer["error"]


def test_bad_cells_after_upload_name_line_and_column(server, sid):
    base, _ = server
    status, columns = request(base, f"/api/upload?session={sid}&name=..%2F..%2Ffish.csv", CSV)
    assert status == 200 and columns["name"] == "fish.csv"  # a display name, never a path
    assert columns["columns"] == ["体長", "体重", "魚種"] and columns["encoding"] == "cp932"
    status, answer = request(base, f"/api/setup?session={sid}", {
        "data": {"source": "upload", "target": "魚種"}, "spec": {}})
    assert status == 400 and "line 4" in answer["error"] and "体重" in answer["error"]
    status, answer = request(base, f"/api/trace?session={sid}", b'{"row": "x"}')
    assert status == 400


def test_a_workbook_upload_has_a_sheet_menu(server, sid, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("python_calamine")
    book = openpyxl.Workbook()
    book.active.title = "表紙"
    book.active.append(["2024年 魚類調査"])
    fish = book.create_sheet("測定")
    fish.append(["魚類調査"])  # a title row above the header, found as in a CSV
    fish.append(["体長", "体重", "魚種"])
    for i in range(12):
        fish.append([10 + i, 100 + 10 * i, "鯛" if i % 2 else "鮭"])
    book.save(tmp_path / "fish.xlsx")
    base, _ = server
    raw = (tmp_path / "fish.xlsx").read_bytes()
    status, columns = request(base, f"/api/upload?session={sid}&name=fish.xlsx", raw)
    assert status == 200, columns
    # the cover sheet holds no table: the first sheet that does is shown, with the menu
    assert columns["sheets"] == ["表紙", "測定"] and columns["sheet"] == "測定"
    status, answer = request(base, f"/api/sheet?session={sid}", {"sheet": "表紙"})
    assert status == 400 and "has a header but no data rows" in answer["error"]
    status, columns = request(base, f"/api/sheet?session={sid}", {"sheet": "測定"})
    assert status == 200, columns
    assert columns["columns"] == ["体長", "体重", "魚種"] and columns["rows"] == 12
    assert columns["numeric"] == [True, True, False]
    status, answer = request(base, f"/api/setup?session={sid}", {
        "data": {"source": "upload", "sheet": "測定", "target": "魚種"}, "spec": {}})
    assert status == 200, answer
    assert "sheet='測定'" in answer["python"]
    status, answer = request(base, f"/api/sheet?session={sid}", {"sheet": "請求書"})
    assert status == 400 and "no sheet named '請求書'" in answer["error"]


def test_oversized_upload_is_refused_before_it_is_read(server, sid):
    from glassnet.playground.api import MAX_UPLOAD_BYTES

    base, _ = server
    status, answer = request(base, f"/api/upload?session={sid}", b"a,b\n1,2\n",
                             headers={"Content-Length": str(MAX_UPLOAD_BYTES + 1)})
    assert status == 413 and "limit" in answer["error"]


def test_requests_for_another_host_name_are_refused(server):
    """A page of another site rebinding its name to 127.0.0.1 gets nothing."""
    base, _ = server
    status, _ = request(base, "/api/session", b"", headers={"Host": "evil.example"})
    assert status == 400
    assert request(base, "/", headers={"Host": "localhost"})[0] == 200


def test_get_on_a_post_endpoint_is_405(server):
    base, _ = server
    status, _ = request(base, "/api/setup?session=x", method="GET")
    assert status == 405


def test_closing_the_page_stops_its_training(server, sid):
    base, app = server
    assert request(base, f"/api/setup?session={sid}", SAMPLE2)[0] == 200
    assert request(base, f"/api/control?session={sid}", {"action": "play"})[0] == 200
    session = app.state.sessions.get(sid)
    time.sleep(0.2)
    assert request(base, f"/api/close?session={sid}", b"")[0] == 200
    session.thread.join(5)
    assert not session.thread.is_alive()
    assert request(base, f"/api/control?session={sid}", {"action": "play"})[0] == 404


def test_cli_playground_help_and_bad_data():
    from glassnet.cli import run

    with pytest.raises(SystemExit):
        run(["playground", "--help"])
    assert run(["playground", "no-such-file.csv", "--no-browser"]) == 2


def test_the_command_prints_its_address_and_serves_the_page(tmp_path):
    """``glassnet playground DATA --no-browser`` in a real process: the printed address
    serves the page, and a CSV given on the command line is offered to every page."""
    import re
    import urllib.request

    pytest.importorskip("uvicorn", reason="the playground extra is not installed")
    csv = tmp_path / "fish.csv"
    csv.write_bytes(CSV.replace(b"11,x,", b"11,230,"))
    process = subprocess.Popen([sys.executable, "-m", "glassnet", "playground", str(csv),
                                "--no-browser"], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        deadline = time.monotonic() + 30
        while True:
            try:
                page = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert "glassnet" in page and "/static/app.js" in page
        status, body = request(url.rstrip("/"), "/api/session", b"")
        assert body["initial"]["source"] == "upload"
        assert body["initial"]["columns"]["columns"] == ["体長", "体重", "魚種"]
    finally:
        process.terminate()
        process.wait(10)


def test_a_clicked_rows_contributions_add_up_to_its_prediction(session):
    """glassnet.explain for the page: base + contributions = the predicted class's
    probability from the model the page would download."""
    session.setup(SAMPLE2)
    for _ in range(20):
        session.step()
    c = session.contributions_row(7)
    assert c["names"] == ["x1", "x2"] and c["method"] == "exact"
    assert c["base"] + sum(c["values"]) == pytest.approx(c["output"], abs=1e-12)
    p = session.trained_model().predict(session.data.features[7:8])[0]
    assert c["output"] == pytest.approx(p.max(), abs=1e-6)
    assert c["explained"] == session.data.class_names[int(p.argmax())] and c["classes"]
    with pytest.raises(ValueError, match="row must be an integer from 0 to 249"):
        session.contributions_row(250)


def test_regression_contributions_are_in_the_targets_units(session):
    session.setup({"data": {"source": "builtin", "name": "steps"},
                   "spec": {"hidden": [4], "activation": "tanh", "batch_size": None,
                            "optimizer": {"name": "adam", "learning_rate": 0.05}}})
    for _ in range(50):
        session.step()
    c = session.contributions_row(0)
    expected = session.trained_model().predict(session.data.features[:1])[0, 0]
    assert c["output"] == pytest.approx(expected, rel=1e-5) and not c["classes"]
    assert c["base"] + sum(c["values"]) == pytest.approx(c["output"], abs=1e-9)
    assert 300 < c["base"] < 1200  # the mean of 500s and 1000s, not standardised units


@pytest.mark.parametrize("x,y", [(0, 3), (2, 2)])
def test_plane_outputs_equal_the_forward_pass_over_the_plane(x, y):
    """The first layer's weighted sums as a plane (two columns instead of every input:
    MNIST's network redraws ten times a second) give what the full forward pass gives."""
    from glassnet.layers import Dense, Dropout, Normalization

    import glassnet

    rng = np.random.default_rng(0)
    data = rng.normal([5, 3000, -1, 40], [1, 900, 0.3, 9], size=(60, 4))
    norm = Normalization()
    norm.adapt(data)
    model = glassnet.Sequential([norm, Dense(6, "tanh"), Dropout(0.3), Dense(3, "softmax")],
                                input_dim=4, seed=1, dtype="float64")
    view = frames.default_view(data, x, y)
    fast = frames.plane_outputs(model, view, 17)
    slow = frames.layer_outputs(model, frames.plane(view, 17, model.dtype))
    for index in (1, 2, 3):
        np.testing.assert_allclose(fast[index], slow[index], rtol=1e-10, atol=1e-12)


def test_the_first_plane_shows_measurements_not_the_levels_of_a_text_column(session):
    """A text column first (産地) becomes 0/1 inputs 産地=…; the page opens on the first
    two measured columns instead of two of those indicators."""
    rows = ["産地,タンパク質(g),アミロース(%),品種"] + [
        f"{['秋田', '新潟', '宮城'][i % 3]},{6 + i % 5 / 10},{17 + i % 7 / 3},"
        f"{['あきたこまち', 'コシヒカリ'][i % 2]}" for i in range(30)]
    session.set_upload("米.csv", "\n".join(rows).encode("utf-8"))
    info = session.setup({"data": {"source": "upload", "target": "品種"}, "spec": {}})
    names = [info["features"][info["view"][axis]] for axis in ("x", "y")]
    assert names == ["タンパク質(g)", "アミロース(%)"], info["features"]
