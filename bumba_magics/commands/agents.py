"""``agents``: the agent definitions found (built in, ~/.claude/agents, the project's .claude/agents)."""

from __future__ import annotations

import argparse
import errno
from pathlib import Path
from typing import TYPE_CHECKING

from ..views.tables import Table
from .base import Command, register

if TYPE_CHECKING:
    from ..core.request import RunRequest


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", metavar="DIR", help="project folder to search for .claude/agents")


def run(request: RunRequest) -> Table:
    from ..agents import agents_table, discover_agents_with_errors  # parsing definitions: only when asked

    project = getattr(request.args, "project", None)
    if project and not Path(project).expanduser().is_dir():  # a typo must not quietly list only the built-ins
        exists = Path(project).expanduser().exists()
        raise (NotADirectoryError(errno.ENOTDIR, "not a folder", project) if exists
               else FileNotFoundError(errno.ENOENT, "no such folder", project))
    specs, errors = discover_agents_with_errors(project_dir=Path(project) if project else None)
    footer = "; ".join(str(e) for e in errors)
    return Table("agent definitions", agents_table(specs), footer=footer)


COMMAND = register(Command("agents", "List the agent definitions found (built in, ~/.claude/agents, .claude/agents).",
                           needs="nothing", order=140, lane="meta", takes_cell=False, run=run, arguments=arguments))
