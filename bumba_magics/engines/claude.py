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

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..agents import DEFAULT_MODEL, AgentSpec, resolve_model
from ..context.redact import Redactor
from ..context.source import Context
from ..core.events import WEB_SEARCH_USD, AgentEvents, AgentResult, Usage  # noqa: F401 — their old home
from ..core.findings import Finding
from .context_budget import ContextPlan, estimate_tokens, plan_context
from .credentials import KEY_HELP, api_key_from
from .tools import ToolBox, compact_finding

EPHEMERAL = {"type": "ephemeral"}
ENGINE = "claude"

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

LANE_INSTRUCTIONS: dict[str, str] = {
    "scan": "Lane: scan. Hunt for exploitable weaknesses: injection, unsafe deserialisation, secrets, dangerous "
            "calls, missing authorisation. Confirm or dismiss each offline finding that matters.",
    "secure": "Lane: secure. Do what scan does, then check hardening (framework settings, auth, crypto, "
              "transport) and give a concrete fix for each gap.",
    "analyze-technical": "Lane: analyze-technical. Judge the structure: module boundaries, cycles, layering, "
                         "coupling, and the functions too complex to change safely.",
    "improve-performance": "Lane: improve-performance. Explain where time and memory go (use measurements when "
                           "given) and propose rewrites that cut them, with code.",
    "checkpoint": "Lane: checkpoint. Say plainly what is risky in the current state and whether it should pass.",
    "research-technical": "Lane: research-technical. Answer the question with current sources found through "
                          "web_search, and the installed package versions given in the context. Cite every "
                          "claim that comes from a source. End with a short recommendation.",
    "implement": "Lane: implement. Write the code the user asks for, as one notebook cell that fits their "
                 "notebook and project (read what you need first). Hand it over with write_cell. It is "
                 "inserted below their cell and never run for them. Keep the narrative short.",
}
REVIEW_TASK = (
    "The offline analyzers' findings are below. Confirm the ones that matter, explain them, rank them, "
    "dismiss false positives with a reason, and look for what static rules cannot see. Report each new or "
    "materially improved problem with report_finding (path relative to the root; cell number for notebook "
    "cells), then finish with a short narrative: the most important problems first."
)


class AgentUnavailable(RuntimeError):
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


# -------------------------------------------------------------------------------------------- the request


@dataclass
class PreparedRun:
    """Everything the first request holds, redacted, and what is needed to run and replay it."""

    model: str
    system: list[dict]
    tools: ToolBox
    first_message: list[dict]
    redactor: Redactor
    plan: ContextPlan | None
    cache_key: str
    prices: dict[str, float]
    notes: list[str] = field(default_factory=list)

    def request(self) -> dict:
        """The first request's body as it would be sent (cache marks included), redacted."""
        return self.redactor.payload({
            "model": self.model, "system": self.system, "tools": _mark_tools(self.tools.definitions()),
            "messages": [{"role": "user", "content": _mark_last(self.first_message)}],
        })

    def size(self) -> dict[str, int]:
        request = self.request()
        return {
            "system tokens": sum(estimate_tokens(b["text"]) for b in request["system"]),
            "context tokens": self.plan.tokens if self.plan else 0,
            "tools tokens": estimate_tokens(json.dumps(request["tools"])),
            "first message tokens": estimate_tokens(json.dumps(request["messages"])),
            "total tokens (estimated)": estimate_tokens(json.dumps(request)),
        }


def _mark_tools(definitions: list[dict]) -> list[dict]:
    if not definitions:
        return definitions
    return [*definitions[:-1], {**definitions[-1], "cache_control": EPHEMERAL}]


def _mark_last(blocks: list[dict]) -> list[dict]:
    return [*blocks[:-1], {**blocks[-1], "cache_control": EPHEMERAL}] if blocks else blocks


def prepare(
    *,
    command: str,
    context: Context | None,
    agent: AgentSpec,
    settings: Any,
    offline_findings: list[Finding] = (),
    task: str | None = None,
    extra_context: str = "",
    shell: Any = None,
    store: Any = None,
    target: str = "",
) -> PreparedRun:
    """Build the first request: the redactor learns every secret in the context before anything is written."""
    model = resolve_model(getattr(settings, "model", None) or agent.model)
    prices, price_note = price_for(model, getattr(settings, "prices", None))
    redactor = Redactor()
    redactor.learn_environment(os.environ)
    namespace = getattr(shell, "user_ns", None)
    if isinstance(namespace, dict):
        redactor.learn_namespace(namespace)
    if context is not None:
        for source in context.sources:
            redactor.learn_source(source)
    root = context.root if context is not None else Path.cwd()
    # every file the tools can reach, not only the review's sources (an .xml, a .log, a key's lines)
    redactor.learn_tree(root, skip=[s.path for s in context.sources if not s.cells] if context else ())
    key = api_key_from(settings)
    if key:
        redactor.add(key)

    plan = None
    if context is not None and context.sources:
        plan = plan_context(context, redactor, budget=getattr(settings, "context_tokens", 40_000),
                            findings=list(offline_findings), target=target)
    tools = ToolBox(
        root=root, context=context, shell=shell, store=store,
        include_values=bool(getattr(settings, "include_values", False)),
        granted=agent.granted_tools, lane=command, agent_name=agent.name,
    )
    system = [{"type": "text", "text": redactor.text(agent.prompt or f"You are {agent.name}.")}]
    stable = "\n".join(part for part in (plan.text if plan else "", extra_context) if part)
    if stable:
        system.append({"type": "text", "text": redactor.text(stable)})
    system.append({"type": "text", "text": LANE_INSTRUCTIONS.get(
        command, f"Lane: {command}. Review the target for this command's concerns and report findings.")})
    # cache breakpoints: the agent prompt (stable for every command) and the context (stable per target)
    system[0]["cache_control"] = EPHEMERAL
    if stable:
        system[1]["cache_control"] = EPHEMERAL

    lines = [f"Command: {command}", f"Target: {target or (context.label if context else '')}",
             f"Project root: {root.name}"]
    if offline_findings:
        lines.append(f"<offline-findings count=\"{len(offline_findings)}\">")
        lines += [compact_finding(f) for f in offline_findings[:200]]
        if len(offline_findings) > 200:
            lines.append(f"[{len(offline_findings) - 200} more lower-ranked findings not listed]")
        lines.append("</offline-findings>")
    elif command not in ("research-technical", "implement"):
        lines.append("The offline analyzers found nothing.")
    if agent.unavailable_tools:
        lines.append("Tools named in your definition that are unavailable here: " + ", ".join(agent.unavailable_tools))
    lines.append("")
    lines.append(task or REVIEW_TASK)
    first_message = [{"type": "text", "text": redactor.text("\n".join(lines))}]

    notes = ([price_note] if price_note else []) + redactor.notes
    prepared = PreparedRun(model=model, system=system, tools=tools, first_message=first_message,
                           redactor=redactor, plan=plan, cache_key="", prices=prices, notes=notes)
    basis = json.dumps({"agent": agent.sha256 or agent.name, "command": command, "model": model,
                        "request": prepared.request(), "values": tools.include_values}, sort_keys=True)
    prepared.cache_key = hashlib.sha256(basis.encode()).hexdigest()
    return prepared


# ------------------------------------------------------------------------------------------------ the loop


def _block_dict(block: Any) -> dict:
    data = block.model_dump(mode="json", exclude_none=True)
    data.pop("parsed_output", None)
    return data


class AgentLoop:
    """Stream turns until the model stops or a budget is spent; tools answered between turns."""

    def __init__(self, prepared: PreparedRun, client: Any, *, max_turns: int = 12, max_cost: float | None = None,
                 max_tokens: int = 8192, events: AgentEvents | None = None) -> None:
        self.prepared = prepared
        self.client = client
        self.max_turns = max_turns
        self.max_cost = max_cost
        self.max_tokens = max_tokens
        self.events = events or AgentEvents()
        self.tool_defs = _mark_tools(prepared.tools.definitions())

    def run(self) -> AgentResult:
        prepared, events = self.prepared, self.events
        result = AgentResult(model=prepared.model, notes=list(prepared.notes))
        prepared.tools.on_finding = events.on_finding
        messages: list[dict] = [{"role": "user", "content": list(prepared.first_message)}]
        texts: list[str] = []
        last_turn_cost = 0.0
        try:
            while True:
                if result.turns >= self.max_turns:
                    result.stop = "max_turns"
                    result.notes.append(f"the agent stopped after {result.turns} turns (--max-turns "
                                        f"{self.max_turns}); its findings so far are kept")
                    break
                if self.max_cost is not None and result.turns and result.cost + last_turn_cost > self.max_cost:
                    result.stop = "max_cost"
                    result.notes.append(f"the agent stopped after {result.turns} turns: another turn would "
                                        f"likely pass --max-cost ${self.max_cost:.2f} (spent ${result.cost:.4f})")
                    break
                message = self._turn(messages)
                result.turns += 1
                before = result.cost
                result.usage.add(message.usage)
                result.cost = result.usage.cost(prepared.prices)
                last_turn_cost = result.cost - before
                content = [_block_dict(b) for b in message.content]
                messages.append({"role": "assistant", "content": content})
                turn_text = "".join(b.text for b in message.content if b.type == "text")
                if turn_text.strip():
                    texts.append(turn_text.strip())
                for block in message.content:
                    for cited in getattr(block, "citations", None) or []:
                        entry = {"url": getattr(cited, "url", None), "title": getattr(cited, "title", None)}
                        if entry["url"] and entry not in result.citations:
                            result.citations.append(entry)
                if message.stop_reason == "pause_turn":
                    continue  # a long server-side tool: send the turn back as it is and the API goes on
                calls = [b for b in message.content if b.type == "tool_use"]
                if message.stop_reason == "max_tokens":
                    result.stop = "max_tokens"
                    result.notes.append("the agent's reply hit the output token limit and was cut")
                    break
                if message.stop_reason != "tool_use" or not calls:
                    result.stop = "end_turn"
                    break
                answers = []
                for call in calls:
                    arguments = call.input if isinstance(call.input, dict) else {}
                    events.on_tool(call.name, arguments)
                    output, is_error = prepared.tools.call(call.name, arguments)
                    answers.append({"type": "tool_result", "tool_use_id": call.id, "content": output,
                                    **({"is_error": True} if is_error else {})})
                messages.append({"role": "user", "content": answers})
                if self.max_cost is not None and result.cost >= self.max_cost:
                    result.stop = "max_cost"
                    result.notes.append(f"the agent stopped after {result.turns} turns: --max-cost "
                                        f"${self.max_cost:.2f} reached (spent ${result.cost:.4f})")
                    break
        except KeyboardInterrupt as error:
            result.stop, result.error = "cancelled", describe_error(error)
        except Exception as error:  # noqa: BLE001 — every API / network failure ends the run with a message
            result.stop, result.error = "error", describe_error(error, str(getattr(self.client, "base_url", "")))
        result.narrative = "\n\n".join(texts)
        result.findings = list(prepared.tools.findings)
        result.files_read = list(prepared.tools.files_read)
        result.code = list(prepared.tools.code)
        result.tool_calls = prepared.tools.calls
        result.redactions = prepared.redactor.count
        events.on_end(result)
        return result

    def _turn(self, messages: list[dict]) -> Any:
        # the latest user turn carries the moving cache mark: the next turn reads this one's prefix
        marked = [*messages[:-1], {**messages[-1], "content": _mark_last(messages[-1]["content"])}]
        body = self.prepared.redactor.payload({"system": self.prepared.system, "messages": marked})
        kwargs: dict[str, Any] = {"model": self.prepared.model, "max_tokens": self.max_tokens,
                                  "system": body["system"], "messages": body["messages"]}
        if self.tool_defs:
            kwargs["tools"] = self.prepared.redactor.payload(self.tool_defs)
        with self.client.messages.stream(**kwargs) as stream:
            for event in stream:
                if event.type == "text":
                    self.events.on_text(event.text)
            message = stream.get_final_message()
        return message


# --------------------------------------------------------------------------------------- running a review


def run_agent(
    *,
    command: str,
    context: Context | None,
    agent: AgentSpec,
    settings: Any,
    offline_findings: list[Finding] = (),
    task: str | None = None,
    extra_context: str = "",
    shell: Any = None,
    store: Any = None,
    events: AgentEvents | None = None,
    target: str = "",
    api_key: str | None = None,
) -> AgentResult:
    """Prepare, replay from the response cache when possible, else run the loop and keep the result."""
    key = api_key or api_key_from(settings)
    if not key:
        raise AgentUnavailable(f"the Claude engine needs an Anthropic API key: {KEY_HELP}")
    events = events or AgentEvents()
    prepared = prepare(command=command, context=context, agent=agent, settings=settings,
                       offline_findings=offline_findings, task=task, extra_context=extra_context, shell=shell,
                       store=store, target=target)
    prepared.redactor.add(key)
    events.on_offline(list(offline_findings))
    if store is not None and not getattr(settings, "refresh", False):
        cached = store.response_get(prepared.cache_key)
        if cached is not None:
            result = AgentResult.from_payload(cached)
            result.replayed = True
            result.notes.append("the agent's answer was replayed from the response cache (--refresh asks again)")
            if result.narrative:
                events.on_text(result.narrative)
            for finding in result.findings:
                events.on_finding(finding)
            events.on_end(result)
            return result
    client = get_client(key, getattr(settings, "base_url", None), timeout=getattr(settings, "request_timeout", 120.0),
                        max_retries=getattr(settings, "max_retries", 2))
    loop = AgentLoop(prepared, client, max_turns=getattr(settings, "max_turns", 12),
                     max_cost=getattr(settings, "max_cost", None),
                     max_tokens=getattr(settings, "max_output_tokens", 8192), events=events)
    result = loop.run()
    if store is not None and result.error is None:
        try:
            store.response_put(prepared.cache_key, result.to_payload())
        except Exception as error:  # noqa: BLE001 — the cache is a saving, the answer is still good
            result.notes.append(f"the agent's answer could not be cached: {error}")
    return result


def merge_findings(offline: list[Finding], agent: list[Finding]) -> list[Finding]:
    """Offline findings plus the agent's, one per place and problem; ``engine`` says who found it.

    Same place is the same path, cell and line; same problem is the same rule, or the same category when
    the agent named its own rule. A duplicate confirms the offline finding (engine ``offline+claude``) and
    fills in the explanation or fix it lacked.
    """
    merged = list(offline)
    index: dict[tuple, int] = {}
    for position, finding in enumerate(merged):
        place = (finding.location.path, finding.location.cell, finding.location.line)
        index.setdefault((*place, finding.rule.upper()), position)
        index.setdefault((*place, finding.category.value), position)
    for finding in agent:
        place = (finding.location.path, finding.location.cell, finding.location.line)
        position = index.get((*place, finding.rule.upper()))
        if position is None and finding.location.line is not None:
            position = index.get((*place, finding.category.value))
        if position is None:
            merged.append(finding)
            index[(*place, finding.rule.upper())] = len(merged) - 1
            continue
        known = merged[position]
        if known.engine == ENGINE:  # the agent said it twice
            continue
        merged[position] = known.model_copy(update={
            "engine": f"{known.engine}+{ENGINE}" if ENGINE not in known.engine else known.engine,
            "why": known.why or finding.why,
            "recommendation": known.recommendation or finding.recommendation,
            "fix": known.fix or finding.fix,
        })
    return merged
