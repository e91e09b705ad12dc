"""A Report as Jupyter shows it: findings JSON, HTML, Markdown and plain text.

Every string in a finding may come from the code under review or from a model's output, so all of it is
treated as hostile: escaped for HTML, fenced or backslash-escaped for Markdown, stripped of control
characters for the terminal. The HTML carries no script at all, so it renders the same in JupyterLab,
untrusted notebooks, nbconvert output, VS Code and GitHub.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..core.findings import Finding, FlowStep, Severity
from .markdown import md_cell, md_code_span, md_escape, md_fence

if TYPE_CHECKING:
    from ..core.report import Report

FINDINGS_MIME = "application/vnd.bumba.findings+json"

HTML_FINDINGS_LIMIT = 500  # findings beyond this are counted, not drawn: the exports hold them all

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


def static_mimebundle(report: Report) -> dict:
    """The representations that need no kernel (papermill, nbconvert, GitHub); the findings JSON is for the
    sidebar and the saved-notebook table. ``views.display.report_mimebundle`` adds the live widget."""
    return {
        FINDINGS_MIME: report.to_dict(),
        "text/html": report_to_html(report),
        "text/markdown": report_to_markdown(report, limit=HTML_FINDINGS_LIMIT),
        "text/plain": report_to_text(report),
    }


# ---------------------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------------------


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


def step_href(path: str | None, line: int | None, cell: int | None = None) -> str | None:
    """A link to a file at a line, relative to the review root (where a report notebook or page saved there
    resolves it); a notebook cell's line is not a line of the .ipynb file, so it links the notebook only.
    None for code that is in no file (a cell body)."""
    if not path or (path.startswith("<") and path.endswith(">")):
        return None
    pure = PurePath(path)
    href = pure.as_uri() if pure.is_absolute() else quote(pure.as_posix(), safe="/")
    return href + (f"#L{line}" if line and cell is None else "")


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


def _count_phrase(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# ---------------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------------

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


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _badge(severity: Severity, text: str | None = None) -> str:
    # The colour is also inline: sanitisers that drop <style> (untrusted notebooks) keep style attributes.
    colour = SEVERITY_COLOURS[severity]
    label = _esc(text if text is not None else severity.value)
    return (
        f'<span class="bumba-badge bumba-{severity.value}" '
        f'style="background:{colour};color:#fff;padding:0 6px;border-radius:8px">{label}</span>'
    )


def _html_reference(reference: str) -> str:
    url = reference_url(reference)
    if url is None:
        return _esc(reference)
    return f'<a href="{_esc(url)}" target="_blank" rel="noopener noreferrer">{_esc(reference)}</a>'


def _html_header(report: Report) -> list[str]:
    run = report.run
    facts = " · ".join(f"{_esc(label)} {_esc(value)}" for label, value in run_facts(report))
    parts = [
        '<div class="bumba-head"><strong>bumba ',
        _esc(run.command),
        "</strong> <code>",
        _esc(run.target),
        '</code> <span class="bumba-facts">',
        facts,
        "</span></div>",
    ]
    summary = report.summary
    parts.append('<div class="bumba-summary">')
    if summary.total:
        parts.append(f"<strong>{_esc(_count_phrase(summary.total, 'finding'))}</strong> ")
        for severity, count in severity_counts(report):
            if count:
                parts.append(_badge(severity, f"{count} {severity.value}"))
        categories = " · ".join(f"{_esc(name)} {count}" for name, count in summary.by_category.items())
        parts.append(f' <span class="bumba-facts">{categories}</span>')
    parts.append("</div>")
    gate = gate_sentence(report)
    if gate:
        parts.append(f'<div class="bumba-gate bumba-gate-{_esc(summary.gate)}">{_esc(gate)}</div>')
    if report.incomplete:
        parts.append(_html_incomplete(report))
    return parts


def _html_incomplete(report: Report) -> str:
    # inline style too: sanitisers that drop <style> (untrusted notebooks) keep style attributes
    items = "".join(f"<li>{_esc(reason)}</li>" for reason in report.incomplete_reasons())
    return (
        '<div class="bumba-incomplete" style="border-left:4px solid #c62828;padding:4px 8px">'
        f"<strong>{_esc(INCOMPLETE_HEADING)}</strong><ul>{items}</ul></div>"
    )


def _html_section(label: str, body: str) -> str:
    return f'<div><span class="bumba-label">{_esc(label)}:</span> {body}</div>'


def _html_finding(finding: Finding) -> str:
    parts = [
        "<details><summary>",
        _badge(finding.severity),
        " <code>",
        _esc(finding.rule),
        "</code> ",
        _esc(finding.title),
        ' <span class="bumba-loc">— ',
        _esc(finding.location.label()),
        "</span></summary>",
    ]
    if finding.evidence:
        parts.append(f"<pre><code>{_esc(finding.evidence)}</code></pre>")
    if finding.flow:
        parts.append(_html_flow(finding.flow))
    if finding.also_reported:
        parts.append(_html_section("Also reported as", _esc(", ".join(finding.also_reported))))
    if finding.why:
        parts.append(_html_section("Why", _esc(finding.why)))
    if finding.recommendation:
        parts.append(_html_section("Recommendation", _esc(finding.recommendation)))
    if finding.fix is not None:
        parts.append(_html_section("Fix", _esc(finding.fix.description)))
        if finding.fix.code:
            parts.append(f"<pre><code>{_esc(finding.fix.code)}</code></pre>")
        if finding.fix.patch:
            parts.append(f"<pre><code>{_esc(finding.fix.patch)}</code></pre>")
    if finding.references:
        parts.append(_html_section("References", ", ".join(_html_reference(r) for r in finding.references)))
    found_by = finding.engine + (f" / {finding.analyzer}" if finding.analyzer else "")
    meta = f"found by {_esc(found_by)}"
    if finding.fingerprint:
        meta += f" · fingerprint {_esc(finding.fingerprint)}"
    parts.append(f'<div class="bumba-meta">{meta}</div></details>')
    return "".join(parts)


def _html_flow(steps: list[FlowStep]) -> str:
    """The path from the source to the sink, one linked step a line: the evidence of a dataflow finding."""
    items = []
    for step in steps:
        place = _esc(step_label(step))
        href = step_href(step.path, step.line, step.cell)
        link = f'<a href="{_esc(href)}">{place}</a>' if href else place
        code = f" <code>{_esc(step.code)}</code>" if step.code else ""
        items.append(f'<li>{link}{code} <span class="bumba-flow-label">{_esc(step.label)}</span></li>')
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
        parts.append(f"<h4>{_badge(severity)} {len(group)}</h4>")
        parts.extend(_html_finding(finding) for finding in group)
    hidden = len(findings) - len(shown)
    if hidden:
        parts.append(
            f'<div class="bumba-none">{hidden} more {"finding" if hidden == 1 else "findings"} not shown; '
            "the JSON and SARIF exports hold all of them.</div>"
        )
    return parts


def _html_notes(notes: list[str]) -> str:
    items = "".join(f"<li>{_esc(note)}</li>" for note in notes)
    return f"<details><summary>Notes ({len(notes)})</summary><ul>{items}</ul></details>"


def report_to_html(report: Report) -> str:
    """Self-contained HTML (inline style, no script), collapsible per finding with <details>."""
    parts = ['<div class="bumba-report"><style>', _STYLE, "</style>"]
    parts.extend(_html_header(report))
    if report.narrative:
        # Model output: shown verbatim as text, never interpreted as markup.
        parts.append(
            '<details class="bumba-narrative" open><summary>Narrative</summary>'
            f"<pre>{_esc(report.narrative)}</pre></details>"
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
    rows = "".join(f"<tr><th>{_esc(key)}</th><td>{_esc(value)}</td></tr>" for key, value in metrics.items())
    return f'<table class="bumba-metrics">{rows}</table>'


_INLINE_IMAGES = {"image/png", "image/jpeg"}


def _html_artifact(artifact) -> str:
    """Plots inline (base64 we produced ourselves), text escaped, written files named."""
    title = f"<summary>{_esc(artifact.title)}</summary>"
    if artifact.mime in _INLINE_IMAGES and artifact.data:
        if not re.fullmatch(r"[A-Za-z0-9+/=\s]+", artifact.data):  # only base64 goes into a data: URL
            return ""
        body = f'<img alt="{_esc(artifact.title)}" src="data:{artifact.mime};base64,{artifact.data}">'
    elif artifact.data:
        body = f"<pre>{_esc(artifact.data)}</pre>"
    else:
        body = ""
    if artifact.path:
        body += f"<p>Written to <code>{_esc(artifact.path)}</code></p>"
    return f'<details class="bumba-artifact" open>{title}{body}</details>'


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


def report_to_html_page(report: Report) -> str:
    """A standalone HTML document around :func:`report_to_html`, for ``-o report.html``."""
    title = _esc(f"bumba {report.run.command}: {report.run.target}")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>\n<body style=\"font-family: system-ui, sans-serif; margin: 2rem;\">"
        f"{report_to_html(report)}</body></html>\n"
    )


# ---------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------------------------

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
        lines.append(f"{_count_phrase(len(findings), 'finding')}: {counts}")
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
