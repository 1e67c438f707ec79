"""The batch engine: every payload checked first, then ``concurrency`` jobs at a time, each
payload's end an :class:`~runcomfy_runtime.batch.outcomes.Outcome`, in completion order.

It is written once, async, on the async client's public calls (``spec``, ``model``,
``validate``, ``submit(on_sent=...)``, ``job(id).wait``, ``download``); ``client.map``,
``aclient.map``, the typed endpoints' ``map`` and ``runcomfy batch`` all drive it.

1. The check (in a thread of its own: a stop is seen at once, however long one payload
   takes): every payload not yet recorded is checked offline; the invalid ones are reported
   first and never sent. Each valid payload's cost is estimated from the catalog's price.
2. The run: payloads in order, each going as far as its record allows (``plan.decide``): submit
   (validated again at ``validate``, media probes included), wait, save. A payload's failure is
   its outcome. Errors no payload escapes (a refused token, an unreachable API, a journal that
   cannot be written) stop the taking of new payloads; jobs already submitted are still waited
   on and saved, since they are paid for.
3. The end: what the record holds of every payload this run did not finish (``plan.left``).

Limits: submits wait for room in the throttle window (``throttle``), and for the budget
(``budget``): a payload that would pass ``max_cost`` is not sent, nor is any after it.
A stop (``stop()``: SIGINT/SIGTERM in the CLI, closing a ``map``) sends nothing more: it lets
submits in the air finish so their ids are recorded, drops those still waiting to leave (for
room, a slot, out a 429), and abandons the waits (a rerun resumes).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from runcomfy_runtime.batch.background import in_background
from runcomfy_runtime.batch.budget import Budget, over_cap, resume
from runcomfy_runtime.batch.check import Check, reason_of
from runcomfy_runtime.batch.outcomes import Kind, Outcome, OutputT, Totals
from runcomfy_runtime.batch.plan import Choices, Decision, decide, left
from runcomfy_runtime.batch.records import Entry, Ledger, MemoryLedger
from runcomfy_runtime.batch.settings import BatchSettings, Item, Source
from runcomfy_runtime.batch.throttle import Gate, Window
from runcomfy_runtime.batch.watching import LogWatcher, Watcher
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    AuthenticationError,
    BatchFolderError,
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
    RateLimitError,
    UploadError,
    WaitTimeout,
)
from runcomfy_runtime.results import Output, Result

if TYPE_CHECKING:
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.client import AsyncClient
    from runcomfy_runtime.spec import EndpointSpec
    from runcomfy_runtime.throttle import Throttle

FATAL = (
    AuthenticationError,
    PermissionDeniedError,
    InsufficientBalanceError,
    ConfigurationError,
    APIConnectionError,
)
"""Errors no other payload can escape: stop taking new payloads (jobs already running are
still waited on and saved: they are paid for)."""

RATE_LIMIT_PAUSE = 1.0  # seconds before a submit refused by 429 (after the client's retries)

_END = object()

T = TypeVar("T")


class Engine(Generic[OutputT]):
    """One run of a batch of ``model_id`` over ``source``; iterate :meth:`outcomes` once."""

    def __init__(
        self,
        client: AsyncClient,
        model_id: str,
        source: Source,
        settings: BatchSettings,
        *,
        output: type[OutputT],
        spec: EndpointSpec | None = None,
        entry: CatalogEntry | None = None,
        watcher: Watcher | None = None,
        explain: Callable[[BaseException], str] = str,
    ) -> None:
        self.client = client
        self.model_id = model_id
        self.source = source
        self.settings = settings
        self.output = output
        self.spec = spec
        self.entry = entry  # the catalog's entry (the price), when the caller has it
        self.watcher: Watcher = watcher or LogWatcher()
        self.explain = explain
        self.choices = Choices(
            settings.resubmit_ambiguous, settings.retry_failed, save=settings.out is not None
        )
        self.totals = Totals(max_cost=settings.max_cost)
        self.budget = Budget(settings.max_cost)
        self.window = Window(settings.concurrency)
        self.totals.throttling = self.window.seen
        self.interrupted = False
        self.fatal: BaseException | None = None
        self.fatal_message: str | None = None
        self.ledger: Ledger = MemoryLedger()
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self.checked = Check(client, spec, entry, settings.validate, set())  # until the check
        self._done: set[int] = set()
        self._held: dict[int, float | None] = {}
        self._budget_changed = asyncio.Event()
        self._over_budget = False
        self._gate = Gate(self.window)
        self._tasks: list[asyncio.Future[Any]] = []
        self._sending: set[asyncio.Future[Any]] = set()
        # Sends whose next request has not left: waiting for room, for a slot of the rate
        # limiter, or out a 429. A stop cancels these at once; the rest have their answer due.
        self._grounded: set[asyncio.Future[Any]] = set()
        self._over = False

    # -- the face's side -------------------------------------------------------------------------

    async def next(self) -> Outcome[Any, OutputT] | None:
        """The next outcome, or None at the end (the run's error, if one ended it, is raised)."""
        found = await self._queue.get()
        if found is _END:
            self._queue.put_nowait(_END)  # every later call ends too
            return None
        if isinstance(found, BaseException):
            self._queue.put_nowait(_END)
            raise found
        outcome: Outcome[Any, OutputT] = found
        return outcome

    def unread(self) -> list[Outcome[Any, OutputT]]:
        """The outcomes made but not yet taken with :meth:`next` (after a stop: what became of
        the payloads not finished, request ids of the jobs left running included)."""
        found: list[Outcome[Any, OutputT]] = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if isinstance(item, Outcome):
                found.append(item)
        self._queue.put_nowait(_END)
        return found

    def stop(self) -> None:
        """Send nothing more: submits in the air finish (their ids are recorded), those still
        waiting to leave are dropped, waits are abandoned. Safe to call at any time, more than
        once; nothing once the run is over."""
        if self._over:
            return
        self.interrupted = True
        for task in [*self._tasks, *self._grounded]:
            task.cancel()

    async def run(self) -> None:
        """The whole run; outcomes go to :meth:`next`. Errors that stop it before any payload
        is taken (an unknown model, an unusable folder) are raised from :meth:`next`."""
        try:
            with ExitStack() as stack:
                stack.callback(self._listen_for_refusals())
                await self._prepare(stack)
                await self._check()
                if not self.interrupted and not self.settings.dry_run:
                    self._load_budget()
                    await self._run()
                self._finish()
        except asyncio.CancelledError:
            self._queue.put_nowait(_END)
            raise
        except BaseException as exc:
            self._over = True
            self._queue.put_nowait(exc)
            return
        self._over = True
        self._queue.put_nowait(_END)

    # -- preparing -------------------------------------------------------------------------------

    def _listen_for_refusals(self) -> Callable[[], None]:
        """Every 429 the client meets (any call of it: the limit is the account's) narrows the
        window; the limiter calls from the refused call's thread, so the change is made on
        this loop. Returns what stops listening."""
        loop = asyncio.get_running_loop()

        def refused(state: Throttle) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: the run is over
                loop.call_soon_threadsafe(self.window.refused)
            with contextlib.suppress(RuntimeError):  # another thread: not a send of ours
                task = asyncio.current_task()
                if task in self._sending:
                    self._grounded.add(task)  # its 429 is in: the next try has not left
                    if self.interrupted:
                        task.cancel()  # stopped while it was in the air: not sent again

        return self.client.rate_limiter.subscribe(refused)

    async def _prepare(self, stack: ExitStack) -> None:
        if self.spec is None:
            self.spec = await self.client.spec(self.model_id)
        self.client._specs.setdefault(self.model_id, self.spec)  # validated without a lookup
        if self.entry is None:
            self.entry = await self._catalog_entry()
        out = self.settings.out
        if out is None:
            return
        from runcomfy_runtime.batch.journal import FILENAME, Journal  # sqlite3, on use
        from runcomfy_runtime.batch.lock import holding

        if self.settings.dry_run and not (out / FILENAME).exists():
            return  # a dry run creates nothing
        out.mkdir(parents=True, exist_ok=True)
        stack.enter_context(holding(out, self.settings.option))
        journal = Journal.open(out, self.model_id, self.settings.option)
        stack.callback(journal.close)
        self.ledger = journal

    async def _catalog_entry(self) -> CatalogEntry | None:
        """The model's catalog entry, for its price; None when the catalog cannot say (an
        estimate then says why there is none)."""
        try:
            return await self.client.model(self.model_id)
        except (AuthenticationError, PermissionDeniedError):
            raise
        except (APIError, APIConnectionError):
            return None

    # -- 1. the check ----------------------------------------------------------------------------

    async def _check(self) -> None:
        assert self.spec is not None
        known = {entry.line for entry in self.ledger.entries()}
        check = Check(
            self.client, self.spec, self.entry, self.settings.validate, known,
            keep_bases=self.settings.dry_run,
        )  # fmt: skip
        work = asyncio.ensure_future(
            in_background(lambda stop: check.run(self.source, stop), "runcomfy-check")
        )
        self._tasks = [work]
        try:
            await work
        except asyncio.CancelledError:
            if not self.interrupted:
                raise
            return
        finally:
            self._tasks = []
            self.checked = check
        self.watcher.checked(check.total, check.invalid)
        for index, reason in sorted(check.invalid.items()):
            payload, error = check.given.get(index), check.errors.get(index)
            self._emit(Outcome(index, "skipped", payload, reason=reason, error=error))

    def was_invalid(self, index: int) -> bool:
        """Payload ``index`` failed the check (its outcome is ``skipped``)."""
        return index in self.checked.invalid

    # -- 2. the run ------------------------------------------------------------------------------

    def _load_budget(self) -> None:
        """What earlier runs of the folder spent, and the jobs they left in flight."""
        self._held.update(resume(self.budget, self.ledger.entries()))
        self.totals.charged += sum(e.cost for e in self.ledger.entries() if e.cost is not None)
        self._account()
        if self.settings.max_cost is not None:
            to_send = [
                self.checked.estimates[index]
                for index in sorted(self.checked.estimates)
                if self.ledger.entry(index + 1) is None
            ]
            said = over_cap(self.budget, to_send)
            if said is not None:
                self.watcher.note(said)

    async def _run(self) -> None:
        workers = self.settings.concurrency
        queue: asyncio.Queue[Item | None] = asyncio.Queue(workers)
        self._tasks = [asyncio.ensure_future(self._worker(queue)) for _ in range(workers)]
        self._tasks.append(asyncio.ensure_future(self._feed(queue, workers)))
        try:
            await asyncio.gather(*self._tasks)
        except asyncio.CancelledError:
            if not self.interrupted:
                raise
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._sending, return_exceptions=True)
            self._tasks = []

    async def _feed(self, queue: asyncio.Queue[Item | None], workers: int) -> None:
        for item in self.source.items():
            if self.fatal is not None:
                break
            if item.index in self.checked.invalid:
                continue
            entry = self.ledger.entry(item.line)
            needs_submit = decide(entry, item.digests, self.choices).step == "submit"
            if needs_submit and not await self._admitted(item):
                continue
            await queue.put(item)
        for _ in range(workers):
            await queue.put(None)

    async def _admitted(self, item: Item) -> bool:
        """Room in the budget for ``item``'s submit, waiting for jobs in flight to settle; an
        over-budget outcome when there never will be, for it and every later submit."""
        estimate = self.checked.estimates.get(item.index)
        while not self._over_budget:
            admission = self.budget.admit(estimate)
            if admission == "go":
                self._held[item.line] = self.budget.start(estimate)
                return True
            if admission == "stop":
                self._over_budget = True
                break
            self._budget_changed.clear()
            await self._budget_changed.wait()
        cap = self.settings.max_cost or 0.0
        cost = self.budget.cost_of(estimate)
        said = f"${cost:.2f}" if cost is not None else "of unknown cost"
        reason = f"not sent: its job ({said}) would pass max_cost ${cap:.2f}"
        if self.budget.unknown:
            reason = "not sent: a job's cost could not be known, so max_cost cannot be held"
        self._emit(Outcome(item.index, "over_budget", item.payload, reason=reason, estimate=cost))
        return False

    async def _worker(self, queue: asyncio.Queue[Item | None]) -> None:
        while (item := await queue.get()) is not None:
            if self.fatal is not None and self.ledger.entry(item.line) is None:
                self._release(item.line, None, created=False)
                continue  # drain: payloads not started stay unrecorded, a rerun takes them
            self.watcher.started(item.index)
            try:
                outcome: Outcome[Any, OutputT] | None = await self._one(item)
            except BatchFolderError as exc:
                self._stop_taking(exc)
                outcome = None  # the record says what became of it, if it can
            except Exception as exc:  # whatever it holds, a payload fails alone
                outcome = self._unexpected(item, exc)
            self.watcher.ended(item.index)
            if outcome is not None:
                self._emit(outcome)

    async def _one(self, item: Item) -> Outcome[Any, OutputT]:
        """Take ``item`` as far as its record allows."""
        entry = self.ledger.entry(item.line)
        attempted = False
        result: Result[OutputT] | None = None
        while True:
            decision = decide(entry, item.digests, self.choices, attempted=attempted)
            if decision.step == "report":
                return self._reported(item, entry, decision, result)
            if decision.step == "submit":
                attempted = True
                sent = await self._submit(item)
                if isinstance(sent, Outcome):
                    return sent
                entry = sent
            elif decision.step == "wait":
                assert entry is not None
                waited = await self._wait(item, entry)
                if isinstance(waited, Outcome):
                    return waited
                entry, result = waited
            else:
                assert entry is not None
                return await self._save(item, entry, result)

    def _reported(
        self,
        item: Item,
        entry: Entry | None,
        decision: Decision,
        result: Result[OutputT] | None,
    ) -> Outcome[Any, OutputT]:
        kind: Kind = decision.kind or "failed"
        reason = decision.reason
        if kind == "changed":
            reason = f"{reason}; use a new {self.settings.option} for new input"
        rid = entry.request_id if entry is not None else None
        if kind == "succeeded" and entry is not None:
            return self._succeeded(item, entry, result)
        error: Exception | None = None
        if kind == "ambiguous":
            error = AmbiguousSubmitError(self.model_id, reason or "a job may exist")
        return Outcome(
            item.index,
            kind,
            item.payload,
            rid,
            reason=reason,
            error=error,
            cost=entry.cost if entry is not None else None,
            estimate=entry.estimate if entry is not None else None,
        )

    def _succeeded(
        self, item: Item, entry: Entry, result: Result[OutputT] | None
    ) -> Outcome[Any, OutputT]:
        from pathlib import Path

        assert entry.request_id is not None
        if result is None:  # from the record: the output as the server gave it
            body = {"status": "succeeded", "output": entry.output or {}, "cost": entry.cost}
            result = Result.from_wire(entry.request_id, body, self.output)
        return Outcome(
            item.index,
            "succeeded",
            item.payload,
            entry.request_id,
            result,
            paths=tuple(Path(p) for p in entry.paths or ()),
            cost=entry.cost,
            estimate=entry.estimate,
        )

    # -- submit ----------------------------------------------------------------------------------

    async def _submit(self, item: Item) -> Entry | Outcome[Any, OutputT]:
        """Validate at ``validate``, then send; the request id is recorded the moment it is
        known. A stop waits for a send in flight: no id is ever dropped."""
        try:
            body = await self.client.validate(
                self.model_id, item.payload, level=self.settings.validate
            )
        except ValueError as exc:  # InputValidationError is a ValueError too
            self._release(item.line, None, created=False)
            return Outcome(item.index, "skipped", item.payload, reason=reason_of(exc), error=exc)
        sending = asyncio.ensure_future(self._send(item, body))
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)
        found: Entry | Outcome[Any, OutputT] = await asyncio.shield(sending)
        return found

    async def _send(self, item: Item, body: dict[str, Any]) -> Entry | Outcome[Any, OutputT]:
        task = asyncio.current_task()
        assert task is not None
        self._grounded.add(task)
        submitting = False  # the record says "submitting" (or "sent", then refused with 429)
        try:
            while True:
                async with self._gate:
                    if self.interrupted or self.fatal is not None:
                        break
                    submitting = True
                    found = await self._send_once(item, body, task)
                    submitting = False
                if found is not None:
                    return found
                self._grounded.add(task)
                await asyncio.sleep(RATE_LIMIT_PAUSE * (0.5 + random.random()))
        except asyncio.CancelledError:
            if task not in self._grounded:
                raise  # cancelled in the air (not by a stop): the record says "sent"
            if submitting:
                self.ledger.unsent(item.line)  # it never left, or its answer was a 429
        finally:
            self._grounded.discard(task)
        self._release(item.line, None, created=False)
        return Outcome(item.index, "not_started", item.payload)

    async def _send_once(
        self, item: Item, body: dict[str, Any], task: asyncio.Future[Any]
    ) -> Entry | Outcome[Any, OutputT] | None:
        """One submit; None when it was refused with 429 (no job: it is sent again)."""
        line = item.line
        self.ledger.submitting(line, item.digests[0], self._held.get(line))
        attempts = 0

        def on_sent() -> None:  # before the body's first byte: see the journal's note
            nonlocal attempts
            attempts += 1
            self._grounded.discard(task)  # in the air: a stop waits for its answer
            self.ledger.sent(line)

        try:
            job = await self.client.submit(self.model_id, body, validate="off", on_sent=on_sent)
        except AmbiguousSubmitError as exc:
            self.ledger.ambiguous(line, str(exc))
            self._release(line, None, created=True)
            return Outcome(item.index, "ambiguous", item.payload, reason=str(exc), error=exc)
        except RateLimitError:  # past what the client waits for: no job, sent again later
            self.ledger.unsent(line)
            return None
        except (APIError, APIConnectionError, InputValidationError, UploadError) as exc:
            self.ledger.unsent(line)  # refused, or never sent: no job exists
            self._release(line, None, created=False)
            if isinstance(exc, FATAL):
                self._stop_taking(exc)
            if isinstance(exc, InputRejectedError):
                reason = f"refused by the server: {exc}"
                return Outcome(item.index, "skipped", item.payload, reason=reason, error=exc)
            reason = f"not submitted: {self.explain(exc)}"
            return Outcome(item.index, "failed", item.payload, reason=reason, error=exc)
        except BatchFolderError:
            raise
        except Exception as exc:
            what = f"{type(exc).__name__}: {exc}"
            if attempts:
                reason = f"unexpected error after the submit was sent: {what}"
                self.ledger.ambiguous(line, reason)
                self._release(line, None, created=True)
                return Outcome(item.index, "ambiguous", item.payload, reason=reason, error=exc)
            self.ledger.unsent(line)
            self._release(line, None, created=False)
            reason = f"not submitted: unexpected error: {what}"
            return Outcome(item.index, "failed", item.payload, reason=reason, error=exc)
        if attempts == 1 and not self.client.rate_limiter.state().limited:
            self.window.answered()  # a clean answer, the limit lifted: room grows, slowly
            await self._gate.changed()
        self.ledger.submitted(line, job.request_id)
        found = self.ledger.entry(line)
        assert found is not None
        return found

    # -- wait and save ---------------------------------------------------------------------------

    async def _wait(
        self, item: Item, entry: Entry
    ) -> tuple[Entry, Result[OutputT]] | Outcome[Any, OutputT]:
        line, request_id = entry.line, entry.request_id
        assert request_id is not None
        try:
            found = await self.client.job(request_id).wait(self.settings.timeout, include_cost=True)
        except (JobFailed, JobCancelled, NotFoundError, NoOutputError) as exc:
            self.ledger.failed(line, str(exc))
            self._release(line, None, created=True)
            reason = str(exc)
            return Outcome(item.index, "failed", item.payload, request_id, reason=reason, error=exc)
        except (WaitTimeout, APIError, APIConnectionError) as exc:
            if isinstance(exc, FATAL):
                self._stop_taking(exc)
            self._release(line, None, created=True)  # the job goes on: counted as expected
            reason = self.explain(exc)
            return self._pending(item, request_id, reason, exc)
        result = Result.from_wire(request_id, found.raw, self.output)
        self.ledger.finished(line, dict(found.raw.get("output") or {}), result.cost)
        self._release(line, result.cost, created=True)
        updated = self.ledger.entry(line)
        assert updated is not None
        return updated, result

    async def _save(
        self, item: Item, entry: Entry, result: Result[OutputT] | None
    ) -> Outcome[Any, OutputT]:
        """Download what is not on disk yet: a file completed before a kill is never fetched
        (or written) again."""
        from runcomfy_runtime.batch.folder import line_dir

        out, request_id = self.settings.out, entry.request_id
        assert out is not None and request_id is not None
        wire = Result.from_wire(
            request_id, {"status": "succeeded", "output": entry.output or {}}, Output
        )
        try:
            folder = line_dir(out, entry.line)
            paths = await self.client.download(wire, folder, skip_existing=True)
        except (APIError, APIConnectionError, DownloadError, OSError, BatchFolderError) as exc:
            why = exc.reason if isinstance(exc, DownloadError) else self.explain(exc)
            return self._pending(item, request_id, f"download failed: {why}", exc)
        self.ledger.downloaded(entry.line, paths)
        saved = self.ledger.entry(entry.line)
        assert saved is not None
        return self._succeeded(item, saved, result)

    # -- accounting ------------------------------------------------------------------------------

    def _release(self, line: int, confirmed: float | None, *, created: bool) -> None:
        """The budget's hold of ``line`` ends: its job exists (``created``: counted at the
        cost confirmed, else as expected) or was never made."""
        if line not in self._held:
            return
        held = self._held.pop(line)
        if created:
            self.budget.settle(held, confirmed)
            if confirmed is not None:
                self.totals.charged += confirmed
        else:
            self.budget.forfeit(held)
        self._account()
        self._budget_changed.set()

    def _account(self) -> None:
        totals, budget = self.totals, self.budget
        totals.estimated = budget.estimated
        totals.assumed = max(0.0, budget.spent - totals.charged)
        totals.unpriced = budget.unknown

    def _stop_taking(self, exc: BaseException) -> None:
        if self.fatal is None:
            self.fatal = exc
            said = str(exc) if isinstance(exc, BatchFolderError) else self.explain(exc)
            self.fatal_message = said

    def _pending(
        self, item: Item, request_id: str, reason: str, exc: Exception
    ) -> Outcome[Any, OutputT]:
        return Outcome(item.index, "pending", item.payload, request_id, reason=reason, error=exc)

    def _unexpected(self, item: Item, exc: Exception) -> Outcome[Any, OutputT]:
        reason = f"unexpected error: {type(exc).__name__}: {exc}"
        try:
            entry = self.ledger.entry(item.line)
        except BatchFolderError:
            entry = None
        if entry is not None and entry.request_id:
            return Outcome(
                item.index, "pending", item.payload, entry.request_id, reason=reason, error=exc
            )
        return Outcome(item.index, "failed", item.payload, reason=reason, error=exc)

    def _emit(self, outcome: Outcome[Any, OutputT]) -> None:
        self._done.add(outcome.index)
        self._queue.put_nowait(outcome)

    # -- 3. the end ------------------------------------------------------------------------------

    def _finish(self) -> None:
        """What the record holds of every payload this run did not finish: pending,
        ambiguous, not started (a dry run: what each payload to send would cost). The
        outcomes then add up to the payloads."""
        dry = self.settings.dry_run
        for item in self.source.items():
            if item.index in self._done:
                continue
            try:
                entry = self.ledger.entry(item.line)
            except BatchFolderError:
                entry = None
            if dry and decide(entry, item.digests, self.choices).step == "submit":
                estimate = self.checked.estimates.get(item.index)
                if estimate is not None:
                    self.totals.estimated += estimate
                else:
                    self.totals.unpriced += 1
                basis = self.checked.bases.get(item.index)
                outcome: Outcome[Any, OutputT] = Outcome(
                    item.index, "not_started", item.payload, estimate=estimate,
                    reason=f"dry run: not sent; {basis}" if basis else "dry run: not sent",
                )  # fmt: skip
                self._emit(outcome)
                continue
            decision = left(entry, self.choices)
            if decision.kind == "succeeded" and entry is not None:
                self._emit(self._succeeded(item, entry, None))
                continue
            self._reported_left(item, entry, decision)

    def _reported_left(self, item: Item, entry: Entry | None, decision: Decision) -> None:
        kind: Kind = decision.kind or "not_started"
        error: Exception | None = None
        if kind == "ambiguous":
            error = AmbiguousSubmitError(self.model_id, decision.reason or "a job may exist")
        self._emit(
            Outcome(
                item.index,
                kind,
                item.payload,
                entry.request_id if entry is not None else None,
                reason=decision.reason,
                error=error,
                estimate=entry.estimate
                if entry is not None
                else self.checked.estimates.get(item.index),
            )
        )
