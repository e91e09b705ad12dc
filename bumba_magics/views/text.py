"""A Report as terminal text, without colour: one line per finding, or the details with ``verbose``.

Control characters in reviewed code (ANSI escapes above all) are shown as ``\\xNN`` so they never reach
the terminal as commands.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..core.findings import Finding
from .presentation import (
    INCOMPLETE_HEADING,
    count_phrase,
    gate_sentence,
    run_facts,
    severity_counts,
    sorted_findings,
    step_label,
)

if TYPE_CHECKING:
    from ..core.report import Report

# Control characters (ANSI escapes above all) in reviewed code must not reach the terminal as commands.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LOCATION_WIDTH = 48  # wider locations are not padded further: one long path must not shift every line


def _plain(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _one_line(text: str) -> str:
    return " ".join(_plain(text).split())


def _indented(label: str, text: str, indent: str = "    ") -> list[str]:
    body = _plain(text).rstrip("\n").splitlines() or [""]
    first = f"{indent}{label}: {body[0]}" if label else f"{indent}{body[0]}"
    pad = indent + (" " * (len(label) + 2) if label else "")
    return [first] + [f"{pad}{line}" for line in body[1:]]


def _text_verbose_details(finding: Finding) -> list[str]:
    lines = []
    if finding.evidence:
        lines += _indented("evidence", finding.evidence)
    if finding.flow:
        lines.append("    path:")
        lines += [f"      {n}. {_one_line(step_label(step))}  {_one_line(step.code or '')}  ({_one_line(step.label)})"
                  for n, step in enumerate(finding.flow, 1)]
    if finding.also_reported:
        lines += _indented("also reported as", ", ".join(finding.also_reported))
    if finding.why:
        lines += _indented("why", finding.why)
    if finding.recommendation:
        lines += _indented("do", finding.recommendation)
    if finding.fix is not None:
        lines += _indented("fix", finding.fix.description)
        for code in (finding.fix.code, finding.fix.patch):
            if code:
                lines += _indented("", code, indent="        ")
    if finding.references:
        lines += _indented("see", ", ".join(finding.references))
    if finding.fingerprint:
        lines += _indented("id", finding.fingerprint)
    return lines


def report_to_text(report: Report, verbose: bool = False) -> str:
    """Terminal text without colour: one line per finding; ``verbose`` adds why, what to do and the fix."""
    run = report.run
    facts = ", ".join(f"{label} {value}" for label, value in run_facts(report))
    lines = [_one_line(f"bumba {run.command}  {run.target}  ({facts})")]
    findings = sorted_findings(report.findings)
    if findings:
        counts = ", ".join(
            f"{count} {severity.value}" for severity, count in severity_counts(report) if count
        )
        lines.append(f"{count_phrase(len(findings), 'finding')}: {counts}")
    gate = gate_sentence(report)
    if gate:
        lines.append(gate)
    if report.incomplete:
        lines += ["", f"{INCOMPLETE_HEADING}:"]
        lines += [f"  ! {_one_line(reason)}" for reason in report.incomplete_reasons()]
    if report.narrative:
        lines += ["", "Narrative:"] + _indented("", report.narrative, indent="  ")
    if report.metrics:
        lines += [""] + [f"  {_one_line(str(k))}: {_one_line(str(v))}" for k, v in report.metrics.items()]
    for artifact in report.artifacts:
        where = f" (written to {artifact.path})" if artifact.path else ""
        lines.append(_one_line(f"{artifact.title}{where}"))
    lines.append("")
    if not findings:
        lines.append("No findings.")
    else:
        rule_width = max(len(f.rule) for f in findings)
        labels = [_one_line(f.location.label()) for f in findings]
        location_width = min(max(len(label) for label in labels), _LOCATION_WIDTH)
        for finding, label in zip(findings, labels):
            severity = finding.severity.value.upper()
            lines.append(
                f"{severity:<8}  {_one_line(finding.rule):<{rule_width}}  {label:<{location_width}}  "
                f"{_one_line(finding.title)}".rstrip()
            )
            if verbose:
                lines += _text_verbose_details(finding)
            elif finding.flow:
                lines.append("    path: " + " → ".join(_one_line(step_label(step)) for step in finding.flow))
    if report.notes:
        lines += ["", "Notes:"] + [f"  - {_one_line(note)}" for note in report.notes]
    return "\n".join(lines) + "\n"
