"""An honest gate: a crashed analyzer, a parser that gives up and a file too large to read make the review
incomplete — recorded in the report, shown, and a failed gate (exit 3, ReviewIncomplete) — while every
other file keeps its findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from bumba_magics import reports
from bumba_magics.analyzers import ruff_bridge
from bumba_magics.analyzers.base import (
    RULES,
    Analyzer,
    AnalyzerConfig,
    make_finding,
    parse_python,
    register_analyzer,
    walk_checks,
)
from bumba_magics.commands import Command
from bumba_magics.context.source import Context, Source
from bumba_magics.engines.offline import isolate_syntax_errors, load_builtin_analyzers, run_offline
from bumba_magics.report import Report
from bumba_magics.review import GateFailed, ReviewIncomplete, review
from bumba_magics.store import Store
from bumba_magics.views import report_sections

load_builtin_analyzers()

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
SCHEMA = {**SCHEMA, "$ref": "#/definitions/Root"}
# 20,000 terms: Python's parser gives up (RecursionError) and ruff overflows its stack (signal 6)
DEEP = "x = " + "1+" * 20000 + "1\n"
SHELL = "import pickle\nimport subprocess\n\n\ndef run(c, blob):\n    subprocess.call(c, shell=True)\n" \
        "    return pickle.loads(blob)\n"
EVAL = "def run(expr):\n    return eval(expr)\n"


def bumba(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "bumba_magics", *args], capture_output=True, text=True,
                          check=False, cwd=cwd, timeout=180, env={**os.environ, **(env or {})})


def keyed(findings):
    return sorted((f["rule"], f["location"]["path"], f["location"]["line"]) for f in findings)


@pytest.fixture
def deep_project(tmp_path):
    root = tmp_path / "deep"
    root.mkdir()
    (root / "deep.py").write_text(DEEP)
    (root / "bad.py").write_text(SHELL)
    return root


@pytest.fixture
def big_project(tmp_path):
    """A 1.2 MB module whose second line is an eval of a variable."""
    root = tmp_path / "big"
    root.mkdir()
    padding = "".join(f"VALUE_{i} = {i}\n" for i in range(60_000))
    (root / "big.py").write_text(EVAL + padding)
    assert 1_100_000 < (root / "big.py").stat().st_size < 1_300_000
    return root


# ------------------------------------------------------------------------------------ the CLI, end to end


def test_checkpoint_with_a_file_that_crashes_ruff_and_the_parser_exits_3(deep_project, tmp_path):
    sarif_path = tmp_path / "out.sarif"
    out = bumba("checkpoint", str(deep_project), "-f", "sarif", "-o", str(sarif_path))
    assert out.returncode == 3, out.stdout + out.stderr
    assert "the review is incomplete" in out.stderr
    assert "analyzer ruff failed on deep.py: ruff crashed (signal 6, SIGABRT)" in out.stderr
    assert "security" in out.stderr and "failed on deep.py: Python's parser gave up" in out.stderr

    sarif = json.loads(sarif_path.read_text())
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert {n["properties"]["analyzer"] for n in errors} >= {"ruff", "security", "performance"}
    assert {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in errors} == {"deep.py"}
    # the other file keeps every finding it has alone: ruff's S602 and our BMB106
    alone = json.loads(bumba("checkpoint", str(deep_project / "bad.py"), "-f", "json").stdout)
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run["results"]}
    assert {("S602", "bad.py"), ("BMB106", "bad.py")} <= results
    assert {rule for rule, _, _ in keyed(alone["findings"])} <= {rule for rule, _ in results}


def test_the_text_report_says_what_was_not_looked_at(deep_project):
    out = bumba("checkpoint", str(deep_project))
    assert out.returncode == 3
    head = out.stdout.split("HIGH")[0]  # before the findings, not among the notes
    assert "Gate: FAIL (the review is incomplete:" in head
    assert "Review incomplete" in head and "analyzer ruff failed on deep.py" in head


def test_a_scan_without_a_gate_exits_0_and_reports_the_failure_on_stderr(deep_project):
    out = bumba("scan", str(deep_project), "-f", "json")
    assert out.returncode == 0, out.stderr
    assert "analyzer ruff failed on deep.py" in out.stderr
    data = json.loads(out.stdout)
    assert ("ruff", "deep.py") in {(f["analyzer"], f["path"]) for f in data["failures"]}
    assert data["summary"]["incomplete"] is True and data["summary"]["gate"] is None
    assert ("S602", "bad.py", 6) in keyed(data["findings"])


def test_the_same_scan_with_fail_on_exits_3(deep_project):
    out = bumba("scan", str(deep_project), "--fail-on", "critical")  # nothing is critical: only the failure
    assert out.returncode == 3
    assert "analyzer ruff failed on deep.py" in out.stderr


def test_a_file_too_large_to_read_fails_the_gate_and_says_how_to_include_it(big_project):
    out = bumba("checkpoint", str(big_project), "-f", "json")
    assert out.returncode == 3, out.stderr
    data = json.loads(out.stdout)
    [unread] = data["not_reviewed"]
    assert unread["path"] == "big.py" and "max-file-bytes" in unread["reason"]
    assert "big.py was not reviewed" in out.stderr and "[tool.bumba]" in out.stderr
    assert data["summary"]["gate"] == "fail" and data["findings"] == []


def test_max_file_bytes_in_pyproject_reaches_collection(big_project):
    (big_project / "pyproject.toml").write_text("[tool.bumba]\nmax-file-bytes = 2000000\n")
    out = bumba("checkpoint", str(big_project), "-f", "json")
    data = json.loads(out.stdout)
    assert data["not_reviewed"] == [] and data["failures"] == []
    assert ("BMB109", "big.py", 2) in keyed(data["findings"])  # the eval is seen now
    assert out.returncode == 1  # a complete review whose gate fails on a real finding


def test_a_complete_green_checkpoint_still_exits_0(tmp_path):
    (tmp_path / "ok.py").write_text("def add(a, b):\n    return a + b\n")
    out = bumba("checkpoint", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "incomplete" not in out.stdout + out.stderr


# ------------------------------------------------------------------------------------ review() and the kernel


def test_review_records_failures_structurally(deep_project):
    report = review("checkpoint", str(deep_project))
    assert report.incomplete and report.failed
    failed = {(f.analyzer, f.path) for f in report.failures}
    assert {("ruff", "deep.py"), ("security", "deep.py"), ("syntax", "deep.py")} <= failed
    assert "bad.py" not in {f.path for f in report.failures}
    assert {"S602", "BMB106"} <= {f.rule for f in report.findings if f.location.path == "bad.py"}
    assert not any("failed" in note for note in report.notes)  # a failure, not a note
    again = Report.from_dict(json.loads(report.to_json()))
    assert again.failures == report.failures and again.failed


def test_old_reports_without_the_new_fields_still_load():
    old = {"run": {"command": "scan", "target": "."}, "findings": [], "notes": ["x"], "summary": {"total": 0}}
    report = Report.from_dict(old)
    assert report.failures == [] and report.not_reviewed == [] and not report.incomplete


def test_review_of_a_large_file_lists_it_as_not_reviewed(big_project):
    report = review("scan", str(big_project), overrides={"fail_on": "high"})
    assert [n.path for n in report.not_reviewed] == ["big.py"]
    assert report.failed and report.summary.gate == "fail"
    assert not any("big.py" in note for note in report.notes)  # said once, as not reviewed
    assert "big.py was not reviewed" in report.to_markdown() and "big.py was not reviewed" in report.to_html()


def test_review_with_pyproject_max_file_bytes_reads_the_large_file(big_project):
    (big_project / "pyproject.toml").write_text("[tool.bumba]\nmax-file-bytes = 2000000\n")
    report = review("scan", str(big_project))
    assert report.not_reviewed == [] and "BMB109" in {f.rule for f in report.findings}


def test_the_magic_raises_review_incomplete_after_showing_the_report(ip, deep_project, capsys):
    result = ip.run_cell(f"%bumba checkpoint {deep_project}")
    error = result.error_in_exec
    assert isinstance(error, ReviewIncomplete) and isinstance(error, GateFailed)
    assert "the review is incomplete" in str(error) and "analyzer ruff failed on deep.py" in str(error)
    assert "Review incomplete" in capsys.readouterr().out  # the report was displayed before the raise
    assert error.report.failures and ip.run_cell("1 + 1").result == 2


def test_the_magic_raises_on_a_file_too_large_to_read(ip, big_project):
    result = ip.run_cell(f"%bumba checkpoint {big_project}")
    assert isinstance(result.error_in_exec, ReviewIncomplete)
    assert "big.py was not reviewed" in str(result.error_in_exec)


def test_the_magic_without_a_gate_returns_the_incomplete_report(ip, deep_project):
    result = ip.run_cell(f"%bumba scan {deep_project}")
    assert result.error_in_exec is None
    assert result.result.incomplete and "Review incomplete" in result.result.to_text()


# ------------------------------------------------------------------------------------ third-party analyzers


CALLS = {"flaky": 0}


@register_analyzer
class _Raising(Analyzer):
    name = "test-raising"

    def analyze(self, context, sources, config):
        raise ValueError("cannot read this")


@register_analyzer
class _FlakyOnce(Analyzer):
    """Fails on its first call, then finds one thing per file."""

    name = "test-flaky-once"

    def analyze(self, context, sources, config):
        CALLS["flaky"] += 1
        if CALLS["flaky"] == 1:
            raise RuntimeError("first call fails")
        return [make_finding(RULES.get("BMB106"), source, 1) for source in sources]


def test_a_third_party_analyzer_that_raises_is_a_recorded_failure_and_fails_the_gate(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    command = Command("test-raising-review", "test", needs="a path", analyzers=("security", "test-raising"))
    report = review(command, str(tmp_path), overrides={"fail_on": "high"})
    assert [(f.analyzer, f.path, f.error) for f in report.failures] == [
        ("test-raising", "a.py", "ValueError: cannot read this")]
    assert report.failed
    with pytest.raises(ReviewIncomplete, match="analyzer test-raising failed on a.py: ValueError"):
        raise ReviewIncomplete(report)


def test_a_failed_file_is_not_cached_as_clean(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    sources = [Source(path="p.py", text="x = 1\n")]
    context = Context(root=Path("."), sources=sources)
    CALLS["flaky"] = 0
    first = run_offline(context, ("test-flaky-once",), AnalyzerConfig(), store=store)
    assert [f.analyzer for f in first.failures] == ["test-flaky-once"] and first.findings == []
    second = run_offline(context, ("test-flaky-once",), AnalyzerConfig(), store=store)
    assert CALLS["flaky"] == 2  # asked again, not served "no findings" from the cache
    assert second.failures == [] and [f.rule for f in second.findings] == ["BMB106"]


def test_a_file_ruff_crashes_on_is_not_cached_and_the_others_are(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    sources = [Source(path="deep.py", text=DEEP), Source(path="bad.py", text=SHELL)]
    config = AnalyzerConfig(extra={"ruff_select": ["S"]})
    first = run_offline(Context(root=tmp_path, sources=sources), ("ruff",), config, store=store)
    assert [(f.analyzer, f.path) for f in first.failures if f.analyzer == "ruff"] == [("ruff", "deep.py")]
    second = run_offline(Context(root=tmp_path, sources=sources), ("ruff",), config, store=store)
    assert ("ruff", "deep.py") in {(f.analyzer, f.path) for f in second.failures}  # still a failure
    assert "S602" in {f.rule for f in second.findings}


# ------------------------------------------------------------------------------------ ruff: isolating a crash


def _write(folder: Path, files: dict[str, str]) -> list[str]:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return [str(folder / name) for name in files]


def test_a_ruff_crash_costs_only_the_file_that_caused_it(tmp_path):
    files = {f"ok{i}.py": SHELL for i in range(7)}
    files["deep.py"] = DEEP
    paths = _write(tmp_path / "src", files)
    results, crashed = ruff_bridge.run_ruff_isolating(paths, AnalyzerConfig(extra={"ruff_select": ["S"]}))
    assert list(crashed) == [str(tmp_path / "src" / "deep.py")]
    assert "signal 6" in crashed[str(tmp_path / "src" / "deep.py")]
    flagged = {Path(r["filename"]).name for r in results if r["code"] == "S602"}
    assert flagged == {f"ok{i}.py" for i in range(7)}


def test_two_crashing_files_are_both_isolated(tmp_path):
    files = {"a_deep.py": DEEP, "b.py": SHELL, "c.py": SHELL, "d_deep.py": DEEP, "e.py": SHELL}
    paths = _write(tmp_path / "src", files)
    results, crashed = ruff_bridge.run_ruff_isolating(paths, AnalyzerConfig(extra={"ruff_select": ["S"]}))
    assert sorted(Path(p).name for p in crashed) == ["a_deep.py", "d_deep.py"]
    assert {Path(r["filename"]).name for r in results if r["code"] == "S602"} == {"b.py", "c.py", "e.py"}


def test_isolating_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(ruff_bridge, "MAX_ISOLATING_RUNS", 0)
    paths = _write(tmp_path / "src", {"a.py": SHELL, "deep.py": DEEP})
    results, crashed = ruff_bridge.run_ruff_isolating(paths, AnalyzerConfig(extra={"ruff_select": ["S"]}))
    assert results == [] and len(crashed) == 2
    assert all("too many crashes" in error for error in crashed.values())


def test_ruff_failing_on_everything_is_one_clear_error_not_a_bisection(tmp_path):
    paths = _write(tmp_path / "src", {"a.py": SHELL, "b.py": SHELL})
    with pytest.raises(ruff_bridge.RuffError, match="fails even on an empty file"):
        ruff_bridge.run_ruff_isolating(paths, AnalyzerConfig(extra={"ruff_select": ["NOTARULE9"]}))


# ------------------------------------------------------------------------------------ deep trees, our side


def test_a_deep_but_parseable_expression_is_still_checked():
    """2,000 levels parse, and are deeper than Python's recursion limit: the walk must not recurse."""
    text = "import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob) + " + " + ".join(["1"] * 2000) + "\n"
    source = Source(path="d.py", text=text)
    tree = parse_python(source)
    findings = walk_checks(source, tree, {"security"})
    assert [(f.rule, f.location.line) for f in findings] == [("BMB106", 5)]


@pytest.mark.parametrize("text, rule", [
    ("x = " + "[" * 20000 + "]" * 20000 + "\n", "BMB901"),  # the parser's own limit: too many parentheses
    ("x = " + "f(" * 20000 + ")" * 20000 + "\n", "BMB901"),
    ("x = " + "(" * 300 + "1" + ")" * 300 + "\n", "BMB901"),
])
def test_nesting_the_parser_refuses_is_a_syntax_finding(text, rule):
    result = run_offline(Context(root=Path("."), sources=[Source(path="n.py", text=text)]), ("security",),
                         AnalyzerConfig())
    assert [f.rule for f in result.findings] == [rule] and result.failures == []


@pytest.mark.parametrize("text", [
    DEEP,  # RecursionError
    "x = " + "-" * 20000 + "1\n",  # MemoryError from the parser
    "x = a" + ".b" * 20000 + "\n",
])
def test_code_the_parser_gives_up_on_is_a_failure_per_analyzer_not_a_crash(text):
    sources = [Source(path="deep.py", text=text), Source(path="p.py", text=SHELL)]
    result = run_offline(Context(root=Path("."), sources=sources), ("security", "performance", "architecture"),
                         AnalyzerConfig())
    assert {(f.analyzer, f.path) for f in result.failures} == {
        ("syntax", "deep.py"), ("security", "deep.py"), ("performance", "deep.py")}
    assert all("parser gave up" in f.error for f in result.failures)
    assert "BMB106" in {f.rule for f in result.findings}  # the other file, and architecture, still ran
    assert "BMB901" not in {f.rule for f in result.findings}  # not a syntax error: nothing is known


def test_a_notebook_cell_the_parser_gives_up_on_is_blanked_and_recorded():
    from bumba_magics.context.source import Cell

    cells = [DEEP, "import pickle\nobj = pickle.loads(data)\n"]
    text, line_map, objs, line = "", [], [], 1
    for index, body in enumerate(cells, start=1):
        objs.append(Cell(index=index, source=body, execution_count=index, first_line=line))
        line_map += [(index, n) for n in range(1, len(body.splitlines()) + 1)]
        line += len(body.splitlines())
        text += body
    notebook = Source(path="nb.ipynb", text=text, kind="notebook", cells=objs, line_map=line_map)
    failures = []
    fixed, findings = isolate_syntax_errors(notebook, failures)
    assert fixed.text.startswith("\nimport pickle")  # the deep cell blanked, line count kept
    assert findings == [] and [(f.path, f.error.split(":")[0]) for f in failures] == [("nb.ipynb", "cell 1")]
    result = run_offline(Context(root=Path("."), sources=[notebook]), ("security",), AnalyzerConfig())
    assert [(f.rule, f.location.cell) for f in result.findings] == [("BMB106", 2)]
    assert [f.path for f in result.failures] == ["nb.ipynb"]


# ------------------------------------------------------------------------------------ the agent case


def test_the_cli_exits_3_when_the_claude_engine_stops(tmp_path):
    from fake_anthropic import FakeAnthropic, Fault

    (tmp_path / "bad.py").write_text(SHELL)
    with FakeAnthropic() as fake:
        fake.push(Fault(401, "authentication_error", "invalid x-api-key"))
        env = {"ANTHROPIC_API_KEY": "sk-ant-test-not-a-real-key", "ANTHROPIC_BASE_URL": fake.url}
        out = bumba("scan", str(tmp_path), "--engine", "claude", "-f", "json", env=env)
    assert out.returncode == 3, out.stderr
    assert "the Claude engine stopped" in out.stderr
    data = json.loads(out.stdout)
    assert [f["analyzer"] for f in data["failures"]] == ["claude"]
    assert "BMB106" in {f["rule"] for f in data["findings"]}  # the offline findings are still there


def test_sarif_of_every_kind_of_failure_is_valid(tmp_path):
    from bumba_magics.report import AnalyzerFailure, NotReviewed, RunInfo

    report = Report(
        run=RunInfo(command="scan", target=".", root=str(tmp_path)),
        failures=[AnalyzerFailure(analyzer="ruff", path="pkg/deep.py", error="ruff crashed"),
                  AnalyzerFailure(analyzer="security", path="<cell>", error="parser gave up"),
                  AnalyzerFailure(analyzer="architecture", error="KeyError: 'x'")],
        not_reviewed=[NotReviewed(path="big.py", reason="1.4 MB, over the 1 MB limit")],
    )
    sarif = report.to_sarif()
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    levels = [(n["level"], n["message"]["text"].split(":")[0]) for n in invocation["toolExecutionNotifications"]]
    assert levels == [("error", "analyzer ruff failed on pkg/deep.py"), ("error", "analyzer security failed on <cell>"),
                      ("error", "analyzer architecture failed"), ("warning", "big.py was not reviewed")]
    only_unread = Report(run=report.run, not_reviewed=report.not_reviewed).to_sarif()
    assert only_unread["runs"][0]["invocations"][0]["executionSuccessful"] is True  # ran fine, read less


def test_the_agents_analyzer_tool_says_which_file_it_could_not_analyze(deep_project):
    from bumba_magics.engines.claude.tools import ToolBox

    output = ToolBox(root=deep_project).run_analyzer(".", ["security", "ruff"])
    assert "not analyzed: analyzer ruff failed on deep.py" in output
    assert "S602 bad.py:6" in output


def test_a_report_notebook_gate_fails_on_an_incomplete_review(deep_project):
    """The papermill templates end with reports.gate(report): an incomplete review fails the run."""
    report = review(reports.combined_command("scan"), str(deep_project), overrides={"fail_on": "critical"})
    with pytest.raises(GateFailed, match="the review is incomplete: .*analyzer ruff failed on deep.py"):
        reports.gate(report)
    word, sentence = report_sections.verdict(report)
    assert word == "FAILED" and "incomplete" in sentence
