"""Notebooks as virtual Python files: IPython masking, the line map, outputs, history and the running kernel."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from bumba_magics.context.notebook import (
    NotebookError,
    cell_source,
    find_notebook_path,
    history_source,
    kernel_history,
    mask_ipython,
    notebook_source,
)
from bumba_magics.context.targets import notebook_context


@pytest.fixture(scope="module")
def shell() -> InteractiveShell:
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # no sqlite file in the user's profile
    return InteractiveShell.instance(config=config)


def write_notebook(path: Path, cells: list) -> Path:
    nbformat.write(new_notebook(cells=cells), path)
    return path


def line_count(text: str) -> int:
    return len(text.splitlines())


# ------------------------------------------------------------------------------------------- masking

IPYTHON_FORMS = [
    ("%matplotlib inline\nimport os\n", {1}),
    ("files = !ls\nprint(files)\n", {1}),
    ("!pip install requests\nimport requests\n", {1}),
    ("obj = 1\nobj?\n", {2}),
    ("obj = 1\n??obj\n", {2}),
    ("timing = %timeit -o sum(range(10))\nprint(timing)\n", {1}),
    ("if True:\n    !echo hi\n    x = 1\n", {2}),
    ("  y = 1\n  %pwd\n", {2}),
    (">>> a = 1\n>>> b = a\n", set()),
]


@pytest.mark.parametrize(("cell", "masked_lines"), IPYTHON_FORMS)
def test_masking_keeps_line_count_and_parses(cell: str, masked_lines: set[int]) -> None:
    text, masked = mask_ipython(cell)
    assert line_count(text) == line_count(cell)
    assert masked == masked_lines
    ast.parse(text)
    for number, (before, after) in enumerate(zip(cell.splitlines(), text.splitlines(), strict=True), 1):
        if number not in masked and not before.startswith(">>>"):
            assert after.strip() == before.strip()


def test_masked_assignments_still_bind_names() -> None:
    text, _ = mask_ipython("files = !ls\ntiming = %timeit -o f()\n")
    bound = [node.targets[0].id for node in ast.parse(text).body]  # type: ignore[attr-defined]
    assert bound == ["files", "timing"]
    assert "get_ipython().getoutput('ls')" in text


def test_backslash_continued_magic_is_padded_with_blank_lines() -> None:
    cell = "x = %time \\\n    sum(range(3))\n!ls \\\n  -l\ny = x\n"
    text, masked = mask_ipython(cell)
    assert line_count(text) == 5
    assert masked == {1, 2, 3, 4}
    assert text.splitlines()[1] == "" and text.splitlines()[3] == ""
    assert text.splitlines()[4] == "y = x"
    ast.parse(text)


def test_lines_inside_multiline_strings_are_untouched() -> None:
    cell = 'template = """\n%d items\n!important\nwhat?\n"""\n%pwd\nsql = f"""\n%(name)s\n"""\n'
    text, masked = mask_ipython(cell)
    assert masked == {6}
    lines = text.splitlines()
    assert lines[1:4] == ["%d items", "!important", "what?"]
    assert lines[7] == "%(name)s"
    ast.parse(text)


def test_question_mark_in_comment_or_string_is_not_help() -> None:
    cell = 'a = 1  # why?\nb = "?"\n'
    assert mask_ipython(cell) == (cell, set())


@pytest.mark.parametrize("magic", ["%%time", "%%timeit -n 3", "%%capture out", "%%prun", "%%bumba scan"])
def test_python_body_cell_magic_masks_only_its_first_line(magic: str) -> None:
    cell = f"{magic}\ntotal = sum(range(10))\n!echo done\n"
    text, masked = mask_ipython(cell)
    assert text.splitlines() == ["", "total = sum(range(10))", "get_ipython().system('echo done')"]
    assert masked == {1, 3}


@pytest.mark.parametrize("magic", ["%%bash", "%%sql sqlite://", "%%html", "%%javascript", "%%writefile app.py"])
def test_other_cell_magics_mask_the_whole_cell(magic: str) -> None:
    cell = f"{magic}\nSELECT * FROM t WHERE x = '%s'\nif then fi\n"
    text, masked = mask_ipython(cell)
    assert text == "\n\n\n"
    assert masked == {1, 2, 3}


def test_cell_that_does_not_parse_keeps_its_masking_so_the_error_points_at_the_mistake() -> None:
    text, masked = mask_ipython("%matplotlib inline\ndef broken(:\n    pass\n")
    assert masked == {1}
    with pytest.raises(SyntaxError) as error:
        ast.parse(text)
    assert error.value.lineno == 2


def test_magics_before_an_indentation_error_are_still_masked() -> None:
    # tokenize gives up on the bad dedent; the lines before it are still searched for IPython syntax
    text, masked = mask_ipython("%time x = 1\nif x:\n        y = 2\n    z = 3\n")
    assert masked == {1}
    assert text.splitlines()[0] == "get_ipython().run_line_magic('time', 'x = 1')"
    with pytest.raises(IndentationError) as error:
        ast.parse(text)
    assert error.value.lineno == 4


def test_windows_newlines_and_form_feeds_keep_line_numbers() -> None:
    text, _ = mask_ipython("a = 1\r\n\x0cb = 2\r\nc = '\x0c'\r\n")
    assert text.splitlines() == ["a = 1", "b = 2", "c = ' '"]
    ast.parse(text)


# -------------------------------------------------------------------------------------- notebook files


@pytest.fixture()
def analysis_notebook(tmp_path: Path) -> Path:
    error = new_output(
        "error", ename="ZeroDivisionError", evalue="division by zero",
        traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
    )
    cells = [
        new_markdown_cell("# Analysis\nSome prose with %d and !bang"),
        new_code_cell("%matplotlib inline\nimport os", execution_count=1),
        new_markdown_cell("More text"),
        new_code_cell(
            "token = os.environ['TOKEN']\nprint(token)",
            execution_count=2,
            outputs=[
                new_output("stream", name="stdout", text="sk-live-123\n"),
                new_output("execute_result", data={"text/plain": "42", "text/html": "<b>42</b>"},
                           execution_count=2),
            ],
        ),
        new_code_cell(""),
        new_code_cell("x = 1 / 0", execution_count=3, outputs=[error]),
    ]
    return write_notebook(tmp_path / "analysis.ipynb", cells)


def test_notebook_virtual_file_maps_lines_back_to_cells(analysis_notebook: Path) -> None:
    source = notebook_source(analysis_notebook, "analysis.ipynb")
    assert source.kind == "notebook"
    assert source.path == "analysis.ipynb"
    assert source.lines == [
        "get_ipython().run_line_magic('matplotlib', 'inline')",
        "import os",
        "token = os.environ['TOKEN']",
        "print(token)",
        "x = 1 / 0",
    ]
    assert source.line_map == [(2, 1), (2, 2), (4, 1), (4, 2), (6, 1)]
    assert source.masked == frozenset({1})
    ast.parse(source.text)

    assert source.locate(1) is None  # the %matplotlib line
    location = source.locate(4, column=1)
    assert (location.cell, location.line, location.execution_count) == (4, 2, 2)
    assert location.cell_id == source.cell(4).cell_id and location.cell_id
    assert location.label() == "analysis.ipynb cell 4 (In [2]), line 2"
    assert source.locate(5).cell == 6

    assert [cell.index for cell in source.cells] == [1, 2, 3, 4, 5, 6]
    assert [cell.first_line for cell in source.cells] == [None, 1, None, 3, None, 5]
    assert source.cell(1).cell_type == "markdown"


def test_notebook_outputs_text_keeps_streams_results_and_errors(analysis_notebook: Path) -> None:
    source = notebook_source(analysis_notebook, "analysis.ipynb")
    assert source.cell(4).outputs_text == ["sk-live-123\n", "42"]
    assert source.cell(6).outputs_text == ["ZeroDivisionError: division by zero"]
    assert source.cell(2).outputs_text == []


def test_malformed_json_raises_notebook_error_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(NotebookError, match=r"broken\.ipynb.*malformed JSON") as error:
        notebook_source(broken, "broken.ipynb")
    assert isinstance(error.value, ValueError)
    assert error.value.path == broken


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ([1, 2], "not a Jupyter notebook"),
        ({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}, "validation"),
        ({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}, "validation"),
    ],
)
def test_json_that_is_not_a_valid_notebook_raises(tmp_path: Path, content: object, problem: str) -> None:
    path = tmp_path / "odd.ipynb"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(NotebookError, match=problem):
        notebook_source(path, "odd.ipynb")


def test_history_source_numbers_cells_by_position_and_keeps_counts() -> None:
    source = history_source([(3, "import os"), (5, "!ls\nx = 1"), (9, "print(x)")])
    assert source.kind == "notebook" and source.path == "<kernel history>"
    assert [(c.index, c.execution_count) for c in source.cells] == [(1, 3), (2, 5), (3, 9)]
    assert source.line_map == [(1, 1), (2, 1), (2, 2), (3, 1)]
    assert source.masked == frozenset({2})
    assert source.locate(3).label() == "<kernel history> cell 2 (In [5]), line 2"


def test_cell_source_masks_ipython_syntax_in_the_body() -> None:
    source = cell_source("%time f()\nresult = f()")
    assert source.path == "<cell>" and len(source.cells) == 1
    assert source.masked == frozenset({1})
    assert source.locate(2).line == 2 and source.locate(2).cell == 1


# ------------------------------------------------------------------------------------- running kernel


def run(shell: InteractiveShell, *cells: str) -> None:
    for cell in cells:
        shell.run_cell(cell, store_history=True)


def test_kernel_history_lists_this_sessions_inputs_without_empty_ones(shell: InteractiveShell) -> None:
    start = shell.execution_count
    run(shell, "alpha = 1", "", "%pwd", "beta = alpha + 1")
    entries = [entry for entry in kernel_history(shell) if entry[0] >= start]
    assert [text for _, text in entries] == ["alpha = 1", "%pwd", "beta = alpha + 1"]
    counts = [count for count, _ in entries]
    assert counts == sorted(counts) and len(set(counts)) == 3


def test_kernel_history_skips_the_cell_running_the_review(shell: InteractiveShell) -> None:
    run(shell, "gamma = 3")
    run(
        shell,
        "from bumba_magics.context.notebook import kernel_history\n"
        "seen_by_review = kernel_history(get_ipython())",
    )
    seen = shell.user_ns["seen_by_review"]
    assert seen[-1][1] == "gamma = 3"
    assert not any("seen_by_review" in text for _, text in seen)


def test_find_notebook_path_from_vscode_variable(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(shell.user_ns, "__session__", raising=False)
    notebook = write_notebook(tmp_path / "vs.ipynb", [new_code_cell("x = 1")])
    monkeypatch.setitem(shell.user_ns, "__vsc_ipynb_file__", str(notebook))
    assert find_notebook_path(shell) == notebook.resolve()
    monkeypatch.setitem(shell.user_ns, "__vsc_ipynb_file__", str(tmp_path / "gone.ipynb"))
    assert find_notebook_path(shell) is None


def test_find_notebook_path_from_jupyter_session_relative_to_server_root(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(shell.user_ns, "__vsc_ipynb_file__", raising=False)
    monkeypatch.delitem(shell.user_ns, "__session__", raising=False)
    folder = tmp_path / "work" / "reports"
    folder.mkdir(parents=True)
    notebook = write_notebook(folder / "weekly.ipynb", [new_code_cell("x = 1")])
    monkeypatch.chdir(folder)  # kernels start in the notebook's folder; the session path is server-relative
    monkeypatch.setenv("JPY_SESSION_NAME", "work/reports/weekly.ipynb")
    assert find_notebook_path(shell) == notebook.resolve()
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    assert find_notebook_path(shell) == notebook.resolve()
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", "notes.txt")
    assert find_notebook_path(shell) is None


def test_notebook_context_reads_the_notebook_file_and_its_repository(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(shell.user_ns, "__session__", raising=False)
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "app").mkdir()
    (repository / "app" / "db.py").write_text("import sqlite3\n", encoding="utf-8")
    notebook = write_notebook(repository / "explore.ipynb", [new_code_cell("import app.db", execution_count=1)])
    monkeypatch.setitem(shell.user_ns, "__vsc_ipynb_file__", str(notebook))
    run(shell, "delta = 4")

    context = notebook_context(shell)
    assert context.root == repository.resolve()
    assert [s.path for s in context.sources] == ["explore.ipynb", "app/db.py"]
    assert context.sources[0].kind == "notebook" and context.label == "explore.ipynb"
    assert "delta = 4" in context.history.values()

    alone = notebook_context(shell, include_repo=False)
    assert [s.path for s in alone.sources] == ["explore.ipynb"]


def test_notebook_context_falls_back_to_kernel_history(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(shell.user_ns, "__session__", raising=False)
    monkeypatch.delitem(shell.user_ns, "__vsc_ipynb_file__", raising=False)
    monkeypatch.chdir(tmp_path)
    run(shell, "epsilon = 5\n!echo hi")
    context = notebook_context(shell)
    assert context.root == tmp_path.resolve()
    [source] = context.sources
    assert source.path == "<kernel history>"
    last = source.cells[-1]
    assert last.source == "epsilon = 5\n!echo hi"
    assert source.locate(last.first_line + 1) is None  # the !echo line is masked
    assert context.history[last.execution_count] == last.source
