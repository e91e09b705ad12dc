"""The embedded store: one SQLite file per user with every run, its findings, triage state and caches.

SQLite in WAL mode with a busy timeout lets several kernels, a CLI run and the Jupyter server write at
once; every write is one short transaction.

The store is a convenience, never a reason to lose a review:
- a damaged store (SQLite reports corruption) is moved aside beside itself (``bumba.sqlite.damaged-<time>``,
  its WAL with it) with a ``StoreWarning`` naming where it went, a new one is started, and the operation is
  tried once more on it;
- what a review does in passing (the per-file cache, the previous run's fingerprints, cell profiles, agent
  replies and memory) degrades to "nothing stored" with a ``StoreWarning`` when the store cannot be read or
  written (locked past the busy timeout, disk full, read-only);
- what the user asked for (history, a stored run, triage) raises ``StoreError`` with the reason.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .core.findings import Finding
from .core.report import Report

SCHEMA_VERSION = 1
# How long a write waits for another process's write lock. Every write here is one short transaction, so
# seconds of waiting mean a stuck or exclusive holder: better a warning and an unstored run than a hang.
BUSY_TIMEOUT_S = 10.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    command TEXT NOT NULL,
    target TEXT NOT NULL,
    target_key TEXT NOT NULL,
    started TEXT NOT NULL,
    duration_s REAL NOT NULL,
    engine TEXT NOT NULL,
    total INTEGER NOT NULL,
    summary TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_target ON runs (target_key, command, started);
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    category TEXT NOT NULL,
    path TEXT,
    cell INTEGER,
    line INTEGER,
    title TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_by_run ON findings (run_id);
CREATE TABLE IF NOT EXISTS triage (
    target_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    updated TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (target_key, fingerprint)
);
CREATE TABLE IF NOT EXISTS file_cache (
    key TEXT PRIMARY KEY,
    findings TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS profiles (
    cell_key TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now')),
    profile TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS profiles_by_cell ON profiles (cell_key, created);
CREATE TABLE IF NOT EXISTS agent_responses (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS agent_memory (
    project TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (project, key)
);
"""


def default_store_path() -> Path:
    """``$BUMBA_STORE``, else ``$XDG_DATA_HOME/bumba/bumba.sqlite`` (``~/.local/share`` by default)."""
    if os.environ.get("BUMBA_STORE"):
        return Path(os.environ["BUMBA_STORE"]).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "bumba" / "bumba.sqlite"


def target_key(root: str | Path | None, target: str) -> str:
    """Runs are compared per target: the resolved root plus what was named inside it."""
    return f"{Path(root).resolve() if root else ''}::{target}"


class StoreError(RuntimeError):
    """The store cannot do what was asked; the message says why and where the store is."""


class StoreWarning(UserWarning):
    """The store was damaged and moved aside, or could not be used for a cache: the work went on."""


def _damaged(error: sqlite3.Error) -> bool:
    # the primary result code, without the extended bits (SQLITE_CORRUPT_INDEX is still SQLITE_CORRUPT)
    return ((getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF) in _DAMAGED


def _looks_like_sqlite(path: Path) -> bool:
    """Only a regular file that starts as an SQLite database is ever moved aside: a store path that points
    at someone's document, a device or /proc is an error to report, not a file to rename."""
    try:
        with path.open("rb") as handle:
            return path.is_file() and handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def _guarded(method: Callable) -> Callable:
    """A store operation: SQLite errors become StoreError; a damaged store is replaced and tried once more."""

    @functools.wraps(method)
    def guarded(self: Store, *args: Any, **kwargs: Any) -> Any:
        return self._run(method, self, *args, **kwargs)

    return guarded


def _convenience(fallback: Callable[[], Any], what: str) -> Callable[[Callable], Callable]:
    """A store operation a review makes in passing: when the store fails, warn and go on with ``fallback()``."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def guarded(self: Store, *args: Any, **kwargs: Any) -> Any:
            try:
                return self._run(method, self, *args, **kwargs)
            except StoreError as error:
                warnings.warn(StoreWarning(f"{error}; {what}"), stacklevel=2)
                return fallback()

        return guarded

    return decorate


class Store:
    """Thread-safe access to the SQLite file; one connection per thread."""

    def __init__(self, path: str | Path | None = None, *, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path).expanduser() if path else default_store_path()
        self.busy_timeout = busy_timeout
        self.moved_aside: list[Path] = []  # damaged stores this object moved out of the way
        self._local = threading.local()
        self._generation = 0  # bumped when the file is replaced: every thread then reconnects
        self._replace_lock = threading.Lock()
        self._run(Store._create, self)

    def _create(self) -> None:
        if self.path.is_dir():
            raise StoreError(f"cannot open the bumba store at {self.path}: it is a folder; set BUMBA_STORE "
                             "(or %config BumbaMagics.store_path) to a file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._connection()
        # executescript commits on its own; every statement in the schema is idempotent
        db.executescript(_SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _run(self, operation: Callable, *args: Any, **kwargs: Any) -> Any:
        """Run ``operation``; SQLite and OS errors become StoreError, and a damaged store is moved aside and
        the operation run once more on a new one."""
        opening = operation is Store._create
        generation = self._generation
        try:
            return operation(*args, **kwargs)
        except sqlite3.Error as error:
            if not _damaged(error):
                raise StoreError(self._describe(error, opening)) from error
            self._replace(generation, error)
        except OSError as error:
            raise StoreError(self._describe(error, opening)) from error
        try:
            if not opening:
                self._create()
            return operation(*args, **kwargs)
        except (sqlite3.Error, OSError) as error:
            raise StoreError(self._describe(error, opening)) from error

    def _describe(self, error: BaseException, opening: bool = True) -> str:
        where = f"cannot open the bumba store at {self.path}" if opening else f"the bumba store at {self.path} failed"
        if isinstance(error, sqlite3.Error) and _damaged(error) and not _looks_like_sqlite(self.path):
            return f"{where}: it is not an SQLite file ({error}); move it away or set BUMBA_STORE to another path"
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return f"{where}: it is locked by another process (waited {self.busy_timeout:g} s)"
        return f"{where}: {error}"

    def _replace(self, generation: int, error: sqlite3.Error) -> None:
        """Move a damaged store file aside (nothing is deleted) so a new one can take its place."""
        with self._replace_lock:
            if self._generation != generation:  # another thread already replaced it
                return
            self.close()
            if not _looks_like_sqlite(self.path):
                raise StoreError(self._describe(error, opening=generation == 0)) from error
            stamp = time.strftime("%Y%m%dT%H%M%S")
            moved = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
            counter = 1
            while moved.exists():
                counter += 1
                moved = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{counter}")
            try:
                self.path.rename(moved)
                for suffix in ("-wal", "-shm"):  # the WAL belongs to the damaged file: it must not meet the new one
                    sidecar = self.path.with_name(self.path.name + suffix)
                    if sidecar.exists():
                        sidecar.rename(moved.with_name(moved.name + suffix))
            except OSError as move_error:
                raise StoreError(f"the bumba store at {self.path} is damaged ({error}) and cannot be moved aside: "
                                 f"{move_error}") from error
            self._generation += 1
            self.moved_aside.append(moved)
        warnings.warn(StoreWarning(
            f"the bumba store {self.path} was damaged ({error}); it was moved aside to {moved} and a new, empty "
            "store was started"), stacklevel=4)

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is not None and self._local.generation != self._generation:
            self.close()  # this thread's connection is to the file that was moved aside
            db = None
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA foreign_keys=ON")
                db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            except sqlite3.Error:
                db.close()
                raise
            self._local.db = db
            self._local.generation = self._generation
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock between writers
        try:
            yield db
        except BaseException:
            if db.in_transaction:  # SQLite has already rolled back after some errors (disk full, corruption)
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the original error is the one to report
            raise
        else:
            db.execute("COMMIT")

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:
                pass
            self._local.db = None

    # -- runs ------------------------------------------------------------------------------------------
    @_guarded
    def save_run(self, report: Report) -> str:
        """Store a report and its findings; sets and returns ``report.run.id``."""
        run_id = report.run.id or uuid.uuid4().hex
        report.run.id = run_id
        summary = report.summary
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    run_id, report.run.command, report.run.target, target_key(report.run.root, report.run.target),
                    report.run.started, report.run.duration_s, report.run.engine, summary.total,
                    summary.model_dump_json(), report.to_json(indent=None),
                ),
            )
            db.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        run_id, f.fingerprint or "", f.rule, f.severity.value, f.category.value, f.location.path,
                        f.location.cell, f.location.line, f.title,
                    )
                    for f in report.findings
                ],
            )
        return run_id

    @_guarded
    def get_run(self, run_id: str) -> Report | None:
        row = self._connection().execute("SELECT report FROM runs WHERE id = ?", (run_id,)).fetchone()
        return Report.from_dict(json.loads(row[0])) if row else None

    @_guarded
    def list_runs(self, *, root: str | Path | None = None, target: str | None = None,
                  command: str | None = None, limit: int = 50) -> list[dict]:
        """Newest first: id, command, target, started, duration, engine, total, summary."""
        query = "SELECT id, command, target, started, duration_s, engine, total, summary FROM runs"
        clauses, params = [], []
        if target is not None and root is not None:
            clauses.append("target_key = ?")
            params.append(target_key(root, target))
        elif target is not None:  # as the user typed it, whatever the root was
            clauses.append("target = ?")
            params.append(target)
        if command is not None:
            clauses.append("command = ?")
            params.append(command)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        query += " ORDER BY started DESC, rowid DESC LIMIT ?"
        params.append(max(0, min(int(limit), 2**63 - 1)))  # SQLite integers are 64-bit
        rows = self._connection().execute(query, params).fetchall()
        keys = ("id", "command", "target", "started", "duration_s", "engine", "total", "summary")
        return [{**dict(zip(keys, row)), "summary": json.loads(row[7])} for row in rows]

    @_convenience(lambda: None, "this run is not compared with the previous one")
    def previous_fingerprints(self, root: str | Path | None, target: str, command: str,
                              before_run: str | None = None) -> set[str] | None:
        """Fingerprints of the latest earlier run of ``command`` on ``target``; None when there is none."""
        db = self._connection()
        row = db.execute(
            "SELECT id FROM runs WHERE target_key = ? AND command = ? AND id != ? "
            "ORDER BY started DESC, rowid DESC LIMIT 1",
            (target_key(root, target), command, before_run or ""),
        ).fetchone()
        if row is None:
            return None
        return {r[0] for r in db.execute("SELECT fingerprint FROM findings WHERE run_id = ?", (row[0],))}

    # -- triage ----------------------------------------------------------------------------------------
    @_guarded
    def set_triage(self, root: str | Path | None, target: str, fingerprint: str, state: str,
                   reason: str | None = None) -> None:
        if state not in ("reviewed", "suppressed", "open"):
            raise ValueError(f"unknown triage state {state!r}: reviewed, suppressed or open")
        with self._transaction() as db:
            if state == "open":
                db.execute("DELETE FROM triage WHERE target_key = ? AND fingerprint = ?",
                           (target_key(root, target), fingerprint))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO triage (target_key, fingerprint, state, reason) VALUES (?,?,?,?)",
                    (target_key(root, target), fingerprint, state, reason),
                )

    @_guarded
    def triage(self, root: str | Path | None, target: str) -> dict[str, tuple[str, str | None]]:
        rows = self._connection().execute(
            "SELECT fingerprint, state, reason FROM triage WHERE target_key = ?", (target_key(root, target),)
        )
        return {fp: (state, reason) for fp, state, reason in rows}

    # -- per-file analyzer cache -----------------------------------------------------------------------
    @_convenience(dict, "every file is analyzed again")
    def cache_get_many(self, keys: Iterable[str]) -> dict[str, list[Finding]]:
        keys = list(keys)
        found: dict[str, list[Finding]] = {}
        db = self._connection()
        for start in range(0, len(keys), 500):  # SQLite caps bound parameters per statement
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, payload in db.execute(f"SELECT key, findings FROM file_cache WHERE key IN ({marks})", chunk):
                found[key] = [Finding.model_validate(f) for f in json.loads(payload)]
        return found

    @_convenience(lambda: None, "the per-file results are not cached")
    def cache_put_many(self, entries: dict[str, list[Finding]]) -> None:
        if not entries:
            return
        rows = [
            (key, json.dumps([f.model_dump(mode="json", exclude_none=True) for f in findings]))
            for key, findings in entries.items()
        ]
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO file_cache (key, findings) VALUES (?, ?)", rows)

    @_guarded
    def clear_cache(self) -> int:
        with self._transaction() as db:
            return db.execute("DELETE FROM file_cache").rowcount

    # -- cell profiles (%%bumba improve-performance: before / after for the same cell) --------------------
    @_convenience(lambda: None, "this profile is not kept for before/after")
    def save_profile(self, cell_key: str, code_hash: str, profile: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO profiles (cell_key, code_hash, profile) VALUES (?, ?, ?)",
                       (cell_key, code_hash, json.dumps(profile)))

    @_convenience(lambda: None, "no earlier profile to compare with")
    def last_profile(self, cell_key: str) -> tuple[str, dict] | None:
        """(code hash, profile) of the latest profile of the cell, or None."""
        row = self._connection().execute(
            "SELECT code_hash, profile FROM profiles WHERE cell_key = ? ORDER BY created DESC, rowid DESC LIMIT 1",
            (cell_key,),
        ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    # -- the Claude engine: replayable responses and per-project agent memory --------------------------
    @_convenience(lambda: None, "the agent's cached answer is not used")
    def response_get(self, key: str) -> dict | None:
        """A stored agent result (keyed by agent, command, model and context hash), or None."""
        row = self._connection().execute("SELECT payload FROM agent_responses WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    @_convenience(lambda: None, "the agent's answer is not cached")
    def response_put(self, key: str, payload: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO agent_responses (key, payload) VALUES (?, ?)",
                       (key, json.dumps(payload)))

    @_convenience(dict, "the agent's notes for this project are not available")
    def memory_get(self, project: str | Path) -> dict[str, str]:
        """The agent's notes for a project (its resolved root), key -> value."""
        rows = self._connection().execute(
            "SELECT key, value FROM agent_memory WHERE project = ? ORDER BY key", (str(project),)
        )
        return dict(rows.fetchall())

    @_convenience(lambda: None, "the agent's note is not kept")
    def memory_put(self, project: str | Path, key: str, value: str | None) -> None:
        """Set (or with ``None`` delete) one note of the agent's memory for a project."""
        with self._transaction() as db:
            if value is None:
                db.execute("DELETE FROM agent_memory WHERE project = ? AND key = ?", (str(project), key))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO agent_memory (project, key, value, updated) "
                    "VALUES (?, ?, ?, datetime('now'))", (str(project), key, value),
                )
