"""The command line's vocabulary: option types, the option groups commands share, and argparse's exits as
exceptions (a typo in a notebook must never exit the kernel).

Below the commands, so a command module and a measuring mode declare their options with the same words.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from .findings import Severity

if TYPE_CHECKING:
    from ..commands.base import Command

FORMATS = ("text", "json", "sarif", "markdown", "html")
MAX_TURNS = 1000  # far past any useful agent run; the cost cap stops it long before


class UsageError(ValueError):
    """Bad arguments: the message says what is wrong (the CLI exits 2, the magic shows it)."""


class HelpShown(Exception):
    """``--help`` was asked for; the help text has already been printed."""


class OptionParser(argparse.ArgumentParser):
    """argparse, raising instead of calling ``sys.exit``."""

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


def rule_codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def add_review_options(parser: argparse.ArgumentParser, command: Command) -> None:
    """The options every review command shares; a command's own ``arguments`` may call this first."""
    parser.add_argument("target", nargs="?", help=f"what to review: {command.needs}")
    parser.add_argument("--engine", type=str.lower, metavar="ENGINE",
                        help="auto (the default: the Claude agent when a key is set, else offline), offline (the "
                             "embedded analyzers, no key, no network), claude, or an installed engine")
    parser.add_argument("--severity", type=severity_option, metavar="LEVEL",
                        help="report only findings at or above LEVEL (critical, high, medium, low, info)")
    parser.add_argument("--fail-on", type=severity_option, metavar="LEVEL", dest="fail_on",
                        help="fail (exit 1 / raise) when a finding reaches LEVEL; 'none' turns the gate off")
    parser.add_argument("--select", type=rule_codes, metavar="CODES", help="only these rule codes or prefixes")
    parser.add_argument("--ignore", type=rule_codes, metavar="CODES", help="drop these rule codes or prefixes")
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


def add_output_folder_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``-o DIR`` is where generated files go; the report itself is still written with ``--output FILE``."""
    # takes -o from --output, which keeps its long name; options live in the parser's optionals group, which
    # copied the conflict handler when it was made
    parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
    parser.add_argument("-o", "--out", dest="out_dir", metavar="DIR", help=help_text)
