"""When each job starts and ends: FIFO over a fixed number of workers, kept incrementally.

The rule (unchanged since the emulator's first replay of every job on every request): jobs take
workers in submission order; a job is ready ``queue`` seconds after it was submitted, starts
when it is ready and a worker is free (the worker free earliest), and runs ``run`` seconds. A
job cancelled while it waits never takes a worker.

Replaying that rule over every job held made each status call ``O(n)`` in the jobs ever
submitted. Here the schedule is kept as it grows instead:

* submit places the new job at once: ``start = max(ready, earliest free worker)``, with the
  workers' free times in a heap of ``workers`` entries (``O(log w)``);
* a status call finds the jobs waiting ahead by bisecting the sorted submission indices of the
  jobs still waiting; jobs leave that list as the clock passes their start, popped from a heap
  of start times, so each leaves once in its life. Finished jobs are in neither: the cost
  depends on the queue (``O(log q)``), not on the history;
* a cancel re-plans only the jobs submitted after the cancelled one, from the workers' state
  saved when it was placed, skipping jobs cancelled before (a "next job not cancelled" table
  with path compression), and stops as soon as the workers' state is what it was before
  (nothing later can change then). Cancelling the head of a long queue re-plans the queue
  behind it: that cost is the queue's, never the history's.

Each job keeps the workers' free times from before it was placed (``workers`` numbers), so a
re-plan can start there.

A re-plan never moves a job later, never moves a waiting job's start before the cancel (the
past is not rewritten) and leaves jobs that already started where they are. With one queue
and one run length for every job, that is exactly the replay (every job after a waiting job
is still waiting, and its new start is past the cancel anyway); with spread lengths
(``--run-seconds 15-25``) it is the same rule, read forward in time.

The clock must not go backwards (``ManualClock`` refuses to; ``time.monotonic`` cannot).
"""

from __future__ import annotations

import bisect
import heapq
from typing import Literal

Phase = Literal["in_queue", "in_progress", "finished", "cancelled"]

_NEVER = float("-inf")


class Schedule:
    """The start and end of every job, by submission index. Not thread-safe: the job store
    holds its lock around every call."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self._free = [_NEVER] * workers  # when each worker is next free: a heap
        self._ready: list[float] = []
        self._run: list[float] = []
        self._start: list[float | None] = []  # None: cancelled before it started
        self._end: list[float | None] = []
        self._before: list[tuple[float, ...]] = []  # the workers' free times (sorted) before it
        self._waiting: list[int] = []  # indices of the jobs waiting when last looked: sorted
        self._starts: list[tuple[float, int]] = []  # (start, index) of waiting jobs; stale ok
        self._next = [0]  # index -> the first job from it on not cancelled; [len] = len

    def __len__(self) -> int:
        return len(self._ready)

    def add(self, ready: float, run: float) -> int:
        """Place a new job, ready at ``ready``, running ``run`` seconds; its index."""
        index = len(self._ready)
        self._ready.append(ready)
        self._run.append(run)
        self._before.append(tuple(sorted(self._free)))
        start = max(ready, self._free[0])
        heapq.heapreplace(self._free, start + run)
        self._start.append(start)
        self._end.append(start + run)
        self._waiting.append(index)  # the largest index yet: the list stays sorted
        heapq.heappush(self._starts, (start, index))
        self._next.append(index + 1)  # self._next[index] is index already: not cancelled
        return index

    def start(self, index: int) -> float | None:
        return self._start[index]

    def end(self, index: int) -> float | None:
        return self._end[index]

    def phase(self, index: int, now: float) -> Phase:
        start, end = self._start[index], self._end[index]
        if start is None or end is None:
            return "cancelled"
        if now >= end:
            return "finished"
        return "in_progress" if now >= start else "in_queue"

    def queue_position(self, index: int, now: float) -> int:
        """1 + the jobs submitted before ``index`` still waiting at ``now``."""
        self._pass(now)
        return bisect.bisect_left(self._waiting, index) + 1

    def cancel(self, index: int, now: float) -> bool:
        """Take a waiting job off the schedule (False: it is not waiting at ``now``)."""
        if self.phase(index, now) != "in_queue":
            return False
        self._pass(now)
        self._start[index] = self._end[index] = None
        self._stop_waiting(index)
        self._next[index] = index + 1
        self._replan(index, now)
        return True

    def _after(self, index: int) -> int:
        """The first job after ``index`` not cancelled (``len`` if none)."""
        found = index + 1
        while self._next[found] != found:
            found = self._next[found]
        j = index + 1
        while self._next[j] != found:  # path compression: the next search jumps at once
            self._next[j], j = found, self._next[j]
        return found

    def _replan(self, cancelled: int, now: float) -> None:
        free = list(self._before[cancelled])  # sorted: a valid heap
        j = cancelled
        while (j := self._after(j)) < len(self._ready):
            start, end = self._start[j], self._end[j]
            assert start is not None and end is not None  # not cancelled
            state = tuple(sorted(free))
            if state == self._before[j]:
                return  # from here on, every placement is what it was
            self._before[j] = state
            if start <= now:  # already started: history stays
                heapq.heapreplace(free, end)
                continue
            moved = max(self._ready[j], free[0], now)
            if moved != start:
                self._start[j], self._end[j] = moved, moved + self._run[j]
                heapq.heappush(self._starts, (moved, j))
            heapq.heapreplace(free, moved + self._run[j])
        self._free = free

    def _pass(self, now: float) -> None:
        """Count out every job whose start ``now`` has reached."""
        while self._starts and self._starts[0][0] <= now:
            start, index = heapq.heappop(self._starts)
            if self._start[index] == start:
                self._stop_waiting(index)

    def _stop_waiting(self, index: int) -> None:
        at = bisect.bisect_left(self._waiting, index)
        if at < len(self._waiting) and self._waiting[at] == index:
            del self._waiting[at]  # a memmove of the queue's length: no history in it
