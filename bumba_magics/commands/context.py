"""``%bumba context``: exactly what the Claude engine would send for a review (redacted), and its size.

Nothing is sent: the first request is built as a hybrid review would build it and shown.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..context.targets import resolve
from ..core.errors import ReviewError
from ..settings import Settings, load_settings
from ..views.markdown import md_fence
from .base import Command, get_command, register

if TYPE_CHECKING:
    from ..core.request import RunRequest
    from ..engines.claude.prompt import PreparedRun


def arguments(parser: argparse.ArgumentParser) -> None:
    """``context [TARGET] [--command NAME]``: the review whose first request is shown."""
    parser.add_argument("target", nargs="?", help="what the review would look at (default: the notebook)")
    parser.add_argument("--command", dest="for_command", default="scan", metavar="NAME",
                        help="the review command whose request to show (default: scan)")
    parser.add_argument("--budget", type=int, dest="context_tokens", metavar="TOKENS",
                        help="context budget in tokens (default 40000, or [tool.bumba] context_tokens)")
    parser.add_argument("--agent", metavar="NAME|PATH", help="agent definition to use (see 'agents')")
    parser.add_argument("--model", metavar="MODEL", help="sonnet, opus, haiku or a model id")
    parser.add_argument("--include-values", action="store_true", default=None, dest="include_values")
    parser.add_argument("--no-repo", action="store_true", help="only the notebook, not its repository")


class ContextPreview:
    """What would be sent, after redaction: the first request of a review, its size and how it was chosen."""

    def __init__(self, command: str, prepared: PreparedRun) -> None:
        self.command = command
        self.prepared = prepared
        self.request = prepared.request()
        self.sizes = prepared.size()

    @property
    def tokens(self) -> int:
        return self.sizes["total tokens (estimated)"]

    def text(self) -> str:
        """The request's text parts in order: system blocks, then the first user message."""
        parts = [block["text"] for block in self.request["system"]]
        parts += [block["text"] for block in self.request["messages"][0]["content"]]
        return "\n\n".join(parts)

    def _summary(self) -> list[str]:
        tools = ", ".join(t["name"] for t in self.request["tools"])
        lines = [f"model {self.prepared.model}; tools: {tools}"]
        lines += [f"{key}: {value:,}" for key, value in self.sizes.items()]
        redactions = self.prepared.redactor.count
        lines.append(f"secrets redacted: {redactions}")
        if self.prepared.plan is not None:
            lines.append(f"context budget: {self.prepared.plan.budget:,} tokens")
            for row in self.prepared.plan.sections:
                lines.append(f"  {row.status:<9} {row.tokens:>7,}  {row.title}{' — ' + row.note if row.note else ''}")
        return lines

    def __repr__(self) -> str:
        return "\n".join([f"bumba context for '{self.command}' (what the Claude engine would send):",
                          *self._summary(), "", self.text()])

    def _repr_markdown_(self) -> str:
        summary = "\n".join(f"- {line.strip()}" for line in self._summary())
        return (f"### What `{self.command}` would send to Claude (redacted)\n\n{summary}\n\n"
                + md_fence(self.text(), "text"))


def run(request: RunRequest) -> ContextPreview:
    """Build (never send) the first request a hybrid review would make."""
    from ..agents import AgentFileError, AgentNotFound, resolve_agent  # loaded when used, not with %load_ext
    from ..engines.claude.prompt import prepare

    args = request.args
    command = get_command(getattr(args, "for_command", None) or "scan")
    if not command.reviews:
        raise ReviewError(f"context shows the request of a review command; '{command.name}' is not one")
    overrides = {k: v for k, v in request.overrides.items() if v is not None}
    if getattr(args, "context_tokens", None):
        overrides["context_tokens"] = args.context_tokens
    target = request.target
    body = request.cell_body if request.cell_body and request.cell_body.strip() else None
    offline = request.review(command, target, cell_body=body, shell=request.shell,
                             overrides={**overrides, "engine": "offline", "fail_on": "none"}, use_store=False)
    include_repo = overrides.get("include_repo")
    base = Settings()
    try:
        context = resolve(target, shell=request.shell, cell_body=body, max_file_bytes=base.max_file_bytes,
                          include_repo=True if include_repo is None else include_repo)
    except (FileNotFoundError, ValueError) as error:
        raise ReviewError(str(error)) from error
    settings = load_settings(context.root, base).merged(
        **{k: v for k, v in overrides.items() if k not in ("engine", "fail_on")})
    try:
        agent = resolve_agent(settings.agent, project_dir=context.root)
    except (AgentFileError, AgentNotFound) as error:
        raise ReviewError(str(error)) from None
    prepared = prepare(command=command.name, instructions=command.agent_brief, context=context, agent=agent,
                       settings=settings, offline_findings=offline.findings, shell=request.shell,
                       target=offline.run.target)
    return ContextPreview(command.name, prepared)


COMMAND = register(Command(
    "context", "Show exactly what the Claude engine would send for a command (redacted) and its size.",
    needs="optionally a target and --command NAME", order=170, lane="meta", takes_cell=True,
    run=run, arguments=arguments,
))
