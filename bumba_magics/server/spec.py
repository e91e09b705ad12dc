"""What one browser-started review is, as plain data: built by the handlers, queued by jobs.py, run by worker.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReviewSpec:
    """One review, as data a process can be given: the command line, what to review, where to store it."""

    command: str
    target: str  # an absolute path, or for a cell review the label it is stored under
    argv: list[str]  # parsed again in the process: the same options the handler checked
    code: str | None = None  # a cell's code
    store_path: str | None = None
    cwd: str = ""
    env: dict[str, str] = field(default_factory=dict)  # the server's, when the job was submitted
