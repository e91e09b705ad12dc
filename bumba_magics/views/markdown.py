"""A Report as Markdown, and Markdown that renders what it says: text we did not write escaped, code fenced
so it cannot close the fence, and a small value that Jupyter renders as Markdown and a terminal prints as is."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..core.findings import Finding
from .presentation import (
    INCOMPLETE_HEADING,
    gate_sentence,
    reference_url,
    run_facts,
    severity_counts,
    sorted_findings,
    step_label,
)

if TYPE_CHECKING:
    from ..core.report import Report

# Backslash-escaping every character that can start markup (CommonMark allows escaping any ASCII
# punctuation) keeps hostile text from turning into links, images or raw HTML when rendered.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")
_BACKTICKS = re.compile(r"`+")


def md_escape(text: str) -> str:
    """Text that renders literally in Markdown, line breaks kept."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_cell(text: str) -> str:
    """Text for a table cell: escaped, on one line."""
    return md_escape(" ".join(text.split()))


def md_fence(code: str, language: str = "") -> str:
    """A fenced block that ``code`` cannot close: the fence is longer than any backtick run inside."""
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}"


def md_code_span(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    text = " ".join(text.split())
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_reference(reference: str) -> str:
    url = reference_url(reference)
    if url is None:
        return md_escape(reference)
    # Inside <…> an URL needs no escaping except of the angle brackets and spaces it must not contain.
    safe_url = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"[{md_escape(reference)}](<{safe_url}>)"


def _code_language(path: str | None) -> str:
    return "python" if path and path.endswith((".py", ".ipynb", ".pyi")) else "text"


def _md_finding(number: int, finding: Finding) -> list[str]:
    lines = [
        f"### {number}. {finding.severity.value.upper()} {md_escape(finding.rule)} — {md_escape(finding.title)}",
        "",
        md_code_span(finding.location.label()),
        "",
    ]
    if finding.evidence:
        lines += [md_fence(finding.evidence, _code_language(finding.location.path)), ""]
    if finding.flow:
        lines += ["**Path:**", ""]
        for position, step in enumerate(finding.flow, 1):
            parts = [f"{position}.", md_code_span(step_label(step))]
            if step.code:
                parts.append(md_code_span(step.code))
            lines.append(" ".join([*parts, md_escape(step.label)]))
        lines.append("")
    if finding.also_reported:
        lines += [f"**Also reported as:** {md_escape(', '.join(finding.also_reported))}", ""]
    if finding.why:
        lines += [f"**Why:** {md_escape(finding.why)}", ""]
    if finding.recommendation:
        lines += [f"**Recommendation:** {md_escape(finding.recommendation)}", ""]
    if finding.fix is not None:
        lines += [f"**Fix:** {md_escape(finding.fix.description)}", ""]
        if finding.fix.code:
            lines += [md_fence(finding.fix.code, _code_language(finding.location.path)), ""]
        if finding.fix.patch:
            lines += [md_fence(finding.fix.patch, "diff"), ""]
    if finding.references:
        lines += ["**References:** " + ", ".join(md_reference(r) for r in finding.references), ""]
    return lines


def _md_header(report: Report) -> list[str]:
    run = report.run
    facts = " · ".join(f"**{label}:** {md_escape(value)}" for label, value in run_facts(report))
    lines = [f"# bumba {md_escape(run.command)} — {md_code_span(run.target)}", "", facts, ""]
    gate = gate_sentence(report)
    if gate:
        lines += [f"**{md_escape(gate)}**", ""]
    if report.incomplete:
        lines += [f"> **{md_escape(INCOMPLETE_HEADING)}**", ">"]
        lines += [f"> - {md_cell(reason)}" for reason in report.incomplete_reasons()] + [""]
    return lines


def _md_artifacts(report: Report) -> list[str]:
    lines: list[str] = []
    if report.metrics:
        lines += ["| metric | value |", "|---|---|"]
        lines += [f"| {md_cell(str(k))} | {md_cell(str(v))} |" for k, v in report.metrics.items()]
        lines.append("")
    for artifact in report.artifacts:
        lines.append(f"**{md_escape(artifact.title)}**" + (f" — written to {md_code_span(artifact.path)}"
                                                         if artifact.path else ""))
        if artifact.data and artifact.mime.startswith("text/"):
            lines += ["", md_fence(artifact.data, "markdown" if artifact.mime == "text/markdown" else "")]
        lines.append("")
    return lines


def report_to_markdown(report: Report, limit: int | None = None) -> str:
    """Markdown: header, a severity table, a findings table, then a short section per finding.

    ``limit`` draws only the first findings (the notebook bundle uses the HTML view's limit); the exports
    call it without one.
    """
    lines = _md_header(report)
    findings = sorted_findings(report.findings)
    hidden = 0
    if limit is not None and len(findings) > limit:
        hidden, findings = len(findings) - limit, findings[:limit]
    if report.narrative:
        lines += ["## Narrative", "", md_fence(report.narrative, "text"), ""]
    lines += _md_artifacts(report)
    if not findings:
        lines += ["**No findings.**", ""]
    else:
        lines += ["| Severity | Count |", "|---|---:|"]
        lines += [f"| {severity.value} | {count} |" for severity, count in severity_counts(report) if count]
        lines += [
            "",
            "## Findings",
            "",
            "| # | Severity | Rule | Location | Title |",
            "|---:|---|---|---|---|",
        ]
        for number, finding in enumerate(findings, 1):
            lines.append(
                f"| {number} | {finding.severity.value} | {md_cell(finding.rule)} | "
                f"{md_cell(finding.location.label())} | {md_cell(finding.title)} |"
            )
        lines.append("")
        for number, finding in enumerate(findings, 1):
            lines += _md_finding(number, finding)
        if hidden:
            noun = "finding" if hidden == 1 else "findings"
            lines += [f"{hidden} more {noun} not shown; the JSON and SARIF exports hold all of them.", ""]
    if report.notes:
        lines += ["## Notes", ""] + [f"- {md_cell(note)}" for note in report.notes] + [""]
    return "\n".join(lines).rstrip() + "\n"


class Markdown:
    """Markdown that Jupyter renders and a terminal prints as is."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__
