"""checkpoint budgets from [tool.bumba.checkpoint]: one verdict with reasons, the gate, the CLI exit code."""

from __future__ import annotations

import json
import textwrap

import pytest

from bumba_magics.cli import main
from bumba_magics.review import GateFailed, review
from bumba_magics.settings import SettingsError

CODE = textwrap.dedent('''
    import pickle


    def load(blob):
        return pickle.loads(blob)


    def tangled(a, b, c, d):
        if a:
            if b:
                return 1
            elif c:
                return 2
            elif d:
                return 3
        elif b and c:
            return 4
        elif c or d:
            return 5
        for i in range(a):
            if i % 2:
                continue
            if i % 3:
                break
            while d:
                d -= 1
        return 0
''')


def project(tmp_path, budgets: str = ""):
    (tmp_path / "app.py").write_text(CODE)
    if budgets:
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "demo"\nversion = "0"\n\n[tool.bumba.checkpoint]\n' + textwrap.dedent(budgets))
    return tmp_path


def run_cli(capsys, *argv):
    code = main(["checkpoint", *argv, "-f", "json", "-q"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip().startswith("{") else None)


def test_default_gate_is_no_new_high_with_a_reason(tmp_path, capsys):
    code, data = run_cli(capsys, str(project(tmp_path)))
    assert code == 1
    assert data["metrics"]["verdict"] == "fail"
    assert data["metrics"]["reasons"] == ["FAIL: new findings at or above high: 1 (allowed 0)"]
    assert data["summary"]["gate"] == "fail"


def test_a_budget_that_allows_one_high_finding_passes(tmp_path, capsys):
    code, data = run_cli(capsys, str(project(tmp_path, "max-new-high = 1\n")))
    assert code == 0
    assert data["metrics"]["verdict"] == "pass"
    assert data["metrics"]["reasons"] == ["ok: new findings at or above high: 1 (allowed 1)"]
    assert data["run"]["gate"] == "pass"


def test_complexity_budget_fails_a_run_without_high_findings(tmp_path, capsys):
    root = project(tmp_path, "max-new-high = 5\nmax-complexity = 10\n")
    code, data = run_cli(capsys, str(root))
    assert code == 1
    reasons = data["metrics"]["reasons"]
    assert "ok: new findings at or above high: 1 (allowed 5)" in reasons
    failing = [r for r in reasons if r.startswith("FAIL")]
    assert len(failing) == 1 and "highest complexity" in failing[0] and "11 (allowed 10)" in failing[0]
    assert "app.py:" in failing[0]  # says where the worst function is
    assert data["metrics"]["count_max_complexity"] == 11


def test_complexity_within_budget_and_category_budgets(tmp_path, capsys):
    root = project(tmp_path, "max-new-high = 5\nmax-complexity = 12\nmax-complexity-findings = 1\n"
                             "max-findings = { security = 1, performance = 0 }\n")
    code, data = run_cli(capsys, str(root))
    assert code == 0, data["metrics"]["reasons"]
    assert all(r.startswith("ok") for r in data["metrics"]["reasons"])
    assert data["metrics"]["count_security_findings"] == 1

    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text().replace("security = 1", "security = 0"))
    code, data = run_cli(capsys, str(root))
    assert code == 1
    assert "FAIL: security findings: 1 (allowed 0)" in data["metrics"]["reasons"]


def test_fail_on_none_without_budgets_has_no_gate(tmp_path, capsys):
    code, data = run_cli(capsys, str(project(tmp_path)), "--fail-on", "none")
    assert code == 0
    assert data["summary"]["gate"] is None
    assert data["metrics"]["verdict"] == "pass"


def test_fail_on_none_keeps_explicit_budgets(tmp_path, capsys):
    code, data = run_cli(capsys, str(project(tmp_path, "max-new = 1\n")), "--fail-on", "none")
    assert code == 1
    assert data["metrics"]["reasons"] == ["FAIL: new findings: 2 (allowed 1)"]


def test_baseline_accepts_findings_then_the_verdict_passes(tmp_path, capsys):
    root = project(tmp_path)
    code, _ = run_cli(capsys, str(root), "--update-baseline")
    assert code == 0
    code, data = run_cli(capsys, str(root))
    assert code == 0
    assert data["metrics"]["verdict"] == "pass"


def test_magic_raises_with_the_failing_reason(ip, tmp_path):
    root = project(tmp_path, "max-new-high = 5\nmax-complexity = 10\n")
    result = ip.run_cell(f"%bumba checkpoint {root}")  # shows the report and raises; the shell survives
    assert isinstance(result.error_in_exec, GateFailed)
    assert "highest complexity" in str(result.error_in_exec)
    assert "Gate: FAIL (highest complexity" in result.error_in_exec.report.to_markdown()
    assert ip.run_cell("1 + 1").result == 2


def test_unknown_category_is_a_clear_error(tmp_path, capsys):
    root = project(tmp_path, "max-findings = { securty = 0 }\n")
    with pytest.raises(SettingsError, match="unknown category securty"):
        review("checkpoint", str(root), use_store=False)
    assert main(["checkpoint", str(root), "-q"]) == 2
    assert "securty" in capsys.readouterr().err


def test_unknown_budget_key_is_a_clear_error(tmp_path):
    root = project(tmp_path, "max-new-hihg = 0\n")
    with pytest.raises(SettingsError, match="max_new_hihg"):
        review("checkpoint", str(root), use_store=False)
