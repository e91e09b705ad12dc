"""Argument parsing shared by ``%bumba``, the ``bumba`` CLI and the server, generated from the registry.

argparse gives ``--help`` per command for free; its habit of calling ``sys.exit`` is turned into
exceptions (core.options) so a typo in a notebook never exits the kernel.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass

from ..core.options import HelpShown, OptionParser, UsageError, add_review_options
from .base import Command, catalogue, get_command


def build_parser(prog: str = "bumba", only: Command | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or with ``only`` just that command's: a command's options may import
    heavy modules (an HTTP client, a property-based tester), and a notebook should not pay for them on
    every ``%bumba scan``."""
    parser = OptionParser(prog=prog, description="A backend engineer that reviews your code and notebooks.",
                          formatter_class=argparse.RawDescriptionHelpFormatter, epilog=catalogue_text())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OptionParser)
    for command in [only] if only is not None else catalogue():
        help_text = command.summary + ("" if command.available else f" [unavailable: {command.unavailable_reason}]")
        p = sub.add_parser(command.name, aliases=list(command.aliases), help=help_text,
                           description=f"{command.summary}\n\n{command.details}".strip(),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        add_command_options(p, command)
    return parser


def add_command_options(parser: argparse.ArgumentParser, command: Command) -> None:
    if command.arguments is not None:
        command.arguments(parser)
    else:
        add_review_options(parser, command)
    if not command.available:  # whatever follows is accepted, so the user reads why it does not run
        parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


@dataclass
class Invocation:
    command: Command
    args: argparse.Namespace


def parse(argv: list[str] | str, prog: str = "bumba") -> Invocation:
    """Parse a command line (a list, or a string as typed after ``%bumba``)."""
    if isinstance(argv, str):
        try:
            argv = shlex.split(argv)
        except ValueError as error:
            raise UsageError(f"cannot split the arguments: {error}") from None
    if any("\x00" in arg for arg in argv):  # no path, code or option can hold one; say so before any lookup
        raise UsageError(f"{prog}: an argument contains a NUL character")
    if not argv or argv[0] in ("-h", "--help"):
        build_parser(prog).print_help()
        raise HelpShown()
    if argv[0].startswith("-"):
        raise UsageError(f"{prog}: the command comes first (e.g. '{prog} scan {' '.join(argv)}'); try 'help'")
    # unknown command: a "did you mean" rather than argparse's choice list
    command = get_command(argv[0])
    if argv[0] not in (command.name, *command.aliases):  # 'SCAN': found by its folded name, parsed by its own
        argv = [command.name, *argv[1:]]
    args = build_parser(prog, only=command).parse_args(argv)
    if args.command is None:
        raise UsageError("no command given; try 'help'")
    return Invocation(command=get_command(args.command), args=args)


def catalogue_text() -> str:
    """The catalogue as plain text, for ``--help`` and ``%bumba?``."""
    lines = ["commands:"]
    width = max(len(c.name) for c in catalogue()) + 2
    for command in catalogue():
        name = command.name + (f" ({', '.join(command.aliases)})" if command.aliases else "")
        status = "" if command.available else "  [unavailable]"
        lines.append(f"  {name:<{width + 12}}{command.summary}{status}")
        lines.append(f"  {'':<{width + 12}}needs: {command.needs}")
    return "\n".join(lines)


def review_overrides(args: argparse.Namespace) -> dict:
    """The settings a user gave on the command line (None means "not given")."""
    return {
        "engine": getattr(args, "engine", None),
        "min_severity": getattr(args, "severity", None),
        "fail_on": getattr(args, "fail_on", None),
        "select": getattr(args, "select", None),
        "ignore": getattr(args, "ignore", None),
        "agent": getattr(args, "agent", None),
        "cache": False if getattr(args, "no_cache", False) else None,
        "include_repo": False if getattr(args, "no_repo", False) else None,
        "model": getattr(args, "model", None),
        "max_turns": getattr(args, "max_turns", None),
        "max_cost": getattr(args, "max_cost", None),
        "refresh": getattr(args, "refresh", None),
        "include_values": getattr(args, "include_values", None),
    }


def format_for(output: str | None, explicit: str | None, default: str = "text") -> str:
    """An explicit --format wins; otherwise the output file's extension decides."""
    if explicit:
        return explicit
    suffixes = {".json": "json", ".sarif": "sarif", ".md": "markdown", ".html": "html", ".htm": "html"}
    if output:
        for suffix, fmt in suffixes.items():
            if output.lower().endswith(suffix):
                return fmt
    return default


def is_deliberate(error: BaseException) -> bool:
    """False for a bare KeyError: ours (an unknown rule, an unknown agent) are subclasses that say what they
    are; a plain one is a bug and must not be shown as the user's mistake."""
    return type(error) is not KeyError


def usage_message(error: BaseException) -> str:
    """How an error the user can fix reads in one line: a KeyError without its quotes, an OSError as
    'path: reason' (it is the file system's answer about a path the user named)."""
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    return str(error) or type(error).__name__


__all__ = ["HelpShown", "Invocation", "UsageError", "build_parser", "catalogue_text", "format_for", "is_deliberate",
           "parse", "review_overrides", "usage_message"]
