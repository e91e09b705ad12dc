"""``checkpoint``: the quality gate. Its verdict: the findings measured against the budgets in ``[tool.bumba.checkpoint]``.

The analyzers and the baseline have already run (``review``); this enrich hook counts what the report shows
(findings not accepted in the baseline) against each budget and turns the result into one verdict with its
reasons. The verdict *is* the gate: ``report.run.gate`` is set, so the CLI exits 1 and the magic raises when
it fails, and a budget that allows a few high findings can pass a run that a plain ``--fail-on high`` would
fail.

    [tool.bumba.checkpoint]
    max-new-high = 0          # findings at or above high (the fail-on level allows 0 unless set here)
    max-new = 25              # findings of any severity
    max-complexity = 15       # no function more complex than this (needs max-complexity <= 15 to be seen)
    max-complexity-findings = 3
    max-findings = { security = 0, performance = 5 }
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..core.findings import Finding, Severity
from ..settings import CheckpointSettings
from .base import Command, register
from .scan import SECURITY_RUFF_IGNORE

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest

_COMPLEXITY = re.compile(r"\((\d+) > (\d+)\)")  # ruff's C901 message: "`f` is too complex (14 > 10)"


def _count_at_least(findings: list[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity.at_least(severity))


def _complexity(finding: Finding) -> int | None:
    match = _COMPLEXITY.search(finding.title)
    return int(match.group(1)) if match else None


def verdict(findings: list[Finding], budgets: CheckpointSettings, fail_on: Severity | None) -> tuple[bool, list[str], dict]:
    """(passed, reasons, counts). Every budget that is set contributes a reason, passed or not, so the
    verdict says what was checked as well as what failed."""
    reasons: list[str] = []
    failed = False
    counts: dict[str, int] = {}

    def check(label: str, measured: int, allowed: int | None) -> None:
        nonlocal failed
        if allowed is None:
            return
        over = measured > allowed
        failed = failed or over
        reasons.append(f"{'FAIL' if over else 'ok'}: {label} {measured} (allowed {allowed})")

    by_level = {
        Severity.critical: budgets.max_new_critical, Severity.high: budgets.max_new_high,
        Severity.medium: budgets.max_new_medium, Severity.low: budgets.max_new_low,
    }
    if fail_on is not None and by_level.get(fail_on) is None:
        by_level[fail_on] = 0  # the gate level: nothing new at or above it, unless a budget says otherwise
    for level in sorted(by_level, key=lambda s: -s.rank):
        allowed = by_level[level]
        if allowed is None:
            continue
        counts[f"new_{level.value}_or_above"] = measured = _count_at_least(findings, level)
        check(f"new findings at or above {level.value}:", measured, allowed)
    if budgets.max_new is not None:
        counts["new"] = len(findings)
        check("new findings:", len(findings), budgets.max_new)

    complex_findings = [f for f in findings if f.rule == "C901"]
    if budgets.max_complexity_findings is not None:
        counts["complexity_findings"] = len(complex_findings)
        check("functions over the complexity limit:", len(complex_findings), budgets.max_complexity_findings)
    if budgets.max_complexity is not None:
        measured = [(c, f) for f in complex_findings if (c := _complexity(f)) is not None]
        worst, where = max(measured, key=lambda item: item[0]) if measured else (0, None)
        counts["max_complexity"] = worst
        label = "highest complexity" + (f" ({where.location.label()}):" if where is not None else ":")
        check(label, worst, budgets.max_complexity)

    for category, allowed in sorted(budgets.max_findings.items()):
        measured = sum(1 for f in findings if f.category.value == category)
        counts[f"{category}_findings"] = measured
        check(f"{category} findings:", measured, allowed)
    return not failed, reasons, counts


def enrich(request: RunRequest, report: Report) -> None:
    """The enrich hook of ``checkpoint``: one verdict, its reasons, and the gate set from them."""
    settings = request.settings
    budgets = settings.checkpoint if settings is not None else CheckpointSettings()
    if getattr(request.args, "update_baseline", False):
        report.metrics["verdict"] = "pass"
        report.metrics["reasons"] = ["the baseline was updated: this run's findings are now accepted"]
        return
    passed, reasons, counts = verdict(report.findings, budgets, report.run.fail_on)
    if reasons and report.incomplete:  # a gate cannot vouch for code it never read
        passed = False
        reasons.insert(0, f"FAIL: the review is incomplete: {report.incomplete_summary()}")
    if not reasons:  # --fail-on none and no budget: nothing to judge, so no gate
        report.metrics["verdict"] = "pass"
        report.metrics["reasons"] = ["no gate: --fail-on none and no [tool.bumba.checkpoint] budget"]
        return
    report.metrics["verdict"] = "pass" if passed else "fail"
    report.metrics["reasons"] = reasons
    report.metrics.update({f"count_{key}": value for key, value in counts.items()})
    report.run.gate = "pass" if passed else "fail"


COMMAND = register(Command(
    "checkpoint", "Quality gate: every offline analyzer against the stored baseline; pass or fail.",
    needs="a notebook, a file, a folder or a glob", order=50,
    analyzers=("ruff", "security", "hardening", "secrets", "performance", "architecture", "hygiene"),
    ruff_select=("S", "PERF", "C90"), ruff_ignore=SECURITY_RUFF_IGNORE, gate="high",
    details="Fails when a finding at or above --fail-on (default: high) is not in the baseline, or when a "
    "budget in [tool.bumba.checkpoint] is exceeded (max-new-high, max-new, max-complexity, "
    "max-complexity-findings, max-findings per category); the verdict and its reasons are in "
    "report.metrics. --update-baseline records the current findings as the baseline "
    "(bumba-baseline.json in the root).",
    enrich=enrich,
    agent_brief="Lane: checkpoint. Say plainly what is risky in the current state and whether it should pass.",
))
