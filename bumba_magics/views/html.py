"""A Report as HTML: a fragment for notebooks (``report_to_html``) and a standalone page for ``-o report.html``.

Every string in a finding may come from the code under review or from a model's output, so all of it is
escaped. The HTML carries no script at all, so it renders the same in JupyterLab, untrusted notebooks,
nbconvert output, VS Code and GitHub.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..core.findings import Finding, FlowStep, Severity
from .presentation import (
    INCOMPLETE_HEADING,
    SEVERITY_COLOURS,
    SEVERITY_ORDER,
    count_phrase,
    gate_sentence,
    reference_url,
    run_facts,
    severity_counts,
    sorted_findings,
    step_label,
)

if TYPE_CHECKING:
    from ..core.report import Artifact, Report

HTML_FINDINGS_LIMIT = 500  # findings beyond this are counted, not drawn: the exports hold them all

# Scoped under .bumba-report so nothing leaks into the notebook. Colours come from JupyterLab's variables
# with fallbacks, and from currentColor / translucent greys, so one stylesheet works on light and dark.
_STYLE = """
.bumba-report{font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px;line-height:1.45;
color:var(--jp-content-font-color1,currentColor);background:transparent;max-width:100%}
.bumba-report .bumba-head{margin:0 0 4px 0}
.bumba-report .bumba-head code,.bumba-report summary code{background:rgba(127,127,127,.15);padding:0 4px;
border-radius:3px}
.bumba-report .bumba-facts{opacity:.8}
.bumba-report .bumba-summary{margin:6px 0}
.bumba-report .bumba-badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-weight:600;
font-size:11px;text-transform:uppercase;letter-spacing:.03em;margin-right:4px}
.bumba-report .bumba-gate{font-weight:700;margin:6px 0}
.bumba-report .bumba-gate-fail{color:var(--jp-error-color1,#c62828)}
.bumba-report .bumba-gate-pass{color:var(--jp-success-color1,#2e7d32)}
.bumba-report h4{margin:12px 0 4px 0;font-size:14px}
.bumba-report details{border:1px solid var(--jp-border-color2,rgba(127,127,127,.35));border-radius:4px;
margin:3px 0;padding:2px 8px}
.bumba-report details[open]{padding-bottom:6px}
.bumba-report summary{cursor:pointer}
.bumba-report .bumba-loc{opacity:.75}
.bumba-report pre{background:rgba(127,127,127,.12);padding:6px 8px;border-radius:3px;overflow-x:auto;
white-space:pre;margin:4px 0;color:inherit}
.bumba-report .bumba-narrative pre{white-space:pre-wrap}
.bumba-report .bumba-label{font-weight:600}
.bumba-report .bumba-meta{opacity:.7;font-size:11px}
.bumba-report .bumba-flow{margin:2px 0;padding-left:22px}
.bumba-report .bumba-flow-label{opacity:.75}
.bumba-report a{color:var(--jp-content-link-color,inherit);text-decoration:underline}
.bumba-report .bumba-none{font-weight:600;margin:6px 0}
.bumba-report .bumba-incomplete{border-left:4px solid var(--jp-error-color1,#c62828);padding:4px 8px;margin:6px 0;
background:rgba(198,40,40,.08)}
.bumba-report .bumba-incomplete ul{margin:2px 0 0 0;padding-left:18px}
"""


def escape(value: object) -> str:
    """``value`` as text that HTML shows literally, quotes included (safe inside attributes)."""
    return html.escape(str(value), quote=True)


def severity_badge(severity: Severity, text: str | None = None) -> str:
    """The coloured label of a severity (``text`` replaces the severity's name)."""
    # The colour is also inline: sanitisers that drop <style> (untrusted notebooks) keep style attributes.
    colour = SEVERITY_COLOURS[severity]
    label = escape(text if text is not None else severity.value)
    return (
        f'<span class="bumba-badge bumba-{severity.value}" '
        f'style="background:{colour};color:#fff;padding:0 6px;border-radius:8px">{label}</span>'
    )


def reference_link(reference: str) -> str:
    """A reference as a link that opens in a new tab, or as text when it points nowhere we trust."""
    url = reference_url(reference)
    if url is None:
        return escape(reference)
    return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(reference)}</a>'


def step_href(path: str | None, line: int | None, cell: int | None = None) -> str | None:
    """A link to a file at a line, relative to the review root (where a report notebook or page saved there
    resolves it); a notebook cell's line is not a line of the .ipynb file, so it links the notebook only.
    None for code that is in no file (a cell body)."""
    if not path or (path.startswith("<") and path.endswith(">")):
        return None
    pure = PurePath(path)
    href = pure.as_uri() if pure.is_absolute() else quote(pure.as_posix(), safe="/")
    return href + (f"#L{line}" if line and cell is None else "")


def _html_header(report: Report) -> list[str]:
    run = report.run
    facts = " · ".join(f"{escape(label)} {escape(value)}" for label, value in run_facts(report))
    parts = [
        '<div class="bumba-head"><strong>bumba ',
        escape(run.command),
        "</strong> <code>",
        escape(run.target),
        '</code> <span class="bumba-facts">',
        facts,
        "</span></div>",
    ]
    summary = report.summary
    parts.append('<div class="bumba-summary">')
    if summary.total:
        parts.append(f"<strong>{escape(count_phrase(summary.total, 'finding'))}</strong> ")
        for severity, count in severity_counts(report):
            if count:
                parts.append(severity_badge(severity, f"{count} {severity.value}"))
        categories = " · ".join(f"{escape(name)} {count}" for name, count in summary.by_category.items())
        parts.append(f' <span class="bumba-facts">{categories}</span>')
    parts.append("</div>")
    gate = gate_sentence(report)
    if gate:
        parts.append(f'<div class="bumba-gate bumba-gate-{escape(summary.gate)}">{escape(gate)}</div>')
    if report.incomplete:
        parts.append(_html_incomplete(report))
    return parts


def _html_incomplete(report: Report) -> str:
    # inline style too: sanitisers that drop <style> (untrusted notebooks) keep style attributes
    items = "".join(f"<li>{escape(reason)}</li>" for reason in report.incomplete_reasons())
    return (
        '<div class="bumba-incomplete" style="border-left:4px solid #c62828;padding:4px 8px">'
        f"<strong>{escape(INCOMPLETE_HEADING)}</strong><ul>{items}</ul></div>"
    )


def _html_section(label: str, body: str) -> str:
    return f'<div><span class="bumba-label">{escape(label)}:</span> {body}</div>'


def _html_finding(finding: Finding) -> str:
    parts = [
        "<details><summary>",
        severity_badge(finding.severity),
        " <code>",
        escape(finding.rule),
        "</code> ",
        escape(finding.title),
        ' <span class="bumba-loc">— ',
        escape(finding.location.label()),
        "</span></summary>",
    ]
    if finding.evidence:
        parts.append(f"<pre><code>{escape(finding.evidence)}</code></pre>")
    if finding.flow:
        parts.append(_html_flow(finding.flow))
    if finding.also_reported:
        parts.append(_html_section("Also reported as", escape(", ".join(finding.also_reported))))
    if finding.why:
        parts.append(_html_section("Why", escape(finding.why)))
    if finding.recommendation:
        parts.append(_html_section("Recommendation", escape(finding.recommendation)))
    if finding.fix is not None:
        parts.append(_html_section("Fix", escape(finding.fix.description)))
        if finding.fix.code:
            parts.append(f"<pre><code>{escape(finding.fix.code)}</code></pre>")
        if finding.fix.patch:
            parts.append(f"<pre><code>{escape(finding.fix.patch)}</code></pre>")
    if finding.references:
        parts.append(_html_section("References", ", ".join(reference_link(r) for r in finding.references)))
    found_by = finding.engine + (f" / {finding.analyzer}" if finding.analyzer else "")
    meta = f"found by {escape(found_by)}"
    if finding.fingerprint:
        meta += f" · fingerprint {escape(finding.fingerprint)}"
    parts.append(f'<div class="bumba-meta">{meta}</div></details>')
    return "".join(parts)


def _html_flow(steps: list[FlowStep]) -> str:
    """The path from the source to the sink, one linked step a line: the evidence of a dataflow finding."""
    items = []
    for step in steps:
        place = escape(step_label(step))
        href = step_href(step.path, step.line, step.cell)
        link = f'<a href="{escape(href)}">{place}</a>' if href else place
        code = f" <code>{escape(step.code)}</code>" if step.code else ""
        items.append(f'<li>{link}{code} <span class="bumba-flow-label">{escape(step.label)}</span></li>')
    return f'<div><span class="bumba-label">Path:</span><ol class="bumba-flow">{"".join(items)}</ol></div>'


def _html_findings(findings: list[Finding]) -> list[str]:
    shown = findings[:HTML_FINDINGS_LIMIT]
    groups: dict[Severity, list[Finding]] = defaultdict(list)
    for finding in shown:
        groups[finding.severity].append(finding)
    parts = []
    for severity in SEVERITY_ORDER:
        group = groups.get(severity)
        if not group:
            continue
        parts.append(f"<h4>{severity_badge(severity)} {len(group)}</h4>")
        parts.extend(_html_finding(finding) for finding in group)
    hidden = len(findings) - len(shown)
    if hidden:
        parts.append(
            f'<div class="bumba-none">{hidden} more {"finding" if hidden == 1 else "findings"} not shown; '
            "the JSON and SARIF exports hold all of them.</div>"
        )
    return parts


def _html_notes(notes: list[str]) -> str:
    items = "".join(f"<li>{escape(note)}</li>" for note in notes)
    return f"<details><summary>Notes ({len(notes)})</summary><ul>{items}</ul></details>"


def report_to_html(report: Report) -> str:
    """Self-contained HTML (inline style, no script), collapsible per finding with <details>."""
    parts = ['<div class="bumba-report"><style>', _STYLE, "</style>"]
    parts.extend(_html_header(report))
    if report.narrative:
        # Model output: shown verbatim as text, never interpreted as markup.
        parts.append(
            '<details class="bumba-narrative" open><summary>Narrative</summary>'
            f"<pre>{escape(report.narrative)}</pre></details>"
        )
    if report.metrics:
        parts.append(_html_metrics(report.metrics))
    parts.extend(_html_artifact(artifact) for artifact in report.artifacts)
    findings = sorted_findings(report.findings)
    if findings:
        parts.extend(_html_findings(findings))
    else:
        parts.append('<div class="bumba-none">No findings.</div>')
    if report.notes:
        parts.append(_html_notes(report.notes))
    parts.append("</div>")
    return "".join(parts)


def _html_metrics(metrics: dict) -> str:
    rows = "".join(f"<tr><th>{escape(key)}</th><td>{escape(value)}</td></tr>" for key, value in metrics.items())
    return f'<table class="bumba-metrics">{rows}</table>'


_INLINE_IMAGES = {"image/png", "image/jpeg"}


def _html_artifact(artifact: Artifact) -> str:
    """Plots inline (base64 we produced ourselves), text escaped, written files named."""
    title = f"<summary>{escape(artifact.title)}</summary>"
    if artifact.mime in _INLINE_IMAGES and artifact.data:
        if not re.fullmatch(r"[A-Za-z0-9+/=\s]+", artifact.data):  # only base64 goes into a data: URL
            return ""
        body = f'<img alt="{escape(artifact.title)}" src="data:{artifact.mime};base64,{artifact.data}">'
    elif artifact.data:
        body = f"<pre>{escape(artifact.data)}</pre>"
    else:
        body = ""
    if artifact.path:
        body += f"<p>Written to <code>{escape(artifact.path)}</code></p>"
    return f'<details class="bumba-artifact" open>{title}{body}</details>'


def report_to_html_page(report: Report) -> str:
    """A standalone HTML document around :func:`report_to_html`, for ``-o report.html``."""
    title = escape(f"bumba {report.run.command}: {report.run.target}")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>\n<body style=\"font-family: system-ui, sans-serif; margin: 2rem;\">"
        f"{report_to_html(report)}</body></html>\n"
    )


