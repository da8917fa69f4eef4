"""The playground against another web site's page and against requests that cost too much
(issue 25): security headers on every answer, the Origin / fetch-metadata check on every
state-changing request, the cost limits checked before work starts, one event stream per
page, a taken port, SIGTERM, and a page that never puts data into HTML."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from .playground_server import request, start_server

STATIC = os.path.join(os.path.dirname(__file__), os.pardir, "src", "glassnet", "playground",
                      "static")
SAMPLE2 = {"data": {"source": "builtin", "name": "sample2"},
           "split": {"validation": 0.2, "method": "random"},
           "spec": {"hidden": [2], "batch_size": 100}}


@pytest.fixture(scope="module")
def server():
    base, app, stop = start_server()
    yield base, app
    stop()


@pytest.fixture
def sid(server):
    status, body = request(server[0], "/api/session", b"")
    assert status == 200, body
    yield body["session"]
    request(server[0], f"/api/close?session={body['session']}", b"")


def raw_request(base, path, method="GET", headers=None, body=None):
    """(status, headers dict, body bytes) with exactly the headers given."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    out = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    conn.close()
    return out


# Headers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/datasets", "/api/nothing",
                                  "/favicon.ico"])
def test_every_answer_carries_csp_nosniff_and_frame_protection(server, path):
    status, headers, _ = raw_request(server[0], path)
    assert status in (200, 204, 404)
    csp = headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and "unsafe" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


def test_favicon_is_no_content_not_a_404(server):
    status, _, body = raw_request(server[0], "/favicon.ico")
    assert status == 204 and body == b""


# Another web site's page ------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/session", "/api/close?session=x", "/api/upload?session=x",
                                  "/api/setup?session=x", "/api/control?session=x"])
@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://127.0.0.1:1"},  # the right host, another port: another site
    {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
])
def test_state_changing_requests_from_another_site_are_403(server, path, headers):
    base, app = server
    before = len(app.state.sessions.items)
    status, _, body = raw_request(base, path, "POST", headers, b"{}")
    assert status == 403, body
    assert "refused" in json.loads(body)["error"]
    assert len(app.state.sessions.items) == before  # nothing was created


def test_reading_the_api_from_another_site_is_403(server):
    status, _, body = raw_request(server[0], "/api/datasets", headers={"Sec-Fetch-Site":
                                                                       "cross-site"})
    assert status == 403 and b"another web site" in body


def test_the_pages_own_requests_pass(server):
    base = server[0]
    own = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
    status, _, body = raw_request(base, "/api/session", "POST", own, b"")
    assert status == 200, body
    sid = json.loads(body)["session"]
    status, _, body = raw_request(base, f"/api/setup?session={sid}", "POST",
                                  {**own, "Content-Type": "application/json"},
                                  json.dumps(SAMPLE2).encode())
    assert status == 200, body
    # the page itself opened from the address bar (Sec-Fetch-Site: none)
    assert raw_request(base, "/", headers={"Sec-Fetch-Site": "none"})[0] == 200
    assert raw_request(base, f"/api/close?session={sid}", "POST", own, b"")[0] == 200


# Costs, checked before the work ------------------------------------------------------------------
@pytest.mark.parametrize("hidden, words", [
    ([1000000000], "more than the limit of 2,000,000"),
    ([30000, 30000], "900,"),
    ([2] * 17, "at most 16"),
])
def test_a_network_over_the_cost_limits_is_400_naming_the_limit(server, sid, hidden, words):
    app = server[1]
    status, body = request(server[0], f"/api/setup?session={sid}",
                           {**SAMPLE2, "spec": {"hidden": hidden}})
    assert status == 400 and words in body["error"], body
    assert app.state.sessions.get(sid).model is None


def test_a_wide_network_traces_a_row_without_the_numerical_check(server, sid):
    base = server[0]
    status, body = request(base, f"/api/setup?session={sid}",
                           {**SAMPLE2, "spec": {"hidden": [1024, 1024]}})
    # sample2: 2 features, 5 classes; the normalisation holds a mean and a variance each
    assert status == 200 and body["params"] == 3 * 1024 + 1025 * 1024 + 1025 * 5 + 2 * 2
    status, trace = request(base, f"/api/trace?session={sid}", {"row": 3})
    assert status == 200, trace
    assert trace["gradients"] is None and "1,057,801 weights" in trace["gradients_note"]
    assert [len(layer["alpha"]) for layer in trace["layers"]] == [1024, 1024, 5]


def test_an_upload_of_many_text_columns_is_refused_by_its_one_hot_width(server, sid):
    header = ",".join(f"t{j}" for j in range(400)) + ",y"
    lines = [header] + [",".join(f"L{(i * 7 + j) % 50}" for j in range(400)) + f",{i % 2}"
                        for i in range(300)]
    status, cols = request(server[0], f"/api/upload?session={sid}&name=wide.csv",
                           "\n".join(lines).encode())
    assert status == 200, cols
    status, body = request(server[0], f"/api/setup?session={sid}",
                           {"data": {"source": "upload", "target": "y"},
                            "spec": {"hidden": [2]}})
    assert status == 400, body
    assert "20000 one-hot inputs" in body["error"] and "limit of 1000" in body["error"]
    assert "wide.csv" in body["error"] and "--ignore" in body["error"]


@pytest.mark.parametrize("body", [b"[" * 100000 + b"]" * 100000,
                                  b'{"a":' * 40 + b"1" + b"}" * 40])
def test_deeply_nested_json_is_400(server, sid, body):
    status, answer = request(server[0], f"/api/setup?session={sid}", body)
    assert status == 400 and "nested deeper than 32" in answer["error"]


def test_the_report_before_the_first_epoch_is_409(server, sid):
    base = server[0]
    assert request(base, f"/api/setup?session={sid}", SAMPLE2)[0] == 200
    status, body = request(base, f"/api/download/report?session={sid}")
    assert status == 409 and "no epoch trained yet" in body["error"]
    assert request(base, f"/api/download/model?session={sid}")[0] == 200  # untrained: fine
    for _ in range(2):  # 160 training rows in batches of 100: one epoch
        assert request(base, f"/api/control?session={sid}", {"action": "step"})[0] == 200
    status, body = request(base, f"/api/download/report?session={sid}")
    assert status == 200 and body.startswith(b"<!DOCTYPE html") or b"<html" in body[:500]


# One event stream per page ----------------------------------------------------------------
def test_reconnects_replace_the_stream_and_threads_stay_bounded(server, sid):
    base = server[0]
    host, port = base.removeprefix("http://").split(":")
    opened = []

    def connect():
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", f"/api/events?session={sid}")
        response = conn.getresponse()
        assert response.status == 200
        assert response.readline() == b"retry: 2000\n"
        opened.append((conn, response))
        return response

    connect()
    time.sleep(0.3)
    threads = threading.active_count()
    for _ in range(40):
        connect()
    time.sleep(0.5)
    assert threading.active_count() <= threads + 2
    first = opened[0][1]
    deadline = time.monotonic() + 5
    while first.readline():  # the replaced stream ends (empty read at its end)
        assert time.monotonic() < deadline
    for conn, _ in opened:
        conn.close()


# The process ------------------------------------------------------------------------------------
def _env():
    src = os.path.join(os.path.dirname(__file__), os.pardir, "src")
    return {**os.environ, "PYTHONPATH": os.path.abspath(src)}


def test_a_port_in_use_is_one_line_and_exit_2():
    pytest.importorskip("uvicorn", reason="the playground extra is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "glassnet", "playground", "--port",
                               str(port), "--no-browser"], capture_output=True, text=True,
                              timeout=60, env=_env())
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and f"port {port}" in done.stderr
    assert "already in use" in done.stderr and "--port" in done.stderr


def test_sigterm_stops_the_server_with_a_page_streaming():
    pytest.importorskip("uvicorn", reason="the playground extra is not installed")
    process = subprocess.Popen([sys.executable, "-m", "glassnet", "playground", "--no-browser"],
                               stdout=subprocess.PIPE, text=True, env=_env())
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline()).group(0)
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = request(url, "/api/session", b"")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        sid = body["session"]
        assert request(url, f"/api/setup?session={sid}", SAMPLE2)[0] == 200
        request(url, f"/api/control?session={sid}", {"action": "play"})
        host, port = url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", f"/api/events?session={sid}")
        assert conn.getresponse().status == 200
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(8)
        assert time.monotonic() - started < 6
        conn.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# The page's code ----------------------------------------------------------------------------------
def test_the_page_never_parses_data_as_html():
    """No HTML parsing from script, no inline script, style or handler in the page (the
    CSP forbids them, so they would break too)."""
    for name in os.listdir(STATIC):
        text = open(os.path.join(STATIC, name), encoding="utf-8").read()
        if name.endswith(".js"):
            for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                         "eval(", "new Function", "setAttribute(\"on", ".srcdoc"):
                assert sink not in text, (name, sink)
        if name.endswith(".html"):
            assert re.findall(r"<script(?![^>]*\bsrc=)", text) == [], name
            assert re.findall(r"\son[a-z]+\s*=", text) == [], name
            assert re.findall(r"\sstyle\s*=", text) == [], name
            assert "<style" not in text, name
