"""What the user names (a path, a glob, a %%bumba cell, or nothing: the notebook) as a Context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import files
from .notebook import cell_source, notebook_context
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
