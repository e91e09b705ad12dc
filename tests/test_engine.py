"""The offline engine: syntax errors as findings, one broken cell does not hide the others, inline
suppression, ruff duplicates dropped in favour of our precise rules, the per-file cache, analyzer failures."""

from pathlib import Path

from bumba_magics.analyzers.base import ANALYZERS, Analyzer, AnalyzerConfig, register_analyzer
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.engines.offline import isolate_syntax_errors, load_builtin_analyzers, run_offline
from bumba_magics.store import Store

load_builtin_analyzers()

SQL = 'import sqlite3\n\ndef find(conn, name):\n    return conn.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n'
PICKLE = "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"


def notebook(*cells: str) -> Source:
    """A notebook Source built by hand: code cells one after another, with the line map."""
    text, line_map, cell_objs, line = "", [], [], 1
    for index, body in enumerate(cells, start=1):
        body = body if body.endswith("\n") else body + "\n"
        cell_objs.append(Cell(index=index, source=body, execution_count=index, first_line=line))
        for n, _ in enumerate(body.splitlines(), start=1):
            line_map.append((index, n))
        line += len(body.splitlines())
        text += body
    return Source(path="nb.ipynb", text=text, kind="notebook", cells=cell_objs, line_map=line_map)


def run(sources, analyzers=("security", "ruff"), **extra):
    config = AnalyzerConfig(extra={"ruff_select": ["S"], **extra})
    return run_offline(Context(root=Path("."), sources=sources), analyzers, config)


def test_syntax_error_in_a_file_is_a_finding():
    _, findings = isolate_syntax_errors(Source(path="bad.py", text="x = 1\ndef f(:\n    pass\n"))
    assert [(f.rule, f.location.line) for f in findings] == [("BMB901", 2)]


def test_syntax_error_in_a_valid_file_is_not_reported():
    source = Source(path="ok.py", text="x = 1\n")
    same, findings = isolate_syntax_errors(source)
    assert findings == [] and same is source


def test_a_broken_cell_does_not_hide_the_other_cells():
    nb = notebook("def broken(:\n    pass", PICKLE)
    result = run([nb], analyzers=("security",))
    rules = {(f.rule, f.location.cell, f.location.line) for f in result.findings}
    assert ("BMB901", 1, 1) in rules
    assert ("BMB106", 2, 4) in rules


def test_inline_suppression_by_code_and_blanket():
    by_code = PICKLE.replace("loads(blob)", "loads(blob)  # bumba: ignore[BMB106, S301]")
    blanket = PICKLE.replace("loads(blob)", "loads(blob)  # bumba: ignore")
    other_code = PICKLE.replace("loads(blob)", "loads(blob)  # bumba: ignore[BMB101]")
    assert not run([Source(path="a.py", text=by_code)]).findings
    assert not run([Source(path="a.py", text=blanket)]).findings
    assert {f.rule for f in run([Source(path="a.py", text=other_code)]).findings} >= {"BMB106"}


def test_inline_suppression_in_a_notebook_cell():
    nb = notebook("x = 1", PICKLE.replace("loads(blob)", "loads(blob)  # bumba: ignore[BMB106,S301]"))
    assert not [f for f in run([nb]).findings if f.rule in ("BMB106", "S301")]


def test_ruff_duplicate_of_a_precise_rule_is_dropped():
    result = run([Source(path="db.py", text=SQL)])
    at_line_4 = {f.rule for f in result.findings if f.location.line == 4}
    assert "BMB101" in at_line_4 and "S608" not in at_line_4


def test_second_run_reads_unchanged_files_from_the_cache(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    sources = [Source(path="db.py", text=SQL), Source(path="p.py", text=PICKLE)]
    config = AnalyzerConfig(extra={"ruff_select": ["S"]})
    first = run_offline(Context(root=Path("."), sources=sources), ("security", "ruff"), config, store=store)
    assert first.cached_files == 0
    sources = [Source(path="db.py", text=SQL), Source(path="p.py", text=PICKLE + "\n# edited\n")]
    second = run_offline(Context(root=Path("."), sources=sources), ("security", "ruff"), config, store=store)
    assert second.cached_files == 1
    key = lambda f: (f.rule, f.location.path, f.location.line)
    assert sorted(map(key, second.findings)) == sorted(map(key, first.findings))


@register_analyzer
class _Exploding(Analyzer):
    name = "test-exploding"

    def analyze(self, context, sources, config):
        raise RuntimeError("boom")


def test_a_failing_analyzer_is_a_recorded_failure_and_others_still_report():
    result = run([Source(path="p.py", text=PICKLE)], analyzers=("test-exploding", "security"))
    assert [(f.analyzer, f.path, f.error) for f in result.failures] == [("test-exploding", "p.py", "RuntimeError: boom")]
    assert any(f.rule == "BMB106" for f in result.findings)


def test_unknown_analyzer_is_a_note():
    result = run([Source(path="p.py", text="x = 1\n")], analyzers=("no-such-analyzer",))
    assert any("no-such-analyzer" in n for n in result.notes)
    assert "test-exploding" in ANALYZERS


def test_line_numbers_ignore_unicode_separators():
    source = Source(path="a.py", text="x = '\u2028'\nimport pickle\npickle.loads(b)\n")
    assert source.line_text(3) == "pickle.loads(b)"


def test_secrets_quoted_by_any_analyzer_are_masked():
    key = "v97ZTgD5WHly7hkT" + "HjhxUx4EFcpnJKcKYBsJtjlm"
    text = f'import pickle\nAWS_SECRET_ACCESS_KEY = "{key}"; data = pickle.loads(b)\n'
    result = run([Source(path="s.py", text=text)], analyzers=("security", "ruff"))
    assert any(f.rule == "BMB106" for f in result.findings)
    assert all(key not in f.model_dump_json() for f in result.findings)
