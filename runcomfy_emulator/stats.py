"""Counters the tests read: requests per route, submits received, jobs created, faults fired.

"Exactly one job after a submit whose answer was lost" is the kind of fact a client test must
check, and only the server can count it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Stats:
    """One consistent reading of the counters. ``requests`` is keyed by route name."""

    jobs_created: int
    requests: Mapping[str, int] = field(default_factory=dict)
    faults_fired: Mapping[str, int] = field(default_factory=dict)

    @property
    def submits(self) -> int:
        """Submit requests received, whatever became of them (faulted, refused or accepted)."""
        return self.requests.get("submit", 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "jobs_created": self.jobs_created,
            "submits": self.submits,
            "requests": dict(self.requests),
            "faults_fired": dict(self.faults_fired),
        }


class Counters:
    """Request counts per route; thread-safe. Jobs and faults are counted where they live."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()

    def request(self, route: str) -> None:
        with self._lock:
            self._requests[route] += 1

    def requests(self) -> dict[str, int]:
        with self._lock:
            return dict(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
