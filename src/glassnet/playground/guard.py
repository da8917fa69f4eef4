"""What every answer of the playground carries, and which requests it refuses outright.

An ASGI middleware in front of the application (it does not buffer, so the event stream
streams):

- every response gets a strict Content-Security-Policy (``default-src 'self'``: the
  page's scripts, styles, fonts and API calls come from this server only; no inline
  script, no inline style attribute, no plugin, no ``<base>``, no form posting
  elsewhere), ``X-Content-Type-Options: nosniff``, ``frame-ancestors 'none'`` with
  ``X-Frame-Options: DENY`` (no other page can frame it and trick clicks) and
  ``Referrer-Policy: no-referrer``;
- a request another web site's page made is refused with 403 before it reaches an
  endpoint: any ``/api/`` request whose ``Sec-Fetch-Site`` says ``cross-site`` or
  ``same-site``, and any request that changes state (every method but GET/HEAD) whose
  ``Origin`` is not this server's own address. Browsers send both headers and a page
  cannot forge them; a script outside a browser (curl, the tests) sends neither and
  could reach the loopback port anyway;
- ``/favicon.ico`` is answered 204 (no icon, and no 404 in the browser's console).
"""

from __future__ import annotations

import json

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
SAFE_METHODS = ("GET", "HEAD")


def _header(scope, name: bytes):
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def refusal(scope) -> str | None:
    """Why a request must be refused (another site's page made it), or None."""
    method, path = scope.get("method", "GET"), scope.get("path", "")
    site = _header(scope, b"sec-fetch-site")
    if path.startswith("/api/") and site in ("cross-site", "same-site"):
        return (f"refused: this request came from another web site's page (Sec-Fetch-Site: "
                f"{site}); the playground answers only its own page")
    if method in SAFE_METHODS:
        return None
    origin = _header(scope, b"origin")
    if origin is None:
        return None if site in (None, "same-origin", "none") else (
            f"refused: a {method} request without an Origin header from {site}")
    host = _header(scope, b"host")
    scheme = scope.get("scheme", "http")
    if host is None or origin != f"{scheme}://{host}":
        return (f"refused: a {method} request from the page at {origin[:200]!r}, which is not "
                f"the playground's own address ({scheme}://{host}); another web site cannot "
                "change the playground")
    return None


class Guard:
    """The middleware (see the module's docstring)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": list(message.get("headers", [])) +
                           [(k, v) for k, v in HEADERS if k not in names]}
            await send(message)

        why = refusal(scope)
        if why is not None:
            return await _answer(send_with_headers, 403, json.dumps({"error": why}).encode(),
                                 b"application/json")
        if scope.get("path") == "/favicon.ico":
            return await _answer(send_with_headers, 204, b"", None)
        return await self.app(scope, receive, send_with_headers)


async def _answer(send, status, body, kind):
    headers = [(b"content-length", str(len(body)).encode())]
    if kind:
        headers.append((b"content-type", kind))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
