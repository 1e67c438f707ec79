"""The job store: jobs, and where each one stands on the clock.

A job's state is never stored; it is computed from timestamps whenever it is asked for. The
schedule is a replay: jobs in submission order (FIFO), each waits at least ``queue_seconds``,
then for the first of ``workers`` free workers, then runs ``run_seconds``. A job cancelled
while queued never takes a worker. The replay is deterministic and needs no background task,
and it never rewrites the past: a cancellation only affects jobs still queued at that moment,
which all start later anyway.
"""

from __future__ import annotations

import heapq
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from runcomfy_emulator.clock import Clock

Phase = Literal["in_queue", "in_progress", "finished", "cancelled"]
Failure = Literal["failed", "completed"]
"""How a failed job shows in the status call: ``failed``, or the documented quirk of
``completed`` while the result says ``failed``."""


@dataclass(frozen=True, slots=True)
class Timing:
    """How long jobs take: ``queue_seconds`` at least in the queue, ``run_seconds`` running,
    ``workers`` jobs at once."""

    queue_seconds: float = 1.0
    run_seconds: float = 3.0
    workers: int = 2

    def __post_init__(self) -> None:
        if self.queue_seconds < 0 or self.run_seconds < 0:
            raise ValueError(
                f"queue_seconds and run_seconds must be >= 0, got "
                f"{self.queue_seconds} and {self.run_seconds}"
            )
        if isinstance(self.workers, bool) or not isinstance(self.workers, int):
            raise ValueError(f"workers must be an integer, got {self.workers!r}")
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """What the job will produce: an image or a video of ``width`` x ``height`` pixels."""

    kind: Literal["image", "video"]
    width: int
    height: int


@dataclass(slots=True)
class Job:
    """One submitted job. Only ``cancelled_at`` ever changes, and only while it is queued."""

    request_id: str
    model_id: str
    payload: Mapping[str, Any]
    created: float
    output: OutputPlan
    failure: Failure | None = None
    failure_message: str | None = None
    cancelled_at: float | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Where a job stands at ``now``. ``finished`` is the end time (or the cancel time)."""

    job: Job
    phase: Phase
    now: float
    queue_position: int | None = None
    started: float | None = None
    finished: float | None = None


@dataclass(slots=True)
class _Slot:
    start: float | None = None  # None: cancelled before it started
    end: float | None = None


@dataclass
class JobStore:
    """Every job since start-up (or the last reset), with thread-safe access.

    The emulator's routes run on the server's event loop; tests call ``reset`` from their own
    thread, hence the lock. Nothing here blocks beyond the lock.
    """

    clock: Clock
    timing: Timing = field(default_factory=Timing)
    _jobs: dict[str, Job] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        output: OutputPlan,
        *,
        failure: Failure | None = None,
        failure_message: str | None = None,
    ) -> Job:
        job = Job(
            request_id=str(uuid.uuid4()),
            model_id=model_id,
            payload=payload,
            created=self.clock(),
            output=output,
            failure=failure,
            failure_message=failure_message,
        )
        with self._lock:
            self._jobs[job.request_id] = job
        return job

    def snapshot(self, request_id: str) -> Snapshot | None:
        """The job's state now, or None for an unknown id."""
        with self._lock:
            job = self._jobs.get(request_id)
            if job is None:
                return None
            return self._snapshot(job, self.clock())

    def cancel(self, request_id: str) -> tuple[Snapshot, bool] | None:
        """Cancel the job if it is still queued: (its state afterwards, whether it is cancelled).

        Cancelling a job already cancelled answers True again, so a retried cancel agrees
        with the first one. None for an unknown id.
        """
        with self._lock:
            job = self._jobs.get(request_id)
            if job is None:
                return None
            now = self.clock()
            before = self._snapshot(job, now)
            if before.phase == "in_queue":
                job.cancelled_at = now
                return self._snapshot(job, now), True
            return before, before.phase == "cancelled"

    def reset(self, timing: Timing | None = None) -> None:
        """Forget every job; new timings apply only to an empty store, so history stays true."""
        with self._lock:
            self._jobs.clear()
            if timing is not None:
                self.timing = timing

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    def _schedule(self) -> dict[str, _Slot]:
        timing = self.timing
        free = [float("-inf")] * timing.workers  # when each worker is next free (a heap)
        slots: dict[str, _Slot] = {}
        for job in self._jobs.values():  # dicts keep insertion order: submission order
            start = max(job.created + timing.queue_seconds, free[0])
            if job.cancelled_at is not None and job.cancelled_at < start:
                slots[job.request_id] = _Slot()
                continue
            end = start + timing.run_seconds
            heapq.heapreplace(free, end)
            slots[job.request_id] = _Slot(start, end)
        return slots

    def _snapshot(self, job: Job, now: float) -> Snapshot:
        slots = self._schedule()
        slot = slots[job.request_id]
        if slot.start is None or slot.end is None:
            return Snapshot(job, "cancelled", now, finished=job.cancelled_at)
        if now >= slot.end:
            return Snapshot(job, "finished", now, started=slot.start, finished=slot.end)
        if now >= slot.start:
            return Snapshot(job, "in_progress", now, started=slot.start)
        ahead = 0
        for other in self._jobs:  # submission order: only the jobs before this one count
            if other == job.request_id:
                break
            start = slots[other].start
            ahead += start is not None and now < start
        return Snapshot(job, "in_queue", now, queue_position=ahead + 1)
