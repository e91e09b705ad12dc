"""Argument parsing shared by ``%bumba`` and the ``bumba`` CLI, generated from the command catalogue.

argparse gives ``--help`` per command for free; its habit of calling ``sys.exit`` is turned into
exceptions so a typo in a notebook never exits the kernel.
"""

from __future__ import annotations

import argparse
import math
import shlex
from dataclasses import dataclass

from .commands import Command, catalogue, get_command, load_hook
from .core.findings import Severity

FORMATS = ("text", "json", "sarif", "markdown", "html")
MAX_TURNS = 1000  # far past any useful agent run; the cost cap stops it long before
MAX_HISTORY = 100_000


class UsageError(ValueError):
    """Bad arguments: the message says what is wrong (the CLI exits 2, the magic shows it)."""


class HelpShown(Exception):
    """``--help`` was asked for; the help text has already been printed."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and sys.exit(2)
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> None:
        if message:
            raise UsageError(message.strip())
        raise HelpShown()


def severity_option(value: str) -> Severity | str:
    if value.lower() in ("none", "never", "off"):
        return "none"  # an explicit "no gate", distinct from "not given"
    try:
        return Severity.parse(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def bounded_int(low: int, high: int):
    """An argparse type: a whole number in [low, high]. Bounds keep a typo such as 99999999999999999999 a
    usage error rather than an overflow deep in SQLite or a loop that never ends."""

    def parse_int(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range: {low} to {high:,}")
        return number

    parse_int.__name__ = "whole number"  # argparse names the type in its messages
    return parse_int


def usd_amount(value: str) -> float:
    """An amount in USD: finite and not negative (nan and inf would pass every budget check)."""
    try:
        amount = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an amount in USD") from None
    if not math.isfinite(amount) or amount < 0:
        raise argparse.ArgumentTypeError(f"{value} is not an amount in USD (a number, 0 or more)")
    return amount


def output_file(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("needs a file name (it is empty)")
    return value


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


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def add_review_options(parser: argparse.ArgumentParser, command: Command) -> None:
    """The options every review command shares; a command's own ``arguments`` hook may call this first."""
    _add_review_options(parser, command)


def _add_review_options(parser: argparse.ArgumentParser, command: Command) -> None:
    parser.add_argument("target", nargs="?", help=f"what to review: {command.needs}")
    parser.add_argument("--engine", choices=("auto", "offline", "claude"),
                        help="offline (default via auto) runs the embedded analyzers, no key, no network")
    parser.add_argument("--severity", type=severity_option, metavar="LEVEL",
                        help="report only findings at or above LEVEL (critical, high, medium, low, info)")
    parser.add_argument("--fail-on", type=severity_option, metavar="LEVEL", dest="fail_on",
                        help="fail (exit 1 / raise) when a finding reaches LEVEL; 'none' turns the gate off")
    parser.add_argument("--select", type=_codes, metavar="CODES", help="only these rule codes or prefixes")
    parser.add_argument("--ignore", type=_codes, metavar="CODES", help="drop these rule codes or prefixes")
    parser.add_argument("--agent", metavar="NAME|PATH", help="agent definition to use (see 'agents')")
    parser.add_argument("--no-cache", action="store_true", help="analyze every file again")
    parser.add_argument("--no-repo", action="store_true",
                        help="review only the notebook, not the repository it sits in")
    parser.add_argument("--update-baseline", action="store_true",
                        help="record this run's findings as the accepted baseline (bumba-baseline.json)")
    parser.add_argument("-f", "--format", choices=FORMATS, help="output format (CLI: text by default)")
    parser.add_argument("-o", "--output", metavar="FILE", type=output_file,
                        help="write the report to FILE (format from --format or the file's extension); missing "
                             "folders are created; if FILE cannot be written the report is printed instead")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    add_agent_options(parser)
    parser.add_argument("--include-values", action="store_true", default=None, dest="include_values",
                        help="let the agent see variable values (redacted), not only types and shapes")


def add_agent_options(parser: argparse.ArgumentParser) -> None:
    """--model, --max-turns, --max-cost, --refresh: for every command the Claude engine can run."""
    parser.add_argument("--model", metavar="MODEL", help="sonnet, opus, haiku or a model id (default: the agent's)")
    parser.add_argument("--max-turns", type=bounded_int(1, MAX_TURNS), metavar="N", dest="max_turns",
                        help="stop the agent after N turns (default 12)")
    parser.add_argument("--max-cost", type=usd_amount, metavar="USD", dest="max_cost",
                        help="stop the agent before its estimated cost passes USD (default 1.00)")
    parser.add_argument("--refresh", action="store_true", default=None,
                        help="ask the agent again instead of replaying its cached answer")


def build_parser(prog: str = "bumba", only: Command | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or with ``only`` just that command's: a command's option hook may
    import heavy modules (an HTTP client, a property-based tester), and a notebook should not pay for
    them on every ``%bumba scan``."""
    parser = _Parser(prog=prog, description="A backend engineer that reviews your code and notebooks.",
                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=catalogue_text())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in [only] if only is not None else catalogue():
        help_text = command.summary + ("" if command.available else f" [unavailable: {command.unavailable_reason}]")
        p = sub.add_parser(command.name, aliases=list(command.aliases), help=help_text,
                           description=f"{command.summary}\n\n{command.details}".strip(),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        add_command_options(p, command)
    return parser


def add_command_options(p: argparse.ArgumentParser, command: Command) -> None:
    if command.arguments:
        load_hook(command.arguments)(p)
    elif command.analyzers or command.runner or not command.available:
        _add_review_options(p, command)
        if not command.available:
            p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    elif command.name == "help":
        p.add_argument("topic", nargs="?", help="a command name")
    elif command.name == "explain":
        p.add_argument("rule", help="a rule code, e.g. BMB101 or S608")
    elif command.name == "history":
        p.add_argument("target", nargs="?", help="only runs on this target")
        p.add_argument("--limit", type=bounded_int(1, MAX_HISTORY), default=20, metavar="N",
                       help="show the N newest runs (default 20)")
    elif command.name == "agents":
        p.add_argument("--project", metavar="DIR", help="project folder to search for .claude/agents")


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
