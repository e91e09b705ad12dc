"""The websockets library: what a client sends over the connection."""

from .schema import Alias, Handler, Source, TypedParam

_CONN = "websockets.ServerConnection"

MODELS = [
    Handler("websockets", "websockets", via="module"),
    TypedParam("websockets", _CONN, name="websocket"),
    TypedParam("websockets", _CONN, name="ws"),
    TypedParam("websockets", _CONN, annotation=_CONN),
    Alias("websockets.server.ServerConnection", _CONN),
    Alias("websockets.asyncio.server.ServerConnection", _CONN),
    Alias("websockets.WebSocketServerProtocol", _CONN),
    Source(f"{_CONN}.recv", "websocket.recv()", call=True),
    Source(_CONN, "websocket message", iterate=True),
]
