"""What a batch records of each payload, and where: a SQLite journal beside the outputs
(``journal.py``, with ``out=``), or a dict that lives as long as the run (without one).

A payload is ``line`` ``index + 1`` (a JSONL file's line number; a list's position counted from
1), so a ``runcomfy batch`` of a file and a ``map`` of its payloads in the same order are one
batch. What identifies a payload is :func:`payload_digest`: the sha256 of its canonical JSON
(keys sorted, wire names, paths as text), the same whether it came from a line or a dict.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Protocol

State = Literal["submitting", "sent", "ambiguous", "submitted", "finished", "downloaded", "failed"]
STATES: tuple[State, ...] = (
    "submitting", "sent", "ambiguous", "submitted", "finished", "downloaded", "failed",
)  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def payload_digest(payload: Mapping[str, Any]) -> str:
    """The payload's identity in a journal: sha256 of its canonical JSON."""
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def text_digest(text: str) -> str:
    """What journal version 2 recorded for a line: sha256 of its text (still accepted)."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """One payload's record. ``estimate`` is what its job was expected to cost when it was
    submitted; ``cost`` what the server confirmed (``include_cost``)."""

    line: int
    digest: str
    state: State
    request_id: str | None = None
    output: dict[str, Any] | None = None
    paths: list[str] | None = None
    error: str | None = None
    submits: int = 0
    estimate: float | None = None
    cost: float | None = None


class Ledger(Protocol):
    """Where a run records its payloads: every method's record is kept when it returns."""

    def entry(self, line: int) -> Entry | None: ...
    def entries(self) -> Iterator[Entry]: ...
    def submitting(self, line: int, digest: str, estimate: float | None) -> None: ...
    def sent(self, line: int) -> None: ...
    def submitted(self, line: int, request_id: str) -> None: ...
    def ambiguous(self, line: int, reason: str) -> None: ...
    def unsent(self, line: int) -> None: ...
    def finished(self, line: int, output: dict[str, Any], cost: float | None) -> None: ...
    def downloaded(self, line: int, paths: Sequence[Path]) -> None: ...
    def failed(self, line: int, reason: str, cost: float | None = None) -> None: ...
    def close(self) -> None: ...


class MemoryLedger:
    """A run's record without a folder: nothing touches the disk, nothing outlives the run."""

    def __init__(self) -> None:
        self._entries: dict[int, Entry] = {}

    def entry(self, line: int) -> Entry | None:
        return self._entries.get(line)

    def entries(self) -> Iterator[Entry]:
        yield from (self._entries[line] for line in sorted(self._entries))

    def _set(self, line: int, **changes: Any) -> None:
        self._entries[line] = replace(self._entries[line], **changes)

    def submitting(self, line: int, digest: str, estimate: float | None) -> None:
        before = self._entries.get(line)
        submits = before.submits + 1 if before is not None else 1
        self._entries[line] = Entry(line, digest, "submitting", submits=submits, estimate=estimate)

    def sent(self, line: int) -> None:
        if self._entries[line].state == "submitting":
            self._set(line, state="sent")

    def submitted(self, line: int, request_id: str) -> None:
        self._set(line, state="submitted", request_id=request_id, error=None)

    def ambiguous(self, line: int, reason: str) -> None:
        self._set(line, state="ambiguous", error=reason)

    def unsent(self, line: int) -> None:
        if self._entries[line].request_id is None:
            del self._entries[line]

    def finished(self, line: int, output: dict[str, Any], cost: float | None) -> None:
        self._set(line, state="finished", output=output, error=None, cost=cost)

    def downloaded(self, line: int, paths: Sequence[Path]) -> None:
        self._set(line, state="downloaded", paths=[str(p) for p in paths])

    def failed(self, line: int, reason: str, cost: float | None = None) -> None:
        self._set(line, state="failed", error=reason, cost=cost)

    def close(self) -> None:
        pass
