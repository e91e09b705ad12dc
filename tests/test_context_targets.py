"""resolve(): the one call front ends make to turn what the user named into a Context."""

from __future__ import annotations

from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from bumba_magics.context.targets import resolve


@pytest.fixture(scope="module")
def shell() -> InteractiveShell:
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    return InteractiveShell.instance(config=config)


def test_cell_body_becomes_one_masked_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    context = resolve(None, cell_body="%time total = sum(range(5))\nprint(total)\n")
    assert context.root == tmp_path.resolve()
    assert context.label == "<cell>"
    [source] = context.sources
    assert source.kind == "notebook" and source.path == "<cell>"
    assert source.masked == frozenset({1})
    assert source.locate(2).line == 2


def test_a_path_is_collected_and_labelled_as_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "api.py").write_text("import os\n", encoding="utf-8")
    (tmp_path / "svc" / "big.py").write_text("x = 1\n" * 100, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    context = resolve("svc", max_file_bytes=100)
    assert context.label == "svc"
    assert context.root == tmp_path / "svc"
    assert [s.path for s in context.sources] == ["api.py"]
    assert [path for path, _ in context.skipped] == ["big.py"]


def test_no_target_and_no_shell_is_an_error() -> None:
    with pytest.raises(FileNotFoundError, match="no target given and no notebook to review"):
        resolve(None)


def test_no_target_reviews_the_running_notebooks_history(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(shell.user_ns, "__session__", raising=False)
    monkeypatch.delitem(shell.user_ns, "__vsc_ipynb_file__", raising=False)
    monkeypatch.chdir(tmp_path)
    shell.run_cell("password = 'hunter2'", store_history=True)
    context = resolve(None, shell=shell)
    assert context.label == "<kernel history>"
    [source] = context.sources
    assert source.cells[-1].source == "password = 'hunter2'"
    assert "password = 'hunter2'" in context.history.values()
