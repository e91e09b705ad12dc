"""``help [COMMAND]``: the catalogue, or one command's options."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..views.markdown import Markdown
from ..views.tables import Table
from .base import Command, catalogue_rows, get_command, register
from .parser import build_parser

if TYPE_CHECKING:
    from ..core.request import RunRequest


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("topic", nargs="?", help="a command name")


def run(request: RunRequest) -> Table | Markdown:
    topic = getattr(request.args, "topic", None)
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


COMMAND = register(Command("help", "List the commands, or show one command's help.", needs="optionally a command name",
                           order=130, lane="meta", takes_cell=False, run=run, arguments=arguments))
