"""FastAPI and Starlette: handler parameters (path, query, body, Form, Cookie, Header), the Request and
WebSocket objects, HTML and redirect responses."""

from .schema import Alias, Handler, Returns, Sink, Source, TypedParam

_REQ = "starlette.requests.Request"
_WS = "starlette.websockets.WebSocket"
_VERBS = ("get", "post", "put", "patch", "delete", "api_route", "head", "options", "websocket")

MODELS = [
    *(Handler(f"fastapi.FastAPI.{verb}", "fastapi") for verb in _VERBS),
    *(Handler(f"fastapi.APIRouter.{verb}", "fastapi") for verb in _VERBS),
    Returns("fastapi.FastAPI", "fastapi.FastAPI"),
    Returns("fastapi.APIRouter", "fastapi.APIRouter"),
    Alias("fastapi.routing.APIRouter", "fastapi.APIRouter"),
    Alias("fastapi.applications.FastAPI", "fastapi.FastAPI"),
    # every other parameter of a FastAPI handler is request data (path, query, body, Form, Cookie, Header)
    TypedParam("fastapi", _REQ, annotation=_REQ),
    TypedParam("fastapi", _WS, annotation=_WS),
    TypedParam("fastapi", annotation="fastapi.BackgroundTasks"),
    TypedParam("fastapi", annotation="starlette.responses.Response"),
    TypedParam("fastapi", annotation="sqlalchemy.orm.Session"),
    TypedParam("fastapi", annotation="sqlalchemy.ext.asyncio.AsyncSession"),
    TypedParam("fastapi", default_call="fastapi.Depends"),
    TypedParam("fastapi", default_call="fastapi.Security"),
    Alias("fastapi.Request", _REQ),
    Alias("fastapi.requests.Request", _REQ),
    Alias("starlette.requests.HTTPConnection", _REQ),
    Alias("fastapi.WebSocket", _WS),
    Alias("fastapi.websockets.WebSocket", _WS),
    Alias("fastapi.Response", "starlette.responses.Response"),
    Alias("fastapi.responses", "starlette.responses"),
    Alias("fastapi.params.Depends", "fastapi.Depends"),
    *(Source(f"{_REQ}.{name}", f"request.{name}") for name in ("query_params", "path_params", "headers",
                                                               "cookies", "url", "base_url")),
    *(Source(f"{_REQ}.{name}", f"request.{name}()", call=True) for name in ("body", "json", "form",
                                                                           "stream")),
    *(Source(f"{_WS}.{name}", f"websocket.{name}()", call=True) for name in ("receive_text", "receive_json",
                                                                            "receive_bytes", "receive")),
    *(Source(f"{_WS}.{name}", f"websocket.{name}()", call=True) for name in ("iter_text", "iter_json",
                                                                            "iter_bytes")),
    Source(f"{_WS}.query_params", "websocket.query_params"),
    # responses
    Sink("starlette.responses.HTMLResponse", "xss", args=(0, "content")),
    Sink("starlette.responses.Response", "xss", args=(0, "content"), when="html-explicit"),
    Sink("starlette.responses.RedirectResponse", "redirect", args=(0, "url")),
    Sink("starlette.responses.FileResponse", "path", args=(0, "path")),
    Sink("starlette.responses.Response", "header", args=("headers",)),
    Returns("starlette.responses.Response", "starlette.responses.Response"),
    Returns("starlette.responses.HTMLResponse", "starlette.responses.Response"),
    Returns("starlette.responses.Response.headers", "starlette.responses.Response.headers", attribute=True),
    Sink("starlette.responses.Response.set_cookie", "header", args=(1, "value")),
]
