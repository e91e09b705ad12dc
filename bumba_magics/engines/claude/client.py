"""The Anthropic client, shared per key and endpoint, the price of a model, and what an API error means to
the user (one sentence, never the key)."""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

from ...agents import DEFAULT_MODEL
from ..registry import EngineUnavailable

ENGINE = "claude"  # the engine's name, as reports record it

# USD per million tokens (input, output, cache write (5 minutes), cache read) as published by Anthropic.
# Settings.prices overrides or extends it; a model missing here is priced as sonnet, with a note.
DEFAULT_PRICES: dict[str, dict[str, float]] = {
    "claude-sonnet-5": {"input": 2.0, "output": 10.0, "cache_write": 2.50, "cache_read": 0.20},
    "claude-opus-5-5": {"input": 4.0, "output": 20.0, "cache_write": 5.00, "cache_read": 0.40},
    "claude-haiku-4-5": {"input": 1.0, "output": 5.0, "cache_write": 1.25, "cache_read": 0.10},
    # older ids that agent files or --model may still name
    "claude-sonnet-4-6": {"input": 3.0, "output": 15.0, "cache_write": 3.75, "cache_read": 0.30},
    "claude-opus-4-6": {"input": 5.0, "output": 25.0, "cache_write": 6.25, "cache_read": 0.50},
    "claude-sonnet-4-5": {"input": 3.0, "output": 15.0, "cache_write": 3.75, "cache_read": 0.30},
    "claude-opus-4-1": {"input": 15.0, "output": 75.0, "cache_write": 18.75, "cache_read": 1.50},
}

class AgentUnavailable(EngineUnavailable):
    """The Claude engine cannot run at all (no key, no SDK): the message says how to enable it."""


# ------------------------------------------------------------------------------------------- bookkeeping


def price_for(model: str, table: dict[str, dict[str, float]] | None = None) -> tuple[dict[str, float], str | None]:
    """The price row for a model id (dated ids match their family), and a note when it was guessed."""
    prices = {**DEFAULT_PRICES, **(table or {})}
    for name in sorted(prices, key=len, reverse=True):
        if model == name or model.startswith(name + "-"):
            return prices[name], None
    return DEFAULT_PRICES[DEFAULT_MODEL], f"no price for {model}; cost estimated at {DEFAULT_MODEL} prices"


# ------------------------------------------------------------------------------------------------ client

_CLIENTS: dict[tuple, Any] = {}
_CLIENTS_LOCK = threading.Lock()


def get_client(api_key: str, base_url: str | None = None, *, timeout: float = 120.0, max_retries: int = 2):
    """One client per key, endpoint and limits: building one costs ~45 ms and keeps a connection pool."""
    try:
        import anthropic
    except ImportError:  # pragma: no cover — the extra is part of every install we test
        raise AgentUnavailable("the Claude engine needs the anthropic package: pip install 'bumba_magics[claude]'")
    base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or None
    key = (hashlib.sha256(api_key.encode()).hexdigest(), base_url, timeout, max_retries)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = anthropic.Anthropic(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)
            _CLIENTS[key] = client
    return client


def describe_error(error: BaseException, base_url: str | None = None) -> str:
    """A sentence a user can act on, for every way a call to the API can fail."""
    import anthropic

    try:
        import httpx2 as _httpx
    except ImportError:  # pragma: no cover — older SDKs ride on httpx
        import httpx as _httpx

    if isinstance(error, KeyboardInterrupt):
        return "cancelled (interrupted); the agent's work so far is kept"
    if isinstance(error, anthropic.AuthenticationError):
        return "the API key was refused (401 authentication_error): check ANTHROPIC_API_KEY or BumbaMagics.api_key"
    if isinstance(error, anthropic.PermissionDeniedError):
        return f"the API key may not use this model or feature (403): {_api_message(error)}"
    if isinstance(error, anthropic.RateLimitError):
        return f"rate limited (429) and the retries ran out: {_api_message(error)}; try again in a minute"
    if isinstance(error, (anthropic.APITimeoutError, _httpx.TimeoutException)):
        return "the API did not answer within the request timeout; try again, or raise the timeout"
    if isinstance(error, (anthropic.APIConnectionError, _httpx.TransportError, OSError)):
        where = base_url or os.environ.get("ANTHROPIC_BASE_URL") or "api.anthropic.com"
        return f"cannot reach the API at {where}: {error.__cause__ or error}"
    if isinstance(error, anthropic.APIStatusError):
        kind = (error.body or {}).get("error", {}).get("type") if isinstance(error.body, dict) else None
        if error.status_code == 200:
            return f"the reply stream broke off with an error event ({kind or 'error'}): {_api_message(error)}"
        if error.status_code == 529 or kind == "overloaded_error":
            return "the API is overloaded (529) and the retries ran out; try again shortly"
        if error.status_code == 400:
            return f"the API rejected the request (400): {_api_message(error)}"
        return f"the API failed ({error.status_code} {kind or ''}) after retries: {_api_message(error)}".replace(
            "  ", " ")
    return f"the agent stopped: {type(error).__name__}: {error}"


def _api_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(getattr(error, "message", error))
