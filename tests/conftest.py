"""Shared fixtures: an isolated store and environment for every test, a real IPython shell, the sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "notebooks"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's store, and no real credential can reach a test."""
    for name in list(os.environ):
        if name.startswith("ANTHROPIC_"):
            monkeypatch.delenv(name)
    store = tmp_path_factory.mktemp("store") / "bumba.sqlite"
    monkeypatch.setenv("BUMBA_STORE", str(store))
    yield


@pytest.fixture
def store_path() -> Path:
    return Path(os.environ["BUMBA_STORE"])


@pytest.fixture
def ip(tmp_path, monkeypatch):
    """A real IPython InteractiveShell with the extension loaded, history in memory, cwd in tmp."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.chdir(tmp_path)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance(config=config)
    shell.run_cell("%load_ext bumba_magics", store_history=False)
    yield shell
    InteractiveShell.clear_instance()


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture
def install_distribution():
    """Install a distribution as pip leaves it in site-packages (a dist-info folder with entry points, beside
    its modules) into a folder; put the folder on PYTHONPATH and importlib.metadata finds its entry points."""

    def install(folder: Path, group: str, entry_points: str, modules: dict[str, str]) -> Path:
        dist = folder / "acme_plugin-1.0.dist-info"
        dist.mkdir(parents=True)
        (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
        (dist / "entry_points.txt").write_text(f"[{group}]\n{entry_points}")
        for name, text in modules.items():
            (folder / f"{name}.py").write_text(text)
        return folder

    return install
