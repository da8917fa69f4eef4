"""The JSON endpoints: one small function each, all wrapped by the server's ``endpoint``
(which turns user mistakes into 4xx answers with a message)."""

from __future__ import annotations

import asyncio
import json
import os
import re

from . import exports, setup

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_JSON_BYTES = 1024 * 1024
#: JSON nested deeper than this is refused (a setup is four levels deep)
MAX_JSON_DEPTH = 32
TOO_DEEP = f"the request body is nested deeper than {MAX_JSON_DEPTH} levels of lists and objects"
ACTIONS = ("play", "pause", "step", "reset")
DOWNLOADS = {
    "model": ("application/zip", "playground.glassnet"),
    "coefficients": ("text/csv; charset=utf-8", "coefficients.csv"),
    "predictions": ("text/csv; charset=utf-8", "predictions.csv"),
    "report": ("text/html; charset=utf-8", "report.html"),
    "python": ("text/x-python; charset=utf-8", "playground.py"),
}


class RequestError(Exception):
    """A request the server refuses: HTTP status and a message for the page."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def read_body(request, limit: int) -> bytes:
    """The request body, refused (413) beyond ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise RequestError(413, f"the request is larger than the limit of {limit // 1024} KiB"
                           if declared.isdigit() else "bad Content-Length header")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"the request is larger than the limit of {limit // 1024} "
                                    "KiB")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request):
    raw = await read_body(request, MAX_JSON_BYTES)
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError(400, f"the request body must be JSON ({exc})") from None
    except RecursionError:  # deeper than Python's own parser goes
        raise RequestError(400, TOO_DEEP) from None
    if json_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise RequestError(400, TOO_DEEP)
    if not isinstance(value, dict):
        raise RequestError(400, f"the request body must be a JSON object, got "
                                f"{type(value).__name__}")
    return value


def json_depth(value, limit: int) -> int:
    """How deeply lists and objects nest in ``value`` (without recursion; stops counting
    past ``limit``)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            todo.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict)
                                                 else item))
    return deepest


def upload_name(text) -> str:
    """A display name for an upload: the base name, printable, at most 100 characters.
    It names the data in messages only; nothing is ever opened under it."""
    name = os.path.basename(str(text or "upload.csv").replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)[:100]
    return name or "upload.csv"


def routes(sessions, endpoint, json_response, initial_data=None):
    """The API's routes: one small handler per address, each a closure over ``sessions``.

    Long because the handlers sit together with the table that maps them to their
    addresses, so the whole API reads on one page; each handler is a few lines.
    """
    from starlette.responses import Response
    from starlette.routing import Route

    def session_of(request):
        return sessions.get(request.query_params.get("session"))

    async def new_session(request):
        session = sessions.create()
        initial = {"source": "builtin", "name": "sample2"}
        if initial_data is not None:
            if initial_data[0] == "upload":
                columns = session.set_upload(initial_data[1], initial_data[2])
                initial = {"source": "upload", "columns": columns}
            else:
                initial = {"source": "builtin", "name": initial_data[1]}
        return json_response({"session": session.id, "initial": initial,
                              "upload_limit": MAX_UPLOAD_BYTES})

    async def close(request):
        sessions.close(request.query_params.get("session"))
        return json_response({"closed": True})

    async def datasets_list(request):
        from ..data import builtin as datasets

        info = datasets.describe()
        return json_response({name: {"description": info[name],
                                     "params": sorted(setup.BUILTIN_PARAMS[name])}
                              for name in setup.BUILTIN_PARAMS})

    async def upload(request):
        session = session_of(request)
        raw = await read_body(request, MAX_UPLOAD_BYTES)
        if not raw:
            raise RequestError(400, "the upload is empty; send the CSV file's bytes as the body")
        name = upload_name(request.query_params.get("name"))
        columns = await asyncio.to_thread(session.set_upload, name, raw)
        return json_response(columns)

    async def sheet(request):
        session = session_of(request)
        body = await read_json(request)
        columns = await asyncio.to_thread(session.describe_sheet,
                                          body.get("sheet") if isinstance(body, dict) else None)
        return json_response(columns)

    async def setup_(request):
        session = session_of(request)
        state = await read_json(request)
        described = await asyncio.to_thread(session.setup, state)
        described["python"] = exports.python_code(
            state, described["spec"], session.upload[0] if session.upload else None)
        return json_response(described)

    async def control(request):
        session = session_of(request)
        body = await read_json(request)
        action = body.get("action")
        if action not in ACTIONS:
            raise RequestError(400, f"action must be one of {', '.join(ACTIONS)}, got "
                                    f"{action!r}")
        await asyncio.to_thread(getattr(session, action))
        return json_response({"action": action, "epoch": session.epoch, "step": session.steps})

    async def view(request):
        session = session_of(request)
        await asyncio.to_thread(session.set_view, await read_json(request))
        return json_response({"view": session.view})

    async def trace(request):
        session = session_of(request)
        body = await read_json(request)
        return json_response(await asyncio.to_thread(session.trace_row, body.get("row")))

    async def contributions(request):
        session = session_of(request)
        body = await read_json(request)
        return json_response(await asyncio.to_thread(session.contributions_row,
                                                     body.get("row")))

    async def download(request):
        kind = request.path_params["kind"]
        if kind not in DOWNLOADS:
            raise RequestError(404, f"no download {kind!r}; there are: {', '.join(DOWNLOADS)}")
        session = session_of(request)
        content = await asyncio.to_thread(_download, session, kind)
        media, filename = DOWNLOADS[kind]
        return Response(content, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})

    async def messages(request):
        from .messages import catalogue

        return json_response(catalogue(request.query_params.get("lang", "en")))

    return [
        Route("/api/session", endpoint(new_session), methods=["POST"]),
        Route("/api/close", endpoint(close), methods=["POST"]),
        Route("/api/datasets", endpoint(datasets_list)),
        Route("/api/messages", endpoint(messages)),
        Route("/api/upload", endpoint(upload), methods=["POST"]),
        Route("/api/sheet", endpoint(sheet), methods=["POST"]),
        Route("/api/setup", endpoint(setup_), methods=["POST"]),
        Route("/api/control", endpoint(control), methods=["POST"]),
        Route("/api/view", endpoint(view), methods=["POST"]),
        Route("/api/trace", endpoint(trace), methods=["POST"]),
        Route("/api/contributions", endpoint(contributions), methods=["POST"]),
        Route("/api/download/{kind}", endpoint(download)),
    ]


def _download(session, kind) -> bytes:
    if kind == "python":
        with session.cond:
            session._require_model()
            spec = session.spec.replace(epochs=max(session.epoch, 1))
            return exports.python_code(session.state, spec.to_dict(),
                                       session.upload[0] if session.upload else None
                                       ).encode("utf-8")
    if kind == "report" and session.model is not None and session.epoch == 0:
        raise RequestError(409, "no epoch trained yet: the report shows learning curves; "
                                "press play (or step through one epoch) first")
    model = session.trained_model()
    if kind == "model":
        return exports.model_bytes(model)
    if kind == "coefficients":
        return exports.coefficients_csv(model, session.data)
    if kind == "predictions":
        return exports.predictions_csv(model, session.data, session.is_train)
    return exports.report_html(model, session.train, session.validation,
                               session.spec.to_dict())
