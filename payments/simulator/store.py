"""Simulator state in SQLite: objects, idempotency records, events and fault rules."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS objects_kind ON objects (kind, seq);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
    body TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS in_flight (key TEXT PRIMARY KEY, started INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, endpoint TEXT NOT NULL,
    payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);
CREATE TABLE IF NOT EXISTS faults (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, method TEXT NOT NULL, path_prefix TEXT NOT NULL,
    status INTEGER NOT NULL, remaining INTEGER NOT NULL, after_processing INTEGER NOT NULL);
"""


class Remembered(NamedTuple):
    fingerprint: str
    status: int
    body: str
    created: int


class Fault(NamedTuple):
    status: int
    after_processing: bool


class StoredEvent(NamedTuple):
    id: str
    endpoint: str
    payload: str
    attempts: int
    last_error: str | None


class Tx:
    """Reads and writes inside one store transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def find(self, kind: str, object_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            "SELECT body FROM objects WHERE id = ? AND kind = ?", (object_id, kind)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def save(self, kind: str, obj: dict[str, Any]) -> None:
        self._conn.execute(
            "INSERT INTO objects (id, kind, body) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            (obj["id"], kind, json.dumps(obj)),
        )

    def all(self, kind: str) -> list[dict[str, Any]]:
        """Every object of a kind, oldest first."""
        rows = self._conn.execute("SELECT body FROM objects WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(body) for (body,) in rows]

    def recall(self, key: str, not_before: int) -> Remembered | None:
        self._conn.execute("DELETE FROM idempotency WHERE created < ?", (not_before,))
        row = self._conn.execute(
            "SELECT fingerprint, status, body, created FROM idempotency WHERE key = ?", (key,)
        ).fetchone()
        return Remembered(*row) if row else None

    def remember(self, key: str, record: Remembered) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO idempotency (key, fingerprint, status, body, created)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, *record),
        )

    def claim_key(self, key: str, now: int, stale_before: int) -> bool:
        """Mark ``key`` as in flight; False while another request holds it (one that began
        before ``stale_before`` is taken to have died with its process)."""
        self._conn.execute(
            "DELETE FROM in_flight WHERE key = ? AND started < ?", (key, stale_before)
        )
        inserted = self._conn.execute(
            "INSERT INTO in_flight (key, started) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (key, now),
        ).rowcount
        return inserted == 1

    def release_key(self, key: str) -> None:
        self._conn.execute("DELETE FROM in_flight WHERE key = ?", (key,))

    def add_event(self, event_id: str, endpoint: str, payload: str) -> None:
        self._conn.execute(
            "INSERT INTO events (id, endpoint, payload) VALUES (?, ?, ?)",
            (event_id, endpoint, payload),
        )

    def events(self) -> list[StoredEvent]:
        rows = self._conn.execute(
            "SELECT id, endpoint, payload, attempts, last_error FROM events ORDER BY seq"
        )
        return [StoredEvent(*row) for row in rows]

    def event(self, event_id: str) -> StoredEvent | None:
        row = self._conn.execute(
            "SELECT id, endpoint, payload, attempts, last_error FROM events WHERE id = ?",
            (event_id,),
        ).fetchone()
        return StoredEvent(*row) if row else None

    def note_delivery(self, event_id: str, error: str | None) -> None:
        self._conn.execute(
            "UPDATE events SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error, event_id),
        )

    def add_fault(
        self, method: str, path_prefix: str, status: int, count: int, after: bool
    ) -> None:
        self._conn.execute(
            "INSERT INTO faults (method, path_prefix, status, remaining, after_processing)"
            " VALUES (?, ?, ?, ?, ?)",
            (method.upper(), path_prefix, status, count, int(after)),
        )

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Consume one use of the oldest rule matching this request, if any."""
        rows = self._conn.execute(
            "SELECT seq, path_prefix, status, after_processing FROM faults"
            " WHERE method IN (?, '*') AND remaining > 0 ORDER BY seq",
            (method.upper(),),
        ).fetchall()
        for seq, prefix, status, after in rows:
            if path.startswith(prefix):
                self._conn.execute(
                    "UPDATE faults SET remaining = remaining - 1 WHERE seq = ?", (seq,)
                )
                self._conn.execute("DELETE FROM faults WHERE remaining <= 0")
                return Fault(status, bool(after))
        return None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo only this block's writes if it raises."""
        self._conn.execute("SAVEPOINT handler")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK TO handler")
            self._conn.execute("RELEASE handler")
            raise
        self._conn.execute("RELEASE handler")


class Store:
    """One SQLite database (a file shared by processes, or private memory) behind a lock.

    Every transaction starts with ``BEGIN IMMEDIATE``, so a request's check-then-write is
    serialised across threads (the lock) and across processes (SQLite's write lock).
    """

    def __init__(self, path: str | None = None) -> None:
        self._path = path
        self._connect()

    def _connect(self) -> None:
        # A forked worker must not use (or close) its parent's connection: it opens its own and
        # keeps the inherited one referenced so that garbage collection never closes it.
        if hasattr(self, "_conn"):
            self._inherited.append(self._conn)
        else:
            self._inherited: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._lock = threading.RLock()
        self._depth = 0
        conn = sqlite3.connect(
            self._path or ":memory:", timeout=30, isolation_level=None, check_same_thread=False
        )
        if self._path:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(_SCHEMA)
        self._conn = conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        if os.getpid() != self._pid:
            self._connect()
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield Tx(self._conn)
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield Tx(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()
