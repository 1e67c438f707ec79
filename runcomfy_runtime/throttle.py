"""Rate limits met as a whole: one limiter per client, shared by every call it makes.

A 429 is the server saying the *client* asks too often, not one request. Met one call at a
time (each honouring its own ``Retry-After`` to the millisecond), 64 concurrent calls all come
back at the same instant and are refused again, in bursts. So every call of a client asks its
:class:`RateLimiter` for a slot before it sends (sync calls from many threads and async tasks
alike), and a 429 changes what every call gets:

- **The gate**: nothing is sent before the ``Retry-After`` has passed (at least
  :data:`~runcomfy_runtime.constants.RATE_LIMIT_FLOOR`, so ``Retry-After: 0`` is not a spin),
  and each refused call comes back after its own jittered delay (up to
  ``RATE_LIMIT_JITTER`` more), so they do not return in step.
- **The pace**: after a 429, requests are admitted at half the rate the client was sending at
  when refused (at least ``RATE_LIMIT_MIN_RATE`` a second), one slot after another, and
  the pace grows by ``RATE_LIMIT_GROWTH`` of itself a second; another 429 halves it again, once
  per round (a request sent after the last cut, ``RATE_LIMIT_ROUND`` seconds after it: until
  then the server still counts the requests that caused the cut); ``RATE_LIMIT_RECOVERY``
  seconds without a 429 lift the pace.
- **Cut only while cutting helps**: a server may refuse a share of requests whatever their
  pace (a busy queue, a per-request lottery). Halving the pace then halves what gets through,
  round after round, down to ``RATE_LIMIT_MIN_RATE`` for every call, status polls of paid jobs
  included (200 submits at concurrency 64 against every other one refused: 0.3 jobs a second
  after the first 10 s). Under a quota, what gets through stays the quota as the pace falls.
  So each cut of a paced round is judged at the next: if what got through in the last second
  (sent less refused) fell below ``RATE_LIMIT_CUT_HELPS`` of what did before, the refusals are
  not about the pace; the pace is lifted and not cut again until the limit lifts
  (``RATE_LIMIT_RECOVERY``). The gate (each ``Retry-After``) still holds every call.

What a batch engine needs to lower its own concurrency is :meth:`RateLimiter.state` (a
:class:`Throttle`: whether the client is being limited now, at what pace) and
:meth:`RateLimiter.subscribe`, called on every 429 with that state. The decisions read a clock
and a random source given to the limiter, so tests step them without sleeping.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from runcomfy_runtime import constants

HELPS = constants.RATE_LIMIT_CUT_HELPS


@dataclass(frozen=True, slots=True)
class Throttle:
    """What a client's limiter knows now. ``limited``: a 429 was met less than
    ``RATE_LIMIT_RECOVERY`` seconds ago and requests are paced at ``rate`` a second (None:
    not paced); ``open_at``: the monotonic time before which nothing is sent; ``refusals``:
    429s met in all."""

    limited: bool
    rate: float | None
    open_at: float
    refusals: int


ThrottleCallback = Callable[[Throttle], None]


class RateLimiter:
    """The client's shared view of the API's rate limit (see the module docstring).

    Thread-safe: a sync client shared by threads and an async client's tasks use one each.
    """

    def __init__(
        self,
        *,
        floor: float = constants.RATE_LIMIT_FLOOR,
        jitter: float = constants.RATE_LIMIT_JITTER,
        min_rate: float = constants.RATE_LIMIT_MIN_RATE,
        recovery: float = constants.RATE_LIMIT_RECOVERY,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if floor <= 0 or jitter < 0 or min_rate <= 0 or recovery <= 0:
            raise ValueError(
                "a rate limiter needs floor > 0, jitter >= 0, min_rate > 0 and recovery > 0, "
                f"got {floor}, {jitter}, {min_rate}, {recovery}"
            )
        self.floor, self.jitter, self.min_rate, self.recovery = floor, jitter, min_rate, recovery
        self._clock, self._rng = clock, rng
        self._lock = threading.Lock()
        self._open_at = 0.0  # nothing is sent before this
        self._rate: float | None = None  # admitted requests a second; None: not paced
        self._next_slot = 0.0  # the earliest slot not yet given, while paced
        self._cut_at = float("-inf")  # when the pace was last cut
        self._refused_at = float("-inf")
        self._refusals = 0
        self._sent: deque[float] = deque()  # send times of the last second: the rate asked
        self._refusals_at: deque[float] = deque()  # and the 429s met in it
        self._through_at_cut: float | None = None  # requests through in the second before it
        self._blind = False  # the last cut did not help: the refusals are not about the pace
        self._callbacks: list[ThrottleCallback] = []

    # -- what a call asks ------------------------------------------------------------------------

    def admit(self) -> tuple[float, float]:
        """Take the next slot: (seconds to wait before sending, the moment it is sent)."""
        with self._lock:
            now = self._clock()
            rate = self._rate_at(now)
            at = max(now, self._open_at)
            if rate is not None:
                at = max(at, self._next_slot)
                self._next_slot = at + 1.0 / rate
            self._sent.append(at)  # a slot may lie ahead of now: the call waits for it
            while self._sent and self._sent[0] < now - 1.0:
                self._sent.popleft()
            return at - now, at

    def refused(self, retry_after: float | None, sent_at: float, backoff: float) -> float:
        """A 429 for a request sent at ``sent_at``: the gate closes for every call; the seconds
        this call waits before it asks for a slot again. ``backoff`` is the call's own delay,
        used when the server gave no ``Retry-After``."""
        with self._lock:
            now = self._clock()
            base = max(self.floor, retry_after if retry_after is not None else backoff)
            self._open_at = max(self._open_at, now + base)
            if now - self._refused_at > self.recovery:
                self._blind = False  # the limit had lifted: this is a new one
            self._refusals += 1
            self._refused_at = now
            self._refusals_at.append(now)
            while self._refusals_at[0] < now - 1.0:
                self._refusals_at.popleft()
            # One cut per round, not one per 429: the request was sent after the last cut, and
            # a gateway's window (about a second) has passed since, or it still counts the
            # requests that caused that cut.
            if (
                not self._blind
                and sent_at > self._cut_at
                and now - self._cut_at >= constants.RATE_LIMIT_ROUND
            ):
                self._cut(now)
            self._next_slot = max(self._next_slot, self._open_at)  # paced from the gate on
            state = self._state(now)
            callbacks = list(self._callbacks)
            delay = base * (1 + self.jitter * self._rng())
        for callback in callbacks:
            callback(state)
        return delay

    def _cut(self, now: float) -> None:
        """Halve the pace, unless the last cut lowered what got through with it."""
        asked = sum(1 for t in self._sent if now - 1.0 <= t <= now)
        through = float(max(0, asked - len(self._refusals_at)))
        current = self._rate_at(now)
        before = self._through_at_cut
        if current is not None and before is not None and through < HELPS * before:
            self._blind = True  # refused whatever the pace: lift it, the gate still holds
            self._rate = self._through_at_cut = None
            return
        self._rate = max(self.min_rate, (current or float(asked)) / 2)
        # What got through is judged between paced rounds only: when an unpaced burst is cut,
        # the refusals of most of its requests are still on their way.
        self._through_at_cut = through if current is not None else None
        self._cut_at = now

    def _rate_at(self, now: float) -> float | None:
        """The pace now: the rate set at the last cut, grown since; None once lifted."""
        if self._rate is None or now - self._refused_at > self.recovery:
            return None  # no 429 for a while: the pace is lifted
        return self._rate * (1 + constants.RATE_LIMIT_GROWTH * (now - self._cut_at))

    @property
    def open_at(self) -> float:
        """The monotonic time before which nothing is sent (a ``Retry-After`` met)."""
        return self._open_at

    # -- what a batch engine reads ---------------------------------------------------------------

    def state(self) -> Throttle:
        with self._lock:
            return self._state(self._clock())

    def _state(self, now: float) -> Throttle:
        limited = now - self._refused_at <= self.recovery
        return Throttle(limited, self._rate_at(now), self._open_at, self._refusals)

    def subscribe(self, callback: ThrottleCallback) -> Callable[[], None]:
        """Call ``callback(state)`` on every 429 any call of the client meets (in that call's
        thread or task; keep it quick); returns the function that unsubscribes it."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe
