"""A live playground server in a thread, and a tiny HTTP client, for the playground tests."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest


def start_server(initial=None):
    """(base URL, stop function) of a playground served on a free loopback port."""
    pytest.importorskip("starlette", reason="the playground extra is not installed "
                        "(pip install -e '.[playground]')")
    uvicorn = pytest.importorskip("uvicorn", reason="the playground extra is not installed")
    from glassnet.playground.server import create_app, free_port

    app = create_app(initial)
    port = free_port("127.0.0.1")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the playground server did not start")
        time.sleep(0.02)

    def stop():
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", app, stop


def request(base, path, body=None, method=None, headers=None):
    """(status, parsed JSON or raw bytes) of one request; never raises on 4xx/5xx."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method or
                                 ("POST" if data is not None else "GET"), headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            status, raw, kind = response.status, response.read(), response.headers.get(
                "content-type", "")
    except urllib.error.HTTPError as exc:
        status, raw, kind = exc.code, exc.read(), exc.headers.get("content-type", "")
    return status, json.loads(raw) if kind.startswith("application/json") else raw
