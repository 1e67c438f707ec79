"""A budget that holds: confirmed costs plus the estimates of jobs in flight never pass the cap.

Pure accounting, no I/O: the engine asks :meth:`Budget.admit` before each submit (``go``,
``wait`` for a job in flight to settle, or ``stop``: it can never fit), records the submit with
:meth:`start` and its end with :meth:`settle` (the cost the server confirmed) or
:meth:`forfeit` (no job was created).

- A job with an estimate holds it while in flight; once settled, its confirmed cost counts
  instead (or the estimate, when the server says nothing: a job that may exist is counted).
- A job without an estimate runs alone: nothing else starts until its cost is confirmed, and
  that cost is then the estimate of every later job without one. When no cost can be known
  (no estimate and none confirmed), the budget cannot be held and submitting stops.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from runcomfy_runtime.batch.records import Entry

Admission = Literal["go", "wait", "stop"]

SLACK = 1e-9  # sums of floats: three jobs of $1.75 fit a cap of $5.25


@dataclass
class Budget:
    cap: float | None = None
    spent: float = 0.0  # confirmed costs, and the estimates of jobs that may have been charged
    held: float = 0.0  # estimates of jobs in flight
    estimated: float = 0.0  # estimates of every job started, for the summary
    in_flight: int = 0
    blind: int = 0  # jobs in flight with no estimate
    learned: float | None = None  # the first confirmed cost of a job without an estimate
    unknown: int = 0  # jobs settled with no cost known at all

    def cost_of(self, estimate: float | None) -> float | None:
        return estimate if estimate is not None else self.learned

    def admit(self, estimate: float | None) -> Admission:
        """May a job expected to cost ``estimate`` (None: unknown) be submitted now?"""
        if self.cap is None:
            return "go"
        if self.unknown:
            return "stop"  # a job's cost is unknown: the cap cannot be held any more
        cost = self.cost_of(estimate)
        if cost is None or self.blind:
            return "go" if self.in_flight == 0 else "wait"  # one at a time until one is known
        if self.spent + self.held + cost <= self.cap + SLACK:
            return "go"
        return "wait" if self.in_flight else "stop"

    def start(self, estimate: float | None, *, count: bool = True) -> float | None:
        """A job is submitted; returns what it holds (None: unknown), to settle it with.
        ``count=False``: a job already counted in ``estimated`` (an earlier run's)."""
        cost = self.cost_of(estimate)
        self.in_flight += 1
        if cost is None:
            self.blind += 1
        else:
            self.held += cost
            if count:
                self.estimated += cost
        return cost

    def settle(self, held: float | None, confirmed: float | None) -> None:
        """A job started with ``held`` ended; the server said it cost ``confirmed``."""
        self._release(held)
        if confirmed is not None:
            self.spent += confirmed
            if held is None and self.learned is None:
                self.learned = confirmed
        elif held is not None:
            self.spent += held
        else:
            self.unknown += 1

    def forfeit(self, held: float | None) -> None:
        """A job started with ``held`` was never created (refused, never sent)."""
        self._release(held)
        if held is not None:
            self.estimated -= held

    def _release(self, held: float | None) -> None:
        self.in_flight -= 1
        if held is None:
            self.blind -= 1
        else:
            self.held -= held

    def fits(self, estimates: list[float | None]) -> int:
        """How many of ``estimates``, in order, fit in what is left (all when there is no cap
        or an estimate is unknown: those are decided one job at a time)."""
        if self.cap is None:
            return len(estimates)
        room = self.cap - self.spent - self.held + SLACK
        for count, estimate in enumerate(estimates):
            if estimate is None:
                return len(estimates)
            room -= estimate
            if room < 0:
                return count
        return len(estimates)


def resume(budget: Budget, entries: Iterable[Entry]) -> dict[int, float | None]:
    """Count what earlier runs of a folder spent (confirmed costs; the estimate of a job that
    may have been charged without one) and hold the estimates of the jobs they left in flight;
    returns those holds, by line, to settle when each job ends."""
    held: dict[int, float | None] = {}
    for entry in entries:
        if entry.state == "submitting":
            continue  # it never left: held again when it is sent
        if entry.estimate is not None:
            budget.estimated += entry.estimate
        if entry.cost is not None:
            budget.spent += entry.cost
        elif entry.state == "submitted":  # in flight: waited on by this run
            held[entry.line] = budget.start(entry.estimate, count=False)
        elif entry.estimate is not None:  # a job that may have been charged, as expected
            budget.spent += entry.estimate
        elif entry.state in ("sent", "ambiguous", "finished", "downloaded"):
            budget.unknown += 1
    return held


def over_cap(budget: Budget, to_send: list[float | None]) -> str | None:
    """Before a run: what to say when the estimates of the payloads to send, in order, do not
    all fit in what the cap leaves (None when they do, or there is no cap)."""
    fits = budget.fits(to_send)
    if fits == len(to_send):
        return None
    cap = budget.cap or 0.0
    spent = f" (${budget.spent:.2f} spent before)" if budget.spent else ""
    if fits == 0:
        return (
            f"budget: the first payload to send is estimated at ${to_send[0] or 0:.2f}, above "
            f"what max_cost ${cap:.2f} leaves{spent}: nothing is sent"
        )
    total = sum(e for e in to_send if e is not None)
    return (
        f"budget: the {len(to_send)} payloads to send are estimated at ${total:.2f}, above "
        f"max_cost ${cap:.2f}{spent}: at most {fits} will be sent"
    )
