"""The measuring commands: they send real requests or run real tests instead of reading code.

``validate performance URL`` (loadtest), ``test api SPEC --base-url URL`` (apitest), ``test security URL [PATH]``
(httpsecurity) and ``test integration PATH`` (integration). The first word after the command picks the
mode; each mode's module is imported only when it runs, so ``%bumba help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib

from ..core.report import Report
from ..review import ReviewError, RunRequest

_VALIDATE_MODES = {"performance": ("loadtest", "Bounded load test of an HTTP endpoint.")}
_TEST_MODES = {
    "api": ("apitest", "OpenAPI conformance of a running service (schemathesis)."),
    "security": ("httpsecurity", "HTTP hardening checks of a running service, plus the source when PATH is given."),
    "integration": ("integration", "Run the project's pytest suite; failures and errors become findings."),
}


def _add_modes(parser: argparse.ArgumentParser, modes: dict[str, tuple[str, str]]) -> None:
    sub = parser.add_subparsers(dest="mode", metavar="MODE", parser_class=type(parser), required=True)
    for mode, (module, summary) in modes.items():
        p = sub.add_parser(mode, help=summary, description=summary)
        importlib.import_module(f".{module}", __package__).add_arguments(p)


def validate_arguments(parser: argparse.ArgumentParser) -> None:
    _add_modes(parser, _VALIDATE_MODES)


def test_arguments(parser: argparse.ArgumentParser) -> None:
    _add_modes(parser, _TEST_MODES)


def _run(request: RunRequest, modes: dict[str, tuple[str, str]]) -> Report:
    mode = getattr(request.args, "mode", None)
    if mode not in modes:
        raise ReviewError(f"'{request.command.name}' needs a mode: {', '.join(modes)}")
    return importlib.import_module(f".{modes[mode][0]}", __package__).run(request)


def run_validate(request: RunRequest) -> Report:
    return _run(request, _VALIDATE_MODES)


def run_test(request: RunRequest) -> Report:
    return _run(request, _TEST_MODES)
