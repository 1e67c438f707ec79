"""What each answer means while waiting for a job, decided once for the sync and async handles.

The handles do the I/O (ask, sleep); a :class:`Waiter` says what to do next: fetch the result,
poll on, or stop with a typed error. Statuses are read through ``statuses.MEANINGS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from runcomfy_runtime.errors import JobCancelled, JobFailed, NoOutputError, WaitTimeout
from runcomfy_runtime.polling import Expected, PollPolicy
from runcomfy_runtime.results import Cancellation, OutputBase, Result, Status, StatusCallback
from runcomfy_runtime.statuses import NOT_DONE, Meaning

OutputT = TypeVar("OutputT", bound=OutputBase)


class Waiter:
    """The meaning of each answer while waiting, shared by the sync and async handles."""

    def __init__(
        self,
        request_id: str,
        timeout: float,
        policy: PollPolicy,
        on_status: StatusCallback | None,
        clock: Callable[[], float] = time.monotonic,
        submitted_at: float | None = None,
        expected: Expected | None = None,
    ) -> None:
        self.request_id = request_id
        self.timeout = timeout
        self.policy = policy
        self.on_status = on_status
        self.clock = clock
        self.started = clock()
        self.submitted_at = submitted_at
        # The interval grows with the job's age, known from its submit when we made it.
        self.origin = submitted_at if submitted_at is not None else self.started
        self.expected = expected
        self.last: Status | None = None

    def first_delay(self) -> float:
        """A job submitted a moment ago cannot be done: wait until the policy's first ask."""
        if self.submitted_at is None:
            return 0.0
        age = self.clock() - self.submitted_at
        return max(0.0, min(self.policy.first(self.expected) - age, self.timeout))

    def age(self) -> float:
        """Seconds since the job was submitted (or since the wait began, for a rebuilt one)."""
        return self.clock() - self.origin

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.timeout - (self.clock() - self.started))

    def status_seen(self, status: Status) -> bool:
        """True when the result should be fetched now; raises when the job has ended badly."""
        if status != self.last and self.on_status is not None:
            self.on_status(status)
        self.last = status
        found = status.meaning
        if found is Meaning.CANCELLED:
            raise JobCancelled(self.request_id)
        # Succeeded: fetch it. Failed, or a word nobody documented: fetch the result for the
        # server's message, then fail with it.
        return found not in NOT_DONE

    def result_seen(self, result: Result[OutputT]) -> Result[OutputT] | None:
        """The finished result, or None to keep polling; raises when the job did not succeed."""
        found = result.meaning
        if found is Meaning.SUCCEEDED:
            if not result.urls:
                raise NoOutputError(self.request_id, result)
            return result
        if found is Meaning.CANCELLED:
            raise JobCancelled(self.request_id)
        last = self.last.meaning if self.last is not None else None
        if found in NOT_DONE:
            if last in (Meaning.FAILED,):  # the status said it ended: the result cannot catch up
                state = self.last.state if self.last is not None else "unknown"
                raise JobFailed(self.request_id, state, result.error)
            return None  # a status of "completed" can run ahead of the result: poll on
        raise JobFailed(self.request_id, result.status, result.error)

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next status check; None once the deadline has passed."""
        now = self.clock()
        remaining = self.timeout - (now - self.started)
        if remaining <= 0:
            return None
        return min(self.policy.interval(now - self.origin, self.expected), remaining)

    def timed_out(self, cancel: Cancellation | Exception | None = None) -> WaitTimeout:
        """The deadline's error; ``cancel``: what ``cancel_on_timeout`` got, when asked."""
        last = self.last.state if self.last else None
        waited = self.clock() - self.started
        if cancel is None:
            return WaitTimeout(self.request_id, waited, last)
        if isinstance(cancel, Exception):
            note = f"{type(cancel).__name__}: {cancel}"
            return WaitTimeout(self.request_id, waited, last, cancelled=False, cancel_note=note)
        done = cancel.outcome == "cancelled"
        return WaitTimeout(self.request_id, waited, last, cancelled=done, cancel_note=str(cancel))
