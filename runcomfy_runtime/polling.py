"""When to ask for a job's status next: pure decisions of the job's age, its state and what is
known of the model.

A job's age is its **running** age: counted from the last moment it was seen queued (a queued
job's running time has not started), or from its submit (the moment the request left, not the
moment its answer came back: a slow answer would make every ask late) when it was never seen
queued. Both err early, so a schedule may ask too soon but does not sleep past an end.

Two schedules, chosen by what the client knows about the model:

- **Cold** (no finished job of this model known, no hint): the first ask ``min_interval``
  after the submit, then ``proportion`` of the age, at least ``min_interval``, at most
  ``max_interval`` (reached 5 s into the run): 0.7, 1.4, 2.1,
  2.9, 4.1, 5.8 s, then every 2 s. Asking more often early buys little (few jobs end in their
  first seconds: RunComfy's models take seconds to minutes), and the cap sets a long job's
  cost: one request per 2 s, noticed about 1 s late. Against RunComfy's MCP client (status at
  once, then every 3 s, phased across its interval as issue #23 measured it), from these
  decisions alone (``schedule``, without jitter, jobs of each length +/- 10 %):

  ======  ==========================  ========================  ======================
  length  cold: requests, delay       MCP 3 s: requests, delay  old cold (20 %, 2.5 s)
  ======  ==========================  ========================  ======================
  5 s     6.0, 0.76 s (1.60x)         3.75, 1.5 s               12.1, 0.51 s (3.23x)
  20 s    13.6, 1.01 s (1.56x)        8.75, 1.5 s               20.2, 1.34 s (2.31x)
  60 s    33.6, 1.01 s (1.53x)        22.0, 1.5 s               36.1, 1.23 s (1.64x)
  ======  ==========================  ========================  ======================

  Jobs of 0.5-3 s are noticed 0.38 s after their end on average, 3.3x sooner than by the 3 s
  loop. A first ask sooner (the old 0.3 s) costs every job a request and helps only jobs
  under 0.7 s; a lower floor or proportion spends requests where few jobs end; a higher one,
  or a higher cap, and the 0.5-3 s jobs or the long ones are noticed later than by the 3 s
  loop (``tests/test_policies.py`` holds these as goals; ``bench/bench_polling.py`` measures
  them live).
- **Expected** (a typical running length learned from finished jobs of the model, in this
  process or from the record of earlier ones (``poll_record.py``), or given by the caller as
  ``expected=``): few requests before the earliest likely end (the age doubles between them),
  dense requests (``window_interval``, shorter for short jobs) from just before the earliest
  to just after the latest likely end, then back off as when cold.

While a job is queued it cannot end: ask as the cold schedule would over its time in the
queue (a queue of unknown length is a job of unknown length), or, once its ``queue_position``
has moved, about half the time the places ahead should take at the rate seen; at most
``max_interval`` (and for a short known job a third of its length), so its start is seen
within that and the running age stays within it of the truth.

RunComfy's own clients poll at a fixed 2 s (CLI), 3 s (MCP server) or 5 s (ComfyUI nodes).
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
    """The likely running length of a job, in seconds from its start: ``low`` to ``high``."""

    low: float
    high: float

    @classmethod
    def around(cls, seconds: float | tuple[float, float]) -> Expected:
        """From a caller's hint: one typical length, or a (low, high) range."""
        low, high = seconds if isinstance(seconds, tuple) else (seconds, seconds)
        if not 0 < low <= high:
            raise ValueError(f"an expected length needs 0 < low <= high, got {low}, {high}")
        return cls(float(low), float(high))


@dataclass(frozen=True, slots=True)
class Queued:
    """What is seen of a job still queued: its place, and the seconds one place took to move
    while it was watched (None until its place moved)."""

    position: int | None = None
    per_place: float | None = None


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
    known_min_interval: float = constants.POLL_KNOWN_MIN_INTERVAL

    @property
    def _floor(self) -> float:
        """The shortest wait when the length or the queue's pace is known (never above the
        cold floor: knowing more never makes it ask less often)."""
        return min(self.min_interval, self.known_min_interval)

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
            ("known_min_interval", self.known_min_interval > 0, "> 0"),
        )  # fmt: skip

    def first(self, expected: Expected | None = None) -> float:
        """Seconds after the submit to ask first: a job cannot be done a moment after it."""
        if expected is None:
            return self.min_interval
        return min(self._window_start(expected), max(self._floor, expected.low / 2))

    def interval(
        self,
        age: float,
        expected: Expected | None = None,
        rng: Callable[[], float] = random.random,
        *,
        queued: Queued | None = None,
    ) -> float:
        """Seconds to wait before the next request. ``age``: seconds the job has run, or,
        when ``queued`` says it is still in the queue, seconds it has waited there."""
        base = self._base(age, expected) if queued is None else self._queued(age, queued, expected)
        return self._jittered(base, rng)

    def _base(self, age: float, expected: Expected | None) -> float:
        if expected is None:
            return self._cold(age)
        start = self._window_start(expected)
        end = expected.high * (1 + self.window_margin)
        if age < start:  # the job cannot be done yet: double its age, up to the window
            return max(self._floor, min(age, start - age))
        if age <= end:
            return self._window(expected)
        # Later than ever seen: back off from the window's pace as the cold schedule grows.
        return max(self._window(expected), min(self.max_interval, self.proportion * (age - end)))

    def _cold(self, age: float) -> float:
        return min(self.max_interval, max(self.min_interval, self.proportion * age))

    def _queued(self, waited: float, queued: Queued, expected: Expected | None) -> float:
        """Often enough to see the start; a short known job could start and end in between."""
        if queued.position is not None and queued.per_place is not None:
            guess = queued.position * queued.per_place / 2
        else:
            guess = self._cold(waited)
        cap = self.max_interval if expected is None else self._short(expected, self.max_interval)
        return min(cap, max(self._floor, guess))

    def _window(self, expected: Expected) -> float:
        """Dense, but for a short job denser still: a third of its earliest length."""
        return self._short(expected, self.window_interval)

    def _short(self, expected: Expected, longest: float) -> float:
        return min(longest, max(self._floor, expected.low / 3))

    def _window_start(self, expected: Expected) -> float:
        return max(self._floor, expected.low * (1 - self.window_margin))

    def _jittered(self, base: float, rng: Callable[[], float]) -> float:
        return base * (1 + self.jitter * (2 * rng() - 1))


class Durations:
    """How long finished jobs of each model ran (from their observed start), so the next
    wait on that model knows where the end is likely to fall. Bounded per model; seeded from
    the record of earlier processes (``poll_record.py``) at a client's first wait."""

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
    *,
    queued: float = 0.0,
) -> tuple[int, float]:
    """(status requests, notice time from the submit) of a job that waits ``queued`` seconds
    in the queue, then runs ``length`` seconds, under ``policy``: the decisions alone, without
    a server (benches and tests compare schedules with it). Its place in the queue is not
    known, as when a server does not say it."""
    at, requests = policy.first(expected), 1
    seen_queued: float | None = None  # the last ask that found it queued
    while at < queued + length:
        if at < queued:
            seen_queued = at
            at += policy.interval(at, expected, rng, queued=Queued())
        else:
            at += policy.interval(at - (seen_queued or 0.0), expected, rng)
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
