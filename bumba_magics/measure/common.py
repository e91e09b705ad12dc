"""What the measuring commands share: options, the loopback rule, findings about URLs, the report."""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import re
import time
from typing import Any
from urllib.parse import urlsplit

from ..analyzers.base import Rule
from ..core.errors import ReviewError
from ..core.findings import Finding, Location, Severity
from ..core.options import FORMATS, severity_option
from ..core.report import Artifact, Report, RunInfo
from ..core.request import RunRequest


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """The report options every measuring mode takes (the front ends read them by these names)."""
    parser.add_argument("--severity", type=severity_option, metavar="LEVEL",
                        help="report only findings at or above LEVEL (critical, high, medium, low, info)")
    parser.add_argument("--fail-on", type=severity_option, metavar="LEVEL", dest="fail_on",
                        help="fail (exit 1 / raise) when a finding reaches LEVEL; 'none' turns the gate off")
    parser.add_argument("-f", "--format", choices=FORMATS, help="output format (CLI: text by default)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE (format from --format or the file's extension)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def parse_headers(values: list[str]) -> dict[str, str]:
    """``-H "Name: value"`` options as a dict; a malformed one is a clear error."""
    headers = {}
    for header in values:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise ReviewError(f"--header {header!r} is not 'Name: value'")
        headers[name.strip()] = value.strip()
    return headers


def check_url(url: str, allow_remote: bool = False) -> str:
    """An http(s) URL whose host is loopback, unless the user explicitly allowed remote hosts.

    Only literal loopback addresses and ``localhost`` count: a name is not resolved, because what it resolves
    to can change between this check and the requests.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReviewError(f"{url!r} is not an http:// or https:// URL with a host")
    if not allow_remote and not is_loopback(parts.hostname):
        raise ReviewError(
            f"{parts.hostname} is not a loopback host; these commands send real traffic, so a remote host needs "
            "--allow-remote (use it only against services you are allowed to test)"
        )
    return url


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def duration_ms(value: str) -> float:
    """'200ms', '0.2s', '1.5 s' or a bare number of milliseconds."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(ms|s|us|µs)?\s*", value.lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{value!r} is not a duration like 200ms or 0.5s")
    number, unit = float(match.group(1)), match.group(2) or "ms"
    return number * {"ms": 1.0, "s": 1000.0, "us": 0.001, "µs": 0.001}[unit]


def fraction(value: str) -> float:
    """'1%' or '0.01' as a fraction in [0, 1]."""
    text = value.strip()
    try:
        number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a rate like 1% or 0.01") from None
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not between 0% and 100%")
    return number


def finding(rule: Rule, where: str, *, key: str = "", title: str | None = None, evidence: str | None = None,
            severity: Severity | None = None, line: int | None = None, recommendation: str | None = None) -> Finding:
    """A finding at a URL, an API operation or a test file.

    Measured evidence (latencies, generated inputs) changes from run to run, so the fingerprint is built from
    the rule, the place and ``key`` instead — the same problem stays the same finding across runs.
    """
    digest = hashlib.sha256(f"{rule.code}\x1f{where}\x1f{key}".encode()).hexdigest()[:20]
    return Finding(
        rule=rule.code, title=title or rule.title, severity=severity or rule.severity, category=rule.category,
        location=Location(path=where, line=line), evidence=evidence, why=rule.why,
        recommendation=recommendation or rule.recommendation, analyzer=rule.analyzer,
        references=list(rule.references), fingerprint=digest,
    )


def build_report(request: RunRequest, target: str, findings: list[Finding], *, started: float,
                 metrics: dict[str, Any] | None = None, artifacts: list[Artifact] | None = None,
                 notes: list[str] | None = None, root: str | None = None, tools: dict[str, str] | None = None,
                 label: str | None = None) -> Report:
    minimum = request.overrides.get("min_severity")
    if minimum:
        findings = [f for f in findings if f.severity.at_least(minimum)]
    return Report(
        run=RunInfo(command=label or request.command.name, target=target, root=root,
                    duration_s=round(time.monotonic() - started, 3), tool_versions=tools or {}),
        findings=findings, metrics=metrics or {}, artifacts=artifacts or [], notes=notes or [],
    )


def short(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"
