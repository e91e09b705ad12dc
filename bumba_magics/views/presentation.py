"""What every view of a Report says the same way: the severity order and colours, the order of findings,
the header facts, the gate sentence, where a reference links and how a step of a dataflow path is named.

The HTML, Markdown and text views and the widget draw these in their own markup; the words and the order
come from here, so the views cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..core.findings import Finding, FlowStep, Severity

if TYPE_CHECKING:
    from ..core.report import Report

SEVERITY_ORDER = sorted(Severity, key=lambda s: -s.rank)  # critical first

# Badge colours chosen so white text stays readable on them in light and dark themes.
SEVERITY_COLOURS = {
    Severity.critical: "#7b1fa2",
    Severity.high: "#c62828",
    Severity.medium: "#b45309",
    Severity.low: "#1565c0",
    Severity.info: "#546e7a",
}

_CWE = re.compile(r"^CWE-(\d+)$", re.IGNORECASE)


def reference_url(reference: str) -> str | None:
    """The link for a reference: CWE ids point at MITRE, http(s) URLs at themselves, anything else at nothing."""
    reference = reference.strip()
    match = _CWE.match(reference)
    if match:
        return f"https://cwe.mitre.org/data/definitions/{int(match.group(1))}.html"
    if reference.lower().startswith(("http://", "https://")):
        return reference
    return None


def step_label(step: FlowStep) -> str:
    """Where a step of a dataflow path is: ``app/db.py:12``, or ``nb.ipynb cell 3, line 2``."""
    where = step.path or "<input>"
    if step.cell is not None:
        return f"{where} cell {step.cell}" + (f", line {step.line}" if step.line else "")
    return f"{where}:{step.line}" if step.line else where


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by place: the order every view shows."""
    return sorted(findings, key=Finding.sort_key)


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def severity_counts(report: Report) -> list[tuple[Severity, int]]:
    counts = report.summary.by_severity
    return [(severity, counts.get(severity.value, 0)) for severity in SEVERITY_ORDER]


def gate_sentence(report: Report) -> str | None:
    """``Gate: FAIL (2 findings at or above high)`` — or None when no threshold was set."""
    gate, threshold = report.summary.gate, report.run.fail_on
    incomplete = f"the review is incomplete: {report.incomplete_summary()}" if report.incomplete else None
    if report.run.gate is not None:  # a verdict with reasons (checkpoint budgets)
        failing = [r.removeprefix("FAIL: ") for r in report.metrics.get("reasons", []) if r.startswith("FAIL")]
        if incomplete and not any(r.startswith("the review is incomplete") for r in failing):
            failing.insert(0, incomplete)  # e.g. the agent stopped after the verdict was reached
        return f"Gate: {(gate or report.run.gate).upper()}" + (f" ({'; '.join(failing)})" if failing else "")
    if gate is None or threshold is None:
        return None
    reaching = len(report.at_least(threshold))
    if gate == "fail":
        noun = "finding" if reaching == 1 else "findings"
        reasons = [incomplete] if incomplete else []
        if reaching or not incomplete:
            reasons.append(f"{reaching} {noun} at or above {threshold.value}")
        return f"Gate: FAIL ({'; '.join(reasons)})"
    return f"Gate: PASS (nothing at or above {threshold.value})"


# What an incomplete report says above its findings, in every view.
INCOMPLETE_HEADING = "Review incomplete: these parts of the code were not looked at"


def run_facts(report: Report) -> list[tuple[str, str]]:
    """The header facts every view shows, as (label, value) pairs."""
    run = report.run
    engines = ", ".join(run.engines) if run.engines else run.engine
    facts = [("engine", engines), ("duration", format_duration(run.duration_s)), ("files", str(run.files))]
    if run.model:
        facts.append(("model", run.model))
    if run.agent:
        facts.append(("agent", run.agent))
    if run.git_commit:
        facts.append(("commit", run.git_commit[:12]))
    return facts


def count_phrase(count: int, noun: str) -> str:
    """``1 finding``, ``3 findings``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
