"""The HTML the findings widget draws: the header, one summary line per finding and its details.

HTML widgets insert their value as markup, without any sanitiser, so every string that reaches one is
escaped here. Nothing here needs ipywidgets: these are strings, testable on their own.
"""

from __future__ import annotations

from urllib.parse import quote

from ...core.findings import Finding, FlowStep
from ..html import escape, reference_link, severity_badge
from ..presentation import INCOMPLETE_HEADING, SEVERITY_ORDER, format_duration, gate_sentence, step_label
from .model import FindingsModel

_STYLE = """<style>
.bumba-w-view{font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px}
.bumba-w-view .bumba-w-facts{opacity:.8}
.bumba-w-view code{background:rgba(127,127,127,.15);padding:0 4px;border-radius:3px}
.bumba-w-view .bumba-w-tag{display:inline-block;padding:0 5px;border-radius:8px;font-size:11px;font-weight:600;
border:1px solid currentColor;margin-left:4px;opacity:.85}
.bumba-w-view .bumba-w-tag-new{color:var(--jp-success-color1,#2e7d32)}
.bumba-w-view .bumba-w-loc{opacity:.75}
.bumba-w-view .bumba-w-label{font-weight:600}
.bumba-w-view .bumba-w-meta{opacity:.7;font-size:11px}
.bumba-w-view .bumba-w-summary-line{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.bumba-w-view .bumba-w-detail{border-left:3px solid var(--jp-border-color2,rgba(127,127,127,.35));
padding-left:8px;margin:2px 0 6px 30px}
.bumba-w-view .highlight pre{margin:2px 0;padding:4px 6px;overflow-x:auto}
.bumba-w-view .bumba-w-narrative{white-space:pre-wrap;max-height:20em;overflow:auto}
</style>"""


def highlight(code: str, path: str | None) -> str:
    """Code as inline-styled HTML (pygments escapes it); text that is not Python is shown plain."""
    from pygments import highlight as pyg_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer, TextLexer

    python = bool(path) and path.endswith((".py", ".pyi", ".pyw", ".ipynb")) or path in (None, "<cell>")
    lexer = PythonLexer() if python else TextLexer()
    return pyg_highlight(code, lexer, HtmlFormatter(noclasses=True, style="default"))


def _status_tags(model: FindingsModel, finding: Finding) -> str:
    tags = []
    if model.is_new(finding):
        tags.append('<span class="bumba-w-tag bumba-w-tag-new">new</span>')
    status = model.status_of(finding)
    if status in ("reviewed", "suppressed"):
        tags.append(f'<span class="bumba-w-tag bumba-w-tag-{status}">{status}</span>')
    return "".join(tags)


def summary_html(model: FindingsModel, finding: Finding) -> str:
    return (
        f'<div class="bumba-w-summary-line">{severity_badge(finding.severity)} <code>{escape(finding.rule)}</code> '
        f'{escape(finding.title)} <span class="bumba-w-loc">— {escape(finding.location.label())}</span>'
        f"{_status_tags(model, finding)}</div>"
    )


def detail_html(model: FindingsModel, finding: Finding) -> str:
    """Evidence (highlighted, already masked), why, recommendation, fix, references, provenance."""
    parts = []
    if finding.evidence:
        parts.append(highlight(finding.evidence, finding.location.path))
    if finding.flow:
        parts.append(_flow_html(model, finding.flow))
    if finding.also_reported:
        parts.append(f'<div><span class="bumba-w-label">Also reported as:</span> '
                     f'{escape(", ".join(finding.also_reported))}</div>')
    for label, text in (("Why", finding.why), ("Recommendation", finding.recommendation)):
        if text:
            parts.append(f'<div><span class="bumba-w-label">{label}:</span> {escape(text)}</div>')
    if finding.fix is not None:
        parts.append(f'<div><span class="bumba-w-label">Fix:</span> {escape(finding.fix.description)}</div>')
        if finding.fix.code:
            parts.append(highlight(finding.fix.code, finding.location.path))
        if finding.fix.patch:
            parts.append(f"<pre>{escape(finding.fix.patch)}</pre>")
    if finding.references:
        links = ", ".join(reference_link(r) for r in finding.references)
        parts.append(f'<div><span class="bumba-w-label">References:</span> {links}</div>')
    found_by = finding.engine + (f" / {finding.analyzer}" if finding.analyzer else "")
    meta = f"found by {escape(found_by)} · {escape(finding.category.value)}"
    if finding.fingerprint:
        meta += f" · fingerprint {escape(finding.fingerprint)}"
    entry = model.triage.get(finding.fingerprint or "")
    if entry is not None:
        meta += f" · {escape(entry.state)}" + (f": {escape(entry.reason)}" if entry.reason else "")
    parts.append(f'<div class="bumba-w-meta">{meta}</div>')
    return "".join(parts)


def _flow_html(model: FindingsModel, steps: list[FlowStep]) -> str:
    """The dataflow path, source first; each step links its file at its line, as "Go to" does without a
    front end (links resolve from the kernel's working directory, like any link in a notebook)."""
    items = []
    for step in steps:
        place = escape(step_label(step))
        href = model.relative_link_to(step.path)
        if href:
            line = f"#L{step.line}" if step.line and step.cell is None else ""
            place = f'<a href="{escape(quote(href))}{line}" target="_blank">{place}</a>'
        code = f" <code>{escape(step.code)}</code>" if step.code else ""
        items.append(f'<li>{place}{code} <span class="bumba-w-flow-label">{escape(step.label)}</span></li>')
    return (f'<div class="bumba-w-flow"><span class="bumba-w-label">Path:</span>'
            f'<ol style="margin:2px 0;padding-left:22px">{"".join(items)}</ol></div>')


def header_html(model: FindingsModel) -> str:
    report, run = model.report, model.report.run
    counts = model.counts()
    engines = ", ".join(run.engines) if run.engines else run.engine
    facts = [f"engine {engines}", f"duration {format_duration(run.duration_s)}", f"files {run.files}"]
    if run.agent:
        facts.append(f"agent {run.agent}")
    shown = sum(counts["severity"].values())
    parts = [
        _STYLE,
        (f"<div><strong>bumba {escape(run.command)}</strong> <code>{escape(run.target)}</code> "
         f'<span class="bumba-w-facts">{escape(" · ".join(facts))}</span></div><div>'),
        f"<strong>{shown} finding{'s' if shown != 1 else ''}</strong> ",
    ]
    parts += [severity_badge(s, f"{counts['severity'][s.value]} {s.value}") for s in SEVERITY_ORDER
              if counts["severity"][s.value]]
    if counts["category"]:
        categories = " · ".join(f"{name} {n}" for name, n in sorted(counts["category"].items()))
        parts.append(f' <span class="bumba-w-facts">{escape(categories)}</span>')
    parts.append("</div>")
    extra = []
    if model.compared:
        extra.append(f"{counts['status']['new']} new since the previous run")
        if report.fixed_count:
            extra.append(f"{report.fixed_count} fixed")
    if counts["status"]["reviewed"]:
        extra.append(f"{counts['status']['reviewed']} reviewed")
    if counts["status"]["suppressed"]:
        extra.append(f"{counts['status']['suppressed']} suppressed (hidden)")
    if extra:
        parts.append(f'<div class="bumba-w-facts">{escape(" · ".join(extra))}</div>')
    gate = gate_sentence(report)
    if gate:
        colour = "var(--jp-error-color1,#c62828)" if report.summary.gate == "fail" else "var(--jp-success-color1,#2e7d32)"
        parts.append(f'<div style="font-weight:700;color:{colour}">{escape(gate)}</div>')
    if report.incomplete:  # above the findings: they do not cover what is listed here
        items = "".join(f"<li>{escape(reason)}</li>" for reason in report.incomplete_reasons())
        parts.append('<div style="border-left:4px solid var(--jp-error-color1,#c62828);padding:2px 8px">'
                     f"<strong>{escape(INCOMPLETE_HEADING)}</strong><ul>{items}</ul></div>")
    return "".join(parts)


def notes_html(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{escape(note)}</li>" for note in notes)
    return f"<details><summary>Notes ({len(notes)})</summary><ul>{items}</ul></details>"


