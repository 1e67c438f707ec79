"""What became of each payload of a batch (:class:`Outcome`), and of the batch (:class:`Totals`).

A payload's failure is its outcome, never an exception out of the batch: ``kind`` says what
happened, ``error`` holds the typed error where there is one, ``request_id`` is set once a job
exists. The kinds:

=============== ===========================================================================
succeeded       the job succeeded; ``result`` (and, with a folder, ``paths``)
failed          the job failed, or its submit was refused or never reached the API
skipped         the input is invalid (offline check or the server's refusal): nothing sent
changed         the payload differs from the one this folder's journal submitted
ambiguous       a submit was sent but its answer never came: a job may exist; not resent
pending         a job exists but is not finished (or not saved) yet: a rerun resumes it
not_started     never sent: the run stopped first (interrupted, or an error no payload
                escapes); a rerun sends it
over_budget     never sent: it would have passed ``max_cost``
=============== ===========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from runcomfy_runtime.outputs import OutputBase
from runcomfy_runtime.results import Result

Kind = Literal[
    "succeeded",
    "failed",
    "skipped",
    "changed",
    "ambiguous",
    "pending",
    "not_started",
    "over_budget",
]
KINDS: tuple[Kind, ...] = (
    "succeeded", "failed", "skipped", "changed", "ambiguous", "pending", "not_started",
    "over_budget",
)  # fmt: skip

PayloadT = TypeVar("PayloadT")
OutputT = TypeVar("OutputT", bound=OutputBase)


@dataclass(frozen=True, slots=True)
class Outcome(Generic[PayloadT, OutputT]):
    """One payload's end. ``index`` is its position in the input (from 0; a JSONL file's line
    number is ``index + 1``), ``payload`` the payload as given (None for a line that could not
    be read). ``cost`` is what the server said the job cost; ``estimate`` what it was expected
    to cost."""

    index: int
    kind: Kind
    payload: PayloadT | None = None
    request_id: str | None = None
    result: Result[OutputT] | None = None
    error: Exception | None = field(default=None, compare=False)
    reason: str | None = None
    paths: tuple[Path, ...] = ()
    cost: float | None = None
    estimate: float | None = None

    @property
    def ok(self) -> bool:
        return self.kind == "succeeded"

    @property
    def line(self) -> int:
        """The payload's number counted from 1: its line in a JSONL file."""
        return self.index + 1

    def __repr__(self) -> str:
        rid = f", request_id={self.request_id!r}" if self.request_id else ""
        why = f", reason={self.reason!r}" if self.reason and not self.ok else ""
        return f"Outcome(index={self.index}, kind={self.kind!r}{rid}{why})"


@dataclass
class Throttling:
    """How the batch met rate limits: submits answered 429 (and retried), and the widest and
    narrowest number of submits it let run at once."""

    refused: int = 0
    start: int = 0
    lowest: int = 0
    now: int = 0

    @property
    def throttled(self) -> bool:
        return self.lowest < self.start

    def text(self) -> str:
        return (
            f"throttled: {self.refused} submits were refused with 429, so at most "
            f"{self.lowest} (of {self.start}) were sent at once; back to {self.now} by the end"
        )


@dataclass
class Totals:
    """The batch's money and limits: what the server confirmed it charged (``charged``, earlier
    runs of the folder included), what the jobs sent were expected to cost (``estimated``),
    what the budget counted for jobs whose cost was never confirmed (``assumed``: at their
    estimate), the cap, and jobs with neither an estimate nor a confirmed cost."""

    charged: float = 0.0
    estimated: float = 0.0
    assumed: float = 0.0  # counted against the cap for jobs whose cost was not confirmed
    max_cost: float | None = None
    unpriced: int = 0  # jobs whose cost is not known (no estimate, no confirmed cost)
    throttling: Throttling = field(default_factory=Throttling)

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "charged_usd": round(self.charged, 6),
            "estimated_usd": round(self.estimated, 6),
            "max_cost_usd": self.max_cost,
        }
        if self.assumed:
            out["assumed_usd"] = round(self.assumed, 6)
        if self.unpriced:
            out["unpriced_jobs"] = self.unpriced
        throttling = self.throttling
        out["throttled"] = throttling.throttled
        if throttling.refused:
            out["rate_limited_submits"] = throttling.refused
            out["lowest_concurrency"] = throttling.lowest
        return out

    def text(self) -> str:
        cap = f" (max_cost ${self.max_cost:.2f})" if self.max_cost is not None else ""
        said = f"charged ${self.charged:.2f}, estimated ${self.estimated:.2f}{cap}"
        if self.assumed:
            said += f"; ${self.assumed:.2f} counted for jobs whose cost was not confirmed"
        if self.unpriced:
            said += f"; {self.unpriced} jobs of unknown cost"
        return said
