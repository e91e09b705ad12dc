"""The findings as an ipywidgets view: browse, filter, page, and act on one finding.

The view draws :class:`~.model.FindingsModel` and forwards clicks to it. It is built from a fixed pool of
row widgets (one page) whose values change when the page or the filters do, so a report of thousands of
findings costs what one page costs. The HTML it shows comes from :mod:`.markup`; what the buttons under a
finding do is in :mod:`.actions`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ipywidgets as w
from IPython.display import HTML
from ipywidgets.widgets.widget_bool import ToggleButtonStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from ...core.findings import Finding
from ...core.report import Report
from ..frontend import DEFAULT_TIMEOUT
from ..html import escape
from ..presentation import SEVERITY_ORDER
from .actions import FindingActions
from .events import ViewEvents
from .markup import detail_html, header_html, notes_html, summary_html
from .model import PAGE_SIZES, SORTS, FindingsModel, place_label

if TYPE_CHECKING:
    from ...core.report import RunInfo
    from ...store import Store

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


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
        self.goto.on_click(lambda _b: self.view.actions.goto(self.finding, self.output))
        self.insert.on_click(lambda _b: self.view.actions.insert_fix(self.finding, self.output))
        self.reviewed.on_click(lambda _b: self.view.actions.toggle_reviewed(self.finding))
        self.suppress.on_click(self._show_suppress)
        self.confirm.on_click(lambda _b: self.view.actions.suppress(self.finding, self.reason.value, self.mode.value))
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
        self.actions = FindingActions(self)
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
            button.on_click(lambda _b, fmt=fmt: self.actions.export(fmt))
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
            self.notes.value = notes_html(model.report.notes)
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

    def collapse(self, finding: Finding) -> None:
        """Close a finding's details (the next redraw shows its summary line only)."""
        self._expanded.discard(id(finding))

    def say(self, text: str, *, error: bool = False, link: tuple[str, str] | None = None) -> None:
        """A one-line message under the list (the last action's result); links resolve like notebook links."""
        colour = "var(--jp-error-color1,#c62828)" if error else "inherit"
        body = f'<span style="color:{colour}">{escape(text)}</span>'
        if link is not None:
            href, label = link
            body += f' <a href="{escape(quote(href))}" target="_blank">{escape(label)}</a>'
        self.messages.outputs = ()
        self.messages.append_display_data(HTML(body))

    def _store_error(self, error: Exception) -> None:
        self.say(f"the store could not be updated ({error}); the change holds for this view only", error=True)

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
        self.narrative.value = f'<div class="bumba-w-narrative">{escape(text)}</div>' if text else ""
        self.narrative.layout.display = None if text else "none"

    def set_activity(self, text: str) -> None:
        """A one-line "what the engine is doing now" under the header (empty hides it)."""
        self.activity.value = f'<span class="bumba-w-facts">{escape(text)}</span>' if text else ""

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


def widget_bundle(report: Report, *, store: Store | None = None, configured_baseline: str | None = None) -> dict:
    """The widget-view part of a report's mime bundle: a new view per display, with the front end's store."""
    view = FindingsView(report, store=store, configured_baseline=configured_baseline)
    return {WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": view.model_id}}


__all__ = ["WIDGET_MIME", "FindingsView", "widget_bundle"]
