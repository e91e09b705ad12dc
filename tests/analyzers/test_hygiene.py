"""Notebook hygiene rules, on notebooks built by hand (a true positive and a true negative for each)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from bumba_magics.analyzers.base import ANALYZERS, RULES, AnalyzerConfig
from bumba_magics.analyzers.hygiene import HygieneAnalyzer
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.findings import Category, Severity


def notebook(*cells: tuple[str, int | None] | str, abspath: Path | None = None) -> Source:
    """A notebook Source as the loader builds it: code cells back to back in a virtual file, a line map.

    A cell is ``(source, execution_count)``; a plain string is a markdown cell. IPython syntax must already
    be written as the Python IPython runs (the loader's job, not ours).
    """
    built, text, line_map = [], [], []
    for index, spec in enumerate(cells, start=1):
        if isinstance(spec, str):
            built.append(Cell(index=index, source=spec, cell_type="markdown"))
            continue
        source, count = spec
        cell = Cell(index=index, source=source, execution_count=count)
        lines = source.splitlines()
        if lines:
            cell.first_line = len(line_map) + 1
            line_map.extend((index, n) for n in range(1, len(lines) + 1))
            text.extend(lines)
        built.append(cell)
    return Source(path="nb.ipynb", text="\n".join(text) + "\n", kind="notebook", cells=built,
                  line_map=line_map, abspath=abspath)


def review(source: Source, history: dict[int, str] | None = None, config: AnalyzerConfig | None = None):
    context = Context(root=Path("."), sources=[source], history=history or {})
    return HygieneAnalyzer().analyze(context, [source], config or AnalyzerConfig())


def where(findings, rule: str) -> list[tuple[int | None, int | None]]:
    return [(f.location.cell, f.location.line) for f in findings if f.rule == rule]


def test_rules_and_registration():
    codes = [r.code for r in RULES if r.analyzer == "hygiene"]
    assert codes == ["BMB501", "BMB502", "BMB503", "BMB504", "BMB506", "BMB507"]
    assert all(RULES.get(c).category is Category.hygiene for c in codes)
    assert RULES.get("BMB502").supersedes == ("F821",)
    assert ANALYZERS["hygiene"] is HygieneAnalyzer
    assert not HygieneAnalyzer.per_file


def test_only_notebooks_are_reviewed():
    plain = Source(path="a.py", text="print(x)\nx = 1\n")
    assert HygieneAnalyzer().analyze(Context(root=Path(".")), [plain], AnalyzerConfig()) == []


# --- BMB501 out of order --------------------------------------------------------------------------------


def test_out_of_order_is_reported_once_at_the_first_late_cell():
    found = review(notebook(("a = 1", 1), "# notes", ("b = 2", 4), ("c = 3", 2), ("d = 4", 3), ("e = 5", 5)))
    [finding] = [f for f in found if f.rule == "BMB501"]
    assert (finding.location.cell, finding.location.line, finding.location.execution_count) == (4, 1, 2)
    assert finding.title == "Cell 4 (In [2]) ran before cell 3 above it (In [4]); 2 cells in all ran before a " \
                            "cell above them"


def test_increasing_counts_with_gaps_and_unrun_cells_are_in_order():
    found = review(notebook(("a = 1", 1), ("b = 2", 5), ("", None), ("c = 3", 9)))
    assert where(found, "BMB501") == []


# --- BMB502 names from later cells ----------------------------------------------------------------------


def test_name_defined_in_a_later_cell_is_reported_at_its_use():
    source = notebook(
        ("import pandas as pd\n", 1),
        ("# totals\nsummary = report(df)\nprint(summary, threshold)\n", 4),
        "## Load",
        ("df = pd.read_csv('x.csv')\ndef report(frame):\n    return frame.describe()\n", 2),
        ("threshold = 3\n", 3),
    )
    found = [f for f in review(source) if f.rule == "BMB502"]
    assert [(f.location.cell, f.location.line, f.location.column, f.title) for f in found] == [
        (2, 2, 11, "`report` is used before cell 4, the cell that defines it"),
        (2, 2, 18, "`df` is used before cell 4, the cell that defines it"),
        (2, 3, 16, "`threshold` is used before cell 5, the cell that defines it"),
    ]
    assert found[0].severity is Severity.medium


def test_top_down_definitions_scopes_and_ipython_names_are_not_reported():
    source = notebook(
        ("import os, numpy as np\nfrom pathlib import Path\nrows = [r for r in range(3)]\n", 1),
        ("def later_helper():\n    return helper_defined_below()\n", 2),  # body runs when called
        ("class Box:\n    size = 2\n    area = size * size\n", 3),
        ("with open('f') as handle:\n    pass\nfor i, v in enumerate(rows):\n    last = v\n", 4),
        ("if (n := len(rows)) > 2:\n    print(n, i, last, handle, Box, Out, In, _, _3, display, __name__)\n", 5),
        ("try:\n    pass\nexcept ValueError as error:\n    print(error)\n", 6),
        ("print(undefined_anywhere)\n", 7),  # never bound: ruff's F821, not ours
        ("counter = 0\ncounter += 1\nresult = [x for x in rows if x]\n", 8),
        ("def helper_defined_below():\n    return 1\nx = 1\n", 9),
    )
    assert where(review(source), "BMB502") == []


def test_names_restored_by_magics_or_star_imports_are_not_reported():
    stored = notebook(
        ("get_ipython().run_line_magic('store', '-r model')\nprint(model)\n", 1),
        ("model = train()\n", 2),
    )
    assert where(review(stored), "BMB502") == []
    star = notebook(("from helpers import *\nprint(config)\n", 1), ("config = {}\n", 2))
    assert where(review(star), "BMB502") == []
    captured = Cell(index=1, source="%%capture log\nprint(1)\n", execution_count=1, first_line=1)
    source = Source(path="nb.ipynb", text="\nprint(1)\nprint(log)\nlog = 2\n", kind="notebook",
                    cells=[captured, Cell(index=2, source="print(log)\nlog = 2\n", execution_count=2, first_line=3)],
                    line_map=[(1, 1), (1, 2), (2, 1), (2, 2)])
    assert where(review(source), "BMB502") == []


def test_time_magic_statements_bind_and_use_names():
    source = notebook(
        ("get_ipython().run_line_magic('time', 'frame = load(rows)')\n", 1),  # what `%time ...` becomes
        ("print(frame)\n", 2),
        ("frame = None\nrows = []\n", 3),
    )
    found = [f for f in review(source) if f.rule == "BMB502"]
    assert [(f.location.cell, f.location.line, f.title) for f in found] == [
        (1, 1, "`rows` is used before cell 3, the cell that defines it"),
    ]


def test_a_cell_that_does_not_parse_hides_nothing_else():
    source = notebook(
        ("print(a)\n", 1),
        ("def broken(:\n", 2),
        ("print(b)\n", 3),
        ("a = 1\nb = 2\n", 4),
    )
    assert sorted(where(review(source), "BMB502")) == [(1, 1), (3, 1)]


# --- BMB503 edited after it ran -------------------------------------------------------------------------


def test_cell_edited_after_it_ran_points_at_the_first_changed_line():
    source = notebook(("import math\n", 1), ("x = 1\ny = x * 2\nprint(y)\n", 2))
    history = {1: "import math", 2: "x = 1\ny = x * 3\nprint(y)\n"}
    found = review(source, history)
    assert where(found, "BMB503") == [(2, 2)]
    [finding] = [f for f in found if f.rule == "BMB503"]
    assert finding.title == "Cell 2 was edited after it ran as In [2]"
    assert finding.evidence == "y = x * 2"


def test_whitespace_changes_and_history_from_another_session_are_not_reported():
    source = notebook(("import math   \n\n", 1), ("x = 1\n", 2))
    assert where(review(source, {1: "import math", 2: "x = 1\n\n"}), "BMB503") == []
    other_session = {1: "print('hello')", 2: "y = 2"}
    assert where(review(source, other_session), "BMB503") == []


# --- BMB504 never ran -----------------------------------------------------------------------------------


def test_cell_that_never_ran_above_cells_that_did():
    source = notebook(("a = 1", 1), ("# setup\nb = 2\n", None), ("# only a comment", None), ("c = 3", 2))
    assert where(review(source), "BMB504") == [(2, 2)]


def test_unrun_cells_at_the_end_or_in_a_fresh_notebook_are_fine():
    assert where(review(notebook(("a = 1", 1), ("b = 2", None))), "BMB504") == []
    assert where(review(notebook(("a = 1", None), ("b = 2", None))), "BMB504") == []


# --- BMB506 / BMB507 stored outputs ---------------------------------------------------------------------


def _saved(tmp_path: Path, outputs_by_cell: list[list[dict]], tags: list[list[str]] | None = None) -> Source:
    """Write a real .ipynb with these outputs and return a Source pointing at it."""
    nb = nbformat.v4.new_notebook()
    for position, outputs in enumerate(outputs_by_cell):
        cell = nbformat.v4.new_code_cell(f"x{position} = {position}\ny{position} = x{position}\n",
                                         execution_count=position + 1)
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        if tags:
            cell.metadata["tags"] = tags[position]
        nb.cells.append(cell)
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, str(path))
    return notebook(*[(c.source, c.execution_count) for c in nb.cells], abspath=path)


ERROR = {
    "output_type": "error", "ename": "KeyError", "evalue": "'price'",
    "traceback": ["\x1b[31m-----\x1b[39m", "\x1b[31mKeyError\x1b[39m    Traceback (most recent call last)",
                  "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line 2\x1b[39m"],
}


def test_saved_error_output_is_reported_at_the_failing_line(tmp_path):
    source = _saved(tmp_path, [[], [ERROR]])
    found = [f for f in review(source) if f.rule == "BMB507"]
    assert [(f.location.cell, f.location.line, f.title) for f in found] == [
        (2, 2, "Cell 2 was saved with an error: KeyError: 'price'"),
    ]
    assert found[0].severity is Severity.medium


def test_error_from_loaded_outputs_text_without_the_file():
    source = notebook(("a = 1\nb = a['x']\n", 1))
    traceback = (
        "-----\nTypeError                                 Traceback (most recent call last)\n"
        "Cell In[1], line 2\n----> 2 b = a['x']\nTypeError: 'int' object is not subscriptable"
    )
    source.cells[0].outputs_text = [traceback]
    assert where(review(source), "BMB507") == [(1, 2)]


def test_printed_tracebacks_and_intended_exceptions_are_not_reported(tmp_path):
    printed = notebook(("import traceback\ntraceback.print_exc()\n", 1))
    printed.cells[0].outputs_text = ["Traceback (most recent call last):\n  File \"x\", line 1\nValueError: no"]
    assert where(review(printed), "BMB507") == []
    tagged = _saved(tmp_path, [[ERROR]], tags=[["raises-exception"]])
    assert where(review(tagged), "BMB507") == []


def test_large_stored_output(tmp_path):
    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": "iVBORw0KGgo" * 100_000, "text/plain": "<Figure>"}}
    source = _saved(tmp_path, [[image], [{"output_type": "stream", "name": "stdout", "text": "ok\n"}]])
    found = [f for f in review(source) if f.rule == "BMB506"]
    assert [(f.location.cell, f.location.line, f.title) for f in found] == [(1, 1, "Cell 1 stores 1.1 MB of output")]


def test_output_size_threshold_is_configurable_and_small_outputs_pass(tmp_path):
    source = _saved(tmp_path, [[{"output_type": "stream", "name": "stdout", "text": "x" * 5_000}]])
    assert where(review(source), "BMB506") == []
    config = AnalyzerConfig(extra={"max_output_bytes": 1_000})
    assert where(review(source, config=config), "BMB506") == [(1, 1)]


@pytest.mark.parametrize("ignored", ["BMB5", "BMB502"])
def test_config_ignores_rules(ignored):
    source = notebook(("print(a)", 2), ("a = 1", 1))
    rules = {f.rule for f in review(source, config=AnalyzerConfig(ignore=frozenset({ignored})))}
    assert "BMB502" not in rules
    assert ("BMB501" in rules) == (ignored == "BMB502")
