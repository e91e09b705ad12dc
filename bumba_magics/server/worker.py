"""The process one browser-started review runs in (see jobs.py for why a process, not a thread).

Imported by the fork server before any job, so a job's process starts with bumba already loaded. Everything
a review needs arrives as plain data (``spec.ReviewSpec``); what happens goes back over a pipe as tuples:
``("progress", done, total, current)`` while it runs, then ``("done", run_id)`` or ``("failed", message)``.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from typing import Any

from ..commands import CommandUnavailable, UnknownCommand

# loaded here, at the fork server's start, so each job's process does not pay for the imports
from ..commands.parser import parse, review_overrides
from ..engines.offline import load_builtin_analyzers
from ..review import ReviewError, review
from ..settings import SettingsError
from ..store import Store, StoreError
from .spec import ReviewSpec

load_builtin_analyzers()  # every analyzer module, and nbformat (notebooks are what the sidebar reviews most)
try:
    import nbformat  # noqa: F401
except ImportError:  # pragma: no cover — a dependency; a review that needs it will say so
    pass

PROGRESS_EVERY_S = 0.05  # a folder of thousands of files must not flood the pipe


def is_expected(error: Exception) -> bool:
    """Errors whose message already says everything (bad target, unavailable command, bad settings)."""
    return isinstance(error, ReviewError | CommandUnavailable | UnknownCommand | SettingsError | StoreError
                      | ValueError)


def run(spec: ReviewSpec, conn: Any) -> None:
    """The process's body: run the review, report over ``conn``, never raise."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # its own process group: a cancel also ends what it started (ruff, a test run)
    os.environ.clear()
    os.environ.update(spec.env)
    if spec.cwd:
        os.chdir(spec.cwd)
    last = 0.0

    def progress(done: int, total: int, current: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S or done >= total:
            last = now
            conn.send(("progress", done, total, current))

    try:
        args = parse(spec.argv, prog="bumba").args
        report = review(spec.command, spec.target, cell_body=spec.code, overrides=review_overrides(args),
                        store=Store(spec.store_path) if spec.store_path else None, progress=progress, args=args)
        conn.send(("done", report.run.id))
    except Exception as error:  # noqa: BLE001 — every failure is the job's result, never a lost process
        message = str(error) or type(error).__name__
        if not is_expected(error):  # a bug of ours: the traceback goes to the server's log
            traceback.print_exc(file=sys.stderr)
            message = f"{type(error).__name__}: {message}"
        conn.send(("failed", message))
    finally:
        conn.close()
