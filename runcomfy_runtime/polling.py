"""When to ask for a job's status next: pure decisions of the job's age and what is known.

Two schedules, chosen by what the client knows about the model:

- **Cold** (no finished job of this model yet, no hint): start at ``min_interval``, then a
  fraction (``proportion``) of the job's age, capped at ``max_interval``. A short job is
  noticed within a fraction of its length; a long one costs one request per ``max_interval``
  with a notice delay of about half of it.
- **Expected** (a typical length learned from this client's finished jobs of the model, or
  given by the caller as ``expected=``): few requests before the earliest likely end (the age
  doubles between them), dense requests (``window_interval``, shorter for short jobs) from
  just before the earliest to just after the latest likely end, then back off as when cold.

RunComfy's own clients poll at a fixed 2 s (CLI), 3 s (MCP server) or 5 s (ComfyUI nodes).
``bench/bench_polling.py`` compares them with these schedules on the emulator.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from runcomfy_runtime import constants
from runcomfy_runtime.retry import refuse_impossible


@dataclass(frozen=True, slots=True)
class Expected:
    """The likely length of a job, in seconds from its submit: ``low`` to ``high``."""

    low: float
    high: float

    @classmethod
    def around(cls, seconds: float | tuple[float, float]) -> Expected:
        """From a caller's hint: one typical length, or a (low, high) range."""
        low, high = seconds if isinstance(seconds, tuple) else (seconds, seconds)
        if not 0 < low <= high:
            raise ValueError(f"an expected length needs 0 < low <= high, got {low}, {high}")
        return cls(float(low), float(high))


@dataclass(frozen=True)
class PollPolicy:
    """How often a wait asks for the status (the module docstring says how these combine);
    impossible values (a zero or negative interval, a jitter of 100 %) are refused."""

    min_interval: float = constants.POLL_MIN_INTERVAL
    proportion: float = constants.POLL_PROPORTION
    max_interval: float = constants.POLL_MAX_INTERVAL
    jitter: float = constants.POLL_JITTER
    window_interval: float = constants.POLL_WINDOW_INTERVAL
    window_margin: float = constants.POLL_WINDOW_MARGIN

    def __post_init__(self) -> None:
        refuse_impossible(
            self,
            ("min_interval", self.min_interval > 0, "> 0 (polling at once would hammer the API)"),
            ("proportion", self.proportion >= 0, ">= 0"),
            ("max_interval", self.max_interval >= self.min_interval,
             f">= min_interval ({self.min_interval})"),
            ("jitter", 0 <= self.jitter < 1, "in [0, 1)"),
            ("window_interval", self.window_interval > 0, "> 0"),
            ("window_margin", 0 <= self.window_margin < 1, "in [0, 1)"),
        )  # fmt: skip

    def first(self, expected: Expected | None = None) -> float:
        """Seconds after the submit to ask first: a job cannot be done a moment after it."""
        if expected is None:
            return self.min_interval
        return min(self._window_start(expected), max(self.min_interval, expected.low / 2))

    def interval(
        self,
        age: float,
        expected: Expected | None = None,
        rng: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait before the next request, the job being ``age`` seconds old."""
        return self._jittered(self._base(age, expected), rng)

    def _base(self, age: float, expected: Expected | None) -> float:
        if expected is None:
            return self._cold(age)
        start = self._window_start(expected)
        end = expected.high * (1 + self.window_margin)
        if age < start:  # the job cannot be done yet: double its age, up to the window
            return max(self.min_interval, min(age, start - age))
        if age <= end:
            return self._window(expected)
        return max(self._window(expected), self._cold(age - end))

    def _cold(self, age: float) -> float:
        return min(self.max_interval, max(self.min_interval, self.proportion * age))

    def _window(self, expected: Expected) -> float:
        """Dense, but for a short job denser still: a third of its earliest length."""
        return min(self.window_interval, max(self.min_interval, expected.low / 3))

    def _window_start(self, expected: Expected) -> float:
        return max(self.min_interval, expected.low * (1 - self.window_margin))

    def _jittered(self, base: float, rng: Callable[[], float]) -> float:
        return base * (1 + self.jitter * (2 * rng() - 1))


class Durations:
    """How long this client's finished jobs of each model took (server timestamps), so the
    next wait on that model knows where the end is likely to fall. Kept per client, bounded."""

    def __init__(self, keep: int = constants.POLL_LEARNED_JOBS) -> None:
        self._keep = keep
        self._seen: dict[str, deque[float]] = {}

    def record(self, model_id: str, seconds: float) -> None:
        if seconds > 0:
            self._seen.setdefault(model_id, deque(maxlen=self._keep)).append(seconds)

    def expected(self, model_id: str | None) -> Expected | None:
        """The likely range, widened while few jobs were seen (one job: half of its length
        either way), so a first guess never hides an end that falls outside it."""
        found = self._seen.get(model_id) if model_id else None
        if not found:
            return None
        low, high = _spread(sorted(found))
        doubt = 0.5 / len(found) ** 0.5 if len(found) < 10 else 0.0
        return Expected(low * (1 - doubt), high * (1 + doubt))


def _spread(ordered: list[float]) -> tuple[float, float]:
    """The range most lengths fall in: all of them when few, else the 10th-90th percentile."""
    if len(ordered) < 10:
        return ordered[0], ordered[-1]
    cut = len(ordered) // 10
    return ordered[cut], ordered[-1 - cut]


def schedule(
    policy: PollPolicy,
    length: float,
    expected: Expected | None = None,
    rng: Callable[[], float] = lambda: 0.5,
) -> tuple[int, float]:
    """(status requests, notice time) of a job ``length`` seconds long under ``policy``: the
    decisions alone, without a server (benches and tests compare schedules with it)."""
    at, requests = policy.first(expected), 1
    while at < length:
        at += policy.interval(at, expected, rng)
        requests += 1
    return requests, at


def fixed_schedule(interval: float, length: float, *, first: float = 0.0) -> tuple[int, float]:
    """A poller asking every ``interval`` seconds from ``first`` (RunComfy's own clients)."""
    at, requests = first, 1
    while at < length:
        at += interval
        requests += 1
    return requests, at


def mean(values: Iterable[float]) -> float:
    found = list(values)
    return sum(found) / len(found)
