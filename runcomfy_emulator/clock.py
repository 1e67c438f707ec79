"""The emulator's sense of time: any callable returning seconds, so tests can drive it by hand.

Job states are computed from timestamps on this clock whenever they are asked for (see
``jobs.py``), never moved along by sleeping tasks; a test that swaps in :class:`ManualClock`
therefore decides exactly when a job leaves the queue, with no timing in its assertions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]
"""Seconds on a monotonic scale; only differences matter. ``time.monotonic`` by default."""


class ManualClock:
    """A clock that moves only when told to: ``clock.advance(0.5)``.

    Safe to advance from the test's thread while the emulator reads it from its own.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (never backwards: job history must not change)."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward; got {seconds}")
        with self._lock:
            self._now += seconds
            return self._now


def wall_time_of(clock: Clock) -> Callable[[float], float]:
    """Maps a reading of ``clock`` to Unix time, anchored now, for ``created_at`` stamps."""
    offset = time.time() - clock()
    return lambda reading: offset + reading
