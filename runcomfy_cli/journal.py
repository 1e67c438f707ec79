"""The batch journal: one SQLite row per input line, so a killed run resumes without paying twice.

A line moves ``submitting`` -> ``submitted`` (request id) -> ``finished`` (output URLs) ->
``downloaded`` (saved paths), or ends ``failed``. Each move is its own committed transaction,
made the moment the fact is known: the request id is on disk before the runner waits on it.

``submitting`` is written *before* the submit is sent. The API has no idempotency key and no
job listing, so a run killed between the server creating the job and this file recording its
id cannot find that job again. A line found in ``submitting`` (or ``ambiguous``: the submit's
answer was lost) is therefore reported, never silently resubmitted.

Durability: WAL with ``synchronous=NORMAL``. A commit is in the WAL file, in the operating
system's hands, when ``execute`` returns, so it survives ``kill -9`` of this process (not a power
cut, which FULL would also survive at ~10x the cost per commit, a cost the event loop pays).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

FILENAME = ".runcomfy-batch.sqlite"
VERSION = "1"

State = Literal["submitting", "ambiguous", "submitted", "finished", "downloaded", "failed"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lines (
    line       INTEGER PRIMARY KEY,   -- 1-based line number in the JSONL file
    digest     TEXT NOT NULL,         -- sha256 of the line's text: an edited file is noticed
    state      TEXT NOT NULL CHECK (state IN
               ('submitting', 'ambiguous', 'submitted', 'finished', 'downloaded', 'failed')),
    request_id TEXT,                  -- set with 'submitted', kept ever after
    output     TEXT,                  -- the result's output object (JSON), from 'finished'
    paths      TEXT,                  -- the saved files (JSON list), from 'downloaded'
    error      TEXT,                  -- why a line failed or is ambiguous
    submits    INTEGER NOT NULL DEFAULT 0,  -- submits sent for this line, over all runs
    updated_at REAL NOT NULL
);
"""


class JournalMismatch(Exception):
    """The journal beside the outputs belongs to another model or another input file."""


@dataclass(frozen=True, slots=True)
class Entry:
    line: int
    digest: str
    state: State
    request_id: str | None
    output: dict[str, Any] | None
    paths: list[str] | None
    error: str | None
    submits: int

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Entry:
        line, digest, state, request_id, output, paths, error, submits = row
        return cls(
            line=line,
            digest=digest,
            state=state,
            request_id=request_id,
            output=json.loads(output) if output else None,
            paths=json.loads(paths) if paths else None,
            error=error,
            submits=submits,
        )


_COLUMNS = "line, digest, state, request_id, output, paths, error, submits"


class Journal:
    """One batch's record. Every method commits before it returns (autocommit mode)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    @classmethod
    def open(cls, out_dir: Path, model_id: str) -> Journal:
        """The journal in ``out_dir``, created on first use; refuses another model's journal."""
        out_dir.mkdir(parents=True, exist_ok=True)
        journal = cls(out_dir / FILENAME)
        journal._claim(model_id)
        return journal

    def _claim(self, model_id: str) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                [("version", VERSION), ("model_id", model_id)],
            )
            found = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        finally:
            self._db.execute("COMMIT")
        if found.get("model_id") != model_id:
            raise JournalMismatch(
                f"{self.path} records a batch of {found.get('model_id')}, not {model_id}: "
                "use another --out directory"
            )

    def close(self) -> None:
        self._db.close()

    def entry(self, line: int) -> Entry | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM lines WHERE line = ?", (line,)).fetchone()
        return Entry.from_row(row) if row else None

    def entries(self) -> Iterator[Entry]:
        for row in self._db.execute(f"SELECT {_COLUMNS} FROM lines ORDER BY line").fetchall():
            yield Entry.from_row(row)

    def _set(self, line: int, state: State, **columns: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in columns)
        sql = f"UPDATE lines SET state = ?, updated_at = ?{', ' if names else ''}{names} "
        self._db.execute(sql + "WHERE line = ?", (state, time.time(), *columns.values(), line))

    def submitting(self, line: int, digest: str) -> None:
        """Recorded just before the submit goes out; see the module's note on the window."""
        self._db.execute(
            "INSERT INTO lines (line, digest, state, submits, updated_at) "
            "VALUES (?, ?, 'submitting', 1, ?) "
            "ON CONFLICT (line) DO UPDATE SET digest = excluded.digest, state = 'submitting', "
            "request_id = NULL, output = NULL, paths = NULL, error = NULL, "
            "submits = submits + 1, updated_at = excluded.updated_at",
            (line, digest, time.time()),
        )

    def submitted(self, line: int, request_id: str) -> None:
        self._set(line, "submitted", request_id=request_id, error=None)

    def ambiguous(self, line: int, reason: str) -> None:
        self._set(line, "ambiguous", error=reason)

    def unsent(self, line: int) -> None:
        """The server certainly created no job (refused, or never reached): forget the line."""
        self._db.execute("DELETE FROM lines WHERE line = ? AND request_id IS NULL", (line,))

    def finished(self, line: int, output: dict[str, Any]) -> None:
        self._set(line, "finished", output=json.dumps(output), error=None)

    def downloaded(self, line: int, paths: Sequence[Path]) -> None:
        self._set(line, "downloaded", paths=json.dumps([str(p) for p in paths]))

    def failed(self, line: int, reason: str) -> None:
        self._set(line, "failed", error=reason)
