"""The emulator's first job schedule, kept as the reference the incremental one is tested
against (``test_emulator_schedule.py``) and benchmarked beside (``bench_emulator_store.py``).

It replays every job on every question: simple enough to be obviously right, and ``O(n)`` in
the jobs held. Only the scheduling is kept: (ready, run) pairs in, phases and positions out.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass


@dataclass(slots=True)
class _Slot:
    start: float | None = None  # None: cancelled before it started
    end: float | None = None


class ReplaySchedule:
    """Same questions as :class:`runcomfy_emulator.schedule.Schedule`, answered by replay."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._jobs: list[tuple[float, float]] = []  # (ready, run) in submission order
        self._cancelled: dict[int, float] = {}

    def __len__(self) -> int:
        return len(self._jobs)

    def add(self, ready: float, run: float) -> int:
        self._jobs.append((ready, run))
        return len(self._jobs) - 1

    def _schedule(self) -> list[_Slot]:
        free = [float("-inf")] * self.workers
        slots: list[_Slot] = []
        for index, (ready, run) in enumerate(self._jobs):
            start = max(ready, free[0])
            cancelled_at = self._cancelled.get(index)
            if cancelled_at is not None and cancelled_at < start:
                slots.append(_Slot())
                continue
            heapq.heapreplace(free, start + run)
            slots.append(_Slot(start, start + run))
        return slots

    def start(self, index: int) -> float | None:
        return self._schedule()[index].start

    def end(self, index: int) -> float | None:
        return self._schedule()[index].end

    def phase(self, index: int, now: float) -> str:
        slot = self._schedule()[index]
        if slot.start is None or slot.end is None:
            return "cancelled"
        if now >= slot.end:
            return "finished"
        return "in_progress" if now >= slot.start else "in_queue"

    def queue_position(self, index: int, now: float) -> int:
        slots = self._schedule()
        ahead = sum(1 for s in slots[:index] if s.start is not None and now < s.start)
        return ahead + 1

    def cancel(self, index: int, now: float) -> bool:
        if self.phase(index, now) != "in_queue":
            return False
        self._cancelled[index] = now
        return True
