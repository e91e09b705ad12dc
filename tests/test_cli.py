"""The bumba CLI as a user runs it: a real subprocess, real files, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
SCHEMA = {**SCHEMA, "$ref": "#/definitions/Root"}  # the copy keeps the log's shape under definitions/Root
PICKLE = "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"


def bumba(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "bumba_magics", *args], capture_output=True, text=True, check=False,
                          cwd=cwd, timeout=120)


@pytest.fixture
def svc(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "cache.py").write_text(PICKLE)
    return tmp_path / "svc"


def test_scan_text_exit_0(svc):
    out = bumba("scan", str(svc))
    assert out.returncode == 0, out.stderr
    assert "BMB106" in out.stdout and "cache.py:4" in out.stdout


def test_gate_exit_1_and_report_still_written(svc, tmp_path):
    target = tmp_path / "out" / "scan.sarif"
    out = bumba("scan", str(svc), "--format", "sarif", "-o", str(target), "--fail-on", "high")
    assert out.returncode == 1
    sarif = json.loads(target.read_text())
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    assert any(r["ruleId"] == "BMB106" for r in sarif["runs"][0]["results"])
    assert "gate fail" in out.stdout and str(target) in out.stdout


def test_json_format(svc):
    data = json.loads(bumba("scan", str(svc), "-f", "json").stdout)
    assert data["summary"]["total"] == len(data["findings"]) >= 1
    assert data["run"]["command"] == "scan"


@pytest.mark.parametrize("args, message", [
    (("scna", "."), "Did you mean 'scan'"),
    (("scan", "/no/such/dir"), "no such file or folder"),
    (("scan", ".", "--engine", "turbo"), "unknown engine 'turbo': choose auto, offline, claude"),
    (("publish", "/no/such/dir"), "no such folder"),
    (("scan", ".", "--engine", "claude"), "Claude engine"),
    (("explain", "BMB000"), "unknown rule"),
])
def test_usage_errors_exit_2(args, message, svc):
    out = bumba(*args, cwd=svc)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_help_lists_the_catalogue():
    out = bumba("help")
    assert out.returncode == 0
    for name in ("scan", "secure", "analyze-technical", "improve-performance", "checkpoint", "publish"):
        assert name in out.stdout
    assert "available" in out.stdout  # every command says whether it can run
    assert bumba("scan", "--help").returncode == 0


def test_explain_a_rule():
    out = bumba("explain", "BMB106")
    assert out.returncode == 0 and "BMB106" in out.stdout


def test_html_report_escapes(svc, tmp_path):
    (svc / "evil.py").write_text('import pickle\nx = pickle.loads(b"<script>alert(1)</script>")\n')
    target = tmp_path / "r.html"
    assert bumba("scan", str(svc), "-o", str(target)).returncode == 0
    page = target.read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_bad_files_are_skipped_with_notes_never_a_crash(tmp_path):
    messy = tmp_path / "messy"
    messy.mkdir()
    (messy / "broken.ipynb").write_text("{ this is not json")
    (messy / "blob.py").write_bytes(b"\x00\x01binary\x00" * 100)
    (messy / "huge.py").write_text("x = 1\n" * 900_000)  # ~5 MB
    (messy / "latin.txt").write_bytes("café = 'crème'\n".encode("latin-1"))
    (messy / "bad_syntax.py").write_text("def f(:\n")
    (messy / "ok.py").write_text(PICKLE)
    out = bumba("scan", str(messy), "-f", "json")
    assert out.returncode == 0, out.stderr  # no gate: an incomplete review informs, on stderr too
    data = json.loads(out.stdout)
    notes = "\n".join(data["notes"])
    for name in ("broken.ipynb", "blob.py", "latin.txt"):  # not code the review could read: notes
        assert name in notes
    assert [n["path"] for n in data["not_reviewed"]] == ["huge.py"]  # code it did not read
    assert "huge.py was not reviewed" in out.stderr and "max-file-bytes" in out.stderr
    rules = {(f["rule"], f["location"]["path"]) for f in data["findings"]}
    assert ("BMB901", "bad_syntax.py") in rules and ("BMB106", "ok.py") in rules


def test_a_malformed_notebook_named_explicitly_is_a_clear_error(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{ this is not json")
    out = bumba("scan", str(tmp_path / "broken.ipynb"))
    assert out.returncode == 2 and "broken.ipynb" in out.stderr and "Traceback" not in out.stderr
