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


class Meaning(Enum):
    QUEUED = "queued"  # waiting for a worker: still cancellable
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


MEANINGS: dict[str, Meaning] = {
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


def meaning(word: str) -> Meaning:
    """The meaning of a status word (any case); an unknown word means failure."""
    return MEANINGS.get(word.strip().lower(), Meaning.FAILED)


def is_known(word: str) -> bool:
    return word.strip().lower() in MEANINGS


CANCEL_OUTCOMES = {
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "cancellation_requested": "requested",
    "not_cancellable": "refused",
}
"""A cancel's ``outcome`` -> what it means for the caller (``requested``: not cancelled yet)."""
