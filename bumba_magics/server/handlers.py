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
    DELETE /bumba/api/jobs/JOB                cancel it, queued or running (its process is ended)
    POST /bumba/api/triage                    {"run_id", "fingerprint", "state", ["reason"]}

Every request body and field has a size limit, and a body nested deeper than a request can be is refused:
bad input is a 400 (413 for a body over the limit) whose JSON says which field and why, never a 500.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.iostream import StreamClosedError

from .. import __version__
from ..commands import Command, UnknownCommand, catalogue, get_command
from ..commands.parser import HelpShown, UsageError, parse
from ..engines.credentials import api_key_from
from ..settings import SettingsError, load_settings
from ..store import Store, StoreError
from .jobs import FINISHED, JobFinished, JobManager
from .spec import ReviewSpec

API = "bumba/api"
CELL_SEPARATOR = "#"  # a cell review is stored with the target "<notebook path>#<cell id>"
STREAM_PING_S = 15.0
CANCEL_WAIT_S = 10.0  # a DELETE answers once the job's process has ended (or after this long)
MAX_CODE_CHARS = 1_000_000
MAX_BODY_BYTES = 8 * 2**20  # a cell of MAX_CODE_CHARS, JSON-escaped, fits with room to spare
MAX_JSON_DEPTH = 4  # the deepest a valid request goes is 2 (an object holding a list of codes)
# the longest each string field may be; a longer one is a 400 naming the field
FIELD_LIMITS = {
    "command": 64, "path": 4096, "cell_id": 256, "agent": 256, "severity": 32, "fail_on": 32,
    "select": 4096, "ignore": 4096, "run_id": 64, "fingerprint": 128, "state": 32, "reason": 2000,
}
MAX_CODES = 200  # rule codes in select / ignore


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
                self._store = Store(self.store_path or None)
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
        body = self.request.body or b""
        if len(body) > MAX_BODY_BYTES:
            raise web.HTTPError(413, "the request body is %d bytes; the limit is %d", len(body), MAX_BODY_BYTES)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise web.HTTPError(400, "the request body is not JSON: %s", error) from None
        except RecursionError:  # the decoder recurses once per level
            raise web.HTTPError(400, "the request body is nested too deeply") from None
        if not isinstance(data, dict):
            raise web.HTTPError(400, "the request body must be a JSON object")
        if _deeper_than(data, MAX_JSON_DEPTH):
            raise web.HTTPError(400, "the request body is nested more than %d levels deep", MAX_JSON_DEPTH)
        for key, value in data.items():
            check_length(key, value)
        return data

    def query(self, name: str, *default: Any) -> Any:
        """A query argument (required unless a default is given), within its length limit."""
        value = self.get_query_argument(name, *default)
        check_length(name, value)
        return value

    def store_call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """A store operation; a store that fails (locked, damaged beyond repair, unwritable) is a 503."""
        try:
            return method(*args, **kwargs)
        except StoreError as error:
            raise web.HTTPError(503, "the bumba store cannot be used: %s", error) from None

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


def check_length(name: str, value: Any) -> None:
    """A 400 when a string field (or a list of them) is longer than its limit."""
    limit = FIELD_LIMITS.get(name)
    if limit is None:
        return
    if isinstance(value, str) and len(value) > limit:
        raise web.HTTPError(400, "'%s' is %d characters long; the limit is %d", name, len(value), limit)
    if isinstance(value, list):
        if len(value) > MAX_CODES:
            raise web.HTTPError(400, "'%s' lists %d items; the limit is %d", name, len(value), MAX_CODES)
        if sum(len(v) + 1 for v in value if isinstance(v, str)) > limit:
            raise web.HTTPError(400, "'%s' is longer than %d characters in all", name, limit)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value nests containers more than ``limit`` deep (without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def command_dict(command: Command) -> dict[str, Any]:
    return {
        "name": command.name, "summary": command.summary, "needs": command.needs,
        "aliases": list(command.aliases), "lane": command.lane, "takes_cell": command.takes_cell,
        "available": command.available, "unavailable_reason": command.unavailable_reason or None,
        # the sidebar offers a button for what can run on a path; help/agents/explain/history are its own UI
        "runnable": command.available and not command.describes,
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

        project = self._project_dir(self.query("path", ""))
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
        target = self.bumba.confine(self.query("path"), must_exist=False)
        command = self.query("command", None)
        limit_text = self.get_query_argument("limit", "50")
        if not (limit_text.isascii() and limit_text.isdigit() and len(limit_text) <= 6):
            raise web.HTTPError(400, "'limit' must be a whole number, at most 6 digits")
        limit = max(1, min(500, int(limit_text)))
        if command:
            command = self._command(command).name
        runs = self.store_call(self.bumba.store().list_runs, target=str(target), command=command, limit=limit)
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
        if command.describes:
            raise web.HTTPError(400, "'%s' is not a review command", command.name)
        target = self.bumba.confine(body.get("path", ""))
        code = body.get("code")
        if code is not None and (not isinstance(code, str) or len(code) > MAX_CODE_CHARS):
            raise web.HTTPError(400, "'code' must be the text of one cell")
        if code is not None:  # lone surrogates ("\ud800" in the JSON) cannot reach a file or a tool; '?' each
            code = code.encode("utf-8", "replace").decode("utf-8")
        cell_id = body.get("cell_id")
        if cell_id is not None and not isinstance(cell_id, str):
            raise web.HTTPError(400, "'cell_id' must be a string")
        agent = body.get("agent")
        if agent is not None:
            self._check_agent(agent, target)
        argv = [command.name, *([] if code is not None else [str(target)]), *self._options(body)]
        try:
            parse(argv, prog="bumba")  # checked here for a 400; the review's process parses it again
        except (UsageError, HelpShown) as error:
            raise web.HTTPError(400, "%s", error or "bad options") from None
        except Exception as error:  # a command's own option hook that fails to import: say which, not "500"
            self.log.exception("bumba: building the option parser failed")
            raise web.HTTPError(500, "cannot read the options of %r: %s: %s", command.name,
                                type(error).__name__, error) from None

        label = str(target) + (CELL_SEPARATOR + (cell_id or "cell") if code is not None else "")
        store = self.bumba.store()
        spec = ReviewSpec(command=command.name, target=label if code is not None else str(target), argv=argv,
                          code=code, store_path=str(store.path), cwd=os.getcwd(), env=dict(os.environ))
        try:
            job = self.bumba.jobs.submit(command.name, label, self.bumba.contents_path(target), spec)
        except RuntimeError as error:  # the server is shutting down
            raise web.HTTPError(503, "%s", error) from None
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
        report = self.store_call(store.get_run, run_id)
        if report is None:
            raise web.HTTPError(404, "no stored run %r", run_id)
        target, _, cell_id = report.run.target.partition(CELL_SEPARATOR)
        triage = self.store_call(store.triage, report.run.root, report.run.target)
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

    @web.authenticated
    async def delete(self, job_id: str) -> None:
        """Cancel: a queued job never runs; a running one's process is ended. Answers with the ended job."""
        job = self._job(job_id)
        try:
            self.bumba.jobs.cancel(job_id)
        except JobFinished as error:
            raise web.HTTPError(409, "%s", error) from None
        deadline = time.monotonic() + CANCEL_WAIT_S
        while job.status not in FINISHED and time.monotonic() < deadline:
            await self.bumba.jobs.wait_change(job, job.version, max(0.01, deadline - time.monotonic()))
        self.reply({"job": job.to_dict()})

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
                    if job.status in FINISHED:
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
        report = self.store_call(store.get_run, run_id)
        if report is None:
            raise web.HTTPError(404, "no stored run %r", run_id)
        if fingerprint not in {f.fingerprint for f in report.findings}:
            raise web.HTTPError(404, "run %r has no finding %r", run_id, fingerprint)
        try:
            self.store_call(store.set_triage, report.run.root, report.run.target, fingerprint, state, reason)
        except ValueError as error:
            raise web.HTTPError(400, "%s", error) from None
        triage = self.store_call(store.triage, report.run.root, report.run.target)
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

