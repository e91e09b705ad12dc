"""Where the Anthropic key comes from. Its own module so that choosing the engine (done on every review)
does not import the agent loop and its SDK."""

from __future__ import annotations

import os
from typing import Any

KEY_HELP = ("set ANTHROPIC_API_KEY in the environment, or %config BumbaMagics.api_key = '…', "
            "or api_key_env = 'NAME_OF_VARIABLE' under [tool.bumba] in pyproject.toml")


def api_key_from(settings: Any, explicit: str | None = None) -> str | None:
    """The key: explicit (trait), then ``api_key`` / ``api_key_env`` in settings, then ANTHROPIC_API_KEY."""
    if explicit:
        return explicit
    if getattr(settings, "api_key", None):
        return settings.api_key
    name = getattr(settings, "api_key_env", None)
    if name and os.environ.get(name):
        return os.environ[name]
    return os.environ.get("ANTHROPIC_API_KEY") or None
