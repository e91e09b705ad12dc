"""The ruff bridge against the real ruff binary: a true positive and a true negative per rule we rely on."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from bumba_magics.analyzers.base import RULES, AnalyzerConfig
from bumba_magics.analyzers.ruff_bridge import (
    RuffAnalyzer,
    RuffError,
    category_of,
    explain_ruff_rule,
    ruff_arguments,
    ruff_rule,
    ruff_version,
    run_ruff,
)
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.findings import Category, Severity

SELECT = ["S", "PERF", "C90"]


def config(**kwargs) -> AnalyzerConfig:
    extra = {"ruff_select": SELECT, **kwargs.pop("extra", {})}
    return AnalyzerConfig(extra=extra, **kwargs)


def scan(code: str, tmp_path: Path, *, on_disk: bool = True, cfg: AnalyzerConfig | None = None):
    text = textwrap.dedent(code).lstrip("\n")
    abspath = None
    if on_disk:
        abspath = tmp_path / "module.py"
        abspath.write_text(text)
    source = Source(path="module.py", text=text, abspath=abspath)
    return list(RuffAnalyzer().analyze(Context(root=tmp_path), [source], cfg or config()))


def hits(findings, code: str) -> list[int | None]:
    return [f.location.line for f in findings if f.rule == code]


# --- one true positive and one true negative per rule -------------------------------------------------------

CASES = {
    "S608": (
        """
        def find(cursor, user_id):
            cursor.execute("SELECT * FROM users WHERE id = %s" % user_id)
        """,
        """
        def find(cursor, user_id):
            cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,))
        """,
        2,
    ),
    "S301": (
        """
        import pickle

        def load(blob):
            return pickle.loads(blob)
        """,
        """
        import json

        def load(blob):
            return json.loads(blob)
        """,
        4,
    ),
    "S602": (
        """
        import subprocess

        def run(name):
            subprocess.run(f"ls {name}", shell=True)
        """,
        """
        import subprocess

        def run(name):
            subprocess.run(["ls", name])
        """,
        4,
    ),
    "S604": (
        """
        def run(runner, name):
            runner.call(f"ls {name}", shell=True)
        """,
        """
        def run(runner, name):
            runner.call(["ls", name])
        """,
        2,
    ),
    "S105": (
        """
        password = "hunter2-correct-horse"
        """,
        """
        import os

        password = os.environ["APP_PASSWORD"]
        """,
        1,
    ),
    "PERF401": (
        """
        def evens(items):
            result = []
            for item in items:
                if item % 2 == 0:
                    result.append(item * 2)
            return result
        """,
        """
        def evens(items):
            return [item * 2 for item in items if item % 2 == 0]
        """,
        5,
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_true_positive(code: str, tmp_path: Path) -> None:
    bad, _good, line = CASES[code]
    assert hits(scan(bad, tmp_path), code) == [line]


@pytest.mark.parametrize("code", sorted(CASES))
def test_true_negative(code: str, tmp_path: Path) -> None:
    _bad, good, _line = CASES[code]
    assert hits(scan(good, tmp_path), code) == []


def complex_function() -> str:
    """A function with cyclomatic complexity 12: one path plus eleven branches."""
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(11))
    return f"def pick(x):\n{branches}\n    return -1\n"


def test_complexity_over_budget_is_flagged(tmp_path: Path) -> None:
    findings = scan(complex_function(), tmp_path, cfg=config(max_complexity=10))
    [finding] = [f for f in findings if f.rule == "C901"]
    assert finding.location.line == 1
    assert "(12 > 10)" in finding.title
    assert finding.category is Category.complexity
    assert finding.severity is Severity.medium  # over budget, but not twice over


def test_complexity_within_budget_is_not_flagged(tmp_path: Path) -> None:
    assert hits(scan(complex_function(), tmp_path, cfg=config(max_complexity=15)), "C901") == []


def test_complexity_twice_over_budget_is_high(tmp_path: Path) -> None:
    findings = scan(complex_function(), tmp_path, cfg=config(max_complexity=5))
    [finding] = [f for f in findings if f.rule == "C901"]
    assert finding.severity is Severity.high


# --- mapping, metadata, fixes ------------------------------------------------------------------------------


def test_finding_carries_rule_metadata_and_evidence(tmp_path: Path) -> None:
    [finding] = [f for f in scan(CASES["S608"][0], tmp_path) if f.rule == "S608"]
    assert finding.severity is Severity.high
    assert finding.category is Category.security
    assert finding.analyzer == "ruff"
    assert finding.evidence == 'cursor.execute("SELECT * FROM users WHERE id = %s" % user_id)'
    assert "https://docs.astral.sh/ruff/rules/hardcoded-sql-expression" in finding.references
    assert "CWE-89" in finding.references
    assert finding.location.column == 20


def test_rules_are_registered_for_explain(tmp_path: Path) -> None:
    scan(CASES["S301"][0], tmp_path)
    rule = RULES.get("S301")
    assert rule is not None and rule.analyzer == "ruff" and rule.name == "suspicious-pickle-usage"
    assert "arbitrary" in rule.why  # ruff's own "why is this bad"
    assert "import pickle" in rule.example_bad and "import json" in rule.example_good


def test_ruff_rule_registers_unseen_codes_lazily() -> None:
    rule = ruff_rule("s506")
    assert rule is not None and rule.code == "S506" and RULES.get("S506") is rule
    assert rule.severity is Severity.high
    assert ruff_rule("XYZ123") is None


def test_hardcoded_passwords_are_secrets() -> None:
    assert category_of("S105") is Category.secrets
    assert category_of("S608") is Category.security
    assert category_of("SIM108") is Category.correctness  # "S" is bandit, not every code starting with S
    assert category_of("C901") is Category.complexity
    assert category_of("C401") is Category.correctness


def test_in_memory_source_is_scanned(tmp_path: Path) -> None:
    """A %%bumba cell body has no file; it goes through a temporary file and maps back."""
    findings = scan(CASES["S301"][0], tmp_path, on_disk=False)
    assert hits(findings, "S301") == [4]
    assert {f.location.path for f in findings} == {"module.py"}


def test_source_edited_since_saved_is_scanned_as_edited(tmp_path: Path) -> None:
    """When the text differs from the file on disk, ruff must see the text, not the stale file."""
    path = tmp_path / "module.py"
    path.write_text("x = 1\n")
    text = textwrap.dedent(CASES["S301"][0]).lstrip("\n")
    source = Source(path="module.py", text=text, abspath=path)
    findings = RuffAnalyzer().analyze(Context(root=tmp_path), [source], config())
    assert hits(findings, "S301") == [4]


def notebook_source() -> Source:
    """Two code cells as one virtual file; cell 1 line 2 was ``%time eval(expr)``, masked by the converter."""
    cells = [
        Cell(index=1, source="import pickle\n%time eval(expr)", execution_count=3, cell_id="a1",
             first_line=1),
        Cell(index=2, source="# markdown-free\nexpr = '1'", execution_count=4, cell_id="b2", first_line=3),
        Cell(index=4, source="def load(blob):\n    return pickle.loads(blob)", execution_count=5,
             cell_id="c3", first_line=5),
    ]
    text = (
        "import pickle\neval(expr)\n# markdown-free\nexpr = '1'\n"
        "def load(blob):\n    return pickle.loads(blob)\n"
    )
    line_map = [(1, 1), (1, 2), (2, 1), (2, 2), (4, 1), (4, 2)]
    return Source(
        path="analysis.ipynb", text=text, kind="notebook", cells=cells, line_map=line_map,
        masked=frozenset({2}),
    )


def test_notebook_finding_maps_to_cell_and_line(tmp_path: Path) -> None:
    source = notebook_source()
    findings = list(RuffAnalyzer().analyze(Context(root=tmp_path), [source], config()))
    [finding] = [f for f in findings if f.rule == "S301"]
    location = finding.location
    assert (location.path, location.cell, location.line) == ("analysis.ipynb", 4, 2)
    assert (location.cell_id, location.execution_count) == ("c3", 5)
    assert finding.evidence == "return pickle.loads(blob)"


def test_masked_ipython_line_gets_no_finding(tmp_path: Path) -> None:
    source = notebook_source()
    findings = list(RuffAnalyzer().analyze(Context(root=tmp_path), [source], config()))
    assert hits(findings, "S307") == []
    # the same text unmasked is flagged: the drop is the mask's doing, not ruff's
    unmasked = Source(path="plain.py", text=source.text)
    assert hits(RuffAnalyzer().analyze(Context(root=tmp_path), [unmasked], config()), "S307") == [2]


def test_many_sources_in_one_call_map_to_their_own_files(tmp_path: Path) -> None:
    sources = []
    for name in ("a.py", "pkg/b.py"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("import pickle\npickle.loads(b'')\n")
        sources.append(Source(path=name, text=path.read_text(), abspath=path))
    sources.append(Source(path="<cell>", text="\n\neval(input())\n"))
    sources.append(notebook_source())
    findings = list(RuffAnalyzer().analyze(Context(root=tmp_path), sources, config()))
    where = sorted((f.location.path, f.location.line, f.rule) for f in findings if f.rule in ("S301", "S307"))
    assert where == [
        ("<cell>", 3, "S307"), ("a.py", 2, "S301"), ("analysis.ipynb", 2, "S301"), ("pkg/b.py", 2, "S301"),
    ]


def test_fix_is_turned_into_code_and_patch(tmp_path: Path) -> None:
    code = """
    def show(mapping):
        for key, value in mapping.items():
            print(key)
    """
    [finding] = [f for f in scan(code, tmp_path) if f.rule == "PERF102"]
    assert finding.fix is not None
    assert finding.fix.code == "    for key in mapping.keys():"
    assert "-    for key, value in mapping.items():\n+    for key in mapping.keys():" in finding.fix.patch
    assert "review it" in finding.fix.description  # ruff marks this fix unsafe


def test_ignore_and_selection_flags(tmp_path: Path) -> None:
    code = "def check(x):\n    assert x\n    return eval(x)\n"
    assert hits(scan(code, tmp_path), "S101") == [2]
    ignored = scan(code, tmp_path, cfg=config(extra={"ruff_ignore": ["S101"]}))
    assert hits(ignored, "S101") == [] and hits(ignored, "S307") == [3]
    assert hits(scan(code, tmp_path, cfg=config(ignore=frozenset({"S3"}))), "S307") == []


def test_default_selection_is_bandit_rules_only(tmp_path: Path) -> None:
    findings = scan(complex_function(), tmp_path, cfg=AnalyzerConfig(max_complexity=2))
    assert findings == []
    args = ruff_arguments(AnalyzerConfig())
    assert args[args.index("--select") + 1] == "S"
    assert "--isolated" in args


def test_project_ruff_config_cannot_switch_rules_off(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nignore = ["S"]\n')
    assert hits(scan(CASES["S301"][0], tmp_path), "S301") == [4]


def test_syntax_errors_are_left_to_the_engine(tmp_path: Path) -> None:
    findings = scan("def broken(:\n    pass\n", tmp_path)
    assert findings == []


def test_code_newer_than_the_target_version_keeps_its_findings(tmp_path: Path) -> None:
    """Ruff's target is the running Python (3.11 here): 3.12-3.14 syntax is still linted, and ruff's
    "Cannot use ... on Python 3.11" diagnostics are not findings (they are syntax errors, the engine's)."""
    code = """
    import subprocess

    type Command = list[str]


    def run[T](user: dict[str, T]) -> None:
        try:
            subprocess.call(f"echo {user["name"]}", shell=True)
        except ValueError, KeyError:
            eval(t"{user["expr"]}")
    """
    findings = scan(code, tmp_path)
    assert {(f.rule, f.location.line) for f in findings} >= {("S602", 8), ("S307", 10)}
    assert all(re.fullmatch(r"[A-Z]+[0-9]+", f.rule) for f in findings), [f.rule for f in findings]


def test_unknown_selection_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuffError, match="ruff failed"):
        run_ruff([str(tmp_path)], config(extra={"ruff_select": ["NOTARULE9"]}))


def test_ruff_version_and_docs() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", ruff_version())
    assert RuffAnalyzer().version.endswith(ruff_version())
    markdown = explain_ruff_rule("S608")
    assert markdown is not None and "hardcoded-sql-expression" in markdown
    assert explain_ruff_rule("QQ999") is None


def test_fix_for_a_cell_body_is_code_only(tmp_path: Path) -> None:
    """No file to patch: the fix is the replacement for the flagged line."""
    code = "for key, value in {}.items():\n    print(key)\n"
    [finding] = [f for f in scan(code, tmp_path, on_disk=False) if f.rule == "PERF102"]
    assert finding.fix is not None and finding.fix.patch is None
    assert finding.fix.code == "for key in {}.keys():"
