"""aiohttp's server (the request of a handler) and client (a session with a URL built from input)."""

from .schema import Alias, ClassField, Handler, Returns, Sink, Source, TypedParam

_REQ = "aiohttp.web.Request"

MODELS = [
    *(Source(f"{_REQ}.{name}", f"request.{name}") for name in ("match_info", "query", "rel_url", "headers",
                                                               "cookies", "content", "path", "path_qs",
                                                               "url", "raw_path", "query_string")),
    *(Source(f"{_REQ}.{name}", f"request.{name}()", call=True) for name in ("post", "json", "text", "read",
                                                                           "multipart")),
    # handlers: route-table decorators, class-based views, and `async def h(request)` in an aiohttp module
    *(Handler(f"aiohttp.web.RouteTableDef.{verb}", "aiohttp") for verb in ("get", "post", "put", "patch",
                                                                         "delete", "route", "view")),
    Handler("aiohttp.web", "aiohttp", via="module"),
    Handler("aiohttp.web.View", "aiohttp-view", via="base", methods=("get", "post", "put", "patch", "delete")),
    Returns("aiohttp.web.RouteTableDef", "aiohttp.web.RouteTableDef"),
    TypedParam("aiohttp", _REQ, name="request"),
    TypedParam("aiohttp", _REQ, annotation=_REQ),
    TypedParam("aiohttp", _REQ, annotation="aiohttp.web_request.Request"),
    # server responses
    Sink("aiohttp.web.Response", "xss", args=("text", "body"), when="html-explicit"),
    *(Sink(f"aiohttp.web.{name}", "redirect", args=(0, "location")) for name in (
        "HTTPFound", "HTTPMovedPermanently", "HTTPSeeOther", "HTTPTemporaryRedirect", "HTTPPermanentRedirect")),
    Sink("aiohttp.web.FileResponse", "path", args=(0, "path")),
    Sink("aiohttp.web.Response", "header", args=("headers",)),
    Returns("aiohttp.web.Response", "aiohttp.web.Response"),
    Returns("aiohttp.web.Response.headers", "aiohttp.web.Response.headers", attribute=True),
]

MODELS += [
    ClassField("aiohttp.web.View", "request", type=_REQ),
    Alias("aiohttp.web_request.Request", _REQ),
    Alias("aiohttp.web_response.Response", "aiohttp.web.Response"),
    Alias("aiohttp.web_routedef.RouteTableDef", "aiohttp.web.RouteTableDef"),
]
