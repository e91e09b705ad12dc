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

This module only describes the engine (cheap: ``review`` asks on every run whether it is configured);
the prompt, the loop and the SDK load when it runs. Import what you need from ``.client``, ``.prompt``
and ``.loop``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..credentials import KEY_HELP, api_key_from
from ..registry import Engine, EngineRun

if TYPE_CHECKING:
    from ...core.events import AgentResult


def _review(run: EngineRun) -> AgentResult:
    from .loop import run_agent  # the loop and the SDK load when the engine runs, not on every review

    return run_agent(command=run.command, instructions=run.instructions, context=run.context, agent=run.agent,
                     settings=run.settings, offline_findings=run.offline_findings, shell=run.shell,
                     store=run.store, events=run.events, target=run.target, extra_context=run.measurements)


CLAUDE = Engine(
    name="claude",
    summary="An agent on Anthropic's Messages API that reads the code with sandboxed read-only tools, confirms "
            "or dismisses the offline findings and adds its own.",
    is_configured=lambda settings: bool(api_key_from(settings)),
    missing="the Claude engine needs an Anthropic API key",
    how_to_enable=KEY_HELP,
    review=_review,
)
