"""``%%bumba implement``: code for the cell's request, written into a new cell below — never executed."""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..context.targets import resolve
from ..core.errors import ReviewError
from ..core.report import Artifact
from .agent_only import add_agent_command_options, agent_report, prepare_agent_run
from .base import Command, register

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest

_FENCE = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)```", re.DOTALL)


def arguments(parser: argparse.ArgumentParser) -> None:
    """The request is the cell body; an optional folder or file gives the code's context."""
    parser.add_argument("target", nargs="?", help="a folder or file the code is for (default: the notebook)")
    parser.add_argument("--include-values", action="store_true", default=None, dest="include_values",
                        help="let the agent see variable values (redacted), not only types and shapes")
    parser.add_argument("--no-repo", action="store_true", help="only the notebook, not its repository")
    add_agent_command_options(parser)


def run(request: RunRequest) -> Report:
    from ..engines.claude.loop import run_agent  # the engine loads when it is used, not with %load_ext

    started = time.monotonic()
    root = Path.cwd()
    if request.target:
        candidate = Path(request.target).expanduser()
        root = candidate if candidate.is_dir() else candidate.parent
    settings, agent, store = prepare_agent_run(request, root)
    ask = (request.cell_body or "").strip()
    if not ask:
        raise ReviewError("implement takes its request from the cell body: %%bumba implement, then describe the code")
    try:
        if request.target:
            context = resolve(request.target, max_file_bytes=settings.max_file_bytes)
        elif request.shell is not None:
            context = resolve(None, shell=request.shell, include_repo=settings.include_repo,
                              max_file_bytes=settings.max_file_bytes)
        else:
            context = resolve(".", max_file_bytes=settings.max_file_bytes)
    except (FileNotFoundError, ValueError) as error:
        raise ReviewError(str(error)) from None
    task = (f"The user's request, for a new cell below theirs:\n{ask}\n\nRead what you need (cells, modules, "
            "variable shapes), then call write_cell once with the complete code. Do not report findings unless "
            "something blocks the request.")
    result = run_agent(command=COMMAND.name, instructions=COMMAND.agent_brief,
                       context=context, agent=agent, settings=settings, task=task,
                       shell=request.shell, store=store, events=request.events, target="<cell>",
                       api_key=request.overrides.get("api_key"))
    report = agent_report(request, "<cell>", context.root, agent, result, started)
    code = result.code[-1][0] if result.code else _last_fence(result.narrative)
    if not code:
        if not result.error:
            report.notes.append("the agent did not write any code")
        return report
    read = ", ".join(result.files_read) or "nothing (it worked from the context given)"
    header = (f"# Written by bumba implement ({result.model}); review before running.\n"
              f"# Files it read: {read}\n")
    cell = header + code.rstrip() + "\n"
    report.artifacts.append(Artifact(title="code for the new cell", mime="text/x-python", data=cell))
    report.metrics["files read"] = len(result.files_read)
    if request.shell is not None and hasattr(request.shell, "set_next_input"):
        request.shell.set_next_input(cell, replace=False)
        report.notes.append("the code is in a new cell below, not run")
    return report


def _last_fence(text: str) -> str:
    blocks = _FENCE.findall(text or "")
    return blocks[-1].strip() if blocks else ""


COMMAND = register(Command(
    "implement", "Write code for the cell's request into a new cell below, never run (agent only).",
    needs="a cell body describing the change, and an Anthropic API key", order=120, lane="agent",
    run=run, arguments=arguments,
    details="%%bumba implement, then describe the code in the cell. The agent reads the notebook and the "
    "repository, then writes the code into a new cell below yours, listing the files it read. It is "
    "never executed for you.",
    agent_brief="Lane: implement. Write the code the user asks for, as one notebook cell that fits their "
    "notebook and project (read what you need first). Hand it over with write_cell. It is "
    "inserted below their cell and never run for them. Keep the narrative short.",
))
