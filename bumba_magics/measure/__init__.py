"""The measuring commands: they send real requests or run real tests instead of reading code.

``validate performance URL`` (loadtest), ``test api SPEC --base-url URL`` (apitest), ``test security URL [PATH]``
(httpsecurity) and ``test integration PATH`` (integration). The first word after the command picks the
mode; each mode's module is imported only when it runs, so ``%bumba help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib

from ..core.errors import ReviewError
from ..core.report import Report
from ..core.request import RunRequest

# mode -> (module of this package, summary)
VALIDATE_MODES = {"performance": ("loadtest", "Bounded load test of an HTTP endpoint.")}
TEST_MODES = {
    "api": ("apitest", "OpenAPI conformance of a running service (schemathesis)."),
    "security": ("httpsecurity", "HTTP hardening checks of a running service, plus the source when PATH is given."),
    "integration": ("integration", "Run the project's pytest suite; failures and errors become findings."),
}


def add_modes(parser: argparse.ArgumentParser, modes: dict[str, tuple[str, str]]) -> None:
    """One sub-command per mode, each with the options its module declares."""
    sub = parser.add_subparsers(dest="mode", metavar="MODE", parser_class=type(parser), required=True)
    for mode, (module, summary) in modes.items():
        p = sub.add_parser(mode, help=summary, description=summary)
        importlib.import_module(f".{module}", __package__).add_arguments(p)


def run_mode(request: RunRequest, modes: dict[str, tuple[str, str]]) -> Report:
    """Run the mode the command line chose; its module is imported only now."""
    mode = getattr(request.args, "mode", None)
    if mode not in modes:
        raise ReviewError(f"'{request.command.name}' needs a mode: {', '.join(modes)}")
    return importlib.import_module(f".{modes[mode][0]}", __package__).run(request)
