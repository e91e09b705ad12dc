"""``research-technical TOPIC``: a cited answer from web search, specific to the installed packages."""

from __future__ import annotations

import argparse
import ast
import re
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analyzers.parsing import parse_module
from ..core.errors import ReviewError
from .agent_only import add_agent_command_options, agent_report, prepare_agent_run
from .base import Command, register

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest


def arguments(parser: argparse.ArgumentParser) -> None:
    """The question as words (no quotes needed), and the agent's options."""
    parser.add_argument("topic", nargs="*", help="the question (or give it as the %%%%bumba cell body)")
    add_agent_command_options(parser)


def run(request: RunRequest) -> Report:
    """Web search through the API plus the installed packages' metadata."""
    from ..engines.claude.loop import run_agent  # the engine loads when it is used, not with %load_ext

    started = time.monotonic()
    settings, agent, store = prepare_agent_run(request, Path.cwd())
    words = list(getattr(request.args, "topic", None) or [])
    topic = " ".join(words).strip() or (request.cell_body or "").strip() or (request.target or "").strip()
    if not topic:
        raise ReviewError("research-technical needs a topic: %bumba research-technical 'how to …'")
    packages = installed_packages(topic, request.cell_body or "", getattr(request.shell, "user_ns", None))
    extra = "<installed-packages>\n" + "\n".join(packages) + "\n</installed-packages>" if packages else ""
    task = (f"Research question: {topic}\n\nSearch the web for current, authoritative sources; use the installed "
            "versions above to make the answer specific to this environment. Cite sources.")
    result = run_agent(command=COMMAND.name, instructions=COMMAND.agent_brief,
                       context=None, agent=agent, settings=settings, task=task,
                       extra_context=extra, shell=request.shell, store=store, events=request.events, target=topic,
                       api_key=request.overrides.get("api_key"))
    if result.citations:
        sources = "\n".join(f"[{n}] {c.get('title') or c['url']} — {c['url']}"
                            for n, c in enumerate(result.citations, start=1))
        result.narrative = f"{result.narrative}\n\nSources:\n{sources}".strip()
    return agent_report(request, topic, Path.cwd(), agent, result, started)


def installed_packages(topic: str, code: str = "", namespace: dict | None = None) -> list[str]:
    """Name, version, licence and summary of the installed distributions the topic or the code names."""
    names = {word.lower() for word in re.findall(r"[A-Za-z][A-Za-z0-9_.-]+", topic)}
    try:
        for node in ast.walk(parse_module(code)):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0].lower() for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0].lower())
    except SyntaxError:
        pass
    for value in (namespace or {}).values():
        module = getattr(value, "__name__", None) if type(value).__name__ == "module" else None
        if module:
            names.add(module.split(".")[0].lower())
    by_module = metadata.packages_distributions()
    wanted = set()
    for name in names:
        wanted |= {d.lower() for d in by_module.get(name, [])}
        wanted.add(name)
    lines = []
    for dist in sorted(metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        name = dist.metadata["Name"] or ""
        if name.lower() not in wanted and name.lower().replace("-", "_") not in wanted:
            continue
        lines.append(f"{name}=={dist.version}  licence: {_licence(dist.metadata)}  — "
                     f"{(dist.metadata['Summary'] or '')[:120]}")
        if len(lines) >= 40:
            break
    return lines


def _licence(meta: Any) -> str:
    """SPDX expression when declared, else the trove classifiers, else the first line of License."""
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return ", ".join(classifiers)
    first = (meta.get("License") or "").strip().splitlines()
    return first[0][:80] if first else "unknown"


COMMAND = register(Command(
    "research-technical", "Technical research with cited sources (agent only).",
    needs="a topic, and an Anthropic API key", order=110, takes_cell=True, lane="agent",
    run=run, arguments=arguments,
    details="The agent searches the web (the API's server-side search) and reads the installed versions "
    "and licences of the packages the topic and the cell name; the answer cites its sources.",
    agent_brief="Lane: research-technical. Answer the question with current sources found through "
    "web_search, and the installed package versions given in the context. Cite every "
    "claim that comes from a source. End with a short recommendation.",
))
