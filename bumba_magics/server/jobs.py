"""Reviews started from the browser run here, in worker threads, so the server keeps answering meanwhile.

A job is one call of :func:`bumba_magics.review.review`. Its state (progress, then the stored run id or the
error) is read by polling ``GET /bumba/api/jobs/ID`` or streamed by ``GET /bumba/api/jobs/ID/events``; the
stream waits on an asyncio event that the worker thread sets through the server's loop, never on a timer.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..report import Report

log = logging.getLogger(__name__)

JOBS_KEPT = 200  # finished jobs remembered for polling; the reports themselves live in the store


@dataclass
class Job:
    id: str
    command: str
    target: str  # what the review was given (absolute path or a cell label)
    path: str | None  # the contents path the user picked, relative to the server root
    status: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    current: str = ""
    run_id: str | None = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    version: int = 0  # bumped on every change, so a stream knows what it has already sent
    _waiters: list[asyncio.Event] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "command": self.command, "path": self.path, "status": self.status,
            "progress": {"done": self.done, "total": self.total, "current": self.current},
            "run_id": self.run_id, "error": self.error, "version": self.version,
        }


class JobManager:
    """Owns the worker threads and the jobs; all job state changes are applied on the server's event loop."""

    def __init__(self, workers: int = 2) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, taken from the first request
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bumba-review")
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, command: str, target: str, path: str | None, work: Callable[[Callable], Report]) -> Job:
        """Start ``work(progress)`` in a worker; it returns the (stored) Report or raises."""
        self.loop = asyncio.get_running_loop()  # called from a request handler, on the server's loop
        job = Job(id=uuid.uuid4().hex, command=command, target=target, path=path)
        with self._lock:
            self.jobs[job.id] = job
            self._forget_old()
        self.executor.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    async def wait_change(self, job: Job, seen_version: int, timeout: float) -> bool:
        """Wait until the job has changed past ``seen_version``; False on timeout (the caller sends a ping)."""
        if job.version > seen_version:
            return True
        event = asyncio.Event()
        job._waiters.append(event)
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            if event in job._waiters:
                job._waiters.remove(event)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    # -- worker side -----------------------------------------------------------------------------------
    def _run(self, job: Job, work: Callable[[Callable], Report]) -> None:
        self._update(job, status="running")

        def progress(done: int, total: int, current: str) -> None:
            self._update(job, done=done, total=total, current=current)

        try:
            report = work(progress)
        except Exception as error:  # any failure is the job's result, never the server's
            message = str(error) or type(error).__name__
            if not _is_expected(error):  # a bug of ours: keep the traceback in the server log
                log.error("bumba review %s on %s failed", job.command, job.target, exc_info=error)
                message = f"{type(error).__name__}: {message}"
            self._update(job, status="failed", error=message, finished=time.time())
            return
        # the report itself lives in the store (GET /bumba/api/runs/ID); the job only points at it
        self._update(job, status="done", run_id=report.run.id, done=max(job.done, job.total), finished=time.time())

    def _update(self, job: Job, **changes: Any) -> None:
        def apply() -> None:
            for key, value in changes.items():
                setattr(job, key, value)
            job.version += 1
            for event in list(job._waiters):
                event.set()

        if self.loop is None or self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(apply)

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.status in ("done", "failed")]
        for job in sorted(finished, key=lambda j: j.created)[: max(0, len(finished) - JOBS_KEPT)]:
            del self.jobs[job.id]


def _is_expected(error: Exception) -> bool:
    """Errors whose message already says everything (bad target, unavailable command, bad settings)."""
    from ..commands import CommandUnavailable, UnknownCommand
    from ..review import ReviewError
    from ..settings import SettingsError

    return isinstance(error, ReviewError | CommandUnavailable | UnknownCommand | SettingsError | ValueError)
