"""The agent's tools: read-only, confined to the root, capped; each refusal and each answer checked."""

from __future__ import annotations

import os
import subprocess
from types import SimpleNamespace

import pytest

from bumba_magics.context.files import collect
from bumba_magics.engines.claude.tools import MAX_READ_LINES, ToolBox, describe, report_finding_schema
from bumba_magics.store import Store


@pytest.fixture
def root(tmp_path):
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "big.py").write_text("".join(f"x{n} = {n}\n" for n in range(1, 1001)))
    (project / "pkg" / "db.py").write_text(
        "def q(conn, name):\n    return conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n")
    (project / ".env").write_text("TOKEN=abc\n")
    (project / "node_modules").mkdir()
    (project / "node_modules" / "dep.js").write_text("x")
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours")
    (project / "link.txt").symlink_to(outside)
    return project


def box(root, **more):
    return ToolBox(root=root, context=more.pop("context", None), **more)


def call(toolbox, tool, **arguments):
    return toolbox.call(tool, arguments)


@pytest.mark.parametrize("path, problem", [
    ("../outside.txt", "'..' is not allowed"),
    ("pkg/../../outside.txt", "'..' is not allowed"),
    ("/etc/passwd", "outside the project root"),
    ("link.txt", "link leads outside the review root"),
    (".env", "credential file"),
    (".git/config", ".git folder is not readable"),
    ("nope.py", "no such file"),
])
def test_read_file_refuses_what_is_outside_or_secret(root, path, problem):
    output, is_error = call(box(root), "read_file", path=path)
    assert is_error and problem in output


def test_read_file_reads_a_line_range_with_numbers(root):
    toolbox = box(root)
    output, is_error = call(toolbox, "read_file", path="pkg/big.py", start_line=10, end_line=12)
    assert not is_error
    assert output.splitlines()[1:4] == ["   10  x10 = 10", "   11  x11 = 11", "   12  x12 = 12"]
    assert "[lines 13-1000 not shown]" in output
    whole, _ = call(toolbox, "read_file", path="pkg/big.py")
    assert f"(lines 1-{MAX_READ_LINES} of 1000)" in whole  # capped per call
    assert toolbox.files_read == ["pkg/big.py"]
    absolute, is_error = call(toolbox, "read_file", path=str(root / "pkg" / "db.py"))
    assert not is_error and "SELECT" in absolute


def test_list_files_skips_ignored_folders_and_marks_credentials(root):
    output, _ = call(box(root), "list_files")
    assert "pkg/db.py" in output and "node_modules" not in output
    assert ".env  10 bytes  (withheld: credential file)" in output
    only_py, _ = call(box(root), "list_files", path="pkg", pattern="db*")
    assert only_py.splitlines() == ["pkg/db.py  91 bytes"]


def test_search_text_finds_and_never_searches_credentials(root):
    output, _ = call(box(root), "search_text", pattern="execute")
    assert output.splitlines() == ["pkg/db.py:2: return conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)",
                                   "[not searched: link.txt (link leads outside the review root)]"]
    assert call(box(root), "search_text", pattern="TOKEN")[0].splitlines()[0] == "no matches"
    assert call(box(root), "search_text", pattern="x99[0-9]", regex=True)[0].count("pkg/big.py:99") == 10
    bad, is_error = call(box(root), "search_text", pattern="(", regex=True)
    assert is_error and "bad regex" in bad


def test_notebook_cells_from_the_context(sample_dir):
    context = collect(str(sample_dir / "sample.ipynb"))
    toolbox = ToolBox(root=sample_dir, context=context)
    listing, _ = call(toolbox, "list_cells")
    assert listing.startswith("sample.ipynb:") and "cell 1 " in listing
    cell, is_error = call(toolbox, "read_cell", cell=3)
    assert not is_error and cell.startswith("sample.ipynb cell 3")
    missing, is_error = call(toolbox, "read_cell", cell=999)
    assert is_error and "has no cell 999" in missing


def test_describe_variable_shows_shape_never_values():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"email": ["a@example.com"], "score": [0.5]})
    text = describe(frame, "frame")
    assert "shape: 1 rows x 2 columns" in text and "  score: float64" in text
    assert "a@example.com" not in text and "values not shown" in text
    assert "a@example.com" in describe(frame, "frame", include_values=True)
    secret = describe("hunter2-is-my-password", "pw")
    assert "length: 22" in secret and "hunter2" not in secret
    assert "keys: host, user" in describe({"host": "db", "user": "app"}, "conf")
    assert "signature: f(a, b=1)" in describe(lambda a, b=1: a, "f")


def test_describe_variable_needs_a_kernel_and_a_name(root):
    assert "no running kernel" in call(box(root), "describe_variable", name="x")[0]

    toolbox = box(root, shell=SimpleNamespace(user_ns={"x": [1, 2]}))
    assert "length: 2" in call(toolbox, "describe_variable", name="x")[0]
    assert "give a variable name" in call(toolbox, "describe_variable", name="x.__class__")[0]
    assert "no variable named 'y'" in call(toolbox, "describe_variable", name="y")[0]


def test_run_analyzer_reports_findings_of_a_path(root):
    output, is_error = call(box(root), "run_analyzer", path="pkg", analyzers=["security"])
    assert not is_error and "BMB101" in output and "pkg/db.py:2" in output
    assert "unknown analyzer" in call(box(root), "run_analyzer", analyzers=["semgrep"])[0]


def test_memory_is_kept_per_project(root, tmp_path, store_path):
    store = Store(store_path)
    first = box(root, store=store)
    assert call(first, "memory_read")[0] == "no notes yet for this project"
    call(first, "memory_write", key="layout", value="pkg/ holds the data layer")
    assert call(box(root, store=store), "memory_read", key="layout")[0] == "pkg/ holds the data layer"
    other = tmp_path / "other"
    other.mkdir()
    assert call(box(other, store=store), "memory_read")[0] == "no notes yet for this project"
    call(first, "memory_write", key="layout", value="")
    assert store.memory_get(root.resolve()) == {}


def test_git_tools_are_read_only_views(root):
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=Tess", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "pkg"], check=True)
    subprocess.run([*git, "commit", "-qm", "first commit"], check=True)
    (root / "pkg" / "db.py").write_text("def q(conn, name):\n    return conn.execute('SELECT ?', (name,))\n")
    toolbox = box(root)
    assert "Tess: first commit" in call(toolbox, "git_log", path="pkg/db.py")[0]
    assert "(Tess" in call(toolbox, "git_blame", path="pkg/db.py", start_line=1, end_line=1)[0]
    diff = call(toolbox, "git_diff")[0]
    assert "+    return conn.execute('SELECT ?', (name,))" in diff
    bad, is_error = call(toolbox, "git_diff", ref="--output=/tmp/x")
    assert is_error and "is not a revision" in bad
    assert call(toolbox, "git_blame", path="../x")[1]


def test_report_finding_schema_is_the_finding_model_for_the_api():
    schema = report_finding_schema()
    assert "$defs" not in str(schema) and "$ref" not in str(schema)
    assert set(schema["required"]) == {"rule", "title", "severity", "category", "location"}
    assert "engine" not in schema["properties"] and "fingerprint" not in schema["properties"]
    assert schema["properties"]["severity"]["enum"] == ["critical", "high", "medium", "low", "info"]


def test_report_finding_records_a_valid_finding_and_explains_an_invalid_one(root):
    seen = []
    toolbox = box(root, on_finding=seen.append, agent_name="backend-engineer")
    ok, is_error = call(toolbox, "report_finding", rule="CL1", title="t", severity="high", category="security",
                        location={"path": str(root / "pkg" / "db.py"), "line": 2})
    assert not is_error and ok == "recorded finding 1: t"
    assert seen[0].engine == "claude" and seen[0].analyzer == "backend-engineer"
    assert seen[0].location.path == "pkg/db.py"  # absolute paths made relative to the root
    bad, is_error = call(toolbox, "report_finding", rule="CL2", title="t", severity="urgent", category="security",
                         location={"line": 0})
    assert is_error and "severity" in bad and "location.line" in bad and len(toolbox.findings) == 1


def test_lanes_decide_web_search_and_write_cell(root):
    review_tools = {d["name"] for d in box(root).definitions()}
    assert "web_search" not in review_tools and "write_cell" not in review_tools
    research = box(root, lane="research-technical").definitions()
    assert research[-1] == {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}
    implement = {d["name"] for d in box(root, lane="implement").definitions()}
    assert "write_cell" in implement
    limited = box(root, granted=["read_file"])
    assert {d["name"] for d in limited.definitions()} == {"read_file", "report_finding"}
    assert "unknown or unavailable tool 'list_files'" in call(limited, "list_files")[0]


def test_bad_arguments_are_an_error_result_not_a_crash(root):
    output, is_error = call(box(root), "read_file", file="x")
    assert is_error and "bad arguments for read_file" in output
    assert os.path.exists(root / "pkg" / "db.py")
