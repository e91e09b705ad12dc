"""``improve``: refactoring suggestions that are ruff's own fixes, shown as diffs and applied only with
``--apply`` (the work is in ``generators.ruff_fixes``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..core.options import add_review_options
from .base import Command, register

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest

# the rule families whose fixes are mechanical rewrites: pyupgrade, simplify, comprehensions, PERF, RUF, bugbear
RULE_FAMILIES = ("UP", "SIM", "C4", "PERF", "RUF", "B")


def arguments(parser: argparse.ArgumentParser) -> None:
    add_review_options(parser, COMMAND)
    parser.add_argument("--apply", action="store_true",
                        help="write the fixes shown into the files (each changed file is backed up first)")
    parser.add_argument("--unsafe-fixes", action="store_true", dest="unsafe_fixes",
                        help="with --apply, also apply fixes ruff marks unsafe (they may change behaviour)")


def show_fixes(request: RunRequest, report: Report) -> None:
    # the ruff bridge is imported when fixes are shown, not when %load_ext builds the catalogue
    from ..generators.ruff_fixes import enrich

    enrich(request, report)


COMMAND = register(Command(
    "improve", "Refactoring suggestions with patches: ruff's fixes, applied only with --apply.",
    needs="a notebook, a cell body or a path", order=60,
    analyzers=("ruff",), ruff_select=RULE_FAMILIES,
    details="Shows ruff's fixable findings (pyupgrade, simplify, comprehensions, PERF, RUF, bugbear) with "
    "their diffs and the whole change as one diff. Nothing is written unless --apply is given; then the "
    "files are backed up to .bumba-backup/ first and ruff's safe fixes for the rules shown are applied "
    "(--unsafe-fixes adds the others).",
    arguments=arguments, enrich=show_fixes,
))
