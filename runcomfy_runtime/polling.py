"""When to ask for a job's status next: start fast, back off with jitter to a cap.

The interval is a fraction of the time already waited, so a short job is noticed quickly and
a long one is not hammered: the delay in noticing completion stays near that fraction of the
job's length, and the number of requests grows with the logarithm of it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from runcomfy_runtime import constants


@dataclass(frozen=True)
class PollPolicy:
    min_interval: float = constants.POLL_MIN_INTERVAL
    proportion: float = constants.POLL_PROPORTION
    max_interval: float = constants.POLL_MAX_INTERVAL
    jitter: float = constants.POLL_JITTER

    def interval(self, elapsed: float, rng: Callable[[], float] = random.random) -> float:
        base = min(self.max_interval, max(self.min_interval, self.proportion * elapsed))
        return base * (1 + self.jitter * (2 * rng() - 1))
