"""The findings as an ipywidgets view: browse, filter, jump, fix, triage; and a progress bar for long scans.

The view draws :class:`~.widget_model.FindingsModel` and forwards clicks to it. It is built from a fixed
pool of row widgets (one page) whose values change when the page or the filters do, so a report of
thousands of findings costs what one page costs. Every string that reaches an HTML widget is escaped here:
HTML widgets insert their value as markup, without any sanitiser.
"""

from __future__ import annotations

import html
import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ipywidgets as w
from IPython.display import HTML, display
from ipywidgets.widgets.widget_bool import ToggleButtonStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from ..core.findings import Finding, FlowStep
from .frontend import DEFAULT_TIMEOUT, FrontendReply, ask_frontend
from .html import reference_link, severity_badge
from .presentation import INCOMPLETE_HEADING, SEVERITY_ORDER, format_duration, gate_sentence, step_label
from .widget_model import PAGE_SIZES, SORTS, ActionError, FindingsModel, place_label

if TYPE_CHECKING:
    from ..core.report import Report, RunInfo
    from ..store import Store

log = logging.getLogger(__name__)

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

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


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


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
        f'<div class="bumba-w-summary-line">{severity_badge(finding.severity)} <code>{_esc(finding.rule)}</code> '
        f'{_esc(finding.title)} <span class="bumba-w-loc">— {_esc(finding.location.label())}</span>'
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
                     f'{_esc(", ".join(finding.also_reported))}</div>')
    for label, text in (("Why", finding.why), ("Recommendation", finding.recommendation)):
        if text:
            parts.append(f'<div><span class="bumba-w-label">{label}:</span> {_esc(text)}</div>')
    if finding.fix is not None:
        parts.append(f'<div><span class="bumba-w-label">Fix:</span> {_esc(finding.fix.description)}</div>')
        if finding.fix.code:
            parts.append(highlight(finding.fix.code, finding.location.path))
        if finding.fix.patch:
            parts.append(f"<pre>{_esc(finding.fix.patch)}</pre>")
    if finding.references:
        links = ", ".join(reference_link(r) for r in finding.references)
        parts.append(f'<div><span class="bumba-w-label">References:</span> {links}</div>')
    found_by = finding.engine + (f" / {finding.analyzer}" if finding.analyzer else "")
    meta = f"found by {_esc(found_by)} · {_esc(finding.category.value)}"
    if finding.fingerprint:
        meta += f" · fingerprint {_esc(finding.fingerprint)}"
    entry = model.triage.get(finding.fingerprint or "")
    if entry is not None:
        meta += f" · {_esc(entry.state)}" + (f": {_esc(entry.reason)}" if entry.reason else "")
    parts.append(f'<div class="bumba-w-meta">{meta}</div>')
    return "".join(parts)


def _flow_html(model: FindingsModel, steps: list[FlowStep]) -> str:
    """The dataflow path, source first; each step links its file at its line, as "Go to" does without a
    front end (links resolve from the kernel's working directory, like any link in a notebook)."""
    items = []
    for step in steps:
        place = _esc(step_label(step))
        href = model.relative_link_to(step.path)
        if href:
            line = f"#L{step.line}" if step.line and step.cell is None else ""
            place = f'<a href="{_esc(quote(href))}{line}" target="_blank">{place}</a>'
        code = f" <code>{_esc(step.code)}</code>" if step.code else ""
        items.append(f'<li>{place}{code} <span class="bumba-w-flow-label">{_esc(step.label)}</span></li>')
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
        (f"<div><strong>bumba {_esc(run.command)}</strong> <code>{_esc(run.target)}</code> "
         f'<span class="bumba-w-facts">{_esc(" · ".join(facts))}</span></div><div>'),
        f"<strong>{shown} finding{'s' if shown != 1 else ''}</strong> ",
    ]
    parts += [severity_badge(s, f"{counts['severity'][s.value]} {s.value}") for s in SEVERITY_ORDER
              if counts["severity"][s.value]]
    if counts["category"]:
        categories = " · ".join(f"{name} {n}" for name, n in sorted(counts["category"].items()))
        parts.append(f' <span class="bumba-w-facts">{_esc(categories)}</span>')
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
        parts.append(f'<div class="bumba-w-facts">{_esc(" · ".join(extra))}</div>')
    gate = gate_sentence(report)
    if gate:
        colour = "var(--jp-error-color1,#c62828)" if report.summary.gate == "fail" else "var(--jp-success-color1,#2e7d32)"
        parts.append(f'<div style="font-weight:700;color:{colour}">{_esc(gate)}</div>')
    if report.incomplete:  # above the findings: they do not cover what is listed here
        items = "".join(f"<li>{_esc(reason)}</li>" for reason in report.incomplete_reasons())
        parts.append('<div style="border-left:4px solid var(--jp-error-color1,#c62828);padding:2px 8px">'
                     f"<strong>{_esc(INCOMPLETE_HEADING)}</strong><ul>{items}</ul></div>")
    return "".join(parts)


def _notes_html(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{_esc(note)}</li>" for note in notes)
    return f"<details><summary>Notes ({len(notes)})</summary><ul>{items}</ul></details>"


def _button(description: str, css: str, tooltip: str = "", *, layout: w.Layout | None = None,
            style: w.ButtonStyle | None = None, **kwargs: Any) -> w.Button:
    extra = {"style": style} if style is not None else {}
    button = w.Button(description=description, tooltip=tooltip or description,
                      layout=layout if layout is not None else w.Layout(width="auto"), **extra, **kwargs)
    button.add_class(css)
    return button


class _Row:
    """One slot of the page: a summary line with an expand button, and details built on first expand."""

    def __init__(self, view: FindingsView) -> None:
        self.view = view
        self.finding: Finding | None = None
        # Layouts and styles are widget models of their own: sharing them per view keeps a page at three
        # models per row, which is what the browser pays for when the view first appears.
        shared = view._shared
        self.toggle = w.Button(description="▸", tooltip="show details", layout=shared["toggle"],
                               style=shared["button"])
        self.toggle.add_class("bumba-w-expand")
        self.toggle.on_click(self._toggle)
        self.summary = w.HTML(layout=shared["summary"], style=shared["html"])
        self.head = w.HBox([self.toggle, self.summary], layout=shared["head"])
        self.head.add_class("bumba-w-row")
        self.detail: w.VBox | None = None

    def widgets(self) -> list[w.Widget]:
        """What the list shows for this slot: nothing when empty, the details under the line when open."""
        if self.finding is None:
            return []
        if self.detail is not None and id(self.finding) in self.view._expanded:
            return [self.head, self.detail]
        return [self.head]

    # details are created lazily: most rows of most pages are never opened
    def _build_detail(self) -> w.VBox:
        shared = self.view._shared
        self.body = w.HTML(style=shared["html"])
        self.goto = _button("Go to", "bumba-w-goto", "open the file or scroll to the cell", icon="crosshairs", layout=shared["auto"], style=shared["button"])
        self.insert = _button("Insert fix below", "bumba-w-insert-fix", "the fix as a new cell, not run", icon="plus", layout=shared["auto"], style=shared["button"])
        self.reviewed = _button("Mark reviewed", "bumba-w-reviewed", icon="check", layout=shared["auto"], style=shared["button"])
        self.suppress = _button("Suppress…", "bumba-w-suppress", "hide it from now on, with a reason", icon="eye-slash", layout=shared["auto"], style=shared["button"])
        self.reason = w.Text(placeholder="why is this not a problem? (required)", layout=w.Layout(width="320px"))
        self.reason.add_class("bumba-w-suppress-reason")
        self.mode = w.Dropdown(layout=w.Layout(width="auto"))
        self.mode.add_class("bumba-w-suppress-mode")
        self.confirm = _button("Suppress", "bumba-w-suppress-confirm", button_style="warning")
        self.suppress_box = w.HBox([self.reason, self.mode, self.confirm], layout=w.Layout(display="none"))
        self.output = w.Output()
        self.output.add_class("bumba-w-action-output")
        self.goto.on_click(lambda _b: self.view._goto(self.finding, self.output))
        self.insert.on_click(lambda _b: self.view._insert_fix(self.finding, self.output))
        self.reviewed.on_click(lambda _b: self.view._toggle_reviewed(self.finding))
        self.suppress.on_click(self._show_suppress)
        self.confirm.on_click(lambda _b: self.view._suppress(self.finding, self.reason.value, self.mode.value))
        actions = w.HBox([self.goto, self.insert, self.reviewed, self.suppress], layout=w.Layout(flex_flow="row wrap"))
        detail = w.VBox([self.body, actions, self.suppress_box, self.output])
        detail.add_class("bumba-w-detail")
        return detail

    def _toggle(self, _button: w.Button) -> None:
        if self.finding is None:
            return
        key = id(self.finding)
        if key in self.view._expanded:
            self.view._expanded.discard(key)
        else:
            self.view._expanded.add(key)
        self.bind(self.finding)
        self.view._show_rows()

    def _show_suppress(self, _button: w.Button) -> None:
        self.suppress_box.layout.display = None if self.suppress_box.layout.display == "none" else "none"

    def bind(self, finding: Finding | None) -> None:
        changed = finding is not self.finding
        self.finding = finding
        if finding is None:
            return
        model = self.view.model
        self.summary.value = summary_html(model, finding)
        expanded = id(finding) in self.view._expanded
        self.toggle.description = "▾" if expanded else "▸"
        if not expanded:
            return
        if self.detail is None:
            self.detail = self._build_detail()
        self.body.value = detail_html(model, finding)
        self.insert.disabled = model.fix_code(finding) is None
        self.insert.tooltip = "the fix as a new cell, not run" if not self.insert.disabled else "no suggested fix"
        status = model.status_of(finding)
        self.reviewed.description = "Reopen" if status in ("reviewed", "suppressed") else "Mark reviewed"
        inline_problem = model.inline_suppression_problem(finding)
        options = [("in the baseline file", "baseline")]
        if inline_problem is None:
            options.append(("inline # bumba: ignore in the file", "inline"))
        if tuple(self.mode.options) != tuple(options):
            self.mode.options = options
        if changed or self.mode.value not in {value for _, value in options}:
            self.mode.value = "baseline"
            self.reason.value = ""
            self.suppress_box.layout.display = "none"
            self.output.outputs = ()


class FindingsView(w.VBox):
    """A report's findings, interactive. ``display(FindingsView(report))``, or just show the report.

    Streaming engines create the view first (``FindingsView.live(run)``), display it, then call
    :meth:`add_findings` and :meth:`append_narrative` as events arrive and :meth:`finish` with the report.
    """

    def __init__(self, report: Report, *, store: Store | None = None, configured_baseline: str | None = None,
                 page_size: int = 25, frontend_timeout: float = DEFAULT_TIMEOUT,
                 export_dir: str | Path | None = None) -> None:
        self.model = FindingsModel(report, store=store, configured_baseline=configured_baseline,
                                   page_size=page_size, on_store_error=self._store_error)
        self.frontend_timeout = frontend_timeout
        self.export_dir = export_dir
        self._expanded: set[int] = set()
        self._updating = False
        self._narrative_lock = threading.Lock()
        self._narrative_timer: threading.Timer | None = None
        self._narrative_sent = 0.0
        self._shared = {
            "toggle": w.Layout(width="32px", min_width="32px"), "summary": w.Layout(width="100%"),
            "head": w.Layout(align_items="center", width="100%"), "button": w.ButtonStyle(),
            "html": HTMLStyle(), "auto": w.Layout(width="auto"), "pager": w.Layout(width="36px"),
            "toggle_style": ToggleButtonStyle(),
        }
        self.header = w.HTML(style=self._shared["html"])
        self.header.add_class("bumba-w-header")
        self.activity = w.HTML(style=self._shared["html"])
        self.activity.add_class("bumba-w-activity")
        self.narrative = w.HTML(layout=w.Layout(display="none"))
        self.narrative.add_class("bumba-w-narrative-box")
        self.severity_toggles = {}
        for severity in SEVERITY_ORDER:
            toggle = w.ToggleButton(value=True, layout=self._shared["auto"], style=self._shared["toggle_style"],
                                    tooltip=f"show {severity.value}")
            toggle.add_class("bumba-w-severity")
            toggle.add_class(f"bumba-w-severity-{severity.value}")
            toggle.observe(self._on_filter, "value")
            self.severity_toggles[severity.value] = toggle
        self.status = w.Dropdown(options=[("open (not suppressed)", "open"), ("all", "all"),
                                          ("new since last run", "new"), ("reviewed", "reviewed"),
                                          ("suppressed", "suppressed")],
                                 value="open", description="show", layout=w.Layout(width="280px"))
        self.category = w.Dropdown(description="category", layout=w.Layout(width="220px"))
        self.rule = w.Dropdown(description="rule", layout=w.Layout(width="220px"))
        self.place = w.Dropdown(description="file/cell", layout=w.Layout(width="300px"))
        self.search = w.Text(placeholder="search title, rule, location, code…", continuous_update=True,
                             layout=w.Layout(width="260px"))
        self.search.add_class("bumba-w-search")
        self.sort = w.Dropdown(options=[(f"sort: {key}", key) for key in SORTS], value="severity",
                               layout=w.Layout(width="150px"))
        for control in (self.status, self.category, self.rule, self.place, self.search, self.sort):
            control.observe(self._on_filter, "value")
        self.rows = [_Row(self) for _ in range(page_size)]
        self.list_box = w.VBox()
        self.empty = w.HTML(style=self._shared["html"])
        self.first = _button("«", "bumba-w-page-first", "first page", layout=self._shared["pager"], style=self._shared["button"])
        self.prev = _button("‹", "bumba-w-page-prev", "previous page", layout=self._shared["pager"], style=self._shared["button"])
        self.next = _button("›", "bumba-w-page-next", "next page", layout=self._shared["pager"], style=self._shared["button"])
        self.last = _button("»", "bumba-w-page-last", "last page", layout=self._shared["pager"], style=self._shared["button"])
        self.page_label = w.Label()
        self.page_label.add_class("bumba-w-page-label")
        self.page_size = w.Dropdown(options=[(f"{n} per page", n) for n in sorted({*PAGE_SIZES, page_size})],
                                    value=page_size, layout=w.Layout(width="130px"))
        self.first.on_click(lambda _b: self._go(0))
        self.prev.on_click(lambda _b: self._go(self.model.page - 1))
        self.next.on_click(lambda _b: self._go(self.model.page + 1))
        self.last.on_click(lambda _b: self._go(self.model.page_count - 1))
        self.page_size.observe(self._on_page_size, "value")
        self.exports = [_button(label, f"bumba-w-export-{fmt}", f"write the shown findings as {label}", icon="download",
                                layout=self._shared["auto"], style=self._shared["button"])
                        for fmt, label in (("sarif", "SARIF"), ("csv", "CSV"), ("markdown", "Markdown"))]
        for button, fmt in zip(self.exports, ("sarif", "csv", "markdown")):
            button.on_click(lambda _b, fmt=fmt: self._export(fmt))
        self.messages = w.Output()
        self.messages.add_class("bumba-w-messages")
        self.notes = w.HTML(style=self._shared["html"])
        filters = w.VBox([
            w.HBox([*self.severity_toggles.values(), self.status], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.category, self.rule, self.place], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.search, self.sort], layout=w.Layout(flex_flow="row wrap")),
        ])
        pager = w.HBox([self.first, self.prev, self.page_label, self.next, self.last, self.page_size],
                       layout=w.Layout(align_items="center"))
        export_bar = w.HBox([w.Label("export shown:"), *self.exports], layout=w.Layout(align_items="center"))
        super().__init__([self.header, self.activity, self.narrative, filters, self.list_box, self.empty, pager, export_bar,
                          self.messages, self.notes])
        self.add_class("bumba-w-view")
        self.refresh()

    @classmethod
    def live(cls, run: RunInfo, **kwargs: Any) -> FindingsView:
        """An empty view for a run that is still going; fill it with add_findings / append_narrative."""
        from ..core.report import Report

        return cls(Report(run=run), **kwargs)

    # -- drawing ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw from the model: header, filter options with counts, the current page."""
        model = self.model
        counts = model.counts()
        self._updating = True
        try:
            self.header.value = header_html(model)
            for severity, toggle in self.severity_toggles.items():
                toggle.description = f"{severity} {counts['severity'][severity]}"
            self._set_options(self.category, "all categories", sorted(counts["category"].items()))
            self._set_options(self.rule, "all rules", sorted(counts["rule"].items()))
            self._set_options(self.place, "all files and cells", sorted(counts["place"].items()),
                              label=place_label)
            self.notes.value = _notes_html(model.report.notes)
        finally:
            self._updating = False
        self._draw_page()

    @staticmethod
    def _set_options(dropdown: w.Dropdown, everything: str, items: Iterable[tuple[str, int]],
                     label=lambda key: key) -> None:
        options = [(everything, "")] + [(f"{label(key)} ({n})", key) for key, n in items]
        if tuple(dropdown.options) == tuple(options):
            return
        keep = dropdown.value if dropdown.value in {value for _, value in options} else ""
        dropdown.options = options  # selects the first option ("all …"); the caller ignores the change
        dropdown.value = keep

    def _draw_page(self) -> None:
        model = self.model
        items = model.page_items()
        for index, row in enumerate(self.rows):
            row.bind(items[index] if index < len(items) else None)
        self._show_rows()
        self.page_label.value = f"{model.page_label()} · page {model.page + 1}/{model.page_count}"
        self.first.disabled = self.prev.disabled = model.page == 0
        self.next.disabled = self.last.disabled = model.page >= model.page_count - 1
        if items:
            self.empty.value = ""
        elif model.findings:
            self.empty.value = "<em>No findings match the filters.</em>"
        else:
            self.empty.value = "<strong>No findings.</strong>"

    def _show_rows(self) -> None:
        children = tuple(widget for row in self.rows for widget in row.widgets())
        if children != tuple(self.list_box.children):
            self.list_box.children = children

    def _go(self, page: int) -> None:
        self.model.go_to_page(page)
        self._draw_page()

    def _on_filter(self, _change: dict) -> None:
        if self._updating:
            return
        self.model.set_filters(
            severities={s for s, toggle in self.severity_toggles.items() if toggle.value},
            category=self.category.value or None,
            rule=self.rule.value or None,
            place=self.place.value or None,
            text=self.search.value,
            status=self.status.value,
        )
        if self.sort.value != self.model.sort:
            self.model.set_sort(self.sort.value)
        self._draw_page()

    def _on_page_size(self, change: dict) -> None:
        size = change["new"]
        while len(self.rows) < size:
            self.rows.append(_Row(self))
        for row in self.rows[size:]:
            row.bind(None)
        self.model.set_page_size(size)
        self._draw_page()

    def _say(self, text: str, *, error: bool = False, link: tuple[str, str] | None = None) -> None:
        """A one-line message under the list (the last action's result); links resolve like notebook links."""
        colour = "var(--jp-error-color1,#c62828)" if error else "inherit"
        body = f'<span style="color:{colour}">{_esc(text)}</span>'
        if link is not None:
            href, label = link
            body += f' <a href="{_esc(quote(href))}" target="_blank">{_esc(label)}</a>'
        self.messages.outputs = ()
        self.messages.append_display_data(HTML(body))

    def _store_error(self, error: Exception) -> None:
        self._say(f"the store could not be updated ({error}); the change holds for this view only", error=True)

    # -- actions ---------------------------------------------------------------------------------------
    def _toggle_reviewed(self, finding: Finding | None) -> None:
        if finding is None:
            return
        try:
            if self.model.status_of(finding) in ("reviewed", "suppressed"):
                result = self.model.reopen(finding)
            else:
                result = self.model.mark_reviewed(finding)
        except ActionError as error:
            self._say(str(error), error=True)
            return
        self._say(f"{finding.rule} at {finding.location.label()}: {result.message}")
        self.refresh()

    def _suppress(self, finding: Finding | None, reason: str, mode: str) -> None:
        if finding is None:
            return
        try:
            result = self.model.suppress(finding, reason, mode)
        except (ActionError, OSError) as error:
            self._say(f"not suppressed: {error}", error=True)
            return
        self._expanded.discard(id(finding))
        self._say(f"{finding.rule} at {finding.location.label()} suppressed: {result.message}")
        self.refresh()

    def _goto(self, finding: Finding | None, output: w.Output) -> None:
        if finding is None:
            return
        output.outputs = ()
        model = self.model
        request = model.goto_request(finding)

        def answered(reply: FrontendReply) -> None:
            output.outputs = ()
            if reply.ok:
                output.append_display_data(HTML(f"<span>opened {_esc(finding.location.label())}</span>"))
                return
            href = model.relative_link(finding)
            place = _esc(finding.location.label())
            line = f"#L{finding.location.line}" if finding.location.line and finding.location.cell is None else ""
            if href:
                link = f'<a href="{_esc(quote(href))}{line}" target="_blank">{place}</a>'
            else:
                link = f"<code>{place}</code>"
            reason = f" ({_esc(reply.error)})" if reply.error else ""
            output.append_display_data(HTML(f"<span>Go to {link}{reason}</span>"))

        ask_frontend(request, answered, self.frontend_timeout)

    def _insert_fix(self, finding: Finding | None, output: w.Output) -> None:
        if finding is None:
            return
        output.outputs = ()
        try:
            request = self.model.insert_request(finding)
        except ActionError as error:
            output.append_display_data(HTML(f"<span>{_esc(error)}</span>"))
            return

        def answered(reply: FrontendReply) -> None:
            output.outputs = ()
            if reply.ok:
                output.append_display_data(HTML("<span>inserted the fix as a new cell below (not run)</span>"))
                return
            note = ("Copy the fix into a new cell" + (f" — {reply.error}" if reply.error else "")
                    + "; review it before running.")
            output.append_display_data(HTML(f"<div>{_esc(note)}</div><pre class=\"bumba-w-fix-code\" "
                                            f"style=\"user-select:all\">{_esc(request['code'])}</pre>"))

        ask_frontend(request, answered, self.frontend_timeout)

    def _export(self, fmt: str) -> None:
        try:
            path = self.model.export(fmt, self.export_dir)
        except (ActionError, OSError) as error:
            self._say(f"export failed: {error}", error=True)
            return
        shown = len(self.model.visible())
        href = Path(os.path.relpath(path, Path.cwd())).as_posix()
        self._say(f"{shown} finding{'s' if shown != 1 else ''} written to {path}", link=(href, "open"))

    # -- streaming -------------------------------------------------------------------------------------
    def add_findings(self, findings: Iterable[Finding]) -> None:
        """Show findings as the engine reports them (they are sorted in; the current page redraws)."""
        if self.model.add_findings(findings):
            self.refresh()

    def append_narrative(self, text: str) -> None:
        """Append streamed narrative text; the widget is updated at most ten times a second."""
        with self._narrative_lock:
            self.model.append_narrative(text)
            if self._narrative_timer is not None:
                return  # a flush is already scheduled and will carry this text too
            wait = 0.1 - (time.monotonic() - self._narrative_sent)
            if wait <= 0:
                self._flush_narrative_locked()
            else:
                self._narrative_timer = threading.Timer(wait, self.flush_narrative)
                self._narrative_timer.daemon = True
                self._narrative_timer.start()

    def flush_narrative(self) -> None:
        with self._narrative_lock:
            self._flush_narrative_locked()

    def _flush_narrative_locked(self) -> None:
        if self._narrative_timer is not None:
            self._narrative_timer.cancel()
            self._narrative_timer = None
        self._narrative_sent = time.monotonic()
        text = self.model.narrative
        self.narrative.value = f'<div class="bumba-w-narrative">{_esc(text)}</div>' if text else ""
        self.narrative.layout.display = None if text else "none"

    def set_activity(self, text: str) -> None:
        """A one-line "what the engine is doing now" under the header (empty hides it)."""
        self.activity.value = f'<span class="bumba-w-facts">{_esc(text)}</span>' if text else ""

    def agent_events(self) -> ViewEvents:
        """An object with the agent engine's event methods (on_offline, on_text, on_tool, on_finding,
        on_end) that draws them into this view."""
        return ViewEvents(self)

    def finish(self, report: Report) -> None:
        """Replace the streamed state with the final report (fingerprints, comparison, duration, notes)."""
        old = self.model
        self.model = FindingsModel(report, store=old.store, configured_baseline=old.configured_baseline,
                                   page_size=old.page_size, filters=old.filters,
                                   sort=old.sort, on_store_error=self._store_error)
        if not report.narrative and old.narrative:
            self.model.narrative = old.narrative
        self._expanded.clear()
        self.set_activity("")
        self.flush_narrative()
        self.refresh()


class ViewEvents:
    """The agent engine's events, drawn into a :class:`FindingsView` (duck-typed: engines import no view)."""

    def __init__(self, view: FindingsView) -> None:
        self.view = view

    def on_offline(self, findings: list[Finding]) -> None:
        self.view.add_findings(findings)

    def on_text(self, delta: str) -> None:
        self.view.append_narrative(delta)

    def on_tool(self, name: str, arguments: dict) -> None:
        detail = arguments.get("path") or arguments.get("cell") or arguments.get("pattern")
        self.view.set_activity(f"using {name}" + (f" ({detail})" if detail is not None else "") + "…")

    def on_finding(self, finding: Finding) -> None:
        self.view.add_findings([finding])

    def on_end(self, result: Any) -> None:
        self.view.set_activity("")
        self.view.flush_narrative()


class StreamingView(ViewEvents):
    """The agent's events drawn into a findings view while the review runs.

    The view appears with the first event (an offline-only review shows nothing here) and is cleared by
    :meth:`close` once the review returns: the returned report then draws the finished view, so one view
    stays, with the fingerprints, comparison and usage the streamed state could not know.
    """

    def __init__(self, run: Any) -> None:
        self._run = run
        self.view: FindingsView | None = None  # type: ignore[assignment]
        self.handle = None
        self.usage = ""  # model, turns, tokens, cost: left in place of the streamed view

    def _shown(self) -> FindingsView:
        if self.view is None:
            self.view = FindingsView.live(self._run)
            self.handle = display(self.view, display_id=True)
        return self.view

    def on_offline(self, findings: list[Finding]) -> None:
        self._shown()
        super().on_offline(findings)

    def on_text(self, delta: str) -> None:
        self._shown()
        super().on_text(delta)

    def on_tool(self, name: str, arguments: dict) -> None:
        self._shown()
        super().on_tool(name, arguments)

    def on_finding(self, finding: Finding) -> None:
        self._shown()
        super().on_finding(finding)

    def on_end(self, result: Any) -> None:
        if self.view is not None:
            super().on_end(result)
        if result is not None:
            from .agent_stream import usage_line

            self.usage = usage_line(result)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.update({"text/plain": self.usage, "text/html": f"<div class='bumba-usage'>"
                                f"{html.escape(self.usage)}</div>"}, raw=True)
        if self.view is not None:
            self.view.close()


class ProgressView:
    """Files done / total and the current file, as a progress bar that disappears when the work is done.

    The widgets are created on the first update that is worth showing, so a small review leaves nothing
    behind in the notebook.
    """

    MIN_FILES = 25  # small reviews finish before a progress bar would be readable

    def __init__(self) -> None:
        self.bar: w.IntProgress | None = None
        self.label: w.Label | None = None
        self.box: w.HBox | None = None
        self.handle = None

    def __call__(self, done: int, total: int, current: str) -> None:
        if total < self.MIN_FILES:
            return
        if self.box is None:
            self.bar = w.IntProgress(min=0, max=max(total, 1), value=0, layout=w.Layout(width="300px"))
            self.label = w.Label()
            self.box = w.HBox([w.Label("bumba:"), self.bar, self.label], layout=w.Layout(align_items="center"))
            self.box.add_class("bumba-w-progress")
        self.bar.max = max(total, 1)
        self.bar.value = min(done, total)
        self.label.value = f"{done}/{total} files  {current}"
        if self.handle is None:
            self.handle = display(self.box, display_id=True)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.update({"text/plain": ""}, raw=True)
        if self.box is not None:
            for widget in (*self.box.children, self.box):
                widget.close()


def widget_bundle(report: Report, *, store: Store | None = None, configured_baseline: str | None = None) -> dict:
    """The widget-view part of a report's mime bundle: a new view per display, with the front end's store."""
    view = FindingsView(report, store=store, configured_baseline=configured_baseline)
    return {WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": view.model_id}}


__all__ = ["FindingsView", "ProgressView", "ViewEvents", "widget_bundle"]
