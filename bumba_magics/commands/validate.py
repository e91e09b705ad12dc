"""``validate performance URL``: a bounded load test of an HTTP endpoint (measure.loadtest)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..measure import VALIDATE_MODES, add_modes, run_mode
from .base import Command, register

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest


def arguments(parser: argparse.ArgumentParser) -> None:
    add_modes(parser, VALIDATE_MODES)


def run(request: RunRequest) -> Report:
    return run_mode(request, VALIDATE_MODES)


COMMAND = register(Command(
    "validate", "Bounded load test of an HTTP endpoint: latency percentiles and a plot.",
    needs="'performance' and a URL, e.g. validate performance http://127.0.0.1:8000/health", order=70,
    takes_cell=False, lane="measure", run=run, arguments=arguments, rule_modules=("bumba_magics.measure.rules",),
    details="validate performance URL [--requests N] [--concurrency N] [--duration 10s] [--p95 200ms] "
    "[--error-rate 1%]: latency percentiles, throughput, error rate, a histogram and latency over time. "
    "Hard caps on requests, concurrency and time; hosts other than loopback need --allow-remote.",
))
