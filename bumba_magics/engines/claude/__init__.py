"""The Claude engine: an agent loop on the official ``anthropic`` SDK, streaming, with read-only tools.

One run is: build the first request (system prompt = the agent file's body, the stable context block,
the command's own instructions; the offline findings and the task in the first user turn), stream the
reply, run the tools it asks for, answer with their results, and repeat until the model stops, the turn
or cost budget is spent, or the API fails. Whatever happened, the result carries what was found so far
and, on failure, a message saying what went wrong — the review that called it still shows the offline
findings and the kernel never dies.

Cost: ``cache_control`` marks the tools, the agent prompt, the context block and the latest user turn,
so later turns — and a later command on the same notebook — read those tokens from the prompt cache;
results are kept in the store by agent, command, model and context hash, so a re-run (papermill) replays
them without calling the API unless ``--refresh`` is given.

Nothing secret leaves: every request body goes through :class:`..context.redact.Redactor` right before
it is handed to the SDK.
"""

from __future__ import annotations

from ...core.events import WEB_SEARCH_USD, AgentEvents, AgentResult, Usage
from .client import DEFAULT_PRICES, ENGINE, AgentUnavailable, describe_error, get_client, price_for
from .loop import AgentLoop, merge_findings, run_agent
from .prompt import REVIEW_TASK, PreparedRun, prepare

__all__ = ["DEFAULT_PRICES", "ENGINE", "REVIEW_TASK", "WEB_SEARCH_USD", "AgentEvents", "AgentLoop",
           "AgentResult", "AgentUnavailable", "PreparedRun", "Usage", "describe_error", "get_client",
           "merge_findings", "prepare", "price_for", "run_agent"]
