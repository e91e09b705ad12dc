"""REST handlers under ``/bumba/api/``: thin wrappers over ``review.review()`` and ``store.Store``.

Every handler is an ``APIHandler`` behind ``@web.authenticated``, so Jupyter's token/cookie login and its
XSRF check (for cookie-authenticated writes) apply as they do to ``/api/contents``. Paths are contents paths,
relative to the server's root, and never leave it.

    GET  /bumba/api/info                      version, server root, store state
    GET  /bumba/api/commands                  the command catalogue, and whether an API key is configured
    GET  /bumba/api/agents?path=P             agent definitions found for the project around P
    POST /bumba/api/runs                      start a review: {"command", "path", ["code", "cell_id"], options}
    GET  /bumba/api/runs?path=P[&command=C]   stored runs on P, newest first
    GET  /bumba/api/runs/RUN                  a stored run: report, triage state, where its paths live
    GET  /bumba/api/jobs/JOB                  a started review: status and progress (poll)
    GET  /bumba/api/jobs/JOB/events           the same as server-sent events until it ends (stream)
    POST /bumba/api/triage                    {"run_id", "fingerprint", "state", ["reason"]}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.iostream import StreamClosedError

from .. import __version__
from ..arguments import HelpShown, UsageError, parse, review_overrides
from ..commands import Command, UnknownCommand, catalogue, get_command
from ..engines.credentials import api_key_from
from ..settings import SettingsError, load_settings
from ..store import Store, StoreError
from .jobs import JobManager

API = "bumba/api"
CELL_SEPARATOR = "#"  # a cell review is stored with the target "<notebook path>#<cell id>"
STREAM_PING_S = 15.0
MAX_CODE_CHARS = 1_000_000


class BumbaState:
    """What the handlers share: the server root, the store (or why it cannot be opened), the jobs."""

    def __init__(self, root_dir: str | Path, jobs: JobManager, store_path: str | None = None) -> None:
        self.root = Path(os.path.realpath(root_dir))
        self.jobs = jobs
        self.store_path = store_path
        self._store: Store | None = None
        self.store_error: str | None = None

    def store(self) -> Store:
        """The store, opened on first use; a store that cannot be opened is a 503 with the reason."""
        if self._store is None:
            try:
                self._store = Store(self.store_path or os.environ.get("BUMBA_STORE") or None)
                self.store_error = None
            except StoreError as error:
                self.store_error = str(error)
                raise web.HTTPError(503, "the bumba store cannot be read: %s", error) from None
        return self._store

    # -- paths -----------------------------------------------------------------------------------------
    def confine(self, path: Any, *, must_exist: bool = True) -> Path:
        """A contents path (``notebooks/a.ipynb``) as an absolute path inside the root, or an HTTP error."""
        if not isinstance(path, str):
            raise web.HTTPError(400, "'path' must be a string, relative to the server root")
        if "\x00" in path:
            raise web.HTTPError(400, "'path' contains a NUL character")
        relative = path.strip().lstrip("/")  # contents paths may come with a leading slash
        resolved = Path(os.path.realpath(self.root / relative))  # symlinks resolved: no way out through one
        if resolved != self.root and not resolved.is_relative_to(self.root):
            raise web.HTTPError(403, "%r is outside the server's root directory", path)
        if must_exist and not resolved.exists():
            raise web.HTTPError(404, "no such file or folder: %r", path)
        return resolved

    def contents_path(self, path: str | Path | None) -> str | None:
        """An absolute path as a contents path ('' for the root); None when it is outside the root."""
        if not path:
            return None
        resolved = Path(os.path.realpath(path))
        if resolved == self.root:
            return ""
        if not resolved.is_relative_to(self.root):
            return None
        return resolved.relative_to(self.root).as_posix()


class BaseHandler(APIHandler):
    @property
    def bumba(self) -> BumbaState:
        return self.settings["bumba"]

    def body_object(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"")
        except (ValueError, UnicodeDecodeError) as error:
            raise web.HTTPError(400, "the request body is not JSON: %s", error) from None
        if not isinstance(data, dict):
            raise web.HTTPError(400, "the request body must be a JSON object")
        return data

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # APIHandler would reply with the unformatted log_message ("%s"); the message must carry the values
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, web.HTTPError) and error.log_message and error.args:
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"message": error.log_message % error.args, "reason": error.reason}))
            return
        super().write_error(status_code, **kwargs)

    def reply(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data, ensure_ascii=False))


class InfoHandler(BaseHandler):
    @web.authenticated
    def get(self) -> None:
        store: dict[str, Any] = {"ok": True, "path": None, "error": None}
        try:
            store["path"] = str(self.bumba.store().path)
        except web.HTTPError:
            store.update(ok=False, error=self.bumba.store_error)
        self.reply({"version": __version__, "root_dir": str(self.bumba.root), "store": store})


def command_dict(command: Command) -> dict[str, Any]:
    return {
        "name": command.name, "summary": command.summary, "needs": command.needs,
        "aliases": list(command.aliases), "lane": command.lane, "takes_cell": command.takes_cell,
        "available": command.available, "unavailable_reason": command.unavailable_reason or None,
        # the sidebar offers a button for what can run on a path; help/agents/explain/history are its own UI
        "runnable": command.available and bool(command.analyzers or command.runner),
    }


class CommandsHandler(BaseHandler):
    @web.authenticated
    def get(self) -> None:
        # agent-only commands need a key: without one the sidebar shows them disabled, with the reason
        try:
            settings = load_settings(self.bumba.root)
        except SettingsError:
            settings = None  # a broken [tool.bumba] is reported by the review itself; the environment still counts
        self.reply({"commands": [command_dict(c) for c in catalogue()], "api_key": bool(api_key_from(settings))})


class AgentsHandler(BaseHandler):
    @web.authenticated
    def get(self) -> None:
        from ..agents import discover_agents_with_errors

        project = self._project_dir(self.get_query_argument("path", ""))
        specs, errors = discover_agents_with_errors(project_dir=project)
        self.reply({
            "agents": [
                {"name": s.name, "description": s.summary, "source": s.source, "model": s.model}
                for s in specs
            ],
            "errors": [str(e) for e in errors],
        })

    def _project_dir(self, path: str) -> Path:
        target = self.bumba.confine(path)
        return target if target.is_dir() else target.parent


class RunsHandler(BaseHandler):
    @web.authenticated
    def get(self) -> None:
        """Stored runs on one target (the ``path`` as the sidebar sends it), newest first."""
        target = self.bumba.confine(self.get_query_argument("path"), must_exist=False)
        command = self.get_query_argument("command", None)
        try:
            limit = max(1, min(500, int(self.get_query_argument("limit", "50"))))
        except ValueError:
            raise web.HTTPError(400, "'limit' must be a number") from None
        if command:
            command = self._command(command).name
        runs = self.bumba.store().list_runs(target=str(target), command=command, limit=limit)
        for run in runs:
            run["path"] = self.bumba.contents_path(run["target"])
        self.reply({"runs": runs})

    @web.authenticated
    def post(self) -> None:
        """Start a review of a file, folder or notebook (or of one cell's ``code``); 202 with the job."""
        body = self.body_object()
        command = self._command(body.get("command"))
        if not command.available:
            raise web.HTTPError(409, "'%s' is not available: %s", command.name, command.unavailable_reason)
        if not (command.analyzers or command.runner):
            raise web.HTTPError(400, "'%s' is not a review command", command.name)
        target = self.bumba.confine(body.get("path", ""))
        code = body.get("code")
        if code is not None and (not isinstance(code, str) or len(code) > MAX_CODE_CHARS):
            raise web.HTTPError(400, "'code' must be the text of one cell")
        cell_id = body.get("cell_id")
        if cell_id is not None and not isinstance(cell_id, str):
            raise web.HTTPError(400, "'cell_id' must be a string")
        agent = body.get("agent")
        if agent is not None:
            self._check_agent(agent, target)
        argv = [command.name, *([] if code is not None else [str(target)]), *self._options(body)]
        try:
            args = parse(argv, prog="bumba").args
        except (UsageError, HelpShown) as error:
            raise web.HTTPError(400, "%s", error or "bad options") from None
        except Exception as error:  # a command's own option hook that fails to import: say which, not "500"
            self.log.exception("bumba: building the option parser failed")
            raise web.HTTPError(500, "cannot read the options of %r: %s: %s", command.name,
                                type(error).__name__, error) from None

        label = str(target) + (CELL_SEPARATOR + (cell_id or "cell") if code is not None else "")
        store = self.bumba.store()

        def work(progress):
            from ..review import review

            return review(command, label if code is not None else str(target), cell_body=code,
                          overrides=review_overrides(args), store=store, progress=progress, args=args)

        job = self.bumba.jobs.submit(command.name, label, self.bumba.contents_path(target), work)
        self.set_header("Location", url_path_join(self.base_url, API, "jobs", job.id))
        self.reply({"job": job.to_dict()}, status=202)

    def _command(self, name: Any) -> Command:
        if not isinstance(name, str) or not name.strip():
            raise web.HTTPError(400, "'command' must name a command, e.g. \"scan\"")
        try:
            return get_command(name)
        except UnknownCommand as error:
            raise web.HTTPError(400, "%s", error) from None

    def _check_agent(self, agent: Any, target: Path) -> None:
        # names only: an agent *path* would let a request read any file the server can
        from ..agents import discover_agents

        if not isinstance(agent, str):
            raise web.HTTPError(400, "'agent' must be an agent name")
        names = [s.name for s in discover_agents(project_dir=target if target.is_dir() else target.parent)]
        if agent not in names:
            raise web.HTTPError(400, "unknown agent %r; found: %s", agent, ", ".join(names) or "none")

    @staticmethod
    def _options(body: dict[str, Any]) -> list[str]:
        argv: list[str] = []
        for key, flag in (("severity", "--severity"), ("fail_on", "--fail-on"), ("agent", "--agent")):
            value = body.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise web.HTTPError(400, "'%s' must be a string", key)
            argv += [flag, value]
        for key, flag in (("select", "--select"), ("ignore", "--ignore")):
            value = body.get(key)
            if value is None:
                continue
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = ",".join(value)
            if not isinstance(value, str):
                raise web.HTTPError(400, "'%s' must be a list of rule codes", key)
            argv += [flag, value]
        if body.get("no_cache") is True:
            argv.append("--no-cache")
        unknown = set(body) - {"command", "path", "code", "cell_id", "agent", "severity", "fail_on", "select",
                               "ignore", "no_cache"}
        if unknown:
            raise web.HTTPError(400, "unknown field(s): %s", ", ".join(sorted(unknown)))
        return argv


class RunHandler(BaseHandler):
    @web.authenticated
    def get(self, run_id: str) -> None:
        store = self.bumba.store()
        report = store.get_run(run_id)
        if report is None:
            raise web.HTTPError(404, "no stored run %r", run_id)
        target, _, cell_id = report.run.target.partition(CELL_SEPARATOR)
        triage = store.triage(report.run.root, report.run.target)
        self.reply({
            "report": report.to_dict(),
            "triage": {fp: {"state": state, "reason": reason} for fp, (state, reason) in triage.items()},
            # where the findings' relative paths start, as a contents path (None: outside the root)
            "contents_root": self.bumba.contents_path(report.run.root) if not cell_id else None,
            "path": self.bumba.contents_path(target),
            "cell_id": cell_id or None,
        })


class JobHandler(BaseHandler):
    @web.authenticated
    def get(self, job_id: str) -> None:
        self.reply({"job": self._job(job_id).to_dict()})

    def _job(self, job_id: str):
        job = self.bumba.jobs.get(job_id)
        if job is None:
            raise web.HTTPError(404, "no review job %r (finished jobs are kept for a while; runs stay in "
                                "the store)", job_id)
        return job


class JobEventsHandler(JobHandler):
    @web.authenticated
    async def get(self, job_id: str) -> None:  # type: ignore[override]
        job = self._job(job_id)
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        seen = -1
        try:
            while True:
                if job.version > seen:
                    seen = job.version
                    self.write(f"event: job\ndata: {json.dumps(job.to_dict())}\n\n")
                    await self.flush()
                    if job.status in ("done", "failed"):
                        break
                elif not await self.bumba.jobs.wait_change(job, seen, STREAM_PING_S):
                    self.write(": ping\n\n")  # keeps proxies from closing an idle stream
                    await self.flush()
        except StreamClosedError:
            return
        self.finish()


class TriageHandler(BaseHandler):
    @web.authenticated
    def post(self) -> None:
        body = self.body_object()
        run_id, fingerprint, state = body.get("run_id"), body.get("fingerprint"), body.get("state")
        reason = body.get("reason")
        if not all(isinstance(v, str) and v for v in (run_id, fingerprint, state)):
            raise web.HTTPError(400, "'run_id', 'fingerprint' and 'state' are required strings")
        if reason is not None and not isinstance(reason, str):
            raise web.HTTPError(400, "'reason' must be a string")
        store = self.bumba.store()
        report = store.get_run(run_id)
        if report is None:
            raise web.HTTPError(404, "no stored run %r", run_id)
        if fingerprint not in {f.fingerprint for f in report.findings}:
            raise web.HTTPError(404, "run %r has no finding %r", run_id, fingerprint)
        try:
            store.set_triage(report.run.root, report.run.target, fingerprint, state, reason)
        except ValueError as error:
            raise web.HTTPError(400, "%s", error) from None
        triage = store.triage(report.run.root, report.run.target)
        self.reply({"triage": {fp: {"state": s, "reason": r} for fp, (s, r) in triage.items()}})


def handlers(base_url: str) -> list[tuple[str, type]]:
    def route(*parts: str) -> str:
        return url_path_join(base_url, API, *parts)

    return [
        (route("info"), InfoHandler),
        (route("commands"), CommandsHandler),
        (route("agents"), AgentsHandler),
        (route("runs"), RunsHandler),
        (route("runs", r"([0-9a-f]{1,64})"), RunHandler),
        (route("jobs", r"([0-9a-f]{32})"), JobHandler),
        (route("jobs", r"([0-9a-f]{32})", "events"), JobEventsHandler),
        (route("triage"), TriageHandler),
    ]

