"""What a journal state means, and what a run does next with a payload: decided once, here.

:data:`MEANINGS` is the table: for each state a payload's record can be in (``None``: no
record), the step a run takes with it, and what the payload is when a run ends before it moves
on. :func:`decide` reads it (with the run's choices: send ambiguous or failed payloads again?)
and :func:`left` reads it for the summary. The engine only carries the steps out; the table is
tested alone (``tests/test_batch_plan.py``).

The step for a payload ``attempted`` in this run is never another submit: a submit that ended
ambiguous or failed is reported, not tried again in a loop.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from runcomfy_runtime.batch.outcomes import Kind
from runcomfy_runtime.batch.records import Entry, State

Step = Literal["submit", "wait", "download", "report"]

UNSURE = "the run stopped during its submit: a job may exist"
NEVER_LEFT = "its submit never left; the next run sends it"


@dataclass(frozen=True, slots=True)
class Meaning:
    """A state: the step a run takes, what the payload is when a run ends here, and, for a
    state a run may leave behind, the reason shown when the record has none."""

    step: Step
    left: Kind
    again_if: Literal["ambiguous", "failed"] | None = None  # sent again when the run asks
    reason: str | None = None


MEANINGS: dict[State | None, Meaning] = {
    None: Meaning("submit", "not_started"),
    "submitting": Meaning("submit", "not_started", reason=NEVER_LEFT),  # no job can exist
    "sent": Meaning("report", "ambiguous", again_if="ambiguous", reason=UNSURE),
    "ambiguous": Meaning("report", "ambiguous", again_if="ambiguous", reason=UNSURE),
    "submitted": Meaning("wait", "pending"),
    "finished": Meaning("download", "pending"),
    "downloaded": Meaning("report", "succeeded"),
    "failed": Meaning("report", "failed", again_if="failed"),
}


@dataclass(frozen=True, slots=True)
class Choices:
    """What the run was asked to do beyond the default."""

    resubmit_ambiguous: bool = False
    retry_failed: bool = False
    save: bool = True  # outputs are downloaded (a run with a folder); else "finished" is done

    def again(self, which: Literal["ambiguous", "failed"] | None) -> bool:
        if which == "ambiguous":
            return self.resubmit_ambiguous
        return which == "failed" and self.retry_failed


@dataclass(frozen=True, slots=True)
class Decision:
    step: Step
    kind: Kind | None = None  # for "report": what the payload is
    reason: str | None = None


def changed(entry: Entry | None, digests: Collection[str]) -> bool:
    """The payload is not the one recorded (a record of a submit that never left is not a
    payload's: it is replaced)."""
    return entry is not None and entry.state != "submitting" and entry.digest not in digests


def decide(
    entry: Entry | None, digests: Collection[str], choices: Choices, *, attempted: bool = False
) -> Decision:
    """The next step for a payload whose record is ``entry``."""
    if changed(entry, digests):
        assert entry is not None
        what = f"request id {entry.request_id}" if entry.request_id else entry.state
        return Decision("report", "changed", f"changed since it was submitted ({what})")
    state = entry.state if entry is not None else None
    meaning = MEANINGS[state]
    if meaning.again_if is not None and not attempted and choices.again(meaning.again_if):
        return Decision("submit")
    if meaning.step == "submit" and attempted:
        return Decision("report", meaning.left, meaning.reason)
    if meaning.step == "download" and not choices.save:
        return Decision("report", "succeeded")
    if meaning.step == "report":
        error = entry.error if entry is not None else None
        return Decision("report", meaning.left, error or meaning.reason)
    return Decision(meaning.step)


def left(entry: Entry | None, choices: Choices) -> Decision:
    """What a payload this run did not finish is, from its record."""
    state = entry.state if entry is not None else None
    meaning = MEANINGS[state]
    kind: Kind = meaning.left
    if state == "finished" and not choices.save:
        kind = "succeeded"
    error = entry.error if entry is not None and kind in ("ambiguous", "failed") else None
    return Decision("report", kind, error or meaning.reason)
