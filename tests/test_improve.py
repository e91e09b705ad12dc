"""bumba improve: ruff's fixes as findings with diffs; nothing written without --apply; --apply backs up."""

from __future__ import annotations

import json
import textwrap

import nbformat
import pytest

from bumba_magics.cli import main
from bumba_magics.review import ReviewError, review

FIXABLE = textwrap.dedent('''
    from typing import Dict, List


    def count(items: List[int]) -> Dict[str, int]:
        out = dict()
        for x in items:
            if x > 0:
                if x < 10:
                    out[str(x)] = x
        return out
''').lstrip()

CLEAN = textwrap.dedent('''
    def count(items: list[int]) -> dict[str, int]:
        return {str(x): x for x in items if 0 < x < 10}
''').lstrip()


@pytest.fixture
def fixable(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(FIXABLE)
    return path


def test_suggestions_with_diffs_and_nothing_written(fixable):
    before = fixable.read_bytes()
    report = review("improve", str(fixable), use_store=False)
    rules = sorted(f.rule for f in report.findings)
    assert rules == ["C408", "SIM102", "UP006", "UP006"]
    assert all(f.fix is not None and f.fix.patch for f in report.findings)  # every one with its diff
    c408 = next(f for f in report.findings if f.rule == "C408")
    assert "-    out = dict()" in c408.fix.patch and "+    out = {}" in c408.fix.patch
    diff = next(a for a in report.artifacts if a.mime == "text/x-diff")
    assert "+def count(items: list[int]) -> dict[str, int]:" in diff.data
    assert "Would fix" not in diff.data
    assert report.metrics["safe_fixes"] == 2 and report.metrics["unsafe_fixes"] == 2
    assert fixable.read_bytes() == before
    assert not (fixable.parent / ".bumba-backup").exists()
    assert any("nothing was written" in note for note in report.notes)


def test_apply_writes_the_safe_fixes_and_keeps_a_backup(fixable, capsys):
    code = main(["improve", str(fixable), "--apply", "-q", "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    text = fixable.read_text()
    assert "def count(items: list[int]) -> dict[str, int]:" in text
    assert "out = dict()" in text  # unsafe fixes are not applied without --unsafe-fixes
    backups = list((fixable.parent / ".bumba-backup").glob("*/mod.py"))
    assert len(backups) == 1 and backups[0].read_text() == FIXABLE
    assert data["metrics"]["files_changed"] == ["mod.py"]
    assert sorted(f["rule"] for f in data["findings"]) == ["C408", "SIM102"]  # what is left to do
    # the backup folder is ignored by later reviews
    assert (fixable.parent / ".bumba-backup" / ".gitignore").read_text() == "*\n"
    again = review("improve", str(fixable.parent), use_store=False)
    assert {f.location.path for f in again.findings} == {"mod.py"}


def test_apply_with_unsafe_fixes(fixable):
    main(["improve", str(fixable), "--apply", "--unsafe-fixes", "-q"])
    text = fixable.read_text()
    assert "out = {}" in text and "if x > 0 and x < 10:" in text
    compile(text, "mod.py", "exec")


def test_clean_code_has_no_suggestions(tmp_path):
    path = tmp_path / "clean.py"
    path.write_text(CLEAN)
    report = review("improve", str(path), use_store=False)
    assert report.findings == []
    assert not any(a.mime == "text/x-diff" for a in report.artifacts)
    main(["improve", str(path), "--apply", "-q"])
    assert path.read_text() == CLEAN
    assert not (tmp_path / ".bumba-backup").exists()


def test_cell_shows_the_fixed_cell(ip):
    result = ip.run_cell("%%bumba improve\nfrom typing import List\ndef f(x: List[int]):\n    return x\n")
    report = result.result
    assert [f.rule for f in report.findings] == ["UP006"]
    fixed = next(a for a in report.artifacts if a.mime == "text/x-python")
    assert "def f(x: list[int]):" in fixed.data


def test_notebook_apply(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# demo"),
                nbformat.v4.new_code_cell("from typing import List\n\ndef f(x: List[int]):\n    return x")]
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, path)
    report = review("improve", str(path), use_store=False)
    assert [(f.rule, f.location.cell) for f in report.findings] == [("UP006", 2)]
    main(["improve", str(path), "--apply", "-q"])
    again = nbformat.read(path, as_version=4)
    assert "def f(x: list[int]):" in again.cells[1].source
    assert again.cells[0].source == "# demo"


def test_bad_input(tmp_path, capsys):
    assert main(["improve", str(tmp_path / "missing.py"), "-q"]) == 2
    assert "missing.py" in capsys.readouterr().err
    notes = tmp_path / "notes.txt"
    notes.write_text("just text\n")
    with pytest.raises(ReviewError, match="holds none"):
        review("improve", str(notes), use_store=False)
    assert main(["improve", str(notes), "-q"]) == 2
