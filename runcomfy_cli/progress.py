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
from dataclasses import dataclass
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
                line = f"\r\033[K{SPINNER[frame % len(SPINNER)]} {self.text}  {elapsed:.0f}s"
            self.stream.write(line)
            self.stream.flush()
            frame += 1

    def update(self, text: str) -> None:
        with self._lock:
            changed = text != self.text
            self.text = text
        if changed and not self.live and not self.quiet:
            print(text, file=self.stream, flush=True)

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


@dataclass
class Counts:
    """Where each line of a batch stands; ``queued`` lines have not been started yet."""

    total: int = 0
    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0

    def bar(self, width: int = 24) -> str:
        finished = self.done + self.failed + self.skipped
        filled = round(width * finished / self.total) if self.total else 0
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {finished}/{self.total}  "
            f"done {self.done}  failed {self.failed}  skipped {self.skipped}  "
            f"running {self.running}  queued {self.queued}"
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
