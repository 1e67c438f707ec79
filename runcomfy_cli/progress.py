"""What the user watches while waiting: a redrawn line on a terminal, plain lines otherwise.

On a terminal a spinner (one job) or a bar (a batch) is redrawn in place on stderr; piped into a
file or a CI log the same events become one plain line each, so logs stay readable. Standard
output is left to results (paths, ids, JSON), which scripts read.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from runcomfy_runtime.results import Status

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
REDRAW_SECONDS = 0.1


class StatusLine:
    """Status changes of one job: a spinner with the elapsed time, or a line per change."""

    def __init__(
        self,
        stream: TextIO,
        *,
        live: bool,
        quiet: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.live = live and not quiet
        self.quiet = quiet
        self.clock = clock
        self.started = clock()
        self.text = "submitting"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StatusLine:
        if self.live:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop and erase the spinner (before printing results); safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _spin(self) -> None:
        frame = 0
        while not self._stop.wait(REDRAW_SECONDS):
            with self._lock:
                elapsed = self.clock() - self.started
                line = (
                    f"\r\033[K{SPINNER[frame % len(SPINNER)]} {self.text}  "
                    f"{clock_time(elapsed)} elapsed"
                )
            self.stream.write(line)
            self.stream.flush()
            frame += 1

    def update(self, text: str) -> None:
        """A new state; without a terminal, one line each, with the time since the start."""
        with self._lock:
            changed = text != self.text
            self.text = text
        if changed and not self.live and not self.quiet:
            elapsed = clock_time(self.clock() - self.started)
            print(f"{text}  ({elapsed} elapsed)", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        """A line that stays (the price, say), above the spinner; nothing when quiet."""
        if self.quiet:
            return
        with self._lock:
            self.stream.write(("\r\033[K" if self.live else "") + text + "\n")
            self.stream.flush()

    def on_status(self, status: Status) -> None:
        """A ``StatusCallback`` for ``Job.wait``."""
        self.update(f"{status.request_id}: {status}")

    def on_download(self, url: str, done: int, total: int | None) -> None:
        """A ``ProgressCallback`` for downloads; only drawn live (a line per chunk is noise)."""
        if self.live:
            size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
            with self._lock:
                self.text = f"downloading {url.rsplit('/', 1)[-1]}  {size}"


def clock_time(seconds: float) -> str:
    """``75`` -> ``1:15``; ``3725`` -> ``1:02:05``: elapsed times and ETAs as people read them."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


ENDED_AS: dict[str, str] = {
    "succeeded": "done",
    "failed": "failed",
    "ambiguous": "ambiguous",
    "changed": "changed",
    "pending": "pending",
    "not_started": "not started",
    "skipped": "skipped",
    "over_budget": "over budget",
}
"""A line's outcome (the summary's kind) -> the word the bar counts it under: the bar and the
summary say the same thing of each line (``ambiguous`` is never shown as ``failed``)."""
ALWAYS_SHOWN = ("done", "failed", "skipped")


@dataclass
class Counts:
    """Where each line of a batch stands; ``queued`` lines have not been started yet, ``ended``
    counts finished lines by the word of :data:`ENDED_AS`. ``started`` (a ``clock()`` reading)
    is when the run began, for elapsed time, rate and ETA."""

    total: int = 0
    queued: int = 0
    running: int = 0
    ended: dict[str, int] = field(default_factory=dict)
    started: float | None = None
    ended_at_start: int = 0  # lines already ended when the run began (invalid, resumed)
    clock: Callable[[], float] = time.monotonic

    def end(self, kind: str) -> None:
        """One line ended as ``kind`` (an outcome's kind: ``succeeded``, ``ambiguous``...)."""
        word = ENDED_AS.get(kind, kind)
        self.ended[word] = self.ended.get(word, 0) + 1

    @property
    def finished(self) -> int:
        return sum(self.ended.values())

    def start(self) -> None:
        self.started = self.clock()
        self.ended_at_start = self.finished

    def timing(self) -> str:
        """``0:32 elapsed, 0.38 lines/s, ETA 1:14``; the ETA is ``?`` until a line ends."""
        if self.started is None:
            return ""
        elapsed = self.clock() - self.started
        ended = self.finished - self.ended_at_start
        rate = ended / elapsed if elapsed > 0 else 0.0
        left = self.total - self.finished
        eta = clock_time(left / rate) if rate > 0 else "?"
        return f"{clock_time(elapsed)} elapsed, {rate:.2f} lines/s, ETA {eta if left else '0:00'}"

    def bar(self, width: int = 24) -> str:
        finished = self.finished
        filled = round(width * finished / self.total) if self.total else 0
        words = [*ALWAYS_SHOWN, *(w for w in ENDED_AS.values() if w not in ALWAYS_SHOWN)]
        shown = [
            f"{w} {self.ended.get(w, 0)}" for w in words if w in ALWAYS_SHOWN or self.ended.get(w)
        ]
        timing = self.timing()
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {finished}/{self.total}  "
            f"{'  '.join(shown)}  running {self.running}  queued {self.queued}"
            + (f"  |  {timing}" if timing else "")
        )


class BatchBar:
    """The batch's counts: redrawn in place on a terminal, a plain line every few seconds
    otherwise. Notes (a failed line, say) print above the bar and are never lost."""

    def __init__(
        self,
        stream: TextIO,
        counts: Counts,
        *,
        live: bool,
        quiet: bool = False,
        every: float = 5.0,
    ) -> None:
        self.stream = stream
        self.counts = counts
        self.quiet = quiet  # -q: nothing at all; the summary says what became of each line
        self.live = live and not quiet
        self.every = every if not self.live else 0.2
        self._task: asyncio.Task[None] | None = None

    def note(self, text: str) -> None:
        if self.quiet:
            return
        prefix = "\r\033[K" if self.live else ""
        self.stream.write(f"{prefix}{text}\n")
        self.stream.flush()

    def draw(self) -> None:
        if self.live:
            self.stream.write(f"\r\033[K{self.counts.bar()}")
        else:
            self.stream.write(self.counts.bar() + "\n")
        self.stream.flush()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            self.draw()

    def start(self) -> None:
        self.counts.start()
        if not self.quiet:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.quiet:
            return
        self.draw()
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
