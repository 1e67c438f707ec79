"""``runcomfy batch``: one job per JSONL line, a bounded number at a time, resumable after a kill.

First the whole file is checked, offline (the schema stage, as ``--validate schema``): the
invalid lines are listed, with their numbers, before anything is submitted, and skipped. Then a
fixed pool of ``concurrency`` workers takes the valid lines from a small queue, so memory does
not grow with the file. Each line goes as far as its journal entry allows and no further back:

- no entry, or ``submitting`` (a submit that never left): validate (``--validate``, media
  rules included), record ``submitting``, submit, record ``sent`` before the body leaves and the
  request id the moment it is known;
- ``submitted``: wait (never submit again), record the outputs;
- ``finished``: download what is not on disk yet, record the paths;
- ``downloaded``: nothing; ``failed``/``sent``/``ambiguous``: reported, and only sent again
  with ``--retry-failed``/``--resubmit-ambiguous``.

A line fails alone, whatever it holds: any error of one line is that line's outcome. Errors no
line can escape (a refused token, an unreachable API, a journal that cannot be written) stop the
run from taking new lines; jobs already submitted are still waited on and saved.
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

from runcomfy_cli.inputs import MAX_INPUT_BYTES, json_object, local_files, wire_keys
from runcomfy_cli.journal import Entry, Journal, JournalFailure
from runcomfy_cli.progress import BatchBar
from runcomfy_cli.summary import Outcome, Summary, same_reason
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConfigurationError,
    DownloadError,
    InputRejectedError,
    InputValidationError,
    InsufficientBalanceError,
    JobCancelled,
    JobFailed,
    NoOutputError,
    NotFoundError,
    PermissionDeniedError,
    RunComfyError,
    UploadError,
    WaitTimeout,
)

if TYPE_CHECKING:
    from runcomfy_runtime.client import AsyncClient
    from runcomfy_runtime.endpoint import ValidationLevel
    from runcomfy_runtime.spec import EndpointSpec

FATAL = (
    AuthenticationError,
    PermissionDeniedError,
    InsufficientBalanceError,
    ConfigurationError,
    APIConnectionError,
)
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


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: its number (as an editor counts), its text, or why it has none."""

    number: int
    text: str
    problem: str | None = None


def read_lines(path: Path) -> Iterator[Line]:
    """Every non-blank line, each read bounded (:data:`MAX_INPUT_BYTES`) and decoded alone: a
    line too long or not UTF-8 is a line with a problem, not the end of the batch."""
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(MAX_INPUT_BYTES + 1):
            number += 1
            if len(raw) > MAX_INPUT_BYTES:
                while raw and not raw.endswith(b"\n"):  # the rest of the line, unkept
                    raw = handle.readline(1 << 20)
                yield Line(number, "", f"the line is longer than {MAX_INPUT_BYTES >> 20} MiB")
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
            except UnicodeDecodeError as exc:
                yield Line(number, "", f"not UTF-8 text (byte {exc.start} cannot be decoded)")
                continue
            if text:
                yield Line(number, text)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def line_dir(out: Path, line: int) -> Path:
    return out / f"{line:06d}"


def _reason(exc: BaseException) -> str:
    problems = getattr(exc, "problems", None)
    return "; ".join(map(str, problems)) if problems else str(exc)


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
        self,
        client: AsyncClient,
        journal: Journal,
        options: BatchOptions,
        bar: BatchBar,
        *,
        spec: EndpointSpec | None = None,
        explain: Callable[[BaseException], str] = str,
    ) -> None:
        self.client = client
        self.journal = journal
        self.options = options
        self.bar = bar
        self.counts = bar.counts
        self.spec = spec
        self.explain = explain
        self.summary = Summary(options.model_id)
        self.numbers: list[int] = []
        self.invalid: dict[int, str] = {}
        self._sending: set[asyncio.Future[Entry | Outcome]] = set()
        self._noted: set[tuple[str, str]] = set()
        self._tasks: list[asyncio.Task[None]] = []

    async def run(self) -> Summary:
        """Check every line, then run the valid ones, ``concurrency`` at a time. SIGINT/SIGTERM
        stop it cleanly: submits in flight are finished and their ids committed, waits are
        abandoned (a rerun resumes)."""
        with _stopped_by_signals(self._interrupt):
            try:
                if self.spec is None:
                    self.spec = await self.client.spec(self.options.model_id)
                await self._check_all()
                if not self.summary.interrupted:
                    await self._run_valid()
            finally:
                self._finalize()
        return self.summary

    def _interrupt(self) -> None:
        self.summary.interrupted = True
        for task in self._tasks:
            task.cancel()

    # -- the check of the whole file ------------------------------------------------------------

    def _payload(self, text: str) -> dict[str, Any]:
        assert self.spec is not None
        return local_files(self.spec, wire_keys(self.spec, json_object(text)))

    async def _check_all(self) -> None:
        """Every line not yet in the journal, checked offline; the invalid ones listed first."""
        level: ValidationLevel = "off" if self.options.validate == "off" else "schema"
        for line in read_lines(self.options.inputs):
            if self.summary.interrupted:
                return
            self.numbers.append(line.number)
            reason = line.problem
            if reason is None and self.journal.entry(line.number) is None:
                reason = await self._invalid(line.text, level)
            if reason is not None:
                self.invalid[line.number] = reason
            await asyncio.sleep(0)  # let a Ctrl-C in
        self.counts.total = len(self.numbers)
        self.counts.queued = len(self.numbers) - len(self.invalid)
        if self.invalid:
            self.bar.note(f"{len(self.invalid)} invalid lines, skipped (nothing was sent):")
        for number, reason in sorted(self.invalid.items()):
            self._record(Outcome(number, "skipped", reason), note=f"  line {number}: {reason}")

    async def _invalid(self, text: str, level: ValidationLevel) -> str | None:
        try:
            await self.client.validate(self.options.model_id, self._payload(text), level=level)
        except ValueError as exc:  # not JSON, not an object, invalid (InputValidationError)
            return _reason(exc)
        except RunComfyError:
            raise  # not this line's: the spec cannot be had
        except Exception as exc:  # whatever it holds, a line fails alone
            return f"cannot be checked: {type(exc).__name__}: {exc}"
        return None

    # -- the run ------------------------------------------------------------------------------

    async def _run_valid(self) -> None:
        workers = self.options.concurrency
        queue: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue(workers)
        self._tasks = [asyncio.create_task(self._worker(queue)) for _ in range(workers)]
        self._tasks.append(asyncio.create_task(self._feed(queue, workers)))
        self.bar.start()
        try:
            await asyncio.gather(*self._tasks)
        except asyncio.CancelledError:
            if not self.summary.interrupted:
                raise
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._sending, return_exceptions=True)
            await self.bar.stop()

    async def _feed(self, queue: asyncio.Queue[tuple[int, str] | None], workers: int) -> None:
        for line in read_lines(self.options.inputs):
            if self.summary.fatal is not None:
                break
            if line.number not in self.invalid and line.problem is None:
                await queue.put((line.number, line.text))
        for _ in range(workers):
            await queue.put(None)

    async def _worker(self, queue: asyncio.Queue[tuple[int, str] | None]) -> None:
        while (item := await queue.get()) is not None:
            number, text = item
            if self.summary.fatal is not None:
                continue  # drain: lines not started stay unjournaled, a rerun takes them
            self.counts.queued -= 1
            self.counts.running += 1
            try:
                outcome: Outcome | None = await self._line(number, text)
            except JournalFailure as exc:
                self._fatal(exc)
                outcome = None  # the journal says what became of it, if it can
            except Exception as exc:  # whatever it holds, a line fails alone
                outcome = self._unexpected(number, exc)
            self.counts.running -= 1
            if outcome is not None:
                self._record(outcome)

    def _unexpected(self, number: int, exc: Exception) -> Outcome:
        reason = f"unexpected error: {type(exc).__name__}: {exc}"
        try:
            entry = self.journal.entry(number)
        except JournalFailure:
            entry = None
        if entry is not None and entry.request_id:
            return Outcome(number, "pending", reason, entry.request_id)
        return Outcome(number, "failed", reason)

    def _fatal(self, exc: BaseException) -> None:
        if self.summary.fatal is None:
            self.summary.fatal = exc
            self.summary.fatal_message = (
                str(exc) if isinstance(exc, JournalFailure) else (self.explain(exc))
            )

    def _record(self, outcome: Outcome, note: str | None = None) -> None:
        """Count ``outcome``; a line that did not succeed is noted, once per distinct reason
        (the summary lists every line of it)."""
        self.summary.outcomes.append(outcome)
        self.counts.end(outcome.kind)
        if outcome.kind == "succeeded":
            return
        key = (outcome.kind, same_reason(outcome.reason))
        fatal = self.summary.fatal_message
        if key in self._noted or (fatal and fatal in (outcome.reason or "")):
            return  # said once: here, or at the end for what stopped the run
        self._noted.add(key)
        self.bar.note(note or f"line {outcome.line}: {outcome.kind}: {outcome.reason}")

    def _finalize(self) -> None:
        """What the journal holds of every line this run did not finish: pending, ambiguous,
        not started. The counts then add up to the lines of the file."""
        done = {o.line for o in self.summary.outcomes}
        for number in self.numbers:
            if number in done:
                continue
            try:
                entry = self.journal.entry(number)
            except JournalFailure:
                entry = None
            self.summary.outcomes.append(_left(number, entry))

    async def _line(self, number: int, text: str) -> Outcome:
        entry = self.journal.entry(number)
        if entry is not None and entry.digest != digest(text) and entry.state != "submitting":
            what = f"request id {entry.request_id}" if entry.request_id else f"{entry.state}"
            return Outcome(
                number,
                "changed",
                f"changed since it was submitted ({what}); use a new --out for new input",
                entry.request_id,
            )
        if entry is None or self._send_again(entry):
            sent = await self._submit(number, text)
            if isinstance(sent, Outcome):
                return sent
            entry = sent
        if entry.state in ("sent", "ambiguous"):
            reason = entry.error or "the run stopped during its submit: a job may exist"
            return Outcome(number, "ambiguous", reason)
        if entry.state == "failed":
            return Outcome(number, "failed", entry.error, entry.request_id)
        return await self._complete(entry)

    def _send_again(self, entry: Entry) -> bool:
        if entry.state == "submitting":
            return True  # its body never left: no job exists
        if entry.state in ("sent", "ambiguous"):
            return self.options.resubmit_ambiguous
        return entry.state == "failed" and self.options.retry_failed

    async def _submit(self, number: int, text: str) -> Entry | Outcome:
        """Validate, then send; the request id is committed the moment it is known."""
        model_id = self.options.model_id
        try:
            body = await self.client.validate(
                model_id, self._payload(text), level=self.options.validate
            )
        except ValueError as exc:  # InputValidationError is a ValueError too
            return Outcome(number, "skipped", _reason(exc))
        sending = asyncio.ensure_future(self._send(number, text, body))
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)
        return await asyncio.shield(sending)  # a stop waits for it: no id is ever dropped

    async def _send(self, number: int, text: str, body: dict[str, Any]) -> Entry | Outcome:
        self.journal.submitting(number, digest(text))
        sent = False

        def on_sent() -> None:  # before the body's first byte: see the journal's note
            nonlocal sent
            self.journal.sent(number)
            sent = True

        try:
            job = await self.client.submit(
                self.options.model_id, body, validate="off", on_sent=on_sent
            )
        except AmbiguousSubmitError as exc:
            self.journal.ambiguous(number, str(exc))
            return Outcome(number, "ambiguous", str(exc))
        except (APIError, APIConnectionError, InputValidationError, UploadError) as exc:
            self.journal.unsent(number)  # refused, or never sent: no job exists
            if isinstance(exc, FATAL):
                self._fatal(exc)
            if isinstance(exc, InputRejectedError):
                return Outcome(number, "skipped", f"refused by the server: {exc}")
            return Outcome(number, "failed", f"not submitted: {self.explain(exc)}")
        except JournalFailure:
            raise
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if sent:
                self.journal.ambiguous(
                    number, f"unexpected error after the submit was sent: {reason}"
                )
                return Outcome(number, "ambiguous", f"unexpected error after the send: {reason}")
            self.journal.unsent(number)
            return Outcome(number, "failed", f"not submitted: unexpected error: {reason}")
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
            except (JobFailed, JobCancelled, NotFoundError, NoOutputError) as exc:
                self.journal.failed(number, str(exc))
                return Outcome(number, "failed", str(exc), request_id)
            except (WaitTimeout, APIError, APIConnectionError) as exc:
                if isinstance(exc, FATAL):
                    self._fatal(exc)
                return Outcome(number, "pending", self.explain(exc), request_id)
            output = dict(result.raw.get("output") or {})
            self.journal.finished(number, output)
        if entry.state == "downloaded" and entry.paths is not None:
            return Outcome(number, "succeeded", None, request_id, tuple(entry.paths))
        try:
            paths = await self._download(number, request_id, output or {})
        except (APIError, APIConnectionError, DownloadError, OSError) as exc:
            why = exc.reason if isinstance(exc, DownloadError) else self.explain(exc)
            return Outcome(number, "pending", f"download failed: {why}", request_id)
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


def _left(number: int, entry: Entry | None) -> Outcome:
    """The outcome of a line this run did not finish, from what the journal holds."""
    if entry is None:
        return Outcome(number, "not_started")
    if entry.state == "submitting":
        return Outcome(number, "not_started", "its submit never left; the next run sends it")
    if entry.state in ("sent", "ambiguous"):
        reason = entry.error or "the run stopped during its submit: a job may exist"
        return Outcome(number, "ambiguous", reason)
    if entry.state == "failed":
        return Outcome(number, "failed", entry.error, entry.request_id)
    if entry.state == "downloaded":
        return Outcome(number, "succeeded", None, entry.request_id, tuple(entry.paths or ()))
    return Outcome(number, "pending", None, entry.request_id)
