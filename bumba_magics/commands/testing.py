"""``test api|security|integration``: a running service or the project's test suite, as findings.

(Named ``testing`` so test runners do not collect it.)
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..measure import TEST_MODES, add_modes, run_mode
from .base import Command, register

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest


def arguments(parser: argparse.ArgumentParser) -> None:
    add_modes(parser, TEST_MODES)


def run(request: RunRequest) -> Report:
    return run_mode(request, TEST_MODES)


COMMAND = register(Command(
    "test", "API conformance (OpenAPI), HTTP security checks, or the project's test suite as findings.",
    needs="'api SPEC --base-url URL', 'security URL [PATH]' or 'integration PATH'", order=80,
    takes_cell=False, lane="measure", run=run, arguments=arguments, rule_modules=("bumba_magics.measure.rules",),
    details="test api SPEC --base-url URL: every operation of an OpenAPI spec exercised with generated valid "
    "and invalid inputs (schemathesis). test security URL [PATH]: security headers, cookies, CORS, TLS, "
    "banners, directory listing, verbose errors, plus the 'secure' review of PATH. test integration PATH: "
    "the project's pytest suite; failures and errors become findings at the failing test.",
))
