"""What a command is, and the registry every front end, the sidebar and the docs read.

A command module declares ``COMMAND = register(Command(...))``. A command names the analyzers it runs, or
gives ``run(request)`` when it does something else (measures an endpoint, runs a test suite, writes docs,
or, in the meta lane, describes: help, explain, history). Commands whose implementation has not landed are
listed with the reason and refuse to run; they never return a made-up result.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    needs: str  # what the user must give it
    order: int = 1000  # its place in the catalogue (help, docs and the sidebar list commands in this order)
    analyzers: tuple[str, ...] = ()
    ruff_select: tuple[str, ...] = ()
    ruff_ignore: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    available: bool = True
    unavailable_reason: str = ""
    takes_cell: bool = True  # ``%%bumba NAME`` reviews the cell body
    lane: str = "review"  # review | measure | agent | meta
    details: str = ""  # longer help, shown by ``%bumba NAME --help``
    # A command that does something other than run the analyzers over a target: ``run(request) -> Report``
    # (stored and gated like a review), or in the meta lane whatever displays well (a Table, Markdown, None)
    run: Callable[[RunRequest], Any] | None = None
    # its own argparse options, ``arguments(parser)``; without it a command takes the review options
    arguments: Callable[[argparse.ArgumentParser], None] | None = None
    # called after the analyzers, ``enrich(request, report)``: measurements (profiling, budgets, fixes)
    enrich: Callable[[RunRequest, Report], None] | None = None
    gate: str | None = None  # the --fail-on level when neither the user nor [tool.bumba] sets one
    agent_brief: str = ""  # what the Claude engine is told this command is for (its system prompt's last part)
    # modules declaring rules the command reports (docs coverage, deployment, profiling): imported by the
    # rules page and ``explain`` so they know every rule without the command having run
    rule_modules: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def reviews(self) -> bool:
        """Runs the analyzers over a target (``run`` is None)."""
        return self.run is None and bool(self.analyzers)

    @property
    def describes(self) -> bool:
        """A meta command: it shows something (help, history …) and is neither stored nor gated."""
        return self.lane == "meta"


COMMANDS: dict[str, Command] = {}
ALIASES: dict[str, str] = {}


def register(command: Command) -> Command:
    if command.name in COMMANDS:
        raise ValueError(f"two commands are named {command.name!r}")
    COMMANDS[command.name] = command
    ALIASES.update({alias: command.name for alias in command.aliases})
    return command


class UnknownCommand(ValueError):
    def __init__(self, name: str) -> None:
        names = sorted([*COMMANDS, *ALIASES])
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown command {name!r}.{hint} 'help' lists the commands.")
        self.name = name
        self.suggestions = close


class CommandUnavailable(RuntimeError):
    pass


def get_command(name: str) -> Command:
    name = name.strip().lower()
    command = COMMANDS.get(name) or COMMANDS.get(ALIASES.get(name, ""))
    if command is None:
        raise UnknownCommand(name)
    return command


def require_available(command: Command) -> Command:
    if not command.available:
        raise CommandUnavailable(f"'{command.name}' is not available: {command.unavailable_reason}.")
    return command


def catalogue() -> list[Command]:
    return sorted(COMMANDS.values(), key=lambda c: c.order)


def catalogue_rows() -> list[dict[str, str]]:
    """One row per command, for help tables in every front end."""
    return [
        {
            "command": c.name + (f" ({', '.join(c.aliases)})" if c.aliases else ""),
            "status": "available" if c.available else f"unavailable: {c.unavailable_reason}",
            "summary": c.summary,
            "needs": c.needs,
        }
        for c in catalogue()
    ]


def load_rule_modules() -> None:
    """Import the modules that declare the commands' own rules, for the rules page and ``explain``."""
    for command in catalogue():
        for module in command.rule_modules:
            try:
                importlib.import_module(module)
            except ImportError:  # an optional extra is missing: its rules are documented where it is installed
                continue
