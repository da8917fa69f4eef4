"""The playground's HTTP side: one page, a JSON API and a stream of frames (SSE).

Safety rules (issue 17): bound to 127.0.0.1 unless told otherwise; uploads are capped
and parsed in memory; no endpoint takes a path; one worker thread per page, paused
when the page's event stream drops and stopped when the page closes or does not
come back; any mistake in a request is a 4xx with a one-line message, never a
traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import secrets
import threading
import time

from ..base.errors import ConfigError, GlassnetError
from .api import RequestError
from .api import routes as api_routes
from .guard import Guard

STATIC = os.path.join(os.path.dirname(__file__), "static")
MAX_SESSIONS = 16
#: seconds between two frames while training (at most 20 redraws a second)
FRAME_INTERVAL = 0.05
#: seconds a page may be gone (its stream closed) before its session is removed
GRACE_SECONDS = 15.0

log = logging.getLogger("glassnet.playground")


class Sessions:
    """The open pages, by random id; removes a page's session once it is gone.

    One reaper thread (started with the first page) removes pages gone longer than the
    grace period, so the threads of the process stay bounded: one worker per page (at
    most ``MAX_SESSIONS``), the reaper, and the event loop's own pool, however often a
    page reconnects."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items: dict = {}
        self.gone: dict = {}  # id -> time its stream closed
        self.stopping = threading.Event()
        self.reaper = None

    def create(self):
        from .session import Session

        with self.lock:
            self._collect()
            if len(self.items) >= MAX_SESSIONS:
                raise RequestError(429, f"too many open pages ({MAX_SESSIONS}); close one and "
                                        "reload")
            session = Session(secrets.token_urlsafe(16))
            self.items[session.id] = session
            if self.reaper is None:
                self.reaper = threading.Thread(target=self._reap, name="playground-reaper",
                                               daemon=True)
                self.reaper.start()
            # counted as gone until its page opens the event stream, so a page that never
            # does (or a script that only posts) does not hold a place for ever
            self.gone[session.id] = time.monotonic()
            return session

    def get(self, session_id):
        with self.lock:
            session = self.items.get(session_id) if isinstance(session_id, str) else None
        if session is None:
            raise RequestError(404, "unknown or expired session; reload the page")
        return session

    def attach(self, session) -> int:
        """A stream opened for ``session``; returns its number. A page has one stream:
        a newer one (a reconnect) makes the older one end at its next frame."""
        with self.lock:
            self.gone.pop(session.id, None)
            session.stream += 1
            return session.stream

    def detach(self, session, stream: int):
        """The page's stream ``stream`` closed: pause now, remove after a grace period
        (unless a newer stream of the same page is open)."""
        with self.lock:
            if session.stream != stream:
                return
            self.gone[session.id] = time.monotonic()
        session.pause()

    def _reap(self):
        while not self.stopping.wait(1.0):
            self._collect_locked()

    def close(self, session_id):
        with self.lock:
            session = self.items.pop(session_id, None)
            self.gone.pop(session_id, None)
        if session is not None:
            session.close()

    def _collect_locked(self):
        with self.lock:
            self._collect()

    def _collect(self):
        now = time.monotonic()
        for sid, since in list(self.gone.items()):
            if now - since >= GRACE_SECONDS:
                self.gone.pop(sid)
                session = self.items.pop(sid, None)
                if session is not None:
                    session.close()

    def close_all(self):
        self.stopping.set()
        for sid in list(self.items):
            self.close(sid)


def _clean(value):
    """NaN and infinities become null (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def to_json(value) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:  # a NaN or infinity somewhere (a diverged loss): walk and clean
        return json.dumps(_clean(value), ensure_ascii=False)


LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(initial_data=None, loopback=True):
    """The Starlette application.

    ``initial_data``: what every new page starts with (``glassnet.playground.initial_data``).
    ``loopback``: answer only requests addressed to this machine by name (a web page
    elsewhere cannot reach the playground by rebinding its own domain to 127.0.0.1).
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import FileResponse, Response, StreamingResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    sessions = Sessions()

    def json_response(value, status=200):
        return Response(to_json(value), status, media_type="application/json")

    def endpoint(handler):
        async def wrapped(request):
            try:
                return await handler(request)
            except RequestError as exc:
                return json_response({"error": str(exc)}, exc.status)
            except (GlassnetError, ValueError, TypeError) as exc:
                return json_response({"error": str(exc)}, 400)
            except Exception as exc:  # noqa: BLE001 - a bug: logged here, never shown
                log.exception("internal error in %s", request.url.path)
                return json_response({"error": f"internal error ({type(exc).__name__}); the "
                                               "server's log has the details"}, 500)
        return wrapped

    async def index(request):
        return FileResponse(os.path.join(STATIC, "index.html"),
                            headers={"Cache-Control": "no-cache"})

    async def events(request):
        session = sessions.get(request.query_params.get("session"))
        mine = sessions.attach(session)

        async def stream():
            last = None
            try:
                yield "retry: 2000\n\n"
                while (not session.closed and session.stream == mine
                       and not sessions.stopping.is_set()):
                    if session.version != last:
                        frame = await asyncio.to_thread(session.frame)
                        last = frame.get("version")
                        yield f"data: {to_json(frame)}\n\n"
                    await asyncio.sleep(FRAME_INTERVAL)
            finally:
                sessions.detach(session, mine)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache",
                                          "X-Accel-Buffering": "no"})

    async def font(request):
        path = japanese_font()
        if path is None:
            raise RequestError(404, "the Japanese font (matplotlib-fontja) is not installed")
        return FileResponse(path, media_type="font/ttf",
                            headers={"Cache-Control": "max-age=86400"})

    routes = [
        Route("/", index),
        Route("/font/ipaexg.ttf", endpoint(font)),
        Route("/api/events", endpoint(events)),
        *api_routes(sessions, endpoint, json_response, initial_data),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        sessions.close_all()

    middleware = [Middleware(Guard)]
    if loopback:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_NAMES,
                                     www_redirect=False))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.sessions = sessions
    return app


def japanese_font():
    """IPAexGothic as installed with matplotlib-fontja (a glassnet dependency), or None."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib_fontja")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(spec.submodule_search_locations[0], "fonts", "ipaexg.ttf")
    return path if os.path.isfile(path) else None


def free_port(host: str) -> int:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def bound_socket(host: str, port: int | None):
    """A listening socket on ``host``:``port`` (a free port when None), or ConfigError
    with one line when the port is taken or the address is not this machine's; the
    server is handed the socket, so nothing else can take the port in between."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port or 0))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        import errno

        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {host} is already in use; choose another "
                              "with --port, or leave --port out for a free one") from None
        raise ConfigError(f"cannot listen on {host}:{port or 'a free port'}: "
                          f"{exc.strerror or exc}; check --host and --port") from None
    sock.set_inheritable(True)
    return sock


def one_blas_thread():
    """Limit BLAS to one thread for this process (None without threadpoolctl).

    A page trains small batches; a multi-threaded BLAS spends more time waking its
    threads than multiplying (measured: 32x784 @ 784x64 takes 35 ms with OpenBLAS's
    threads on a busy 2-core machine, 0.14 ms with one), and the worker shares the
    processor with the server that draws."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(1, user_api="blas")


def serve(data=None, host="127.0.0.1", port=None, open_browser=True, print_fn=print):
    """Run the playground until Ctrl-C."""
    import uvicorn

    one_blas_thread()
    sock = bound_socket(host, port)  # before the address is printed: a taken port is one line
    port = sock.getsockname()[1]
    if host not in LOOPBACK_NAMES:
        print_fn(f"warning: serving on {host}: anyone who can reach this machine can use the "
                 "playground and train on its processors")
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    print_fn(f"glassnet playground: {url}  (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        threading.Timer(0.8, webbrowser.open, (url,)).start()
    config = uvicorn.Config(create_app(data, loopback=host in LOOPBACK_NAMES),
                            log_level="warning", timeout_graceful_shutdown=3)
    app = config.app

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            app.state.sessions.stopping.set()
            super().handle_exit(sig, frame)

    server = Server(config)
    # SIGTERM and Ctrl-C: uvicorn stops accepting, then waits at most 3 s for open
    # requests; the event streams end at once (they watch sessions.stopping, set by the
    # shutdown), and the worker threads are daemons
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
