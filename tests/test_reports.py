"""``bumba report`` without a kernel: inputs, parameters, the combined command, the sections, HTML, index."""

from __future__ import annotations

import json

import nbformat
import pytest

from bumba_magics import reports
from bumba_magics.cli import main
from bumba_magics.commands import UnknownCommand, get_command
from bumba_magics.findings import Category, Finding, Location, Severity, assign_fingerprints
from bumba_magics.report import Report, RunInfo
from bumba_magics.review import GateFailed, ReviewError
from bumba_magics.store import Store
from bumba_magics.views import report_sections as sections


def finding(rule="BMB101", severity="high", category="security", path="app.py", line=3, title="SQL built",
            **extra) -> Finding:
    return Finding(rule=rule, title=title, severity=Severity(severity), category=Category(category),
                   location=Location(path=path, line=line), **extra)


def make_report(findings, fail_on=None, target="svc", root="/tmp/svc", command="scan") -> Report:
    return Report(run=RunInfo(command=command, target=target, root=root, fail_on=fail_on),
                  findings=assign_fingerprints(findings))


# -- the combined command -------------------------------------------------------------------------------


def test_combined_command_runs_each_analyzer_once_and_is_named_after_its_parts():
    command = reports.combined_command(["secure", "improve-performance", "analyze-technical"])
    assert command.name == "secure+improve-performance+analyze-technical"
    assert len(command.analyzers) == len(set(command.analyzers))
    assert {"security", "dataflow", "hardening", "secrets", "performance", "architecture", "hygiene", "ruff"} == set(
        command.analyzers)
    assert {"S", "PERF", "C90"} <= set(command.ruff_select)


def test_one_command_is_that_command_and_strings_are_accepted():
    assert reports.combined_command("scan") is get_command("scan")
    assert reports.combined_command("scan, analyze").name == "scan+analyze-technical"
    assert reports.combined_command('["scan"]') is get_command("scan")


def test_combined_command_refuses_what_cannot_be_reviewed():
    with pytest.raises(UnknownCommand):
        reports.combined_command(["scna"])
    with pytest.raises(ReviewError, match="does not run the analyzers"):
        reports.combined_command(["scan", "history"])
    with pytest.raises(ReviewError, match="no commands"):
        reports.combined_command("")


def test_combined_command_reviews_like_its_parts(tmp_path):
    from bumba_magics.review import review

    (tmp_path / "a.py").write_text("import pickle\n\ndef f(b):\n    return pickle.loads(b)\n")
    both = review(reports.combined_command(["scan", "analyze-technical"]), str(tmp_path), use_store=False)
    scan = review("scan", str(tmp_path), use_store=False)
    assert {f.fingerprint for f in scan.findings} <= {f.fingerprint for f in both.findings}
    assert both.run.command == "scan+analyze-technical"


# -- parameters -----------------------------------------------------------------------------------------


def test_review_overrides():
    assert reports.review_overrides(fail_on="HIGH")["fail_on"] == Severity.high
    assert reports.review_overrides(fail_on="none")["fail_on"] == "none"
    assert "fail_on" not in reports.review_overrides(fail_on=None)
    assert reports.review_overrides(engine="offline", baseline="b.json") == {"engine": "offline",
                                                                            "baseline": "b.json"}
    with pytest.raises(ReviewError, match="fail_on"):
        reports.review_overrides(fail_on="severe")


def test_bundled_templates_declare_the_parameters():
    assert {"review", "security", "performance"} <= set(reports.template_names())
    for name in ("review", "security", "performance"):
        declared = reports.template_parameters(reports.find_template(name))
        assert {"target", "commands", "engine", "model", "fail_on", "baseline", "title"} <= set(declared)
        assert isinstance(declared["commands"], list)


def test_parameter_values_take_the_type_of_the_default():
    assert reports.coerce_parameter("title", "123", "Review") == "123"
    assert reports.coerce_parameter("commands", "scan,secure", ["x"]) == ["scan", "secure"]
    assert reports.coerce_parameter("commands", '["scan"]', ["x"]) == ["scan"]
    assert reports.coerce_parameter("fail_on", "high", None) == "high"
    assert reports.coerce_parameter("fail_on", "null", None) is None
    assert reports.coerce_parameter("top", "7", 5) == 7
    with pytest.raises(reports.ReportInputError, match="expected a int"):
        reports.coerce_parameter("top", "many", 5)


def test_unknown_parameter_names_the_known_ones():
    template = reports.find_template("review")
    with pytest.raises(reports.ReportInputError, match=r"unknown parameter 'colour'.*commands.*fail_on"):
        reports.check_parameters(template, [("colour", "red")])
    with pytest.raises(reports.ReportInputError, match="positional"):
        reports.check_parameters(template, [("target", "x")])
    assert reports.check_parameters(template, [("fail_on", "high")]) == {"fail_on": "high"}


def test_template_without_parameters_cell_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("target = '.'")])
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(reports.ReportInputError, match="no cell tagged 'parameters'"):
        reports.template_parameters(path)
    with pytest.raises(reports.ReportInputError, match="unknown template 'nope'.*review"):
        reports.find_template("nope")


def test_python_in_a_target(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# docs\n")
    (tmp_path / "docs" / ".venv").mkdir()
    (tmp_path / "docs" / ".venv" / "x.py").write_text("x = 1\n")
    assert not reports.has_python(tmp_path / "docs")
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "deep").mkdir()
    (tmp_path / "code" / "deep" / "m.py").write_text("x = 1\n")
    assert reports.has_python(tmp_path / "code")
    assert reports.has_python(str(tmp_path / "code" / "**" / "*.py"))
    with pytest.raises(ReviewError, match="no Python"):
        reports.require_python(str(tmp_path / "docs"))
    with pytest.raises(ReviewError, match="does not exist"):
        reports.require_python(str(tmp_path / "missing"))


def test_gate_raises_only_when_it_failed():
    reports.gate(make_report([finding(severity="low")], fail_on=Severity.high))
    reports.gate(make_report([finding(severity="critical")]))  # no gate set
    with pytest.raises(GateFailed):
        reports.gate(make_report([finding(severity="high")], fail_on=Severity.high))


# -- the command line: bad input is a clear message and exit 2, before any kernel starts -----------------


def test_cli_missing_target(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 2
    assert "target not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_unknown_parameter_and_template(tmp_path, capsys):
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "out"), "-p", "colour", "red"]) == 2
    assert "unknown parameter 'colour'" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "out"), "--template", "nope"]) == 2
    assert "unknown template" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "out"), "--fail-on", "severe"]) == 2
    assert "unknown severity" in capsys.readouterr().err


def test_cli_template_without_parameters(tmp_path, capsys):
    (tmp_path / "a.py").write_text("x = 1\n")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), tmp_path / "t.ipynb")
    assert main(["report", str(tmp_path / "a.py"), "--template", str(tmp_path / "t.ipynb")]) == 2
    assert "no cell tagged 'parameters'" in capsys.readouterr().err


def test_target_without_python_is_on_the_index_and_exits_2(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# only docs\n")
    out = tmp_path / "out"
    assert main(["report", str(tmp_path / "docs"), "-o", str(out)]) == 2
    assert "no Python files or notebooks" in capsys.readouterr().err
    index = json.loads((out / "index.json").read_text())
    (entry,) = index["reports"].values()
    assert entry["status"] == "invalid" and "no Python" in entry["message"]
    assert "no Python files" in (out / "index.html").read_text()


def test_report_names_are_stable_and_distinct(tmp_path):
    for name in ("a/svc", "b/svc"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "m.py").write_text("x = 1\n")

    from argparse import Namespace

    Args = Namespace(targets=[str(tmp_path / "a" / "svc"), str(tmp_path / "b" / "svc")], output_dir="out",
                     template="review", parameter=[], fail_on=None, jobs=1, code="hide", kernel="python3", timeout=60)

    names = [job.name for job in reports.plan(Args, cwd=tmp_path)]
    assert names == ["a-svc.review", "b-svc.review"]
    assert [job.name for job in reports.plan(Args, cwd=tmp_path)] == names


# -- sections ------------------------------------------------------------------------------------------


def test_summary_escapes_and_ranks():
    hostile = finding(title="<script>alert(1)</script>", severity="critical", category="performance")
    report = make_report([finding(severity="low", category="hygiene"), hostile,
                          finding(rule="BMB201", severity="critical", category="secrets", path="b.py")],
                         fail_on=Severity.high)
    html = sections.executive_summary(report, top=2).html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Gate: FAILED" in html
    # a critical secret outranks a critical performance problem; the low one is not in the top 2
    assert html.index("BMB201") < html.index("&lt;script&gt;")
    assert sections.important(report.findings)[0].rule == "BMB201"


def test_verdict():
    assert sections.verdict(make_report([finding(severity="medium")], fail_on=Severity.high))[0] == "passed"
    assert sections.verdict(make_report([finding(severity="high")], fail_on=Severity.high))[0] == "FAILED"
    assert sections.verdict(make_report([finding(severity="high")]))[0] == "no gate"


def test_title_block_has_the_provenance():
    report = make_report([])
    report.run.git_commit, report.run.agent, report.run.agent_hash = "abc123", "backend-engineer", "f" * 64
    report.run.tool_versions = {"ruff": "0.17", "bumba_magics": "0.1"}
    html = sections.title_block(report, "Nightly <review>", {"model": "claude-x"}).html
    for text in ("Nightly &lt;review&gt;", "abc123", "backend-engineer", "f" * 64, "ruff 0.17", "claude-x",
                 report.run.started):
        assert text in html


def test_complexity_hotspots_from_c901():
    report = make_report([
        finding(rule="C901", category="complexity", title="`price_order` is too complex (14 > 10)", line=26),
        finding(rule="C901", category="complexity", title="`tiny` is too complex (11 > 10)", line=3, path="b.py"),
        finding(rule="BMB101", title="`x` is too complex (99 > 10)"),  # not ruff's rule: not a hot spot
    ])
    spots = sections.complexity_hotspots(report)
    assert [(s.function, s.complexity) for s in spots] == [("price_order", 14), ("tiny", 11)]
    parts = sections.complexity_section(report)
    assert isinstance(parts[1], sections.Plot) and parts[1].png.startswith(b"\x89PNG")
    assert "No function" in sections.complexity_section(make_report([finding()]))[0].html


def test_import_graph_plot_highlights_cycles(tmp_path):
    from bumba_magics.analyzers.architecture import build_import_graph
    from bumba_magics.context.targets import resolve

    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from app import b\n")
    (pkg / "b.py").write_text("from app import a\n")
    (pkg / "c.py").write_text("from app import a\n")
    context = resolve(str(tmp_path))
    graph = build_import_graph(context.sources, context.root)
    nodes, edges = sections._cycles(graph.graph)
    assert nodes == {"app.a", "app.b"} and edges == {("app.a", "app.b"), ("app.b", "app.a")}
    plot = sections.import_graph_plot(graph)
    assert "in a cycle: app.a, app.b" in plot.alt
    (pkg / "b.py").write_text("def later():\n    from app import a\n")  # deferred: no cycle
    context = resolve(str(tmp_path))
    assert "no cycles" in sections.import_graph_plot(build_import_graph(context.sources, context.root)).alt


def test_plots_are_deterministic():
    report = make_report([finding(), finding(severity="low", category="performance", line=9)])
    assert sections.severity_by_category(report).png == sections.severity_by_category(report).png
    assert "No findings" in sections.severity_by_category(make_report([])).html


def test_narrative_is_markdown_with_html_escaped():
    report = make_report([])
    assert "No narrative" in sections.narrative(report).html
    report.narrative = "## Verdict\n\n**Fix the SQL.** <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    report.metrics = {"cost_usd": 0.0123, "tokens": {"input": 10}}
    html = sections.narrative(report).html
    assert "<strong>Fix the SQL.</strong>" in html and "<h2" in html
    assert "<img" not in html and 'href="javascript' not in html
    assert "cost_usd" in html and "0.0123" in html


def test_trend_from_the_store(store_path):
    store = Store(store_path)
    first = make_report([finding(line=3), finding(rule="BMB106", line=8, title="pickle")])
    first.run.started = "2026-01-01T00:00:00+00:00"
    store.save_run(first)
    assert sections.compute_trend(first, store).previous is None
    second = make_report([finding(line=5), finding(rule="BMB110", line=9, title="random")])
    second.run.started = "2026-01-02T00:00:00+00:00"
    store.save_run(second)
    trend = sections.compute_trend(second, store)
    assert [f.rule for f in trend.new] == ["BMB110"]
    assert [f.rule for f in trend.fixed] == ["BMB106"]
    assert [f.rule for f in trend.still_open] == ["BMB101"]  # moved from line 3 to 5: same finding
    assert len(trend.history) == 2
    html = sections.trend_section(trend).html
    assert "1 new" in html and "1 fixed" in html
    assert isinstance(sections.trend_plot(trend), sections.Plot)


# -- HTML and index ------------------------------------------------------------------------------------


def _executed_like(report: Report):
    data = nbformat.v4.new_code_cell("sections.publish(report)")
    data.metadata["tags"] = [sections.DATA_TAG]
    data.outputs = [nbformat.v4.new_output("display_data", data={sections.REPORT_MIME: report.to_dict(),
                                                                  "text/plain": "<Report>"})]
    shown = nbformat.v4.new_code_cell("sections.summary(report)")
    shown.outputs = [nbformat.v4.new_output("display_data", data=sections.executive_summary(report)
                                            ._repr_mimebundle_())]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Executive summary"), data, shown])


def test_html_is_self_contained_and_hides_code_and_data():
    nb = _executed_like(make_report([finding()]))
    page = reports.render_html(nb)
    assert "Executive summary" in page and "BMB101" in page
    assert "<script src" not in page and "cdnjs" not in page
    assert "sections.summary(report)" not in page and "&lt;Report&gt;" not in page
    folded = reports.render_html(nb, code="collapsed")
    assert '<details class="bumba-code">' in folded and "hl-ipython3" in folded and "hl-ipython3" not in page
    assert reports.render_html(nb) == page  # same notebook, same page


def test_html_says_when_the_gate_failed_or_a_cell_raised():
    nb = _executed_like(make_report([finding()]))
    assert "Gate failed" in reports.render_html(nb, status="fail", message="1 finding at or above 'high'")
    page = reports.render_html(nb, status="error", message="cell 4 raised <KeyError>")
    assert "Report incomplete" in page and "&lt;KeyError&gt;" in page


def test_index_links_reports_and_escapes(tmp_path):
    outcome = {"key": "x.review", "target": "/src/<b>", "template": "review", "status": "fail",
               "message": "<i>gate</i>", "generated": "2026", "files": {"html": "x.review.html"},
               "summary": {"total": 3, "by_severity": {"high": 2, "low": 1}, "by_category": {}, "gate": "fail"},
               "comparison": {"new": 1, "fixed": 2}}
    page = reports.update_index(tmp_path, [outcome]).read_text()
    assert "&lt;b&gt;" in page and "<b>" not in page and "&lt;i&gt;gate" in page
    assert 'href="x.review.html"' in page and "+1 / −2" in page
    other = {**outcome, "key": "a.review", "target": "/a", "status": "pass", "message": ""}
    reports.update_index(tmp_path, [other])
    entries = json.loads((tmp_path / "index.json").read_text())["reports"]
    assert list(entries) == ["a.review", "x.review"]  # earlier reports stay on the index, sorted
