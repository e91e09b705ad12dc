"""%bumba / %%bumba in a real IPython InteractiveShell."""

import pytest
from IPython.core.error import UsageError

from bumba_magics.report import Report

PICKLE = "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"


def run(ip, code):
    """Run a cell like a user would; returns (result, error) without letting the shell print tracebacks."""
    result = ip.run_cell(code, store_history=True, silent=False)
    return result.result, result.error_in_exec or result.error_before_exec


def test_scan_a_path_returns_a_report(ip, tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "cache.py").write_text(PICKLE)
    report, error = run(ip, "report = %bumba scan svc")
    assert error is None
    report = ip.user_ns["report"]
    assert isinstance(report, Report)
    assert [(f.rule, f.location.path, f.location.line) for f in report.findings if f.rule == "BMB106"] == [
        ("BMB106", "cache.py", 4)]
    bundle = report._repr_mimebundle_()
    assert {"text/html", "text/markdown", "text/plain", "application/vnd.bumba.findings+json"} <= set(bundle)
    df = report.to_dataframe()
    assert list(df["rule"]).count("BMB106") == 1
    assert report.to_sarif()["version"] == "2.1.0"


def test_cell_magic_reviews_the_body_with_ipython_syntax(ip):
    cell = "%%bumba scan\n%time x = 1\n!echo hi\nimport pickle\nobj = pickle.loads(data)\n"
    _, error = run(ip, cell)
    assert error is None
    report = ip.user_ns["_"]
    hits = [(f.rule, f.location.cell, f.location.line) for f in report.findings if f.rule == "BMB106"]
    assert hits == [("BMB106", 1, 4)]


def test_improve_performance_cell(ip):
    cell = ("%%bumba improve-performance\nout = ''\nfor row in rows:\n    out += str(row)\n"
            "for _, r in df.iterrows():\n    total.append(r.price * r.qty)\n")
    _, error = run(ip, cell)
    assert error is None
    rules = {f.rule for f in ip.user_ns["_"].findings}
    assert {"BMB303", "BMB301"} <= rules


def test_cell_with_a_syntax_error_is_a_finding_not_a_crash(ip):
    _, error = run(ip, "%%bumba scan\ndef broken(:\n    pass\n")
    assert error is None
    assert [f.rule for f in ip.user_ns["_"].findings] == ["BMB901"]


def test_scan_the_current_notebook_from_kernel_history(ip):
    ip.run_cell("import pickle", store_history=True)
    ip.run_cell("blob = b''\nsafe = 1", store_history=True)
    ip.run_cell("value = pickle.loads(blob)", store_history=True)
    _, error = run(ip, "r = %bumba scan --no-repo")
    assert error is None
    hits = [f for f in ip.user_ns["r"].findings if f.rule == "BMB106"]
    assert len(hits) == 1 and hits[0].location.execution_count == 3 and hits[0].location.line == 1


@pytest.mark.parametrize("line, message", [
    ("%bumba scna", "Did you mean 'scan'"),
    ("%bumba scan /no/such/path", "no such file or folder"),
    ("%bumba publish .", "no Python project here"),
    ("%bumba scan . --engine claude", "Claude engine"),
    ("%bumba explain NOPE1", "unknown rule"),
])
def test_errors_are_usage_errors_and_the_shell_survives(ip, line, message):
    _, error = run(ip, line)
    assert isinstance(error, UsageError) and message in str(error)
    assert ip.run_cell("1 + 1").result == 2


def test_gate_raises_after_showing(ip, tmp_path):
    (tmp_path / "a.py").write_text(PICKLE)
    _, error = run(ip, "%bumba scan a.py --fail-on high")
    assert type(error).__name__ == "GateFailed" and error.report.failed


def test_help_forms(ip, capsys):
    table, error = run(ip, "%bumba help")
    assert error is None and "improve-performance" in repr(table) and "available" in repr(table)
    _, error = run(ip, "%bumba scan --help")
    assert error is None and "--fail-on" in capsys.readouterr().out
    doc = ip.find_line_magic("bumba").__doc__
    assert "analyze-technical" in doc and "%%bumba" in doc


def test_config_traits(ip, tmp_path):
    (tmp_path / "a.py").write_text(PICKLE + "\nimport random\ntoken = random.random()\n")
    run(ip, "%config BumbaMagics.severity = 'high'")
    report, error = run(ip, "%bumba scan a.py")
    assert error is None and {f.severity.value for f in report.findings} == {"high"}
    run(ip, "%config BumbaMagics.engine = 'claude'")
    _, error = run(ip, "%bumba scan a.py")
    assert isinstance(error, UsageError)


def test_output_file(ip, tmp_path):
    (tmp_path / "a.py").write_text(PICKLE)
    _, error = run(ip, "%bumba scan a.py -o out/scan.sarif")
    assert error is None and (tmp_path / "out" / "scan.sarif").is_file()


def test_agents_and_history(ip, tmp_path):
    (tmp_path / "a.py").write_text(PICKLE)
    run(ip, "%bumba scan a.py")
    agents, error = run(ip, "%bumba agents")
    assert error is None and "backend-engineer" in repr(agents)
    history, error = run(ip, "%bumba history")
    assert error is None and "scan" in repr(history)


def test_report_command_from_the_magic_reports_bad_input(ip, tmp_path, capsys):
    _, error = run(ip, "%bumba report no-such-folder -o out")
    assert isinstance(error, UsageError) and "bad input" in str(error)
    assert "no-such-folder" in capsys.readouterr().err
    _, error = run(ip, "%bumba report --help")
    assert error is None and "--template" in capsys.readouterr().out
