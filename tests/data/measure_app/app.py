"""A small WSGI service with planted flaws, served by the measure commands' tests on 127.0.0.1.

Standard library only (plus jsonschema, which the test extras install), so it runs wherever the tests do.

Two variants share one API:
- ``make_app(hardened=False)``: the flawed service — no security headers, a session cookie without flags,
  CORS that reflects any Origin with credentials, version banners, a directory listing under /static/, and a
  Python traceback page when a request body is not JSON.
- ``make_app(hardened=True)``: the same API with all of that fixed.

API flaws, planted in both variants and documented in ``openapi.json`` beside this file:
- GET /items/{item_id}: a 500 for id 0 (a division by zero)
- GET /users/{user_id}: the response violates its schema (``age`` is a string)
- GET /legacy: answers 202, which the spec does not document
- GET /admin/stats: declares bearer auth but never checks it
Clean operations (no finding expected): GET /health, GET /me (auth enforced), POST /orders (validates).
Outside the spec: GET /slow (50 ms) and GET /flaky (every second request fails) for the load test.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jsonschema

SPEC_PATH = Path(__file__).with_name("openapi.json")
SPEC = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
ORDER_SCHEMA = SPEC["components"]["schemas"]["NewOrder"]
TOKEN = "good-token"

_JSON = "application/json"


class _Response:
    def __init__(self, status: str, body: bytes | str = b"", content_type: str = _JSON, headers=()):
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self.headers = [("Content-Type", content_type), *headers]


def _json(status: str, data, headers=()) -> _Response:
    return _Response(status, json.dumps(data), _JSON, headers)


class App:
    def __init__(self, hardened: bool) -> None:
        self.hardened = hardened
        self._flaky = itertools.count()
        self._lock = threading.Lock()

    # -- WSGI ------------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        try:
            response = self.route(environ)
        except Exception:  # noqa: BLE001 — the flawed variant shows debug pages; that is the point
            if self.hardened:
                response = _json("500 Internal Server Error", {"error": "internal error"})
            else:
                page = f"<html><body><h1>Server Error</h1><pre>{html.escape(traceback.format_exc())}</pre></body></html>"
                response = _Response("500 Internal Server Error", page, "text/html; charset=utf-8")
        headers = response.headers + self.common_headers(environ)
        start_response(response.status, headers)
        return [response.body]

    def common_headers(self, environ) -> list[tuple[str, str]]:
        origin = environ.get("HTTP_ORIGIN")
        if self.hardened:
            headers = [
                ("Server", "app"),
                ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
                ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"),
                ("Referrer-Policy", "no-referrer"),
            ]
            if origin == "https://app.example.com":
                headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
            return headers
        headers = [("Server", "FlawedHTTP/1.4.2"), ("X-Powered-By", "PHP/7.4.3")]
        if origin:
            headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        return headers

    # -- routes ----------------------------------------------------------------------------------------
    def route(self, environ) -> _Response:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        routes = {
            "/": self.index, "/health": self.health, "/slow": self.slow, "/flaky": self.flaky,
            "/legacy": self.legacy, "/admin/stats": self.admin_stats, "/me": self.me, "/orders": self.orders,
            "/openapi.json": self.spec,
        }
        allowed = {"/": "GET, POST", "/orders": "POST"}
        handler = routes.get(path)
        if handler is None:
            for pattern, candidate in ((r"/items/([^/]+)", self.item), (r"/users/([^/]+)", self.user)):
                match = re.fullmatch(pattern, path)
                if match:
                    handler, args = candidate, (match.group(1),)
                    break
            else:
                if path.startswith("/static"):
                    return self.static(path)
                return _json("404 Not Found", {"error": "not found"})
        else:
            args = ()
        if method not in allowed.get(path, "GET").split(", "):
            return _json("405 Method Not Allowed", {"error": "method not allowed"},
                         [("Allow", allowed.get(path, "GET"))])
        return handler(environ, *args)

    def index(self, environ) -> _Response:
        if environ["REQUEST_METHOD"] == "POST":
            body = _read(environ)
            if self.hardened:
                try:
                    json.loads(body or b"{}")
                except ValueError:
                    return _json("400 Bad Request", {"error": "body is not JSON"})
            else:
                json.loads(body)  # the planted crash: a body that is not JSON raises, and the traceback shows
            return _json("200 OK", {"received": True})
        cookie = "session=3f2a9c; Path=/"
        if self.hardened:
            cookie += "; Secure; HttpOnly; SameSite=Lax"
        return _Response("200 OK", "<html><body><h1>orders service</h1></body></html>", "text/html; charset=utf-8",
                         [("Set-Cookie", cookie)])

    def spec(self, environ) -> _Response:
        return _json("200 OK", SPEC)

    def health(self, environ) -> _Response:
        return _json("200 OK", {"status": "ok"})

    def slow(self, environ) -> _Response:
        time.sleep(0.05)
        return _json("200 OK", {"status": "ok"})

    def flaky(self, environ) -> _Response:
        with self._lock:
            n = next(self._flaky)
        if n % 2:
            return _json("503 Service Unavailable", {"error": "try again"})
        return _json("200 OK", {"status": "ok"})

    def item(self, environ, raw: str) -> _Response:
        if not re.fullmatch(r"-?[0-9]+", raw):
            return _json("400 Bad Request", {"error": "item_id must be an integer"})
        item_id = int(raw)
        per_box = 120 // item_id  # the planted 500: item 0 divides by zero
        return _json("200 OK", {"id": item_id, "name": f"item {item_id}", "per_box": per_box})

    def user(self, environ, raw: str) -> _Response:
        if not re.fullmatch(r"-?[0-9]+", raw):
            return _json("400 Bad Request", {"error": "user_id must be an integer"})
        return _json("200 OK", {"id": int(raw), "name": "Ada", "age": "unknown"})  # the planted schema violation

    def legacy(self, environ) -> _Response:
        return _json("202 Accepted", {"status": "queued"})  # the spec documents only 200

    def admin_stats(self, environ) -> _Response:
        return _json("200 OK", {"orders": 12})  # the planted flaw: the declared bearer auth is never checked

    def me(self, environ) -> _Response:
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {TOKEN}":
            return _json("401 Unauthorized", {"error": "unauthorized"}, [("WWW-Authenticate", "Bearer")])
        return _json("200 OK", {"id": 1, "name": "Ada"})

    def orders(self, environ) -> _Response:
        if environ.get("CONTENT_TYPE", "").split(";")[0].strip() != _JSON:
            return _json("415 Unsupported Media Type", {"error": "send JSON"})
        try:
            order = json.loads(_read(environ) or b"null")
            jsonschema.validate(order, ORDER_SCHEMA)
        except (ValueError, jsonschema.ValidationError):
            return _json("400 Bad Request", {"error": "invalid order"})
        return _json("201 Created", {"id": 1, **order})

    def static(self, path: str) -> _Response:
        if self.hardened:
            return _json("404 Not Found", {"error": "not found"})
        listing = "".join(f'<li><a href="{name}">{name}</a></li>' for name in ("app.js", "backup.sql", "style.css"))
        page = f"<html><head><title>Index of /static/</title></head><body><h1>Index of /static/</h1><ul>{listing}</ul>"
        return _Response("200 OK", page + "</body></html>", "text/html; charset=utf-8")


def _read(environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length else b""


def make_app(hardened: bool = False) -> App:
    return App(hardened)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 drops connections under a load test


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the tests' output stays readable
        pass


@contextmanager
def serve(app, ssl_context=None):
    """Serve ``app`` on 127.0.0.1 at a free port in a thread; yields the base URL; shuts down on exit."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    scheme = "http"
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, name="measure-app", daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
