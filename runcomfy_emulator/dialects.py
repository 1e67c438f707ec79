"""How the emulator words its answers: as RunComfy's documentation says (``docs``), or the
other ways RunComfy's own clients show the real service answers (``variants``).

A client that only ever meets the documented words is untested against the rest, so the
emulator speaks either dialect (``--dialect variants``). The answers are written once, in the
documented words (``answers.py``); a dialect is a table of the words it says differently and
of the few answers it shapes differently.

============================== ======================== =========================================
                               docs                     variants
============================== ======================== =========================================
status of a queued job         ``in_queue``             ``pending``
status of a running job        ``in_progress``          ``processing``
a cancelled job                ``cancelled``            ``canceled`` (status and result)
result of a finished job       ``succeeded``            ``completed``
result before the job ends     200, the status so far   400 ``{"error_code": 400005,
                                                        "error_message": "result not ready"}``
cancel of a queued job         202, outcome             202, outcome ``cancellation_requested``
                               ``cancelled``            (the job is cancelled all the same)
============================== ======================== =========================================

(A 200 answer carrying ``error_code 403003``, which RunComfy's clients also handle, is a fault
kind, ``permission_200``, not part of a dialect: see ``faults.py``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

DialectName = Literal["docs", "variants"]

RESULT_NOT_READY = 400005


@dataclass(frozen=True, slots=True)
class Dialect:
    """The words a dialect says instead of the documented ones, and its shapes."""

    name: DialectName
    words: Mapping[str, str] = field(default_factory=dict)
    early_result_refused: bool = False  # a result asked for too early is a 400 (400005)
    queued_cancel_outcome: str = "cancelled"

    def say(self, word: str) -> str:
        """The dialect's word for a documented status word."""
        return self.words.get(word, word)


DOCS = Dialect("docs")
VARIANTS = Dialect(
    "variants",
    words={
        "in_queue": "pending",
        "in_progress": "processing",
        "cancelled": "canceled",
        "succeeded": "completed",
    },
    early_result_refused=True,
    queued_cancel_outcome="cancellation_requested",
)
DIALECTS: dict[str, Dialect] = {d.name: d for d in (DOCS, VARIANTS)}


def dialect_named(name: str) -> Dialect:
    found = DIALECTS.get(name)
    if found is None:
        raise ValueError(f"unknown dialect {name!r}; known: {', '.join(DIALECTS)}")
    return found
