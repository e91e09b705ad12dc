"""The sections of a report notebook: title block, executive summary, per-concern tables, plots, trend.

The report templates in ``notebooks/templates/`` call these after ``review()``; each returns an object
Jupyter displays (HTML we write with every foreign string escaped, or a PNG drawn by matplotlib's Agg
backend, which is deterministic for the same data). Nothing here runs an engine.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.findings import Category, Finding, Severity
from .html import report_to_html
from .presentation import INCOMPLETE_HEADING, SEVERITY_COLOURS, SEVERITY_ORDER

if TYPE_CHECKING:
    from ..analyzers.architecture import ImportGraph
    from ..core.report import Report
    from ..store import Store

# The executed notebook carries the whole report in this output, so ``bumba report`` can write the JSON
# and SARIF exports (and the index) from what the kernel computed; the HTML export leaves it out.
REPORT_MIME = "application/vnd.bumba.report+json"
DATA_TAG = "bumba-report-data"

# Which concerns matter first when severities tie in the executive summary.
_CATEGORY_PRIORITY = [
    Category.security, Category.secrets, Category.correctness, Category.performance, Category.architecture,
    Category.complexity, Category.hygiene, Category.testing, Category.deployment, Category.documentation,
    Category.review,
]

_STYLE = """
.bumba-r{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:14px;line-height:1.45}
.bumba-r table{border-collapse:collapse;margin:6px 0 12px 0}
.bumba-r table th,.bumba-r table td{text-align:left !important;padding:3px 10px 3px 0;
 border-bottom:1px solid rgba(127,127,127,.25);vertical-align:top}
.bumba-r th{font-weight:600}
.bumba-r code{font-size:12px}
.bumba-r .muted{opacity:.7}
.bumba-r .verdict{display:inline-block;padding:4px 12px;border-radius:6px;color:#fff;font-weight:600}
.bumba-r h1{font-size:26px;margin:0 0 6px 0}
"""


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _badge(severity: Severity, text: str | None = None) -> str:
    colour = SEVERITY_COLOURS[severity]
    return (f'<span style="background:{colour};color:#fff;padding:0 6px;border-radius:8px">'
            f"{_esc(text if text is not None else severity.value)}</span>")


class Section:
    """A block of HTML (escaped where it quotes anything) with a plain-text twin for terminals."""

    def __init__(self, body: str, text: str = "") -> None:
        self.html = f'<div class="bumba-r">{body}</div>'
        self.text = text

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html, "text/plain": self.text or re.sub(r"<[^>]+>", "", self.html)}


class Plot:
    """A matplotlib figure as a PNG output (rendered once, at twice the displayed resolution)."""

    DPI = 144

    def __init__(self, figure: Any, alt: str) -> None:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=self.DPI, bbox_inches="tight", metadata={"Software": None})
        self.png = buffer.getvalue()
        self.alt = alt
        # width in CSS pixels: the PNG is drawn at DPI, shown at 72 px per inch of the figure
        self.width = int(figure.get_size_inches()[0] * 96)

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": {"width": self.width}}


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    figure.set_facecolor("white")
    return figure


def _counts_table(rows: list[tuple[str, Counter]], first: str) -> str:
    head = "".join(f"<th>{_badge(s)}</th>" for s in SEVERITY_ORDER)
    body = []
    for name, counts in rows:
        cells = "".join(f"<td>{counts.get(s.value, 0) or ''}</td>" for s in SEVERITY_ORDER)
        body.append(f"<tr><td>{_esc(name)}</td>{cells}<td><strong>{sum(counts.values())}</strong></td></tr>")
    return f"<table><tr><th>{_esc(first)}</th>{head}<th>total</th></tr>{''.join(body)}</table>"


def important(findings: Iterable[Finding]) -> list[Finding]:
    """Findings, most important first: severity, then concern (security before style), then place."""
    priority = {c: i for i, c in enumerate(_CATEGORY_PRIORITY)}

    def key(finding: Finding) -> tuple:
        return (-finding.severity.rank, priority.get(finding.category, len(priority)),
                *finding.location.sort_key(), finding.rule)

    return sorted((f for f in findings if f.category != Category.review), key=key)


def findings_rows(findings: list[Finding], *, limit: int | None = None, new: set[str] | None = None) -> str:
    """A findings table: severity, rule, where, what, and what to do."""
    shown = findings if limit is None else findings[:limit]
    rows = []
    for f in shown:
        marker = " <strong>new</strong>" if new and f.fingerprint in new else ""
        advice = _esc(f.recommendation or "")
        rows.append(
            f"<tr><td>{_badge(f.severity)}{marker}</td><td><code>{_esc(f.rule)}</code></td>"
            f"<td><code>{_esc(f.location.label())}</code></td><td>{_esc(f.title)}"
            f"{'<br><span class=muted>' + advice + '</span>' if advice else ''}</td></tr>"
        )
    more = len(findings) - len(shown)
    tail = f"<p class='muted'>{more} more not shown here; every finding is in the appendix.</p>" if more > 0 else ""
    return ("<table><tr><th>severity</th><th>rule</th><th>where</th><th>finding / recommendation</th></tr>"
            f"{''.join(rows)}</table>{tail}")


# ---------------------------------------------------------------------------------------------------------
# Title block and executive summary
# ---------------------------------------------------------------------------------------------------------


def title_block(report: Report, title: str, parameters: dict[str, Any] | None = None) -> Section:
    """Provenance: enough to know what produced the report and to reproduce it."""
    run = report.run
    parameters = dict(parameters or {})
    model = run.model or "—"
    if not run.model and parameters.get("model"):
        model = f"— (asked for {parameters['model']}; only the Claude engine uses a model)"
    agent = f"{run.agent or '—'}" + (f"  sha256 {run.agent_hash}" if run.agent_hash else "")
    facts = [
        ("target", run.target), ("root", run.root or "—"), ("git commit", run.git_commit or "not a git checkout"),
        ("date", run.started), ("commands", run.command), ("engines", ", ".join(run.engines)), ("model", model),
        ("agent file", agent),
        ("tool versions", ", ".join(f"{k} {v}" for k, v in sorted(run.tool_versions.items())) or "—"),
        ("gate", f"fail on {run.fail_on.value}" if run.fail_on else "none"),
        ("files reviewed", run.files), ("review time", f"{run.duration_s:.1f} s"),
    ]
    rows = "".join(f"<tr><th>{_esc(k)}</th><td><code>{_esc(v)}</code></td></tr>" for k, v in facts)
    params = "".join(
        f"<tr><th>{_esc(k)}</th><td><code>{_esc(json.dumps(v))}</code></td></tr>" for k, v in parameters.items()
    )
    body = (f"<style>{_STYLE}</style><h1>{_esc(title)}</h1><table>{rows}</table>"
            + (f"<details><summary>parameters</summary><table>{params}</table></details>" if params else ""))
    text = f"{title}\n" + "\n".join(f"  {k}: {v}" for k, v in facts)
    return Section(body, text)


def verdict(report: Report) -> tuple[str, str]:
    """("passed" / "FAILED" / "no gate", a sentence)."""
    run = report.run
    if run.fail_on is None:
        return "no gate", "No gate was set (fail_on not given): the report informs, it does not pass or fail."
    if report.incomplete:
        return "FAILED", f"The review is incomplete ({report.incomplete_summary()}): the gate failed."
    reached = report.at_least(run.fail_on)
    if reached:
        return "FAILED", f"{len(reached)} finding(s) at or above '{run.fail_on.value}': the gate failed."
    return "passed", f"No finding at or above '{run.fail_on.value}': the gate passed."


def executive_summary(report: Report, top: int = 5, trend: Trend | None = None) -> Section:
    """Gate verdict, counts by severity and concern, and the few findings to read first."""
    word, sentence = verdict(report)
    colour = {"FAILED": "#c62828", "passed": "#2e7d32"}.get(word, "#546e7a")
    findings = [f for f in report.findings if f.category != Category.review]
    by_category: dict[str, Counter] = {}
    for f in findings:
        by_category.setdefault(f.category.value, Counter())[f.severity.value] += 1
    parts = [f'<p><span class="verdict" style="background:{colour}">Gate: {_esc(word)}</span> {_esc(sentence)}</p>']
    unread = report.incomplete_reasons()
    if unread:  # before the counts: they do not cover these
        parts.append(f"<p><strong>{_esc(INCOMPLETE_HEADING)}:</strong></p><ul>"
                     + "".join(f"<li>{_esc(reason)}</li>" for reason in unread) + "</ul>")
    total = Counter(f.severity.value for f in findings)
    headline = ", ".join(f"{total[s.value]} {s.value}" for s in SEVERITY_ORDER if total[s.value]) or "none"
    parts.append(f"<p><strong>{len(findings)} findings</strong> ({_esc(headline)}).")
    if trend is not None and trend.previous is not None:
        parts.append(f" Since the previous report ({_esc(trend.previous['started'])}): "
                     f"<strong>{len(trend.new)} new</strong>, {len(trend.fixed)} fixed, "
                     f"{len(trend.still_open)} still open.")
    parts.append("</p>")
    if by_category:
        parts.append(_counts_table(sorted(by_category.items()), "concern"))
    first = important(findings)[:top]
    if first:
        parts.append(f"<h3>The {len(first)} most important findings</h3>")
        parts.append(findings_rows(first, new=set(trend.new_fingerprints) if trend else None))
    else:
        parts.append("<p><strong>No findings.</strong></p>")
    text = f"Gate: {word}. {sentence}\n" + "".join(f"  ! {reason}\n" for reason in unread)
    text += f"{len(findings)} findings ({headline})\n" + "\n".join(
        f"  {f.severity.value:<8} {f.rule:<8} {f.location.label()}  {f.title}" for f in first)
    return Section("".join(parts), text)


def findings_section(report: Report, categories: Iterable[str | Category], what: str) -> Section:
    """The findings of some concerns as a table (most important first)."""
    wanted = {Category(c) for c in categories}
    found = important(f for f in report.findings if f.category in wanted)
    if not found:
        return Section(f"<p>No {_esc(what)} findings.</p>", f"No {what} findings.")
    counts = Counter(f.severity.value for f in found)
    headline = ", ".join(f"{counts[s.value]} {s.value}" for s in SEVERITY_ORDER if counts[s.value])
    return Section(f"<p><strong>{len(found)} {_esc(what)} findings</strong> ({_esc(headline)}).</p>"
                   + findings_rows(found, limit=50), f"{len(found)} {what} findings ({headline})")


def all_findings(report: Report) -> Section:
    """Every finding with its evidence, why, recommendation and fix (the same view as ``%bumba``)."""
    return Section(report_to_html(report), report.to_text())


def notes(report: Report) -> Section:
    if not report.notes:
        return Section("<p>No notes.</p>", "No notes.")
    items = "".join(f"<li>{_esc(n)}</li>" for n in report.notes)
    return Section(f"<ul>{items}</ul>", "\n".join(report.notes))


# ---------------------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------------------


def severity_by_category(report: Report) -> Plot | Section:
    """Horizontal stacked bars: one per concern, split by severity."""
    findings = [f for f in report.findings if f.category != Category.review]
    if not findings:
        return Section("<p>No findings to plot.</p>", "No findings to plot.")
    counts: dict[str, Counter] = {}
    for f in findings:
        counts.setdefault(f.category.value, Counter())[f.severity] += 1
    categories = sorted(counts, key=lambda c: (sum(counts[c].values()), c))
    figure = _figure(7.5, 1.0 + 0.45 * len(categories))
    axes = figure.add_subplot()
    left = [0] * len(categories)
    for severity in SEVERITY_ORDER:
        values = [counts[c].get(severity, 0) for c in categories]
        if any(values):
            axes.barh(categories, values, left=left, color=SEVERITY_COLOURS[severity], label=severity.value)
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_xlabel("findings")
    axes.set_title("Findings by concern and severity", loc="left", fontsize=11)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    axes.xaxis.get_major_locator().set_params(integer=True)
    alt = "; ".join(f"{c}: {sum(counts[c].values())}" for c in reversed(categories))
    return Plot(figure, f"Findings by concern and severity — {alt}")


_COMPLEXITY_TITLE = re.compile(r"`(?P<name>[^`]+)` is too complex \((?P<value>\d+) > (?P<limit>\d+)\)")


@dataclass
class HotSpot:
    function: str
    where: str
    complexity: int
    limit: int


def complexity_hotspots(report: Report) -> list[HotSpot]:
    """Functions over the complexity limit (ruff's C901), most complex first."""
    spots = []
    for f in report.findings:
        match = _COMPLEXITY_TITLE.search(f.title) if f.rule == "C901" else None
        if match:
            spots.append(HotSpot(match["name"], f.location.label(), int(match["value"]), int(match["limit"])))
    return sorted(spots, key=lambda s: (-s.complexity, s.where, s.function))


def complexity_section(report: Report, limit: int = 15) -> list[Section | Plot]:
    spots = complexity_hotspots(report)
    if not spots:
        return [Section("<p>No function is over the complexity limit.</p>", "No complexity hot spots.")]
    shown = spots[:limit]
    rows = "".join(f"<tr><td><code>{_esc(s.function)}</code></td><td><code>{_esc(s.where)}</code></td>"
                   f"<td>{s.complexity}</td></tr>" for s in shown)
    table = Section(f"<p><strong>{len(spots)} function(s)</strong> over the cyclomatic complexity limit of "
                    f"{shown[0].limit}.</p><table><tr><th>function</th><th>where</th><th>complexity</th></tr>"
                    f"{rows}</table>", "\n".join(f"{s.complexity:>4}  {s.function}  {s.where}" for s in shown))
    figure = _figure(7.5, 1.0 + 0.4 * len(shown))
    axes = figure.add_subplot()
    names = [f"{s.function}  ({s.where})" for s in reversed(shown)]
    axes.barh(names, [s.complexity for s in reversed(shown)], color="#b45309")
    axes.axvline(shown[0].limit, color="#546e7a", linestyle="--", linewidth=1)
    axes.text(shown[0].limit, len(shown) - 0.4, f" limit {shown[0].limit}", color="#546e7a", fontsize=8)
    axes.set_xlabel("cyclomatic complexity")
    axes.set_title("Complexity hot spots", loc="left", fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    return [table, Plot(figure, "Complexity hot spots: " + ", ".join(f"{s.function} {s.complexity}" for s in shown))]


def files_plot(report: Report, categories: Iterable[str | Category], what: str, limit: int = 12) -> Plot | Section:
    """The files with the most findings of some concerns."""
    wanted = {Category(c) for c in categories}
    counts = Counter(f.location.path or "<input>" for f in report.findings if f.category in wanted)
    if not counts:
        return Section(f"<p>No {_esc(what)} hot spots.</p>", f"No {what} hot spots.")
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    figure = _figure(7.5, 1.0 + 0.4 * len(top))
    axes = figure.add_subplot()
    axes.barh([p for p, _ in reversed(top)], [n for _, n in reversed(top)], color="#1565c0")
    axes.set_xlabel("findings")
    axes.set_title(f"Files with the most {what} findings", loc="left", fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.xaxis.get_major_locator().set_params(integer=True)
    return Plot(figure, f"{what} hot spots: " + ", ".join(f"{p} {n}" for p, n in top))


def _collapse(graph: ImportGraph, depth: int):
    """The graph between packages (the first ``depth`` parts of each name), for large code bases."""
    import networkx as nx

    def group(name: str) -> str:
        return name if "/" in name or name.endswith(".ipynb") else ".".join(name.split(".")[:depth])

    collapsed = nx.DiGraph()
    for node, data in graph.graph.nodes(data=True):
        collapsed.add_node(group(node), kind=data.get("kind", "module"))
    for a, b, kind in graph.graph.edges(data="kind"):
        ga, gb = group(a), group(b)
        if ga != gb:
            strongest = collapsed.get_edge_data(ga, gb, {}).get("kind")
            if strongest != "runtime":
                collapsed.add_edge(ga, gb, kind=kind)
    return collapsed


def _cycles(graph) -> tuple[set[str], set[tuple[str, str]]]:
    """Nodes and runtime edges that are part of an import cycle."""
    import networkx as nx

    runtime = graph.edge_subgraph((a, b) for a, b, k in graph.edges(data="kind") if k == "runtime")
    nodes: set[str] = set()
    edges: set[tuple[str, str]] = set()
    for component in nx.strongly_connected_components(runtime):
        if len(component) > 1 or any(runtime.has_edge(n, n) for n in component):
            nodes |= component
            edges |= {(a, b) for a, b in runtime.edges(component) if a in component and b in component}
    return nodes, edges


def import_graph_plot(graph: ImportGraph, max_nodes: int = 60) -> Plot | Section:
    """The import graph as a figure; modules and imports in a cycle in red."""
    import networkx as nx
    from matplotlib.lines import Line2D

    g = graph.graph
    note = ""
    for depth in (2, 1):
        if g.number_of_nodes() <= max_nodes:
            break
        g = _collapse(graph, depth)
        note = f" (grouped by package: the first {depth} part(s) of each module name)"
    if g.number_of_nodes() == 0:
        return Section("<p>No Python modules to draw.</p>", "No Python modules to draw.")
    cycle_nodes, cycle_edges = _cycles(g)
    names = sorted(n for n in g.nodes if "/" not in n and not n.endswith(".ipynb"))
    root = names[0].split(".")[0] if names else ""
    common = root + "." if root and all(n == root or n.startswith(root + ".") for n in names) else ""

    def label(node: str) -> str:
        if node.endswith(".ipynb") or "/" in node:
            return node.rsplit("/", 1)[-1]
        return node[len(common):] if common and node.startswith(common) else node

    # Layered drawing: importers on the left, what they import to the right; a cycle shares one column.
    # Sorted nodes and a fixed order in each column: the same code gives the same picture.
    ordered = nx.DiGraph()
    ordered.add_nodes_from(sorted(g.nodes(data=True)))
    ordered.add_edges_from(sorted(g.edges(data=True)))
    condensed = nx.condensation(ordered)
    column: dict[str, int] = {}
    for depth, generation in enumerate(nx.topological_generations(condensed)):
        for component in generation:
            for node in condensed.nodes[component]["members"]:
                column[node] = depth
    columns: dict[int, list[str]] = {}
    for node in ordered.nodes:
        columns.setdefault(column[node], []).append(node)
    positions = {}
    for depth, members in columns.items():
        members.sort(key=lambda n: (n not in cycle_nodes, label(n)))
        for row, node in enumerate(members):
            positions[node] = (depth * 1.0, -(row - (len(members) - 1) / 2) * 0.6)
    tallest = max(len(m) for m in columns.values())
    width = min(12.0, 2.6 * len(columns) + 1.0)
    figure = _figure(max(width, 6.0), min(14.0, 1.5 + 0.42 * tallest))
    axes = figure.add_subplot()
    styles = {"runtime": "solid", "deferred": "dashed", "type_checking": "dotted"}
    for kind, style in styles.items():
        plain = [(a, b) for a, b, k in ordered.edges(data="kind") if k == kind and (a, b) not in cycle_edges]
        if plain:
            nx.draw_networkx_edges(ordered, positions, edgelist=plain, ax=axes, style=style, edge_color="#90a4ae",
                                   arrows=True, arrowsize=10, node_size=300)
    if cycle_edges:
        nx.draw_networkx_edges(ordered, positions, edgelist=sorted(cycle_edges), ax=axes, edge_color="#c62828",
                               width=2.2, arrows=True, arrowsize=14, node_size=300)
    notebooks = [n for n, k in ordered.nodes(data="kind") if k == "notebook"]
    modules = [n for n in ordered.nodes if n not in notebooks]
    colours = ["#c62828" if n in cycle_nodes else "#cfd8dc" for n in modules]
    nx.draw_networkx_nodes(ordered, positions, nodelist=modules, node_color=colours, node_size=300, ax=axes,
                           edgecolors="#455a64")
    if notebooks:
        nx.draw_networkx_nodes(ordered, positions, nodelist=notebooks, node_color="#ffe0b2", node_shape="s",
                               node_size=300, ax=axes, edgecolors="#455a64")
    beside = {n: (x + 0.07, y) for n, (x, y) in positions.items()}
    nx.draw_networkx_labels(ordered, beside, labels={n: label(n) for n in ordered.nodes}, font_size=8,
                            ax=axes, horizontalalignment="left",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    axes.margins(x=0.08, y=0.08)
    axes.set_xlim(-0.3, max(len(columns) - 1, 0) + 0.9)
    axes.set_axis_off()
    axes.set_title(f"Import graph{' of ' + common[:-1] if common else ''}{note}", loc="left", fontsize=11)
    handles = [
        Line2D([], [], color="#90a4ae", label="import at module level"),
        Line2D([], [], color="#90a4ae", linestyle="dashed", label="deferred import (in a function)"),
        Line2D([], [], color="#90a4ae", linestyle="dotted", label="TYPE_CHECKING import"),
        Line2D([], [], color="#c62828", linewidth=2.2, label="import cycle"),
    ]
    if notebooks:
        handles.append(Line2D([], [], marker="s", color="w", markerfacecolor="#ffe0b2", markeredgecolor="#455a64",
                              markersize=9, label="notebook"))
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    cycles = f"; in a cycle: {', '.join(sorted(cycle_nodes))}" if cycle_nodes else "; no cycles"
    return Plot(figure, f"Import graph: {g.number_of_nodes()} modules, {g.number_of_edges()} imports{cycles}")


# ---------------------------------------------------------------------------------------------------------
# Trend against the previous report in the store
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Trend:
    """This report compared with the previous one on the same target and commands, by fingerprint."""

    previous: dict | None = None  # the store's row of the previous run
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    still_open: list[Finding] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)  # every run on the target, oldest first
    problem: str | None = None  # why there is no trend (no store …)

    @property
    def new_fingerprints(self) -> list[str]:
        return [f.fingerprint for f in self.new if f.fingerprint]


def compute_trend(report: Report, store: Store) -> Trend:
    """Compare with the latest earlier run of the same commands on the same target in ``store`` (opened by
    the caller: ``reports.trend`` in the report notebooks)."""
    rows = store.list_runs(root=report.run.root, target=report.run.target, command=report.run.command,
                           limit=1000)
    earlier = [r for r in rows if r["id"] != report.run.id and r["started"] <= report.run.started]
    history = list(reversed(rows))
    if not earlier:
        return Trend(history=history)
    previous = store.get_run(earlier[0]["id"])
    before = {f.fingerprint: f for f in previous.findings} if previous else {}
    now = {f.fingerprint for f in report.findings}
    return Trend(
        previous=earlier[0],
        new=important(f for f in report.findings if f.fingerprint not in before),
        fixed=important(f for fp, f in before.items() if fp not in now),
        still_open=important(f for f in report.findings if f.fingerprint in before),
        history=history,
    )


def trend_section(trend: Trend) -> Section:
    if trend.problem:
        return Section(f"<p>No trend: {_esc(trend.problem)}</p>", f"No trend: {trend.problem}")
    if trend.previous is None:
        return Section("<p>This is the first report on this target with these commands; the comparison starts "
                       "with the next run.</p>", "First report on this target: no comparison yet.")
    parts = [(f"<p>Compared with the report of <code>{_esc(trend.previous['started'])}</code> "
              f"({trend.previous['total']} findings): <strong>{len(trend.new)} new</strong>, "
              f"<strong>{len(trend.fixed)} fixed</strong>, {len(trend.still_open)} still open.</p>")]
    for title, group in (("New since the previous report", trend.new), ("Fixed since the previous report",
                                                                        trend.fixed)):
        parts.append(f"<h4>{_esc(title)} ({len(group)})</h4>")
        parts.append(findings_rows(group, limit=30) if group else "<p class='muted'>none</p>")
    if trend.still_open:
        parts.append(f"<details><summary>Still open ({len(trend.still_open)})</summary>"
                     f"{findings_rows(trend.still_open, limit=100)}</details>")
    text = f"{len(trend.new)} new, {len(trend.fixed)} fixed, {len(trend.still_open)} still open"
    return Section("".join(parts), text)


def trend_plot(trend: Trend, limit: int = 30) -> Plot | Section:
    """Findings per run over every earlier run on the target, stacked by severity."""
    runs = trend.history[-limit:]
    if not runs:
        return Section("<p>No earlier runs in the store.</p>", "No earlier runs in the store.")
    figure = _figure(7.5, 3.2)
    axes = figure.add_subplot()
    positions = list(range(len(runs)))
    bottom = [0] * len(runs)
    for severity in SEVERITY_ORDER:
        values = [r["summary"]["by_severity"].get(severity.value, 0) for r in runs]
        if any(values):
            axes.bar(positions, values, bottom=bottom, color=SEVERITY_COLOURS[severity], label=severity.value)
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    axes.set_xticks(positions, [r["started"][:16].replace("T", "\n") for r in runs], fontsize=7)
    axes.set_xlim(-0.6, max(len(runs), 8) - 0.4)  # a few runs stay narrow bars, not one wall
    axes.set_ylabel("findings")
    axes.set_title(f"Findings per run ({len(runs)} run(s) on this target)", loc="left", fontsize=11)
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return Plot(figure, "Findings per run: " + ", ".join(f"{r['started']} {r['total']}" for r in runs))


# ---------------------------------------------------------------------------------------------------------
# What an agent wrote
# ---------------------------------------------------------------------------------------------------------


def _markdown_to_safe_html(text: str) -> str:
    import mistune

    # escape=True turns raw HTML in the model's text into text; mistune also refuses javascript: links
    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text)


def narrative(report: Report) -> Section:
    """The agent's narrative and recommendations, and what the run cost, when an agent ran."""
    parts = []
    if report.narrative:
        parts.append(_markdown_to_safe_html(report.narrative))
    if report.metrics:
        rows = "".join(
            f"<tr><th>{_esc(k)}</th><td>{_esc(v if isinstance(v, str | int | float) else json.dumps(v))}</td></tr>"
            for k, v in report.metrics.items()
        )
        parts.append(f"<h4>Measurements and cost</h4><table>{rows}</table>")
    if not parts:
        engines = ", ".join(report.run.engines)
        message = (f"No narrative: the engine that ran ({engines}) reports findings only; the Claude engine "
                   "adds a narrative, recommendations and their cost.")
        return Section(f"<p class='muted'>{_esc(message)}</p>", message)
    return Section("".join(parts), report.narrative or json.dumps(report.metrics))


def publish(report: Report):
    """The whole report as data, for ``bumba report`` to export (left out of the HTML)."""
    from IPython.display import display

    display({REPORT_MIME: report.to_dict(), "text/plain": repr(report)}, raw=True)
