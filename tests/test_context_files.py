"""Collecting files for a review: ignore files, skipped folders, kinds, encodings, limits, globs, order."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from bumba_magics.context.files import collect, kind_for
from bumba_magics.context.notebook import NotebookError


def write(path: Path, text: str | bytes = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def paths(context) -> list[str]:
    return [source.path for source in context.sources]


def test_folder_scan_reads_known_kinds_in_sorted_posix_order(tmp_path: Path) -> None:
    write(tmp_path / "zeta.py")
    write(tmp_path / "app" / "models.py")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / ".env", "API_KEY=abc\n")
    write(tmp_path / "Dockerfile", "FROM python:3.11\n")
    write(tmp_path / "config" / "settings.yaml", "debug: true\n")
    write(tmp_path / "requirements.txt", "requests\n")
    write(tmp_path / "package-lock.json", "{}")
    write(tmp_path / "logo.svg", "<svg/>")
    nbformat.write(new_notebook(cells=[new_code_cell("%pwd\ny = 2")]), tmp_path / "explore.ipynb")

    context = collect(str(tmp_path))
    assert context.root == tmp_path
    assert paths(context) == [
        ".env", "Dockerfile", "app/__init__.py", "app/models.py", "config/settings.yaml", "explore.ipynb",
        "requirements.txt", "zeta.py",
    ]
    kinds = {source.path: source.kind for source in context.sources}
    assert kinds["app/models.py"] == "python"
    assert kinds[".env"] == kinds["Dockerfile"] == kinds["config/settings.yaml"] == "config"
    assert kinds["requirements.txt"] == "text"
    notebook = context.sources[paths(context).index("explore.ipynb")]
    assert notebook.kind == "notebook" and notebook.masked == frozenset({1})
    assert context.sources[-1].abspath == (tmp_path / "zeta.py").resolve()
    assert collect(str(tmp_path)).sources[0].text == "API_KEY=abc\n"  # same result every time
    assert paths(collect(str(tmp_path))) == paths(context)


def test_default_folders_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "main.py")
    for folder in [".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist",
                   ".ipynb_checkpoints", "lib/python3.11/site-packages", ".mypy_cache", ".ruff_cache"]:
        write(tmp_path / folder / "hidden.py")
    assert paths(collect(str(tmp_path))) == ["main.py"]


def test_gitignore_nested_gitignore_and_bumbaignore_are_respected(tmp_path: Path) -> None:
    write(tmp_path / ".gitignore", "*.log.py\ngenerated/\n!keep.log.py\n")
    write(tmp_path / ".bumbaignore", "legacy/\n")
    write(tmp_path / "app.py")
    write(tmp_path / "debug.log.py")
    write(tmp_path / "keep.log.py")
    write(tmp_path / "generated" / "schema.py")
    write(tmp_path / "legacy" / "old.py")
    write(tmp_path / "pkg" / ".gitignore", "local_*.py\n")
    write(tmp_path / "pkg" / "core.py")
    write(tmp_path / "pkg" / "local_settings.py")
    write(tmp_path / "other" / "local_settings.py")  # the nested rule only applies under pkg/
    assert paths(collect(str(tmp_path))) == ["app.py", "keep.log.py", "other/local_settings.py", "pkg/core.py"]


def test_gitignore_above_the_scanned_folder_applies_inside_a_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "secrets_*.py\n")
    write(tmp_path / "src" / "service.py")
    write(tmp_path / "src" / "secrets_local.py")
    context = collect(str(tmp_path / "src"))
    assert context.root == tmp_path / "src"
    assert paths(context) == ["service.py"]


def test_extra_ignores_drop_matching_files(tmp_path: Path) -> None:
    write(tmp_path / "app.py")
    write(tmp_path / "tests" / "test_app.py")
    assert paths(collect(str(tmp_path), extra_ignores=["tests/"])) == ["app.py"]


def test_binary_and_oversized_files_are_skipped_with_a_note(tmp_path: Path) -> None:
    write(tmp_path / "ok.py")
    write(tmp_path / "blob.json", b'{"a": "\x00\x01\x02"}')
    write(tmp_path / "huge.py", b"x = 1\n" * (5_000_000 // 6 + 1))
    context = collect(str(tmp_path))
    assert paths(context) == ["ok.py"]
    skipped = dict(context.skipped)
    assert skipped["blob.json"] == "binary file"
    assert skipped["huge.py"] == ("5.0 MB, over the 1 MB limit: raise max-file-bytes under [tool.bumba] in "
                                  "pyproject.toml (or %config BumbaMagics.max_file_bytes) to include it")
    assert context.not_reviewed == [("huge.py", skipped["huge.py"])]  # code left unread, unlike blob.json
    assert "skipped huge.py: 5.0 MB, over the 1 MB limit" in context.notes[1]
    assert len(context.notes) == 2
    assert "huge.py" in paths(collect(str(tmp_path), max_file_bytes=6_000_000))


def test_python_coding_cookie_is_honoured_and_undecodable_text_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "legacy.py", "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"))
    write(tmp_path / "notes.txt", "café au lait\n".encode("latin-1"))
    write(tmp_path / "bom.cfg", "\ufeff[section]\nkey = value\n".encode())
    context = collect(str(tmp_path))
    assert paths(context) == ["bom.cfg", "legacy.py"]
    assert "name = 'café'" in context.sources[1].text
    assert context.sources[0].text.startswith("[section]")
    [(path, reason)] = context.skipped
    assert path == "notes.txt" and reason.startswith("not valid UTF-8 text")
    assert context.notes == [f"skipped notes.txt: {reason}"]


def test_a_file_target_is_read_even_in_a_skipped_folder(tmp_path: Path) -> None:
    script = write(tmp_path / "build" / "release.py", "import os\n")
    context = collect(str(script))
    assert context.root == script.parent
    assert paths(context) == ["release.py"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("service.py", "python"), ("stubs.pyi", "python"), ("report.ipynb", "notebook"),
        (".env.production", "config"), ("prod.env", "config"), ("Dockerfile.dev", "config"),
        ("docker-compose.override.yml", "config"), ("deploy.sh", "config"), ("id_deploy.pem", "config"),
        ("README.md", "text"), ("package-lock.json", None), ("bundle.min.json", None),
        ("dockerfile", None), ("photo.png", None), ("poetry.lock", None),
    ],
)
def test_kind_by_file_name(name: str, kind: str | None) -> None:
    assert kind_for(name) == kind


def test_an_extensionless_script_named_explicitly_is_python_by_its_shebang(tmp_path: Path) -> None:
    script = write(tmp_path / "deploy", "#!/usr/bin/env python3\nimport os\n")
    assert collect(str(script)).sources[0].kind == "python"
    assert kind_for("deploy") is None


def test_malformed_notebook_is_skipped_in_a_scan_but_raises_when_named(tmp_path: Path) -> None:
    write(tmp_path / "good.py")
    broken = write(tmp_path / "broken.ipynb", '{"cells": [')
    context = collect(str(tmp_path))
    assert paths(context) == ["good.py"]
    [(path, reason)] = context.skipped
    assert path == "broken.ipynb" and "malformed JSON" in reason
    with pytest.raises(NotebookError, match="broken.ipynb"):
        collect(str(broken))


def test_glob_matches_recursively_and_skips_ignored_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.py")
    write(tmp_path / "pkg" / "b.py")
    write(tmp_path / "pkg" / "c.yaml", "k: v\n")
    write(tmp_path / "venv" / "lib.py")
    write(tmp_path / ".gitignore", "pkg/gen_*.py\n")
    write(tmp_path / "pkg" / "gen_api.py")
    monkeypatch.chdir(tmp_path)
    context = collect("**/*.py")
    assert context.root == tmp_path
    assert paths(context) == ["a.py", "pkg/b.py"]
    assert paths(collect("pkg/*")) == ["pkg/b.py", "pkg/c.yaml"]
    assert paths(collect("*.py", root=tmp_path / "pkg")) == ["b.py", "gen_api.py"]
    (tmp_path / ".git").mkdir()  # inside a repository the .gitignore above the root applies too
    assert paths(collect("*.py", root=tmp_path / "pkg")) == ["b.py"]


def test_missing_path_and_empty_glob_raise_file_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file or folder: nowhere/app.py"):
        collect("nowhere/app.py")
    with pytest.raises(FileNotFoundError, match=r"no files match \*\*/\*\.rs"):
        collect("**/*.rs")


def test_several_targets_are_merged_without_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.py")
    write(tmp_path / "lib" / "b.py")
    monkeypatch.chdir(tmp_path)
    context = collect(["lib", "a.py", "lib/b.py"])
    assert context.root == tmp_path
    assert paths(context) == ["a.py", "lib/b.py"]


def test_a_folder_the_repository_ignores_is_reviewed_when_named(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".gitignore").write_text("vendor/\n")
    (repo / "vendor" / "lib").mkdir(parents=True)
    (repo / "vendor" / "lib" / "a.py").write_text("x = 1\n")
    (repo / "main.py").write_text("y = 2\n")
    assert [s.path for s in collect(str(repo)).sources] == ["main.py"]
    assert [s.path for s in collect(str(repo / "vendor")).sources] == ["lib/a.py"]
