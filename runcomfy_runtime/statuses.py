"""What each status word means, in one table: the docs' four, and what RunComfy's own clients
also accept.

The status call says ``completed`` where the result call says ``succeeded``; RunComfy's CLI,
MCP server and ComfyUI nodes also take ``completed`` in a result, ``pending``/``waiting``/
``starting``/``processing`` as states of a job not yet done, and ``canceled`` with one l. A
word not in the table ends the wait as a failure with the server's message: never an endless
poll on a state nobody documented.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, NewType, get_args


class Meaning(Enum):
    QUEUED = "queued"  # waiting for a worker: still cancellable
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


StatusWord = Literal[
    "in_queue",
    "queued",
    "pending",
    "waiting",
    "in_progress",
    "starting",
    "processing",
    "running",
    "completed",
    "succeeded",
    "failed",
    "cancelled",
    "canceled",
]
"""Every status word the runtime knows: the keys of :data:`MEANINGS` (a test holds them equal)."""

UnknownStatus = NewType("UnknownStatus", str)
"""A status word the runtime does not know, carried as the server said it (it means failure:
never an endless poll). A distinct type, so ``Result.status`` says in its annotation that a
word outside :data:`StatusWord` can arrive, and code that branches on the known words has to
decide what to do with one that is not."""

MEANINGS: dict[StatusWord, Meaning] = {
    "in_queue": Meaning.QUEUED,
    "queued": Meaning.QUEUED,
    "pending": Meaning.QUEUED,
    "waiting": Meaning.QUEUED,
    "in_progress": Meaning.RUNNING,
    "starting": Meaning.RUNNING,
    "processing": Meaning.RUNNING,
    "running": Meaning.RUNNING,
    "completed": Meaning.SUCCEEDED,
    "succeeded": Meaning.SUCCEEDED,
    "failed": Meaning.FAILED,
    "cancelled": Meaning.CANCELLED,
    "canceled": Meaning.CANCELLED,
}

NOT_DONE = frozenset({Meaning.QUEUED, Meaning.RUNNING})

_KNOWN: dict[str, StatusWord] = {word: word for word in get_args(StatusWord)}


def status_word(text: str) -> StatusWord | UnknownStatus:
    """The server's word as a :data:`StatusWord` (any case or spacing: ``Succeeded``), else
    carried whole as an :data:`UnknownStatus`."""
    known = _KNOWN.get(text.strip().lower())
    return known if known is not None else UnknownStatus(text)


def meaning(word: str) -> Meaning:
    """The meaning of a status word (any case); an unknown word means failure."""
    known = _KNOWN.get(word.strip().lower())
    return MEANINGS[known] if known is not None else Meaning.FAILED


def is_known(word: str) -> bool:
    return word.strip().lower() in _KNOWN


CANCEL_OUTCOMES = {
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "cancellation_requested": "requested",
    "not_cancellable": "refused",
}
"""A cancel's ``outcome`` -> what it means for the caller (``requested``: not cancelled yet)."""
