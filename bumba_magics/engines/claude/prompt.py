"""The first request of a run: system prompt (the agent's body, the stable context block, the command's own
instructions), the offline findings and the task, with cache marks, redacted; and the key it is cached by."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...agents import AgentSpec, resolve_model
from ...context.redact import Redactor
from ...context.source import Context
from ...core.findings import Finding
from ..credentials import api_key_from
from .client import price_for
from .context_budget import ContextPlan, estimate_tokens, plan_context
from .tools import ToolBox, compact_finding

EPHEMERAL = {"type": "ephemeral"}

REVIEW_TASK = (
    "The offline analyzers' findings are below. Confirm the ones that matter, explain them, rank them, "
    "dismiss false positives with a reason, and look for what static rules cannot see. A finding with a path "
    "lists each step its data takes from the source to the sink: check the steps (is the source really "
    "controlled by a user, does a sanitizer or a check sit between them?) before you confirm it. Report each new or "
    "materially improved problem with report_finding (path relative to the root; cell number for notebook "
    "cells), then finish with a short narrative: the most important problems first."
)


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
            "model": self.model, "system": self.system, "tools": mark_tools(self.tools.definitions()),
            "messages": [{"role": "user", "content": mark_last(self.first_message)}],
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


def mark_tools(definitions: list[dict]) -> list[dict]:
    if not definitions:
        return definitions
    return [*definitions[:-1], {**definitions[-1], "cache_control": EPHEMERAL}]


def mark_last(blocks: list[dict]) -> list[dict]:
    return [*blocks[:-1], {**blocks[-1], "cache_control": EPHEMERAL}] if blocks else blocks


def prepare(
    *,
    command: str,
    context: Context | None,
    agent: AgentSpec,
    settings: Any,
    offline_findings: list[Finding] | None = None,
    task: str | None = None,
    instructions: str = "",
    extra_context: str = "",
    shell: Any = None,
    store: Any = None,
    target: str = "",
) -> PreparedRun:
    """Build the first request: the redactor learns every secret in the context before anything is written.

    ``instructions`` are the command's own (its catalogue entry's ``agent_brief``); ``offline_findings`` is
    None for a command that is not a review (research, implement), and a list — maybe empty — for one."""
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
                            findings=list(offline_findings or ()), target=target)
    tools = ToolBox(
        root=root, context=context, shell=shell, store=store,
        include_values=bool(getattr(settings, "include_values", False)),
        granted=agent.granted_tools, lane=command, agent_name=agent.name,
    )
    system = [{"type": "text", "text": redactor.text(agent.prompt or f"You are {agent.name}.")}]
    stable = "\n".join(part for part in (plan.text if plan else "", extra_context) if part)
    if stable:
        system.append({"type": "text", "text": redactor.text(stable)})
    system.append({"type": "text", "text": instructions
                   or f"Lane: {command}. Review the target for this command's concerns and report findings."})
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
    elif offline_findings is not None:
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
