"""The views of a Report: mime bundle (HTML / Markdown / text), DataFrame, rules docs."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from html.parser import HTMLParser

import pandas as pd
import pytest

import bumba_magics.analyzers
from bumba_magics.analyzers.base import RULES, Rule
from bumba_magics.findings import Category, Finding, Fix, Location, Severity
from bumba_magics.report import Report, RunInfo
from bumba_magics.views.dataframe import COLUMNS, report_to_dataframe
from bumba_magics.views.display import report_mimebundle
from bumba_magics.views.html import HTML_FINDINGS_LIMIT, report_to_html
from bumba_magics.views.markdown import md_fence, report_to_markdown
from bumba_magics.views.mimebundle import FINDINGS_MIME
from bumba_magics.views.rules_doc import anchor, explain_rule, rules_markdown
from bumba_magics.views.text import report_to_text

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def finding(rule="S608", severity="high", category="security", path="app/db.py", line=12, **extra) -> Finding:
    fields = {
        "rule": rule,
        "title": "SQL built from strings",
        "severity": Severity(severity),
        "category": Category(category),
        "location": Location(path=path, line=line, cell=extra.pop("cell", None)),
        "evidence": 'cursor.execute(f"select * from t where id={uid}")',
        "why": "User input reaches the query text.",
        "recommendation": "Pass parameters to execute().",
        "references": ["CWE-89", "https://docs.astral.sh/ruff/rules/hardcoded-sql-expression/"],
        "analyzer": "ruff",
        "fingerprint": "0123456789abcdef0123",
    }
    fields.update(extra)
    return Finding(**fields)


def report(findings=(), **run) -> Report:
    return Report(
        run=RunInfo(command="scan", target="service/", duration_s=1.25, files=7, **run),
        findings=list(findings),
        notes=["skipped vendor/big.min.js: too large"],
    )


def hostile_report() -> Report:
    bad = finding(
        rule=f"X{SCRIPT}",
        title=f"title {SCRIPT} {IMG}",
        path=f"app/{IMG}.py",
        evidence=f"x = '{SCRIPT}' {IMG}",
        why=f"why {IMG}",
        recommendation=f"do {SCRIPT}",
        fix=Fix(description=f"fix {IMG}", code=f"y = '{SCRIPT}'"),
        references=["javascript:alert(1)", f"https://example.org/{IMG}", f"CWE-{SCRIPT}"],
        fingerprint=IMG,
    )
    hostile = report([bad])
    hostile.notes = [f"note {SCRIPT}"]
    hostile.narrative = f"The model said {SCRIPT} and {IMG}"
    return hostile


class Elements(HTMLParser):
    """Collects the elements, attributes and visible text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.opened: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)
        self.opened.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)


def parse(html_text: str) -> Elements:
    parser = Elements()
    parser.feed(html_text)
    parser.close()
    return parser


# -- mime bundle -------------------------------------------------------------------------------------------


def test_mimebundle_has_every_representation_and_the_json_is_the_report():
    rep = report([finding()])
    bundle = report_mimebundle(rep)
    assert FINDINGS_MIME == "application/vnd.bumba.findings+json"
    assert set(bundle) == {FINDINGS_MIME, "text/html", "text/markdown", "text/plain"}
    assert bundle[FINDINGS_MIME] == rep.to_dict()
    assert bundle == rep._repr_mimebundle_()


def test_the_renderings_are_still_importable_from_mimebundle():
    from bumba_magics.views import mimebundle

    assert mimebundle.report_to_html is report_to_html and mimebundle.report_to_text is report_to_text
    assert mimebundle.report_to_markdown is report_to_markdown and mimebundle.FINDINGS_MIME == FINDINGS_MIME


# -- HTML --------------------------------------------------------------------------------------------------


def test_html_escapes_everything_it_did_not_write():
    page = report_to_html(hostile_report())
    parsed = parse(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert not any(name.startswith("on") for name, _ in parsed.attributes)
    assert "<script" not in page and "<img" not in page
    # The hostile text is shown, as text.
    visible = parsed.visible
    assert SCRIPT in visible
    assert IMG in visible
    assert f"The model said {SCRIPT}" in visible
    assert f"note {SCRIPT}" in visible


def test_html_links_only_http_urls_and_cwe_ids():
    rep = hostile_report()
    rep.findings.append(finding(rule="S105", references=["CWE-798", "OWASP A07:2021", "https://owasp.org/x"]))
    hrefs = [attrs["href"] for tag, attrs in parse(report_to_html(rep)).opened if tag == "a"]
    assert "https://cwe.mitre.org/data/definitions/798.html" in hrefs
    assert "https://owasp.org/x" in hrefs
    assert f"https://example.org/{IMG}" in hrefs  # escaped in the attribute, intact once parsed
    assert not any(href.lower().startswith("javascript") for href in hrefs)
    assert all(href.startswith("https://") for href in hrefs)


def test_html_is_self_contained_and_scoped():
    page = report_to_html(report([finding()]))
    parsed = parse(page)
    assert parsed.tags[0] == "div" and parsed.opened[0][1]["class"] == "bumba-report"
    assert set(parsed.tags) <= {
        "div",
        "style",
        "strong",
        "code",
        "span",
        "details",
        "summary",
        "pre",
        "a",
        "h4",
        "ul",
        "li",
        "small",
    }
    style = page[page.index("<style>") + 7 : page.index("</style>")]
    selectors = [rule.split("{")[0] for rule in style.split("}") if "{" in rule]
    assert selectors and all(sel.strip().startswith(".bumba-report") for sel in selectors)
    assert "src=" not in page and "<link" not in page and "@import" not in page


def test_html_header_summary_gate_and_details():
    rep = report(
        [
            finding(severity="low", rule="PERF401", category="performance", line=3),
            finding(severity="critical", rule="BMB201", category="secrets", line=1),
            finding(severity="high"),
        ],
        fail_on=Severity.high,
    )
    page = report_to_html(rep)
    visible = parse(page).visible
    for fact in ("bumba scan", "service/", "offline", "1.25 s", "files 7"):
        assert fact in visible
    assert "1 critical" in visible and "1 high" in visible and "1 low" in visible
    assert "secrets 1" in visible and "security 1" in visible and "performance 1" in visible
    assert "Gate: FAIL (2 findings at or above high)" in visible
    # Most severe first.
    assert page.index("BMB201") < page.index("S608") < page.index("PERF401")
    assert page.count("<details>") == 3 + 1  # three findings and the collapsed notes
    assert "app/db.py:12" in visible
    assert "https://cwe.mitre.org/data/definitions/89.html" in page
    assert "fingerprint 0123456789abcdef0123" in visible
    assert "ruff" in visible


def test_html_passing_gate_and_notebook_location():
    rep = report([finding(severity="medium", path="analysis.ipynb", line=2, cell=3)], fail_on=Severity.high)
    visible = parse(report_to_html(rep)).visible
    assert "Gate: PASS (nothing at or above high)" in visible
    assert "analysis.ipynb cell 3, line 2" in visible


def test_html_shows_no_findings_and_notes():
    page = report_to_html(report())
    visible = parse(page).visible
    assert "No findings." in visible
    assert "Notes (1)" in visible and "skipped vendor/big.min.js: too large" in visible


def test_html_draws_at_most_the_limit_and_says_how_many_more():
    many = [finding(line=n, fingerprint=f"fp{n}") for n in range(1, HTML_FINDINGS_LIMIT + 151)]
    page = report_to_html(report(many))
    assert page.count('<details><summary><span class="bumba-badge') == HTML_FINDINGS_LIMIT
    assert "150 more findings not shown; the JSON and SARIF exports hold all of them." in page


# -- Markdown ----------------------------------------------------------------------------------------------


def _outside_fences(markdown: str) -> str:
    """The Markdown with fenced code blocks removed (what is left is what renders as markup)."""
    kept, fence = [], None
    for line in markdown.splitlines():
        match = re.match(r"^(`{3,})", line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


def test_markdown_tables_and_sections():
    rep = report([finding(title="pipe | in\ntitle"), finding(severity="low", rule="PERF401", line=30)])
    text = report_to_markdown(rep)
    assert text.startswith("# bumba scan — `service/`\n")
    assert "| Severity | Count |" in text and "| high | 1 |" in text and "| low | 1 |" in text
    assert "| 1 | high | S608 | app/db.py:12 | pipe \\| in title |" in text
    assert "### 1. HIGH S608" in text and "### 2. LOW PERF401" in text
    assert '```python\ncursor.execute(f"select * from t where id={uid}")\n```' in text
    assert "**Why:** User input reaches the query text." in text
    assert "[CWE-89](<https://cwe.mitre.org/data/definitions/89.html>)" in text
    assert "## Notes" in text and "skipped vendor/big.min.js: too large" in text


def test_markdown_fence_outlasts_backticks_in_evidence():
    evidence = "a = '```'\nb = '````'"
    text = report_to_markdown(report([finding(evidence=evidence)]))
    assert f"`````python\n{evidence}\n`````" in text
    assert md_fence("x") == "```\nx\n```"


def test_markdown_escapes_markup_outside_code():
    text = report_to_markdown(hostile_report())
    markup = _outside_fences(text)
    markup = re.sub(r"\]\(<https?://[^>]*>\)", "](link)", markup)  # our own link destinations
    markup = re.sub(r"(`+).*?\1", "code", markup)  # code spans render literally
    assert re.search(r"(?<!\\)<", markup) is None  # every other "<" is backslash-escaped
    assert "\\<script\\>" in markup
    assert f"```text\nThe model said {SCRIPT} and {IMG}\n```" in text  # the narrative, fenced


def test_markdown_no_findings():
    text = report_to_markdown(report())
    assert "**No findings.**" in text
    assert "| Severity |" not in text


# -- text --------------------------------------------------------------------------------------------------


def test_text_compact_is_one_line_per_finding():
    rep = report(
        [
            finding(),
            finding(severity="info", rule="BMB900", category="hygiene", path="nb.ipynb", line=4, cell=2),
        ]
    )
    lines = report_to_text(rep).splitlines()
    assert lines[0].startswith("bumba scan service/ (engine offline, duration 1.25 s, files 7)")
    assert lines[1] == "2 findings: 1 high, 1 info"
    finding_lines = [line for line in lines if line.startswith(("HIGH", "INFO"))]
    assert re.fullmatch(r"HIGH +S608 +app/db\.py:12 +SQL built from strings", finding_lines[0])
    assert re.fullmatch(r"INFO +BMB900 +nb\.ipynb cell 2, line 4 +SQL built from strings", finding_lines[1])
    assert "why:" not in "\n".join(lines)
    assert lines[-2:] == ["Notes:", "  - skipped vendor/big.min.js: too large"]


def test_text_verbose_adds_indented_details_and_strips_control_characters():
    rep = report(
        [finding(evidence="x = '\x1b[31mred\x1b[0m'", fix=Fix(description="Use params", code="q(1)"))]
    )
    text = report_to_text(rep, verbose=True)
    assert "\x1b" not in text and "\\x1b[31mred" in text
    assert "    why: User input reaches the query text." in text
    assert "    do: Pass parameters to execute()." in text
    assert "    fix: Use params\n        q(1)" in text
    assert "    id: 0123456789abcdef0123" in text


def test_text_no_findings():
    text = report_to_text(report())
    assert "No findings." in text.splitlines()


# -- DataFrame ---------------------------------------------------------------------------------------------


def test_dataframe_rows_columns_and_ordered_severity():
    rep = report(
        [
            finding(severity="low", rule="PERF401", category="performance"),
            finding(severity="critical", rule="BMB201", category="secrets", path="nb.ipynb", line=2, cell=5),
            finding(severity="medium", rule="BMB500", line=None),
        ]
    )
    frame = report_to_dataframe(rep)
    assert list(frame.columns) == COLUMNS
    assert list(frame["rule"]) == ["BMB201", "BMB500", "PERF401"]
    assert frame["severity"].cat.ordered
    assert list(frame["severity"].cat.categories) == ["info", "low", "medium", "high", "critical"]
    assert list(frame.loc[frame["severity"] >= "medium", "rule"]) == ["BMB201", "BMB500"]
    assert frame.loc[0, "cell"] == 5 and frame.loc[0, "line"] == 2
    assert pd.isna(frame.loc[1, "line"]) and pd.isna(frame.loc[2, "cell"])
    assert str(frame["line"].dtype) == "Int64"
    assert rep.to_dataframe().equals(frame)


def test_dataframe_of_empty_report_has_the_columns():
    frame = report_to_dataframe(report())
    assert frame.empty and list(frame.columns) == COLUMNS
    assert isinstance(frame["severity"].dtype, pd.CategoricalDtype)


def test_dataframe_without_pandas_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` raise ImportError
    with pytest.raises(ImportError, match=r"pip install 'bumba_magics\[dataframe\]'"):
        report_to_dataframe(report())


# -- rules docs --------------------------------------------------------------------------------------------

SQL_RULE = Rule(
    code="BMB101",
    name="sql-string-formatting",
    title="SQL built from formatted strings",
    severity=Severity.high,
    category=Category.security,
    why="Formatting input into SQL lets it change the query.",
    recommendation="Use the driver's parameters.",
    analyzer="security",
    references=("CWE-89",),
    supersedes=("S608",),
    example_bad='cur.execute(f"select {x}")',
    example_good='cur.execute("select %s", (x,))',
)
LOOP_RULE = Rule(
    code="BMB301",
    name="append-in-loop",
    title="List built by appending in a loop",
    severity=Severity.low,
    category=Category.performance,
    why="A comprehension is faster.",
    recommendation="Use a list comprehension.",
    analyzer="performance",
)


def test_rules_markdown_groups_by_category_with_contents():
    text = rules_markdown([LOOP_RULE, SQL_RULE])
    assert text.startswith("# Rules\n")
    assert "- [Security](#security) (1)" in text
    assert "  - [BMB101 sql-string-formatting](#bmb101-sql-string-formatting)" in text
    assert text.index("# Security") < text.index("## BMB101 sql-string-formatting")
    assert text.index("## BMB101") < text.index("# Performance") < text.index("## BMB301 append-in-loop")
    assert "| Severity | high |" in text and "| Analyzer | security |" in text
    assert "| Replaces ruff | S608 |" in text
    assert '```python\ncur.execute(f"select {x}")\n```' in text
    assert '```python\ncur.execute("select %s", (x,))\n```' in text
    assert "[CWE-89](<https://cwe.mitre.org/data/definitions/89.html>)" in text


def test_explain_rule_by_object_code_and_name(monkeypatch):
    monkeypatch.setitem(RULES._rules, SQL_RULE.code, SQL_RULE)
    section = explain_rule(SQL_RULE)
    assert section.startswith("## BMB101 sql-string-formatting\n")
    assert "Formatting input into SQL lets it change the query." in section
    assert explain_rule("bmb101") == section
    assert explain_rule("sql-string-formatting") == section
    with pytest.raises(KeyError):
        explain_rule("BMB0000")


def test_rules_markdown_covers_the_whole_registry():
    for module in pkgutil.iter_modules(bumba_magics.analyzers.__path__):
        importlib.import_module(f"bumba_magics.analyzers.{module.name}")
    text = rules_markdown(RULES)
    for rule in RULES:
        heading = f"{rule.code} {rule.name}"
        assert f"## {heading}\n" in text
        assert f"(#{anchor(heading)})" in text


def test_artifacts_and_metrics_render_escaped():
    from bumba_magics.report import Artifact, Report, RunInfo

    report = Report(
        run=RunInfo(command="validate", target="http://127.0.0.1:1/"),
        metrics={"p50_ms": 12.5, "<b>x</b>": "<script>"},
        artifacts=[
            Artifact(title="latency", mime="image/png", data="iVBORw0KGgo="),
            Artifact(title="bad image", mime="image/png", data='"><script>alert(1)</script>'),
            Artifact(title="API reference", mime="text/markdown", data="# <img src=x>", path="docs/api.md"),
        ],
    )
    html = report_to_html(report)
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    assert "<script" not in html and "<img src=x>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "docs/api.md" in html
    assert "12.5" in report_to_markdown(report) and "API reference" in report_to_markdown(report)
    assert "latency" in report_to_text(report) and "12.5" in report_to_text(report)


# -- dataflow paths ----------------------------------------------------------------------------------------


def flow_finding() -> Finding:
    from bumba_magics.findings import FlowStep

    steps = [
        FlowStep(path="app/web.py", line=9, column=12, code=f"name = request.args['{SCRIPT}']",
                 label="request.args (source)"),
        FlowStep(path="app/helpers.py", line=4, column=5, code='cmd = "ls " + name', label=f"run_cmd {IMG}"),
        FlowStep(path="javascript:alert(1)", line=2, code="x", label="a path that looks like a URL"),
        FlowStep(path="nb.ipynb", line=2, cell=3, code="os.popen(cmd)", label="os.popen(cmd) (sink)"),
    ]
    return finding(rule="BMB121", title="Request data reaches a shell command", flow=steps,
                   also_reported=["S605", "BMB102"])


def test_html_shows_the_path_each_step_linked_and_escaped():
    page = report_to_html(report([flow_finding()]))
    parsed = parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    visible = parsed.visible
    assert f"name = request.args['{SCRIPT}']" in visible and f"run_cmd {IMG}" in visible
    assert "Also reported as: S605, BMB102" in visible
    links = [(attrs["href"], attrs) for tag, attrs in parsed.opened if tag == "a"]
    hrefs = [href for href, _ in links]
    # relative links with a line anchor; a cell's line is not a line of the .ipynb file
    assert hrefs[:4] == ["app/web.py#L9", "app/helpers.py#L4", "javascript%3Aalert%281%29#L2", "nb.ipynb"]
    path_list = page[page.index('<ol class="bumba-flow">'):page.index("</ol>")]
    assert path_list.count("<li>") == 4


def test_markdown_and_text_list_the_path():
    rep = report([flow_finding()])
    markdown = report_to_markdown(rep)
    assert "**Path:**" in markdown
    assert "1. `app/web.py:9` `name = request.args['<script>alert(1)</script>']` request.args (source)" in markdown
    assert "4. `nb.ipynb cell 3, line 2` `os.popen(cmd)` os.popen(cmd) (sink)" in markdown
    assert "**Also reported as:** S605, BMB102" in markdown
    text = report_to_text(rep)
    assert "    path: app/web.py:9 → app/helpers.py:4 → javascript:alert(1):2 → nb.ipynb cell 3, line 2" in text
    verbose = report_to_text(rep, verbose=True)
    assert "      2. app/helpers.py:4  cmd = \"ls \" + name  (run_cmd " in verbose
    assert "    also reported as: S605, BMB102" in verbose
    plain = report_to_text(report([finding()]))
    assert "path:" not in plain  # other findings stay one line each
