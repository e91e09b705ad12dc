"""The embedded store: one SQLite file per user with every run, its findings, triage state and caches.

SQLite in WAL mode with a busy timeout lets several kernels, a CLI run and the Jupyter server write at
once; every write is one short transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .findings import Finding
from .report import Report

SCHEMA_VERSION = 1

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
    pass


class Store:
    """Thread-safe access to the SQLite file; one connection per thread."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_store_path()
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connection()
            # executescript commits on its own; every statement in the schema is idempotent
            db.executescript(_SCHEMA)
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the bumba store at {self.path}: {error}") from error

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock between writers
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- runs ------------------------------------------------------------------------------------------
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

    def get_run(self, run_id: str) -> Report | None:
        row = self._connection().execute("SELECT report FROM runs WHERE id = ?", (run_id,)).fetchone()
        return Report.from_dict(json.loads(row[0])) if row else None

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
        params.append(limit)
        rows = self._connection().execute(query, params).fetchall()
        keys = ("id", "command", "target", "started", "duration_s", "engine", "total", "summary")
        return [{**dict(zip(keys, row)), "summary": json.loads(row[7])} for row in rows]

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

    def triage(self, root: str | Path | None, target: str) -> dict[str, tuple[str, str | None]]:
        rows = self._connection().execute(
            "SELECT fingerprint, state, reason FROM triage WHERE target_key = ?", (target_key(root, target),)
        )
        return {fp: (state, reason) for fp, state, reason in rows}

    # -- per-file analyzer cache -----------------------------------------------------------------------
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

    def cache_put_many(self, entries: dict[str, list[Finding]]) -> None:
        if not entries:
            return
        rows = [
            (key, json.dumps([f.model_dump(mode="json", exclude_none=True) for f in findings]))
            for key, findings in entries.items()
        ]
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO file_cache (key, findings) VALUES (?, ?)", rows)

    def clear_cache(self) -> int:
        with self._transaction() as db:
            return db.execute("DELETE FROM file_cache").rowcount

    # -- cell profiles (%%bumba improve-performance: before / after for the same cell) --------------------
    def save_profile(self, cell_key: str, code_hash: str, profile: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO profiles (cell_key, code_hash, profile) VALUES (?, ?, ?)",
                       (cell_key, code_hash, json.dumps(profile)))

    def last_profile(self, cell_key: str) -> tuple[str, dict] | None:
        """(code hash, profile) of the latest profile of the cell, or None."""
        row = self._connection().execute(
            "SELECT code_hash, profile FROM profiles WHERE cell_key = ? ORDER BY created DESC, rowid DESC LIMIT 1",
            (cell_key,),
        ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    # -- the Claude engine: replayable responses and per-project agent memory --------------------------
    def response_get(self, key: str) -> dict | None:
        """A stored agent result (keyed by agent, command, model and context hash), or None."""
        row = self._connection().execute("SELECT payload FROM agent_responses WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def response_put(self, key: str, payload: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO agent_responses (key, payload) VALUES (?, ?)",
                       (key, json.dumps(payload)))

    def memory_get(self, project: str | Path) -> dict[str, str]:
        """The agent's notes for a project (its resolved root), key -> value."""
        rows = self._connection().execute(
            "SELECT key, value FROM agent_memory WHERE project = ? ORDER BY key", (str(project),)
        )
        return dict(rows.fetchall())

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
