"""``runcomfy batch``: one job per JSONL line, a bounded number at a time, resumable after a kill.

A fixed pool of ``concurrency`` workers takes lines from a small queue, so memory does not grow
with the file. Each line goes as far as its journal entry allows and no further back:

- no entry: validate, record ``submitting``, submit, record the request id at once;
- ``submitted``: wait (never submit again), record the outputs;
- ``finished``: download what is not on disk yet, record the paths;
- ``downloaded``: nothing; ``failed``/``submitting``/``ambiguous``: reported, and only sent again
  with ``--retry-failed``/``--resubmit-ambiguous``.

Validation runs completely *before* ``submitting`` is recorded and the submit itself sends with
``validate="off"``, so the window in which a kill leaves an unknowable job is one POST long.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runcomfy_cli.journal import Entry, Journal
from runcomfy_cli.options import json_object, local_files
from runcomfy_cli.progress import BatchBar
from runcomfy_cli.summary import Outcome, Summary
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConfigurationError,
    InputRejectedError,
    InputValidationError,
    InsufficientBalanceError,
    JobCancelled,
    JobFailed,
    NotFoundError,
    PermissionDeniedError,
    WaitTimeout,
)

if TYPE_CHECKING:
    from runcomfy_runtime.client import AsyncClient
    from runcomfy_runtime.endpoint import ValidationLevel

FATAL = (AuthenticationError, PermissionDeniedError, InsufficientBalanceError, ConfigurationError)
"""Errors no other line can escape: stop taking new lines (jobs already running are still
waited on and downloaded: they are paid for)."""


@dataclass(frozen=True)
class BatchOptions:
    model_id: str
    inputs: Path
    out: Path
    concurrency: int = 8
    validate: ValidationLevel = "full"
    timeout: float | None = None
    resubmit_ambiguous: bool = False
    retry_failed: bool = False


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of every non-blank line, numbered as an editor numbers them."""
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            if text.strip():
                yield number, text.strip()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def line_dir(out: Path, line: int) -> Path:
    return out / f"{line:06d}"


@contextlib.contextmanager
def _stopped_by_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Call ``stop`` on SIGINT/SIGTERM while inside; where the loop cannot (not the main
    thread, Windows), signals keep their default meaning."""
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


class BatchRunner:
    """Runs one batch on an async client; the journal makes every step restartable."""

    def __init__(
        self, client: AsyncClient, journal: Journal, options: BatchOptions, bar: BatchBar
    ) -> None:
        self.client = client
        self.journal = journal
        self.options = options
        self.bar = bar
        self.counts = bar.counts
        self.summary = Summary(options.model_id)
        self._sending: set[asyncio.Future[Entry | Outcome]] = set()

    async def run(self) -> Summary:
        """Every line, ``concurrency`` at a time. SIGINT/SIGTERM stop it cleanly: submits in
        flight are finished and their ids committed, waits are abandoned (a rerun resumes)."""
        self.counts.total = self.counts.queued = sum(1 for _ in read_lines(self.options.inputs))
        queue: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue(self.options.concurrency)
        tasks = [asyncio.create_task(self._worker(queue)) for _ in range(self.options.concurrency)]
        tasks.append(asyncio.create_task(self._feed(queue, self.options.concurrency)))
        self.bar.start()
        with _stopped_by_signals(lambda: self._interrupt(tasks)):
            try:
                await asyncio.gather(*tasks)
            except asyncio.CancelledError:
                if not self.summary.interrupted:
                    raise
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*self._sending, return_exceptions=True)
                await self.bar.stop()
        return self.summary

    def _interrupt(self, tasks: list[asyncio.Task[None]]) -> None:
        self.summary.interrupted = True
        for task in tasks:
            task.cancel()

    async def _feed(self, queue: asyncio.Queue[tuple[int, str] | None], workers: int) -> None:
        for item in read_lines(self.options.inputs):
            if self.summary.fatal is not None:
                break
            await queue.put(item)
        for _ in range(workers):
            await queue.put(None)

    async def _worker(self, queue: asyncio.Queue[tuple[int, str] | None]) -> None:
        while (item := await queue.get()) is not None:
            number, text = item
            if self.summary.fatal is not None:
                continue  # drain: lines not started stay unjournaled, a rerun takes them
            self.counts.queued -= 1
            self.counts.running += 1
            outcome = await self._line(number, text)
            self.counts.running -= 1
            self._record(outcome)

    def _record(self, outcome: Outcome) -> None:
        self.summary.outcomes.append(outcome)
        if outcome.kind == "succeeded":
            self.counts.done += 1
        elif outcome.kind == "skipped":
            self.counts.skipped += 1
        else:
            self.counts.failed += 1
        if outcome.kind != "succeeded":
            self.bar.note(f"line {outcome.line}: {outcome.kind}: {outcome.reason}")

    async def _line(self, number: int, text: str) -> Outcome:
        entry = self.journal.entry(number)
        if entry is not None and entry.digest != digest(text):
            return Outcome(
                number,
                "skipped",
                "the line changed since it was submitted; use a new --out for new input",
                entry.request_id,
            )
        if entry is None or self._send_again(entry):
            sent = await self._submit(number, text)
            if isinstance(sent, Outcome):
                return sent
            entry = sent
        if entry.state in ("submitting", "ambiguous"):
            reason = entry.error or "the run was killed during its submit: a job may exist"
            return Outcome(number, "ambiguous", reason)
        if entry.state == "failed":
            return Outcome(number, "failed", entry.error, entry.request_id)
        return await self._complete(entry)

    def _send_again(self, entry: Entry) -> bool:
        if entry.state in ("submitting", "ambiguous"):
            return self.options.resubmit_ambiguous
        return entry.state == "failed" and self.options.retry_failed

    async def _submit(self, number: int, text: str) -> Entry | Outcome:
        """Validate, then send; the request id is committed the moment it is known."""
        model_id = self.options.model_id
        try:
            payload = local_files(await self.client.spec(model_id), json_object(text))
            body = await self.client.validate(model_id, payload, level=self.options.validate)
        except ValueError as exc:  # InputValidationError is a ValueError too
            problems = getattr(exc, "problems", None)
            reason = "; ".join(map(str, problems)) if problems else str(exc)
            return Outcome(number, "skipped", reason)
        sending = asyncio.ensure_future(self._send(number, text, body))
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)
        return await asyncio.shield(sending)  # a stop waits for it: no id is ever dropped

    async def _send(self, number: int, text: str, body: dict[str, Any]) -> Entry | Outcome:
        self.journal.submitting(number, digest(text))
        try:
            job = await self.client.submit(self.options.model_id, body, validate="off")
        except AmbiguousSubmitError as exc:
            self.journal.ambiguous(number, str(exc))
            return Outcome(number, "ambiguous", str(exc))
        except (APIError, APIConnectionError, InputValidationError) as exc:
            self.journal.unsent(number)  # refused or never sent: no job exists
            if isinstance(exc, FATAL):
                self.summary.fatal = exc
            if isinstance(exc, InputRejectedError):
                return Outcome(number, "skipped", f"refused by the server: {exc}")
            return Outcome(number, "failed", f"not submitted: {exc}")
        self.journal.submitted(number, job.request_id)
        found = self.journal.entry(number)
        assert found is not None
        return found

    async def _complete(self, entry: Entry) -> Outcome:
        """Wait for a submitted line, then download a finished one."""
        number, request_id = entry.line, entry.request_id
        assert request_id is not None
        output = entry.output
        if entry.state == "submitted":
            try:
                result = await self.client.job(request_id).wait(self.options.timeout)
            except (JobFailed, JobCancelled, NotFoundError) as exc:
                self.journal.failed(number, str(exc))
                return Outcome(number, "failed", str(exc), request_id)
            except (WaitTimeout, APIError, APIConnectionError) as exc:
                if isinstance(exc, FATAL):
                    self.summary.fatal = exc
                return Outcome(number, "pending", str(exc), request_id)
            output = dict(result.raw.get("output") or {})
            self.journal.finished(number, output)
        if entry.state == "downloaded" and entry.paths is not None:
            return Outcome(number, "succeeded", None, request_id, tuple(entry.paths))
        try:
            paths = await self._download(number, request_id, output or {})
        except (APIError, APIConnectionError) as exc:
            return Outcome(number, "pending", f"download failed: {exc}", request_id)
        self.journal.downloaded(number, paths)
        return Outcome(number, "succeeded", None, request_id, tuple(map(str, paths)))

    async def _download(self, number: int, request_id: str, output: dict[str, Any]) -> list[Path]:
        """Every output not already saved: a file completed before a kill is never fetched
        (or written) again."""
        from runcomfy_runtime.results import Output, Result

        result = Result.from_wire(request_id, {"status": "succeeded", "output": output}, Output)
        return await self.client.download(
            result, line_dir(self.options.out, number), skip_existing=True
        )
