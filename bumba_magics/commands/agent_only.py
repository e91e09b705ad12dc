"""What the agent-only commands (research-technical, implement) share: their options, the checks before
the Claude engine is asked anything, and the report of its answer.

The engine, the agent definitions and the store are imported when such a command runs: they cost a
tenth of a second that ``%load_ext`` should not pay.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ReviewError
from ..core.options import FORMATS, add_agent_options

if TYPE_CHECKING:
    from ..agents import AgentSpec
    from ..core.events import AgentResult
    from ..core.report import Report
    from ..core.request import RunRequest
    from ..settings import Settings
    from ..store import Store


def add_agent_command_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agent", metavar="NAME|PATH", help="agent definition to use (see 'agents')")
    add_agent_options(parser)
    parser.add_argument("-f", "--format", choices=FORMATS, help="output format (CLI: text by default)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def prepare_agent_run(request: RunRequest, root: Path) -> tuple[Settings, AgentSpec, Store | None]:
    """The settings, the agent and the store for an agent-only run, or a ReviewError saying what is missing."""
    from ..agents import AgentFileError, AgentNotFound, resolve_agent
    from ..engines.credentials import KEY_HELP, api_key_from
    from ..settings import Settings, load_settings
    from ..store import Store, StoreError

    name = request.command.name
    settings = load_settings(root, request.settings or Settings()).merged(
        **{k: v for k, v in request.overrides.items() if k != "engine"})
    if request.overrides.get("engine") == "offline":
        raise ReviewError(f"'{name}' is agent-only: it cannot run with --engine offline")
    if not api_key_from(settings, request.overrides.get("api_key")):
        raise ReviewError(f"'{name}' needs the Claude engine, and no Anthropic API key is configured: {KEY_HELP}")
    try:
        agent = resolve_agent(settings.agent, project_dir=root)
    except (AgentFileError, AgentNotFound) as error:
        raise ReviewError(str(error)) from None
    store = request.store
    if store is None and request.use_store:
        try:
            store = Store()
        except StoreError:
            store = None
    return settings, agent, store


def agent_report(request: RunRequest, target: str, root: Path, agent: AgentSpec, result: AgentResult,
                 started: float) -> Report:
    from ..core.report import Report, RunInfo
    from ..engines.claude.client import ENGINE

    report = Report(
        run=RunInfo(command=request.command.name, target=target, root=str(root), engine=ENGINE, engines=[ENGINE],
                    agent=agent.name, agent_hash=agent.sha256, model=result.model,
                    duration_s=round(time.monotonic() - started, 3)),
        findings=result.findings, notes=list(result.notes), narrative=result.narrative or None,
        metrics=result.metrics(),
    )
    if result.error:
        report.notes.append(f"the Claude engine stopped: {result.error}")
    return report
