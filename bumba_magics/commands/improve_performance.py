"""``improve-performance``: performance anti-patterns with rewrites, and (``%%bumba``) the cell profiled."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..core.options import add_review_options
from .base import Command, register

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest


def arguments(parser: argparse.ArgumentParser) -> None:
    add_review_options(parser, COMMAND)
    parser.add_argument("--static", action="store_true",
                        help="%%%%bumba only: review the cell without running it (no profile)")
    parser.add_argument("--profiler", choices=("auto", "sampling", "pyinstrument", "cprofile"), default="auto",
                        help="sampling (default: no interpreter hook, full speed), pyinstrument (call tree) or "
                             "cprofile (call counts); the last two slow Python 3.11 code down, see the docs")
    parser.add_argument("--label", metavar="NAME",
                        help="the cell's identity for before/after (default: the cell id, else its first line)")
    parser.add_argument("--memory", choices=("auto", "rss", "tracemalloc", "off"), default="auto",
                        help="rss: growth of the peak resident size (Linux, no overhead; the default there); "
                             "tracemalloc: peak of Python allocations (slows allocation-heavy code 7-20x)")


def profile_cell(request: RunRequest, report: Report) -> None:
    # the profiler is imported when a cell is profiled, not when %load_ext builds the catalogue
    from ..measure.profiling import enrich

    enrich(request, report)


COMMAND = register(Command(
    "improve-performance", "Performance anti-patterns in the code with concrete rewrites.",
    needs="a cell body (%%bumba improve-performance), a notebook or a path", order=40,
    analyzers=("performance", "ruff"), ruff_select=("PERF",),
    details="Static part: row loops over DataFrames, apply where vectorised code exists, string building, "
    "regexes and I/O in loops, N+1 queries, list membership in loops, and ruff's PERF rules. Measured part "
    "(%%bumba only, when you run the cell; --static skips it): the cell runs once under pyinstrument (or "
    "cProfile) in the notebook's namespace; wall and CPU time, hot functions and lines, memory peak, a "
    "chart, static findings on hot lines promoted, and before/after against the cell's previous run.",
    arguments=arguments, enrich=profile_cell, rule_modules=("bumba_magics.measure.profiling",),
    agent_brief="Lane: improve-performance. Explain where time and memory go (use measurements when "
    "given) and propose rewrites that cut them, with code.",
))
