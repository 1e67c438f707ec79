"""How many submits a batch sends at once, lowered under rate limits and raised again slowly.

:class:`Window` is the decision, pure: halve on a 429 (at most once per ``cooldown`` seconds,
so one burst of refusals counts once), add one after a window's worth of submits answered
without one (additive increase: from 8 back to 64 takes about 2,000 clean submits), never below
an eighth of the batch's ``concurrency`` (at least 1) nor above it. The floor keeps a batch
moving where 429s come whatever the rate (a quota, a server refusing a share of all submits):
below it, fewer submits at once would buy nothing but time. :class:`Gate` makes submits wait
for room.

Where a refusal is seen: the client's rate limiter (``runcomfy_runtime.throttle``), shared by
every call of the client, tells its subscribers of every 429 (the engine's window narrows); it
also paces the calls themselves and makes a refused submit wait for its slot (a 429 creates no
job). A submit answered at its first attempt while the limiter no longer limits is a clean
answer (the window grows). One that still ends in ``RateLimitError`` is sent again later.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from runcomfy_runtime.batch.outcomes import Throttling

FLOOR_SHARE = 8  # the window never falls below concurrency // 8 (and 1)


@dataclass
class Window:
    """The number of submits allowed at once."""

    limit: int
    cooldown: float = 1.0
    clock: Callable[[], float] = time.monotonic
    size: int = 0
    clean: int = 0  # submits answered without a 429 since the window last changed
    floor: int = 1
    last_cut: float = float("-inf")
    seen: Throttling = field(default_factory=Throttling)

    def __post_init__(self) -> None:
        self.size = self.size or self.limit
        self.floor = max(1, self.limit // FLOOR_SHARE)
        self.seen = Throttling(start=self.limit, lowest=self.size, now=self.size)

    def refused(self, times: int = 1) -> None:
        """Submits were answered 429 ``times`` times."""
        if times <= 0:
            return
        self.seen.refused += times
        now = self.clock()
        if now - self.last_cut < self.cooldown:
            return
        self.last_cut = now
        self.clean = 0
        self.size = max(self.floor, self.size // 2)
        self.seen.lowest = min(self.seen.lowest, self.size)
        self.seen.now = self.size

    def answered(self) -> None:
        """A submit was answered without a 429."""
        self.clean += 1
        if self.clean >= self.size and self.size < self.limit:
            self.size += 1
            self.clean = 0
            self.seen.now = self.size


class Gate:
    """Submits wait here for room in the window."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.active = 0
        self._room = asyncio.Condition()

    async def __aenter__(self) -> None:
        async with self._room:
            await self._room.wait_for(lambda: self.active < self.window.size)
            self.active += 1

    async def __aexit__(self, *exc: object) -> None:
        async with self._room:
            self.active -= 1
            self._room.notify_all()

    async def changed(self) -> None:
        """The window grew: let waiting submits look again."""
        async with self._room:
            self._room.notify_all()
