"""Reviews started from the browser: each in a process of its own, at most ``workers`` at once.

A job is one call of :func:`bumba_magics.review.review`. Its state (progress, then the stored run id or the
error) is read by polling ``GET /bumba/api/jobs/ID`` or streamed by ``GET /bumba/api/jobs/ID/events``; the
stream waits on an asyncio event that the job's thread sets through the server's loop, never on a timer.
``DELETE /bumba/api/jobs/ID`` cancels a job, queued or running.

Why processes: a review is Python code that can spend minutes in one file (a megabyte of code with
thousands of findings, a slow analyzer), and a thread cannot be stopped. In a thread such a review could
not be cancelled, and the interpreter waits for it at exit, so the server's shutdown hung until it ended.
A process (with the tools it starts, in its own process group) is ended on cancel and on shutdown. Processes
come from a fork server that has bumba, its analyzers and nbformat imported (``spawn`` where there is no fork
server). Measured on a loaded 2-core machine: starting and joining a job's process takes 8-35 ms (a thread:
0.07 ms); the first job also starts the fork server, about 4.5 s of imports that the thread model paid in the
server process on its first job too (about 3 s); a scan of one small file through the REST API took a
median of 0.5-1.0 s either way, the difference lost in the noise of the machine's load.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import uuid
import weakref
from dataclasses import dataclass, field
from typing import Any

from .spec import ReviewSpec

log = logging.getLogger(__name__)

JOBS_KEPT = 200  # finished jobs remembered for polling; the reports themselves live in the store
FINISHED = ("done", "failed", "cancelled")
TERMINATE_GRACE_S = 3.0  # SIGTERM, then SIGKILL after this long


@dataclass
class Job:
    id: str
    command: str
    target: str  # what the review was given (absolute path or a cell label)
    path: str | None  # the contents path the user picked, relative to the server root
    status: str = "queued"  # queued | running | done | failed | cancelled
    done: int = 0
    total: int = 0
    current: str = ""
    run_id: str | None = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    version: int = 0  # bumped on every change, so a stream knows what it has already sent
    _waiters: list[asyncio.Event] = field(default_factory=list, repr=False)
    _cancel: bool = field(default=False, repr=False)  # asked to stop; read by the job's thread
    _process: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "command": self.command, "path": self.path, "status": self.status,
            "progress": {"done": self.done, "total": self.total, "current": self.current},
            "run_id": self.run_id, "error": self.error, "version": self.version,
        }


class JobFinished(RuntimeError):
    """The job has already ended (done, failed or cancelled): there is nothing to cancel."""


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"{__package__}.worker"])
        return context
    return multiprocessing.get_context("spawn")


class JobManager:
    """Owns the job queue, the threads that watch the review processes, and the jobs; job state changes are
    applied on the server's event loop."""

    def __init__(self, workers: int = 2) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, taken from the first request
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, ReviewSpec] | None] = queue.Queue()
        self._context = _context()
        self._closed = False
        # daemon threads: at exit the interpreter must not wait for a watcher (it waits for no review either)
        self._threads = [threading.Thread(target=self._work, name=f"bumba-review-{i}", daemon=True)
                         for i in range(max(1, workers))]
        for thread in self._threads:
            thread.start()
        # module-style server extensions get no shutdown hook; the end of the process is the shutdown
        atexit.register(_shutdown_if_alive, weakref.ref(self))

    def submit(self, command: str, target: str, path: str | None, spec: ReviewSpec) -> Job:
        """Queue the review ``spec``; it runs in a process when a worker is free."""
        self.loop = asyncio.get_running_loop()  # called from a request handler, on the server's loop
        job = Job(id=uuid.uuid4().hex, command=command, target=target, path=path)
        with self._lock:
            if self._closed:
                raise RuntimeError("the server is shutting down")
            self.jobs[job.id] = job
            self._forget_old()
        self._queue.put((job, spec))
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Stop a job: a queued one never starts, a running one's process (and what it started) is ended.
        None for an unknown job; JobFinished when it has already ended."""
        job = self.jobs.get(job_id)
        if job is None:
            return None
        with self._lock:
            if job.status in FINISHED or job._cancel:
                raise JobFinished(f"job {job_id} has already ended ({job.status})")
            job._cancel = True
            process = job._process
        if process is None:  # still queued: its thread will skip it
            self._update(job, status="cancelled", error="cancelled", finished=time.time())
        else:
            threading.Thread(target=_terminate, args=(process,), daemon=True).start()
        return job

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
        """End every running review now and drop the queued ones (the server is stopping)."""
        with self._lock:
            self._closed = True
            running = [job._process for job in self.jobs.values() if job._process is not None]
            for job in self.jobs.values():
                job._cancel = True
        for process in running:
            _terminate(process)
        for _ in self._threads:
            self._queue.put(None)

    # -- the job's thread ------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, spec = item
            try:
                self._run(job, spec)
            except Exception as error:  # a watcher must survive whatever one job does
                log.error("bumba review %s on %s: the job could not run", job.command, job.target, exc_info=error)
                self._update(job, status="failed", error=f"the review could not start: {error}",
                             finished=time.time())

    def _run(self, job: Job, spec: ReviewSpec) -> None:
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(target=_worker_run, args=(spec, sender), name=f"bumba-review-{job.id[:8]}",
                                        daemon=True)
        if job._cancel:  # cancelled while queued (or the server is stopping)
            return
        process.start()  # outside the lock: the first start also starts the fork server
        with self._lock:
            job._process = process
            cancelled = job._cancel
        if cancelled:  # asked while it was starting: cancel() saw no process to end
            _terminate(process)
        sender.close()  # the child holds the only writing end: EOF on our side means it ended
        self._update(job, status="running")
        result: tuple | None = None
        try:
            while result is None:
                try:
                    message = receiver.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "progress":
                    _, done, total, current = message
                    self._update(job, done=done, total=total, current=current)
                else:
                    result = message
        finally:
            receiver.close()
            process.join(TERMINATE_GRACE_S)
            with self._lock:
                job._process = None
        if job._cancel:
            self._update(job, status="cancelled", error="cancelled", finished=time.time())
        elif result is not None and result[0] == "done":
            # the report itself lives in the store (GET /bumba/api/runs/ID); the job only points at it
            self._update(job, status="done", run_id=result[1], done=max(job.done, job.total), finished=time.time())
        elif result is not None:
            self._update(job, status="failed", error=result[1], finished=time.time())
        else:
            self._update(job, status="failed", finished=time.time(),
                         error=f"the review's process ended without a result (exit code {process.exitcode})")

    def _update(self, job: Job, **changes: Any) -> None:
        def apply() -> None:
            if job.status in FINISHED:  # a cancel answered already; the thread's own ending must not undo it
                return
            for key, value in changes.items():
                setattr(job, key, value)
            job.version += 1
            for event in list(job._waiters):
                event.set()

        if self.loop is None or self.loop.is_closed():
            return
        try:
            self.loop.call_soon_threadsafe(apply)
        except RuntimeError:  # the loop closed in between: the server is gone, nobody is listening
            pass

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.status in FINISHED]
        for job in sorted(finished, key=lambda j: j.created)[: max(0, len(finished) - JOBS_KEPT)]:
            del self.jobs[job.id]


def _worker_run(spec: ReviewSpec, conn: Any) -> None:
    # Runs in the review's process only: the server itself never loads the review machinery (worker.py
    # and what it imports); the fork server has it preloaded, so this import costs nothing there.
    from .worker import run

    run(spec, conn)


def _terminate(process: Any) -> None:
    """SIGTERM to the review's process group (it and the tools it started), SIGKILL after a grace period."""
    for sig in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
        if not process.is_alive():
            return
        try:
            if hasattr(os, "killpg") and os.getpgid(process.pid) == process.pid:
                os.killpg(process.pid, sig)
            else:  # not yet in its own group (or no groups here): the process alone
                os.kill(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        process.join(TERMINATE_GRACE_S)


def _shutdown_if_alive(manager_ref: weakref.ref) -> None:
    manager = manager_ref()
    if manager is not None:
        manager.shutdown()
