"""The job store: jobs, and where each one stands on the clock.

A job's state is never stored; it is read off the schedule (``schedule.py``) whenever it is
asked for: jobs in submission order (FIFO), each waits at least its queue time, then for the
first of ``workers`` free workers, then runs its run time. A job cancelled while queued never
takes a worker. The schedule is deterministic and needs no background task, and it never
rewrites the past. What a request costs does not grow with the jobs held (see
``bench/bench_emulator_store.py``).

Queue and run times are fixed, or drawn evenly from a range (``Timing(run_seconds=(15, 25))``)
with a seeded generator: the same seed and the same submissions give the same lengths.
"""

from __future__ import annotations

import math
import random
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from runcomfy_emulator.clock import Clock
from runcomfy_emulator.schedule import Phase, Schedule

__all__ = [
    "Cycle",
    "Failure",
    "Job",
    "JobStore",
    "OutputPlan",
    "Phase",
    "Seconds",
    "Snapshot",
    "Timing",
]

Failure = Literal["failed", "completed"]
"""How a failed job shows in the status call: ``failed``, or the documented quirk of
``completed`` while the result says ``failed``."""


@dataclass(frozen=True, slots=True)
class Cycle:
    """Lengths taken in turn, one per job in submission order: a bench gives every poller
    the very same job lengths."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.values or not all(_is_number(v) and v >= 0 for v in self.values):
            raise ValueError(f"a cycle of lengths needs numbers >= 0, got {self.values!r}")


Seconds = float | tuple[float, float] | Cycle
"""A length of time: fixed, a (low, high) range each job draws from evenly, or a
:class:`Cycle` of lengths taken in turn."""


def bounds(seconds: Seconds) -> tuple[float, float]:
    """(low, high) of a length; a fixed one is its own range."""
    if isinstance(seconds, Cycle):
        return min(seconds.values), max(seconds.values)
    if isinstance(seconds, tuple):
        return seconds
    return seconds, seconds


def draw(seconds: Seconds, rng: random.Random, index: int) -> float:
    """The length of the ``index``-th job: fixed, drawn from a range, or the cycle's turn."""
    if isinstance(seconds, Cycle):
        return seconds.values[index % len(seconds.values)]
    return rng.uniform(*bounds(seconds))


def _check_seconds(name: str, value: object) -> Seconds:
    if isinstance(value, Cycle):
        return value
    if isinstance(value, list | tuple):
        if len(value) != 2 or not all(_is_number(v) for v in value):
            raise ValueError(f"{name} must be a number or a (low, high) pair, got {value!r}")
        low, high = float(value[0]), float(value[1])
        if not 0 <= low <= high:
            raise ValueError(f"{name} must be a range 0 <= low <= high, got {low}-{high}")
        return (low, high)
    if not _is_number(value) or float(value) < 0:  # type: ignore[arg-type]
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class Timing:
    """How long jobs take: ``queue_seconds`` at least in the queue, ``run_seconds`` running,
    ``workers`` jobs at once. A length may be a (low, high) range, drawn per job from a
    generator seeded with ``seed``."""

    queue_seconds: Seconds = 1.0
    run_seconds: Seconds = 3.0
    workers: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "queue_seconds", _check_seconds("queue_seconds", self.queue_seconds)
        )
        object.__setattr__(self, "run_seconds", _check_seconds("run_seconds", self.run_seconds))
        if isinstance(self.workers, bool) or not isinstance(self.workers, int):
            raise ValueError(f"workers must be an integer, got {self.workers!r}")
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")

    def to_dict(self) -> dict[str, Any]:
        """As JSON: a range is a two-item list."""

        def shown(seconds: Seconds) -> float | list[float] | dict[str, list[float]]:
            if isinstance(seconds, Cycle):
                return {"cycle": list(seconds.values)}
            return list(seconds) if isinstance(seconds, tuple) else seconds

        return {
            "queue_seconds": shown(self.queue_seconds),
            "run_seconds": shown(self.run_seconds),
            "workers": self.workers,
            "seed": self.seed,
        }


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """What the job will produce: an image or a video of ``width`` x ``height`` pixels, or an
    audio file (no pixels: width and height are 0)."""

    kind: Literal["image", "video", "audio"]
    width: int = 0
    height: int = 0


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
    index: int = -1  # its place in the schedule: the submission order
    lora: Any = None  # the ``lora`` of the body, where the model's schema does not list it

    def record(self) -> dict[str, Any]:
        """What the job was given, as ``GET /_emulator/jobs/{id}`` shows it."""
        return {
            "request_id": self.request_id,
            "model_id": self.model_id,
            "payload": dict(self.payload),
            "lora": self.lora,
        }


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Where a job stands at ``now``. ``finished`` is the end time (or the cancel time)."""

    job: Job
    phase: Phase
    now: float
    queue_position: int | None = None
    started: float | None = None
    finished: float | None = None


class JobStore:
    """Every job since start-up (or the last reset), with thread-safe access.

    The emulator's routes run on the server's event loop; tests call ``reset`` from their own
    thread, hence the lock. Nothing here blocks beyond the lock.
    """

    def __init__(self, clock: Clock, timing: Timing | None = None) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._start(timing or Timing())

    def _start(self, timing: Timing) -> None:
        self.timing = timing
        self._jobs: dict[str, Job] = {}
        self._schedule = Schedule(timing.workers)
        self._random = random.Random(timing.seed)

    def create(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        output: OutputPlan,
        *,
        failure: Failure | None = None,
        failure_message: str | None = None,
        lora: Any = None,
    ) -> Job:
        job = Job(
            request_id=str(uuid.uuid4()),
            model_id=model_id,
            payload=payload,
            created=self.clock(),
            output=output,
            failure=failure,
            failure_message=failure_message,
            lora=lora,
        )
        with self._lock:
            turn = len(self._jobs)
            queue = draw(self.timing.queue_seconds, self._random, turn)
            run = draw(self.timing.run_seconds, self._random, turn)
            job.index = self._schedule.add(job.created + queue, run)
            self._jobs[job.request_id] = job
        return job

    def get(self, request_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(request_id)

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
            if self._schedule.cancel(job.index, now):
                job.cancelled_at = now
                return self._snapshot(job, now), True
            before = self._snapshot(job, now)
            return before, before.phase == "cancelled"

    def reset(self, timing: Timing | None = None) -> None:
        """Forget every job; new timings apply only to an empty store, so history stays true.
        The length generator starts again from its seed."""
        with self._lock:
            self._start(timing or self.timing)

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    def _snapshot(self, job: Job, now: float) -> Snapshot:
        schedule, index = self._schedule, job.index
        phase = schedule.phase(index, now)
        if phase == "cancelled":
            return Snapshot(job, phase, now, finished=job.cancelled_at)
        if phase == "finished":
            return Snapshot(
                job, phase, now, started=schedule.start(index), finished=schedule.end(index)
            )
        if phase == "in_progress":
            return Snapshot(job, phase, now, started=schedule.start(index))
        return Snapshot(job, phase, now, queue_position=schedule.queue_position(index, now))
