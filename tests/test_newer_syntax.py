"""Code only a newer Python accepts (3.12-3.14 syntax) is reviewed like any other, whatever Python runs bumba.

The corpus in tests/data/newer_syntax holds files the running Python (3.11 here) rejects: each must reach
every check, with findings at the line and column the user wrote, and only code invalid for every Python
becomes a BMB901 ("does not parse") finding, with the running Python's own message.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from bumba_magics.core.suppressions import write_inline_ignore
from bumba_magics.findings import Finding
from bumba_magics.review import review

CORPUS = Path(__file__).parent / "data" / "newer_syntax"

# (file, rule, the text the finding points at): line and column are looked up in the file itself
EXPECTED = [
    ("orders_pep701.py", "BMB101", 'f"SELECT * FROM orders WHERE id = {request.args["id"]}"'),
    ("orders_pep701.py", "BMB109", 'eval(request.args.get("filter", "None"))'),  # inside a replacement field
    ("exports_pep695.py", "BMB107", 'subprocess.run(f"tar czf {target} /srv/data", shell=True)'),
    ("envelopes_pep696.py", "BMB106", "pickle.loads(envelope.payload)"),
    ("cleanup_pep758.py", "BMB107", 'os.system(f"rm -rf {path}")'),
    ("greeting_pep750.py", "BMB109", 'eval(request.args["expr"])'),
]
# ruff's rules, which we do not report more precisely ourselves, on the same files
EXPECTED_RUFF = [
    ("orders_pep701.py", "S113", 'requests.post("https://audit.example.com/log"'),
    ("envelopes_pep696.py", "S108", '"/tmp/envelopes.log"'),
    ("cleanup_pep758.py", "S108", '"/tmp/cleanup.lock"'),
]
BROKEN = ["broken_everywhere.py", "broken_except_as.py"]


def position(path: Path, text: str) -> tuple[int, int]:
    """1-based (line, column) where ``text`` starts in the file."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number, line.index(text) + 1
    raise AssertionError(f"{text!r} is not in {path}")


def rejected_by_this_python(path: Path) -> bool:
    try:
        ast.parse(path.read_text())
    except SyntaxError:
        return True
    return False


def scan_json(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bumba_magics", *args, "-f", "json"], capture_output=True,
                         text=True, check=False, timeout=180)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def where(finding: dict | Finding) -> tuple:
    location = finding["location"] if isinstance(finding, dict) else finding.location.model_dump()
    rule = finding["rule"] if isinstance(finding, dict) else finding.rule
    return rule, location["path"], location.get("cell"), location.get("line"), location.get("column")


@pytest.fixture(scope="module")
def cli_findings() -> list[dict]:
    return scan_json("scan", str(CORPUS))["findings"]


def test_the_corpus_is_newer_than_the_python_running_the_tests():
    """Otherwise the tests below prove nothing on this interpreter (they pass on 3.14 for free)."""
    newer = [p.name for p in CORPUS.glob("*.py") if p.name not in BROKEN]
    if sys.version_info < (3, 12):
        assert all(rejected_by_this_python(CORPUS / name) for name in newer), newer
    assert all(rejected_by_this_python(CORPUS / name) for name in BROKEN)


@pytest.mark.parametrize("name, rule, text", EXPECTED, ids=[f"{e[0]}-{e[1]}" for e in EXPECTED])
def test_cli_scan_finds_what_newer_code_does_at_the_place_it_is_written(cli_findings, name, rule, text):
    line, column = position(CORPUS / name, text)
    assert (rule, name, None, line, column) in {where(f) for f in cli_findings}


@pytest.mark.parametrize("name, rule, text", EXPECTED_RUFF, ids=[e[0] for e in EXPECTED_RUFF])
def test_ruff_findings_on_newer_code_are_kept(cli_findings, name, rule, text):
    """Ruff lints newer syntax whatever its target version; its "unsupported syntax" errors are not ours."""
    line, column = position(CORPUS / name, text)
    assert (rule, name, None, line, column) in {where(f) for f in cli_findings}
    ruff_rules = {f["rule"] for f in cli_findings if f["analyzer"] == "ruff"}
    assert ruff_rules and all(re.fullmatch(r"[A-Z]+[0-9]+", rule) for rule in ruff_rules), ruff_rules


def test_only_code_invalid_for_every_python_does_not_parse(cli_findings):
    broken = sorted((f["location"]["path"], f["location"].get("cell")) for f in cli_findings if f["rule"] == "BMB901")
    assert broken == [("broken_everywhere.py", None), ("broken_except_as.py", None),
                      ("orders_report_broken_cell.ipynb", 3)]


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_is_reported_with_the_running_pythons_own_message(cli_findings, name):
    with pytest.raises(SyntaxError) as error:
        ast.parse((CORPUS / name).read_text())
    (finding,) = [f for f in cli_findings if f["rule"] == "BMB901" and f["location"]["path"] == name]
    assert finding["title"] == f"Does not parse: {error.value.msg}"
    assert finding["location"]["line"] == error.value.lineno


def test_a_notebook_cell_in_newer_syntax_is_analyzed(cli_findings):
    """PEP 701 in cell 4; in the second notebook a broken cell 3 is blanked but the PEP 701 cell 2 is not."""
    found = {where(f) for f in cli_findings}
    assert ("BMB101", "orders_report.ipynb", 4, 3, 16) in found
    assert ("BMB101", "orders_report_broken_cell.ipynb", 2, 2, 16) in found
    assert not [f for f in cli_findings if f["rule"] == "BMB901" and f["location"]["path"] == "orders_report.ipynb"]


def test_review_gives_the_same_findings_as_the_cli(cli_findings):
    report = review("scan", str(CORPUS))
    assert {where(f) for f in report.findings} == {where(f) for f in cli_findings}


def test_a_name_used_in_a_newer_cell_before_its_definition_is_found():
    """Notebook hygiene reads each cell on its own: a PEP 701 cell is read, not taken to bind every name."""
    report = review("analyze-technical", str(CORPUS / "orders_report.ipynb"))
    assert ("BMB502", "orders_report.ipynb", 3, 1, 10) in {where(f) for f in report.findings}
    assert "BMB901" not in {f.rule for f in report.findings}


def test_a_cell_body_in_newer_syntax_is_scanned(ip):
    ip.run_cell("import sqlite3\nfrom flask import request", store_history=True)
    result = ip.run_cell('%%bumba scan\ncursor = sqlite3.connect("x").cursor()\n'
                         'cursor.execute(f"SELECT * FROM t WHERE id = {request.args["id"]}")', store_history=True)
    assert result.error_in_exec is None and result.error_before_exec is None
    report = ip.user_ns["_"]
    assert ("BMB101", 2, 16) in {(f.rule, f.location.line, f.location.column) for f in report.findings}
    assert "BMB901" not in {f.rule for f in report.findings}


def test_a_finding_in_newer_code_can_be_suppressed_inline(tmp_path):
    """The inline-ignore action checks that the comment does not change the program: it must read the file."""
    target = tmp_path / "orders_pep701.py"
    shutil.copy(CORPUS / "orders_pep701.py", target)
    line, _ = position(target, 'f"SELECT * FROM orders WHERE id = {request.args["id"]}"')
    write_inline_ignore(target, line, "BMB101")
    assert target.read_text().splitlines()[line - 1].endswith("  # bumba: ignore[BMB101]")


def test_newer_modules_are_documented(tmp_path):
    from bumba_magics.generators.api_docs import build

    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copy(CORPUS / "exports_pep695.py", package / "exports.py")
    _, modules, notes = build(str(package))
    exports = next(m for m in modules if m.name.endswith("exports"))
    assert {item.name for item in exports.items} >= {"Repository", "export"}
    assert not [n for n in notes if "does not parse" in n]


def test_a_normal_review_does_not_load_the_newer_grammar(tmp_path):
    """The newer grammar is imported only when ast.parse fails: a scan of ordinary code pays nothing for it."""
    (tmp_path / "plain.py").write_text('name = "world"\nprint(f"hello {name}")\n')
    shutil.copy(CORPUS / "exports_pep695.py", tmp_path / "newer.py")
    program = ("import sys\nfrom bumba_magics.review import review\n"
               "review('scan', sys.argv[1])\nprint('tree_sitter' in sys.modules)")
    plain = subprocess.run([sys.executable, "-c", program, str(tmp_path / "plain.py")], capture_output=True,
                           text=True, check=True, timeout=120)
    newer = subprocess.run([sys.executable, "-c", program, str(tmp_path)], capture_output=True, text=True,
                           check=True, timeout=120)
    assert plain.stdout.split() == ["False"]
    assert newer.stdout.split() == ["True" if sys.version_info < (3, 12) else "False"]


def test_the_notebooks_in_the_corpus_are_valid_notebooks():
    for path in CORPUS.glob("*.ipynb"):
        nbformat.validate(nbformat.read(path, as_version=4))
