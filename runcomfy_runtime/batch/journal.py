"""The batch journal: one SQLite row per payload, so a killed run resumes without paying twice.

A line moves ``submitting`` -> ``sent`` -> ``submitted`` (request id) -> ``finished`` (output
URLs, confirmed cost) -> ``downloaded`` (saved paths), or ends ``failed``. Each move is its own
committed transaction, made the moment the fact is known: the request id is on disk before the
run waits on it. What each state means to the next run is decided in ``plan.py``.

``submitting`` is written before the submit is attempted, and ``sent`` just before the
request's body goes out (the client's ``on_sent``, called from the HTTP layer once the headers
are out and before the body's first byte). The API has no idempotency key and no job listing,
so what a killed run left behind means:

- ``submitting``: the body never left, so no job exists: a rerun submits the line again, by
  itself;
- ``sent`` (or ``ambiguous``: the answer was lost): the server may hold the whole request and
  a job may exist that nobody can find again: reported, and only submitted again when asked
  (``resubmit_ambiguous``, ``--resubmit-ambiguous``).

Durability: WAL with ``synchronous=NORMAL``. A commit is in the WAL file, in the operating
system's hands, when ``execute`` returns, so it survives ``kill -9`` of this process (not a power
cut, which FULL would also survive at ~10x the cost per commit, a cost the event loop pays).

Files: the journal (and SQLite's ``-wal`` and ``-shm`` beside it) is opened only where it really
is, never through a link planted in the folder (``folder.checked_file``). A journal missing or
empty beside line folders that hold outputs is refused: it is not a new batch, and taking it
for one would submit, and pay for, every line again.

Versions: 1 had no ``sent`` (its ``submitting`` meant "maybe sent"): upgraded, its
``submitting`` lines becoming ``sent`` (ambiguous), never unsent. 2 had no costs: upgraded, its
lines' costs unknown; its digests are of the line's text, which ``runcomfy batch`` still
accepts. 3 records each payload's estimate and confirmed cost, so a resumed batch keeps
counting what it spent. A newer version's journal, or a file that is none, is refused.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from runcomfy_runtime.batch.folder import checked_file, saved_outputs
from runcomfy_runtime.batch.records import Entry
from runcomfy_runtime.errors import BatchFolderError

FILENAME = ".runcomfy-batch.sqlite"
VERSION = "3"
BUSY_TIMEOUT = 10.0  # seconds a write waits for another writer (only a foreign program)
OPEN_BUSY_TIMEOUT = 1.0  # ...when the run starts: a journal held by another program is said

_LINES = """
CREATE TABLE {name} (
    line       INTEGER PRIMARY KEY,   -- 1-based: a JSONL file's line, a list's position + 1
    digest     TEXT NOT NULL,         -- sha256 of the payload: an edited input is noticed
    state      TEXT NOT NULL CHECK (state IN
               ('submitting', 'sent', 'ambiguous', 'submitted', 'finished', 'downloaded',
                'failed')),
    request_id TEXT,                  -- set with 'submitted', kept ever after
    output     TEXT,                  -- the result's output object (JSON), from 'finished'
    paths      TEXT,                  -- the saved files (JSON list), from 'downloaded'
    error      TEXT,                  -- why a line failed or is ambiguous
    submits    INTEGER NOT NULL DEFAULT 0,  -- submits attempted for this line, over all runs
    updated_at REAL NOT NULL{extra}
)
"""
_COSTS = """,
    estimate   REAL,                  -- USD the job was expected to cost when submitted
    cost       REAL                   -- USD the server confirmed (include_cost), from 'finished'"""
_META = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_V1_UNSURE = "recorded by an earlier version during its submit: a job may exist"
_COLUMNS = "line, digest, state, request_id, output, paths, error, submits, estimate, cost"


def failure(path: Path, exc: sqlite3.Error, option: str) -> BatchFolderError:
    """The journal's SQLite error, as a message that says what to do."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return BatchFolderError(
            f"the batch journal {path} is locked by another program (a sqlite3 shell?); "
            "close it and run the batch again",
            "busy",
        )
    if "not a database" in text or "malformed" in text or "no such table" in text:
        return BatchFolderError(
            f"{path} is not a usable batch journal ({text}); use another {option}, or move the "
            "file away to start this folder's batch afresh (lines it recorded may be "
            "submitted again)",
            "unusable",
        )
    return BatchFolderError(
        f"cannot write the batch journal {path} ({text}; is the disk full?); what was "
        "recorded before is kept: run the batch again once it can be written",
        "unwritable",
    )


def _entry(row: Sequence[Any]) -> Entry:
    line, digest, state, request_id, output, paths, error, submits, estimate, cost = row
    return Entry(
        line=line,
        digest=digest,
        state=state,
        request_id=request_id,
        output=json.loads(output) if output else None,
        paths=json.loads(paths) if paths else None,
        error=error,
        submits=submits,
        estimate=estimate,
        cost=cost,
    )


def _refuse_if_outputs(out_dir: Path, path: Path, state: str, option: str) -> None:
    """A folder with outputs and no record of them is an earlier batch whose journal is gone:
    refused, since every line would be taken as never sent."""
    found = sorted(saved_outputs(out_dir))
    if not found:
        return
    raise BatchFolderError(
        f"{out_dir} holds the outputs of an earlier batch ({len(found)} line folders, "
        f"{found[0].name} first) but its journal {path.name} is {state}: taking this for a new "
        f"batch would submit, and pay for, every line again; restore the journal, or use another "
        f"{option}",
        "lost",
    )


class Journal:
    """One batch's record. Every method commits before it returns (autocommit mode); every
    SQLite failure comes out as a :class:`BatchFolderError`."""

    def __init__(self, path: Path, option: str = "folder") -> None:
        self.path = path
        self.option = option  # the folder's setting, named in messages: --out, out=
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=OPEN_BUSY_TIMEOUT)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise failure(path, exc, option) from None

    @classmethod
    def open(cls, out_dir: Path, model_id: str, option: str = "folder") -> Journal:
        """The journal in ``out_dir``, created on first use, upgraded from an older version;
        refuses another model's journal, a newer version's, a file that is none, a link, and a
        missing or empty journal beside saved outputs."""
        path = checked_file(out_dir, FILENAME)
        for suffix in ("-wal", "-shm"):
            checked_file(out_dir, FILENAME + suffix)
        if not path.exists() or path.stat().st_size == 0:
            _refuse_if_outputs(out_dir, path, "missing" if not path.exists() else "empty", option)
        journal = cls(path, option)
        try:
            journal._claim(model_id)
            if journal._execute("SELECT 1 FROM lines LIMIT 1").fetchone() is None:
                _refuse_if_outputs(out_dir, path, "empty", option)
            journal._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        except sqlite3.Error as exc:
            journal.close()
            raise failure(journal.path, exc, option) from None
        except BatchFolderError:
            journal.close()
            raise
        return journal

    def _tables(self) -> set[str]:
        rows = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows.fetchall()}

    def _claim(self, model_id: str) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            tables = self._tables()
            if not tables:
                self._db.execute(_META)
                self._db.execute(_LINES.format(name="lines", extra=_COSTS))
                self._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("version", VERSION), ("model_id", model_id)],
                )
            elif tables >= {"meta", "lines"}:
                self._upgrade()
            else:
                raise sqlite3.DatabaseError("no such table: lines or meta (not a batch journal)")
            found = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        if found.get("model_id") != model_id:
            raise BatchFolderError(
                f"{self.path} records a batch of {found.get('model_id')}, not {model_id}: "
                f"use another {self.option}",
                "unusable",
            )

    def _upgrade(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        version = row[0] if row else None
        if version == VERSION:
            return
        if version not in ("1", "2"):
            raise BatchFolderError(
                f"{self.path} was written by another version of runcomfy (journal version "
                f"{version}; this one reads {VERSION}, 2 and 1): use that version, or another "
                f"{self.option}",
                "unusable",
            )
        if version == "1":
            # Version 1's "submitting" was written before the submit and never told whether
            # the request left: it may have, so it becomes "sent" (ambiguous), never unsent.
            self._db.execute(_LINES.format(name="lines_v2", extra=""))
            self._db.execute(
                "INSERT INTO lines_v2 SELECT line, digest, "
                "CASE state WHEN 'submitting' THEN 'sent' ELSE state END, request_id, output, "
                "paths, CASE state WHEN 'submitting' THEN COALESCE(error, ?) ELSE error END, "
                "submits, updated_at FROM lines",
                (_V1_UNSURE,),
            )
            self._db.execute("DROP TABLE lines")
            self._db.execute("ALTER TABLE lines_v2 RENAME TO lines")
        self._db.execute("ALTER TABLE lines ADD COLUMN estimate REAL")
        self._db.execute("ALTER TABLE lines ADD COLUMN cost REAL")
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (VERSION,))

    def close(self) -> None:
        self._db.close()

    def _execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, parameters)
        except sqlite3.Error as exc:
            raise failure(self.path, exc, self.option) from None

    def entry(self, line: int) -> Entry | None:
        row = self._execute(f"SELECT {_COLUMNS} FROM lines WHERE line = ?", (line,)).fetchone()
        return _entry(row) if row else None

    def entries(self) -> Iterator[Entry]:
        for row in self._execute(f"SELECT {_COLUMNS} FROM lines ORDER BY line").fetchall():
            yield _entry(row)

    def _set(self, line: int, state: str, **columns: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in columns)
        sql = f"UPDATE lines SET state = ?, updated_at = ?{', ' if names else ''}{names} "
        self._execute(sql + "WHERE line = ?", (state, time.time(), *columns.values(), line))

    def submitting(self, line: int, digest: str, estimate: float | None) -> None:
        """Recorded before the submit is attempted: nothing has left yet."""
        self._execute(
            "INSERT INTO lines (line, digest, state, submits, updated_at, estimate) "
            "VALUES (?, ?, 'submitting', 1, ?, ?) "
            "ON CONFLICT (line) DO UPDATE SET digest = excluded.digest, state = 'submitting', "
            "request_id = NULL, output = NULL, paths = NULL, error = NULL, cost = NULL, "
            "estimate = excluded.estimate, submits = submits + 1, "
            "updated_at = excluded.updated_at",
            (line, digest, time.time(), estimate),
        )

    def sent(self, line: int) -> None:
        """Recorded before the body's first byte leaves: from now on a job may exist."""
        self._execute(
            "UPDATE lines SET state = 'sent', updated_at = ? "
            "WHERE line = ? AND state = 'submitting'",
            (time.time(), line),
        )

    def submitted(self, line: int, request_id: str) -> None:
        self._set(line, "submitted", request_id=request_id, error=None)

    def ambiguous(self, line: int, reason: str) -> None:
        self._set(line, "ambiguous", error=reason)

    def unsent(self, line: int) -> None:
        """The server certainly created no job (refused, or never reached): forget the line."""
        self._execute("DELETE FROM lines WHERE line = ? AND request_id IS NULL", (line,))

    def finished(self, line: int, output: dict[str, Any], cost: float | None) -> None:
        self._set(line, "finished", output=json.dumps(output), error=None, cost=cost)

    def downloaded(self, line: int, paths: Sequence[Path]) -> None:
        self._set(line, "downloaded", paths=json.dumps([str(p) for p in paths]))

    def failed(self, line: int, reason: str, cost: float | None = None) -> None:
        self._set(line, "failed", error=reason, cost=cost)
