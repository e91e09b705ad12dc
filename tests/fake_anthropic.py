"""A fake Anthropic Messages API on 127.0.0.1: real HTTP, real server-sent events, scripted replies.

The real ``anthropic`` SDK talks to it through ``base_url`` (or ``ANTHROPIC_BASE_URL`` in a kernel
subprocess). It:

- answers ``POST /v1/messages`` as SSE (``stream: true``) in the API's event order — ``message_start``,
  ``ping``, per block ``content_block_start`` / ``content_block_delta`` … / ``content_block_stop``,
  ``message_delta`` (stop reason, cumulative usage), ``message_stop`` — or as one JSON message;
- plays a script of replies, one per request (a reply may be a function of the request);
- validates like the API does: every ``tool_use`` answered by a ``tool_result`` in the next user turn,
  tool names, at most four ``cache_control`` breakpoints, an API key present;
- emulates prompt caching: a prefix ending at a ``cache_control`` breakpoint is stored, and a later
  request that starts with the same prefix (found at a breakpoint or up to 20 blocks before one) reads
  it, so usage reports ``cache_read_input_tokens`` / ``cache_creation_input_tokens`` the way the API does;
- injects faults: any HTTP status with or without retry headers, an ``error`` event in the middle of a
  stream, a stall (before the headers or after the first event) longer than the client's timeout;
- records every request (headers and raw body) so a test can assert what was sent.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

CHARS_PER_TOKEN = 4
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_ids = itertools.count(1)


def _tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return max(1, math.ceil(len(text) / CHARS_PER_TOKEN))


# --------------------------------------------------------------------------------------------- the script


def text(value: str, citations: list[dict] | None = None) -> dict:
    block: dict[str, Any] = {"type": "text", "text": value}
    if citations is not None:
        block["citations"] = citations
    return block


def tool_use(name: str, input: dict | None = None, id: str | None = None) -> dict:
    return {"type": "tool_use", "id": id or f"toolu_fake_{next(_ids):04d}", "name": name, "input": input or {}}


def web_search(query: str, results: list[dict]) -> list[dict]:
    """A server-side web search as the API returns it: the call and its result, executed by the API."""
    call_id = f"srvtoolu_fake_{next(_ids):04d}"
    return [
        {"type": "server_tool_use", "id": call_id, "name": "web_search", "input": {"query": query}},
        {"type": "web_search_tool_result", "tool_use_id": call_id, "content": [
            {"type": "web_search_result", "url": r["url"], "title": r["title"],
             "encrypted_content": r.get("encrypted_content", "ZW5jcnlwdGVk"), "page_age": r.get("page_age")}
            for r in results
        ]},
    ]


def citation(url: str, title: str, cited_text: str) -> dict:
    return {"type": "web_search_result_location", "url": url, "title": title, "cited_text": cited_text,
            "encrypted_index": "aW5kZXg="}


@dataclass
class Reply:
    """One message. ``stop_reason`` defaults to tool_use when a (client) tool_use block is present."""

    content: list[dict]
    stop_reason: str | None = None
    output_tokens: int | None = None
    chunk: int = 24  # characters per text / json delta, so clients see real fragments


@dataclass
class Fault:
    """An HTTP error response."""

    status: int
    error_type: str = "api_error"
    message: str = "fault injected by the fake server"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class MidStreamError:
    """A stream that starts (``message_start`` and ``before`` text) and then sends an ``error`` event."""

    error_type: str = "overloaded_error"
    before: str = "Looking at the"


@dataclass
class Stall:
    """Hang until the client gives up: before the response headers, or after ``message_start``."""

    where: str = "body"  # headers | body
    seconds: float = 30.0


Item = Reply | Fault | MidStreamError | Stall | Callable[[dict], Any]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    raw: bytes
    body: dict | None
    status: int = 0  # what the fake answered
    usage: dict | None = None

    @property
    def api_key(self) -> str | None:
        """The key as sent: the SDK uses ``Authorization: Bearer`` for ``api_key=``; ``x-api-key`` also works."""
        bearer = self.headers.get("authorization", "")
        return self.headers.get("x-api-key") or (bearer.removeprefix("Bearer ") if bearer else None)


class FakeAnthropic:
    """Start with ``with FakeAnthropic() as fake:``; point the SDK at ``fake.url``; ``fake.push(...)``."""

    def __init__(self, *, min_cache_tokens: int = 1024, api_key: str | None = None,
                 default: Item | None = None) -> None:
        self.min_cache_tokens = min_cache_tokens
        self.api_key = api_key  # when set, any other key is a 401
        self.default = default if default is not None else Reply([text("Nothing further to report.")])
        self.script: deque[Item] = deque()
        self.requests: list[Recorded] = []
        self.cache: dict[str, int] = {}  # prefix hash -> tokens of the prefix
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> FakeAnthropic:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-anthropic", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- scripting and inspection --------------------------------------------------------------------------
    def push(self, *items: Item) -> FakeAnthropic:
        self.script.extend(items)
        return self

    def next_item(self, body: dict) -> Any:
        with self._lock:
            item = self.script.popleft() if self.script else self.default
        return item(body) if callable(item) and not isinstance(item, (Reply, Fault, MidStreamError, Stall)) \
            else item

    @property
    def messages_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/v1/messages") and "count_tokens" not in r.path]

    def everything_sent(self) -> str:
        """Every request as received (headers and raw body) and its JSON strings decoded, for leak checks."""
        parts = []
        for request in self.requests:
            parts.append(json.dumps(request.headers))
            parts.append(request.raw.decode("utf-8", errors="replace"))
            if request.body is not None:
                parts.extend(_strings(request.body))
        return "\n".join(parts)

    # -- the emulated API ----------------------------------------------------------------------------------
    def validate(self, body: dict) -> str | None:
        for key in ("model", "max_tokens", "messages"):
            if key not in body:
                return f"{key}: Field required"
        messages = body["messages"]
        if not messages or messages[0].get("role") != "user":
            return "messages: first message must use the user role"
        for tool in body.get("tools", []):
            if not _TOOL_NAME.match(tool.get("name", "")):
                return f"tools: name {tool.get('name')!r} does not match ^[a-zA-Z0-9_-]{{1,64}}$"
        for index, message in enumerate(messages):
            if index and message.get("role") == messages[index - 1].get("role"):
                return "messages: roles must alternate between user and assistant"
            if message.get("role") != "assistant" or not isinstance(message.get("content"), list):
                continue
            wanted = {b["id"] for b in message["content"] if b.get("type") == "tool_use"}
            if not wanted:
                continue
            following = messages[index + 1]["content"] if index + 1 < len(messages) else []
            answered = {b.get("tool_use_id") for b in following if isinstance(b, dict)
                        and b.get("type") == "tool_result"} if isinstance(following, list) else set()
            if index + 1 < len(messages) and wanted - answered:
                return (f"messages.{index + 1}: tool_use ids {sorted(wanted - answered)} were found without "
                        "tool_result blocks immediately after")
        if sum(1 for _ in _breakpoints(body)) > 4:
            return "A maximum of 4 blocks with cache_control may be provided"
        return None

    def usage_for(self, body: dict) -> dict:
        """Input, cache-read and cache-write tokens, as the API's prompt cache would count them."""
        blocks = list(_blocks(body))
        digest = hashlib.sha256()
        prefixes: list[tuple[str, int]] = []  # (hash, tokens) after each block
        total = 0
        for block in blocks:
            clean = {k: v for k, v in block.items() if k != "cache_control"} if isinstance(block, dict) else block
            digest.update(json.dumps(clean, sort_keys=True).encode())
            total += _tokens(clean)
            prefixes.append((digest.hexdigest(), total))
        marks = [i for i, block in enumerate(blocks) if isinstance(block, dict) and "cache_control" in block]
        read = 0
        with self._lock:
            for mark in marks:
                for position in range(mark, max(-1, mark - 21), -1):
                    key, tokens = prefixes[position]
                    if key in self.cache:
                        read = max(read, tokens)
                        break
            written = 0
            for mark in marks:
                key, tokens = prefixes[mark]
                if tokens >= self.min_cache_tokens and key not in self.cache:
                    self.cache[key] = tokens
                    written = max(written, tokens - read)
        return {"input_tokens": total - read - written, "cache_read_input_tokens": read,
                "cache_creation_input_tokens": written}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _blocks(body: dict):
    """The request in the order the prompt cache reads it: tools, system, messages."""
    yield from body.get("tools", [])
    system = body.get("system")
    if isinstance(system, str):
        yield {"type": "text", "text": system}
    elif isinstance(system, list):
        yield from system
    for message in body["messages"]:
        content = message.get("content")
        if isinstance(content, str):
            yield {"role": message["role"], "text": content}
        else:
            for block in content:
                yield {"role": message["role"], **block} if isinstance(block, dict) else block


def _breakpoints(body: dict):
    for block in _blocks(body):
        if isinstance(block, dict) and "cache_control" in block:
            yield block


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # a client that hung up is expected; bugs are not


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # or every keep-alive request waits ~40 ms for a delayed ACK
    server_fake: FakeAnthropic

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing ------------------------------------------------------------------------------------------
    def _send_json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", f"req_fake_{next(_ids):04d}")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _error(self, status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> None:
        self._send_json(status, {"type": "error", "error": {"type": error_type, "message": message}}, headers)

    def _event(self, name: str, data: dict) -> None:
        chunk = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.flush()

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", f"req_fake_{next(_ids):04d}")
        self.end_headers()

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # -- requests ------------------------------------------------------------------------------------------
    def do_POST(self) -> None:
        fake = self.server_fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, raw, body)
        with fake._lock:
            fake.requests.append(record)
        key = self.headers.get("x-api-key") or (self.headers.get("authorization") or "").removeprefix("Bearer ")
        if not key or (fake.api_key is not None and key != fake.api_key):
            record.status = 401
            return self._error(401, "authentication_error", "invalid x-api-key")
        if body is None:
            record.status = 400
            return self._error(400, "invalid_request_error", "body is not JSON")
        if self.path.startswith("/v1/messages/count_tokens"):
            record.status = 200
            return self._send_json(200, {"input_tokens": sum(_tokens(b) for b in _blocks(body))})
        if not self.path.startswith("/v1/messages"):
            record.status = 404
            return self._error(404, "not_found_error", f"no route {self.path}")
        problem = fake.validate(body)
        if problem:
            record.status = 400
            return self._error(400, "invalid_request_error", problem)
        item = fake.next_item(body)
        if isinstance(item, Fault):
            record.status = item.status
            return self._error(item.status, item.error_type, item.message, item.headers)
        if isinstance(item, Stall) and item.where == "headers":
            fake.release.wait(item.seconds)
            self.close_connection = True
            return None
        usage = fake.usage_for(body)
        record.status, record.usage = 200, usage
        if isinstance(item, (MidStreamError, Stall)):
            return self._broken_stream(body, item, usage)
        if not body.get("stream"):
            return self._send_json(200, self._message(body, item, usage, final=True))
        return self._stream(body, item, usage)

    def _message(self, body: dict, reply: Reply, usage: dict, final: bool) -> dict:
        content = reply.content
        stop = reply.stop_reason or ("tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn")
        out = reply.output_tokens or sum(_tokens(b) for b in content)
        full_usage = {**usage, "output_tokens": out if final else 1}
        searches = sum(1 for b in content if b["type"] == "server_tool_use")
        if searches:
            full_usage["server_tool_use"] = {"web_search_requests": searches, "web_fetch_requests": 0}
        return {
            "id": f"msg_fake_{next(_ids):04d}", "type": "message", "role": "assistant", "model": body["model"],
            "content": content if final else [], "stop_reason": stop if final else None,
            "stop_sequence": None, "usage": full_usage,
        }

    def _stream(self, body: dict, reply: Reply, usage: dict) -> None:
        final = self._message(body, reply, usage, final=True)
        self._start_stream()
        self._event("message_start", {"type": "message_start", "message": self._message(body, reply, usage, False)})
        self._event("ping", {"type": "ping"})
        for index, block in enumerate(reply.content):
            self._block(index, block, reply.chunk)
        delta_usage = {k: v for k, v in final["usage"].items()}
        self._event("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": final["stop_reason"], "stop_sequence": None},
                                      "usage": delta_usage})
        self._event("message_stop", {"type": "message_stop"})
        self._end_stream()

    def _block(self, index: int, block: dict, chunk: int) -> None:
        kind = block["type"]
        if kind == "text":
            start = {"type": "text", "text": ""}
            if "citations" in block:
                start["citations"] = None
            self._event("content_block_start", {"type": "content_block_start", "index": index, "content_block": start})
            value = block["text"]
            for i in range(0, len(value), chunk):
                self._event("content_block_delta", {"type": "content_block_delta", "index": index,
                                                    "delta": {"type": "text_delta", "text": value[i:i + chunk]}})
            for cited in block.get("citations") or []:
                self._event("content_block_delta", {"type": "content_block_delta", "index": index,
                                                    "delta": {"type": "citations_delta", "citation": cited}})
        elif kind in ("tool_use", "server_tool_use"):
            start = {**block, "input": {}}
            self._event("content_block_start", {"type": "content_block_start", "index": index, "content_block": start})
            data = json.dumps(block["input"])
            for i in range(0, len(data), chunk):
                self._event("content_block_delta", {"type": "content_block_delta", "index": index,
                                                    "delta": {"type": "input_json_delta",
                                                              "partial_json": data[i:i + chunk]}})
        else:  # web_search_tool_result and other blocks arrive whole in their start event
            self._event("content_block_start", {"type": "content_block_start", "index": index, "content_block": block})
        self._event("content_block_stop", {"type": "content_block_stop", "index": index})

    def _broken_stream(self, body: dict, item: MidStreamError | Stall, usage: dict) -> None:
        empty = Reply([])
        self._start_stream()
        self._event("message_start", {"type": "message_start", "message": self._message(body, empty, usage, False)})
        if isinstance(item, Stall):
            self.server_fake.release.wait(item.seconds)
            self.close_connection = True
            return
        self._event("content_block_start", {"type": "content_block_start", "index": 0,
                                            "content_block": {"type": "text", "text": ""}})
        self._event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                            "delta": {"type": "text_delta", "text": item.before}})
        self._event("error", {"type": "error", "error": {"type": item.error_type, "message": "Overloaded"}})
        self._end_stream()


def refused_url() -> str:
    """A base URL on which nothing listens: the port was free a moment ago and is closed again."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
