"""What each answer means while waiting for a job, decided once for the sync and async handles.

The handles do the I/O (ask, sleep); a :class:`Waiter` says what to do next: fetch the result,
poll on, or stop with a typed error. Statuses are read through ``statuses.MEANINGS``. It also
keeps what the statuses showed of the queue (the last moment the job was seen queued, how fast
its place moved), so the schedule counts the job's age from its start, not from its submit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from runcomfy_runtime.errors import JobCancelled, JobFailed, NoOutputError, WaitTimeout
from runcomfy_runtime.polling import Expected, PollPolicy, Queued
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
        self.queued_seen: float | None = None  # the last moment a status said it was queued
        self._queued: Queued | None = None  # while the last status said queued
        self._place: tuple[float, int] | None = None  # (when, position) its place was first seen

    def first_delay(self) -> float:
        """A job submitted a moment ago cannot be done: wait until the policy's first ask."""
        if self.submitted_at is None:
            return 0.0
        age = self.clock() - self.submitted_at
        return max(0.0, min(self.policy.first(self.expected) - age, self.timeout))

    def started_at(self) -> float:
        """When the job started running, as far as was seen: the last status that found it
        queued (it started after that answer was written: late by at most the answer's way
        back), else its submit (or the wait's start, for a rebuilt one)."""
        return self.queued_seen if self.queued_seen is not None else self.origin

    def age(self) -> float:
        """Seconds the job has been running, from :meth:`started_at`."""
        return self.clock() - self.started_at()

    def ran_for(self, result: Result[OutputT]) -> float:
        """Seconds a finished job ran from its observed start: the server's submit-to-end less
        the time it was seen queued, or, without the server's timestamps, this clock's."""
        if result.created_at is None or result.finished_at is None or self.submitted_at is None:
            return self.age()
        took = (result.finished_at - result.created_at).total_seconds()
        return took - (self.started_at() - self.origin)

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.timeout - (self.clock() - self.started))

    def status_seen(self, status: Status) -> bool:
        """True when the result should be fetched now; raises when the job has ended badly."""
        if status != self.last and self.on_status is not None:
            self.on_status(status)
        self.last = status
        found = status.meaning
        self._queued = self._queue_seen(status.queue_position) if found is Meaning.QUEUED else None
        if found is Meaning.CANCELLED:
            raise JobCancelled(self.request_id)
        # Succeeded: fetch it. Failed, or a word nobody documented: fetch the result for the
        # server's message, then fail with it.
        return found not in NOT_DONE

    def _queue_seen(self, position: int | None) -> Queued:
        now = self.queued_seen = self.clock()
        if position is None:
            return Queued()
        if self._place is None or position > self._place[1]:  # first seen, or sent back
            self._place = (now, position)
            return Queued(position)
        since, first = self._place
        moved = first - position
        return Queued(position, (now - since) / moved if moved else None)

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
        if self._queued is not None:  # it cannot end before it starts: watch the queue
            wait = self.policy.interval(now - self.origin, self.expected, queued=self._queued)
        else:
            wait = self.policy.interval(now - self.started_at(), self.expected)
        return min(wait, remaining)

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
