"""What the user names (a path, a glob, a %%bumba cell, or nothing: the notebook) as a Context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import files
from .notebook import (
    NotebookError,
    cell_source,
    find_notebook_path,
    find_repository_root,
    history_source,
    kernel_history,
    notebook_source,
)
from .source import Context

DEFAULT_MAX_FILE_BYTES = 1_000_000


def resolve(
    target: str | None,
    *,
    shell: Any = None,
    cell_body: str | None = None,
    root: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    include_repo: bool = True,
) -> Context:
    """The one call every front end makes to turn its target into the Context a review reads.

    A cell body wins (``%%bumba`` reviews the cell it heads); no target means the running notebook; anything
    else is a file, a folder or a glob.
    """
    if cell_body is not None:
        context = Context(root=(root or Path.cwd()).resolve(), sources=[cell_source(cell_body)])
        context.label = target or "<cell>"
        return context
    if target is None:
        if shell is None:
            raise FileNotFoundError("no target given and no notebook to review")
        return notebook_context(shell, root=root, include_repo=include_repo, max_file_bytes=max_file_bytes)
    context = files.collect(target, root=root, max_file_bytes=max_file_bytes)
    context.label = target
    return context


def notebook_context(
    shell: Any, root: Path | None = None, include_repo: bool = True, *, max_file_bytes: int = 1_000_000
) -> Context:
    """The notebook the kernel runs (or its input history), plus the repository around it."""
    notebook = find_notebook_path(shell)
    history = kernel_history(shell)
    base = notebook.parent if notebook else Path.cwd()
    repository = find_repository_root(root or base)
    review_root = (root or repository or base).resolve()
    notes: list[str] = []
    main = None
    if notebook is not None:
        try:
            main = notebook_source(notebook, files.display_path(notebook, review_root))
        except NotebookError as error:  # e.g. caught half-written by an autosave
            notes.append(f"{error}; reviewing the kernel's input history instead")
    if main is None:
        main = history_source(history)
    if include_repo and repository is not None:
        context = files.collect(
            [str(review_root if root else repository)], root=review_root, max_file_bytes=max_file_bytes
        )
        context.sources = [source for source in context.sources if source.path != main.path]
    else:
        context = Context(root=review_root)
    context.sources.insert(0, main)
    context.notes[:0] = notes
    context.label = main.path
    context.history = dict(history)
    return context
