"""The commands that describe rather than review: help, agents, explain, history. Each returns something
that displays well everywhere (a Table, or Markdown text)."""

from __future__ import annotations

import errno
from pathlib import Path

from .analyzers.base import RULES
from .arguments import build_parser
from .commands import catalogue_rows, get_command
from .views.tables import Table


class UnknownRule(KeyError):
    """``explain`` of a code no rule has (a KeyError of ours: the front ends show it as a usage error)."""


class Markdown:
    """Markdown that Jupyter renders and a terminal prints as is."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def help_view(topic: str | None = None) -> Table | Markdown:
    if topic:
        command = get_command(topic)
        parser = build_parser("%bumba", only=command)
        sub = next(a for a in parser._actions if a.dest == "command")  # argparse keeps subparsers here
        text = sub.choices[command.name].format_help()
        status = "" if command.available else f"\n**Unavailable:** {command.unavailable_reason}.\n"
        return Markdown(f"### {command.name}\n{status}\n```\n{text}```")
    return Table(
        "bumba commands", catalogue_rows(), ["command", "status", "summary", "needs"],
        footer="'%bumba COMMAND --help' for a command's options; '%bumba explain RULE' for a rule.",
    )


def agents_view(project: str | None = None) -> Table:
    from .agents import agents_table, discover_agents_with_errors

    if project and not Path(project).expanduser().is_dir():  # a typo must not quietly list only the built-ins
        exists = Path(project).expanduser().exists()
        raise (NotADirectoryError(errno.ENOTDIR, "not a folder", project) if exists
               else FileNotFoundError(errno.ENOENT, "no such folder", project))
    specs, errors = discover_agents_with_errors(project_dir=Path(project) if project else None)
    footer = "; ".join(str(e) for e in errors)
    return Table("agent definitions", agents_table(specs), footer=footer)


def explain_view(code: str) -> Markdown:
    from .engines.offline import load_builtin_analyzers
    from .views.rules_doc import explain_rule

    load_builtin_analyzers()
    from .commands import load_rule_modules

    load_rule_modules()
    rule = RULES.get(code)
    if rule is not None:
        return Markdown(explain_rule(rule))
    from .analyzers.ruff_bridge import explain_ruff_rule

    text = explain_ruff_rule(code.upper())
    if text:
        return Markdown(text)
    raise UnknownRule(f"unknown rule {code!r}: 'bumba help' lists commands; docs/rules.md lists bumba's rules")


def history_view(target: str | None = None, limit: int = 20, store=None) -> Table:
    from .store import Store

    store = store or Store()
    rows = [
        {
            "started": r["started"], "command": r["command"], "target": r["target"], "findings": r["total"],
            "high+": r["summary"]["by_severity"].get("critical", 0) + r["summary"]["by_severity"].get("high", 0),
            "gate": r["summary"].get("gate") or "", "id": r["id"][:12],
        }
        for r in store.list_runs(target=target, limit=limit)
    ]
    return Table(f"bumba runs ({store.path})", rows,
                 ["started", "command", "target", "findings", "high+", "gate", "id"])
