"""Job handles: the small objects that move a submitted job along.

``Job`` (sync) and ``AsyncJob`` differ only in their I/O; what each answer means is decided
once, in :class:`~runcomfy_runtime.waiting.Waiter`. A handle is rebuilt from a request id alone
(``client.job(request_id)``). Downloading lives here, on the handle, where the kind of I/O is
known: a sync handle's ``download`` is a method, an async handle's is awaited.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from runcomfy_runtime import constants
from runcomfy_runtime.calls import DeadlineReached
from runcomfy_runtime.results import (
    Cancellation,
    JobRef,
    OutputBase,
    ProgressCallback,
    Result,
    Status,
    StatusCallback,
)

if TYPE_CHECKING:
    from runcomfy_runtime.client import AsyncClient, Client

OutputT = TypeVar("OutputT", bound=OutputBase)


class Job(Generic[OutputT]):
    """The handle of a submitted job (sync). Rebuild one from an id with ``client.job(id)``."""

    def __init__(
        self,
        client: Client,
        ref: JobRef,
        output: type[OutputT],
        submitted_at: float | None = None,
        model_id: str | None = None,
    ) -> None:
        self._client = client
        self._output = output
        self.ref = ref
        self.model_id = model_id  # known when this client submitted it; None if rebuilt
        self.submitted_at = submitted_at  # time.monotonic() of the submit; None if rebuilt

    @property
    def request_id(self) -> str:
        return self.ref.request_id

    def __repr__(self) -> str:
        return f"Job(request_id={self.request_id!r})"

    def status(self) -> Status:
        return self._client._fetch_status(self.ref)

    def result(self, *, include_cost: bool = False) -> Result[OutputT]:
        """The result now: ``status`` tells whether it is final (see :class:`Result`)."""
        return self._client._fetch_result(self.ref, self._output, include_cost=include_cost)

    def cancel(self) -> Cancellation:
        """Cancel a queued job; ``CancelRefused`` once it runs or has finished."""
        return self._client._cancel(self.ref)

    def wait(
        self,
        timeout: float | None = None,
        *,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        cancel_on_timeout: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[OutputT]:
        """Poll until the job ends: the succeeded result, or ``JobFailed``/``JobCancelled``/
        ``NoOutputError``/``WaitTimeout`` (after cancelling the job, when asked and still
        possible). The deadline holds whatever the server does: a request in flight at the
        deadline is abandoned. ``expected`` (seconds, or a (low, high) range) tells how long
        the job should take, so polling concentrates around its end; without it, the lengths
        of this client's finished jobs of the same model are used (``polling.py``)."""
        client = self._client
        waiter = client._waiter(
            self.request_id, timeout, on_status, self.submitted_at, self.model_id, expected
        )
        deadline = time.monotonic() + waiter.timeout
        try:
            time.sleep(waiter.first_delay())
            while True:
                if waiter.status_seen(client._fetch_status(self.ref, deadline)):
                    found = client._fetch_result(self.ref, self._output, include_cost, deadline)
                    done = waiter.result_seen(found)
                    if done is not None:
                        client._learn(self.model_id, done, waiter)
                        return done
                delay = waiter.next_delay()
                if delay is None:
                    break
                time.sleep(delay)
        except DeadlineReached:
            pass
        if cancel_on_timeout:
            client._cancel_quietly(self.ref)
        raise waiter.timed_out()

    def download(
        self,
        directory: str | Path,
        *,
        result: Result[OutputT] | None = None,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        """Save every output into ``directory`` (waiting for the job first unless ``result``
        is given); returns the paths, in output order. See ``Client.download``."""
        found = result if result is not None else self.wait()
        return self._client.download(
            found,
            directory,
            on_progress=on_progress,
            skip_existing=skip_existing,
            max_bytes=max_bytes,
        )


class AsyncJob(Generic[OutputT]):
    """The handle of a submitted job (async): the same surface as :class:`Job`, awaitable."""

    def __init__(
        self,
        client: AsyncClient,
        ref: JobRef,
        output: type[OutputT],
        submitted_at: float | None = None,
        model_id: str | None = None,
    ) -> None:
        self._client = client
        self._output = output
        self.ref = ref
        self.model_id = model_id  # known when this client submitted it; None if rebuilt
        self.submitted_at = submitted_at

    @property
    def request_id(self) -> str:
        return self.ref.request_id

    def __repr__(self) -> str:
        return f"AsyncJob(request_id={self.request_id!r})"

    async def status(self) -> Status:
        return await self._client._fetch_status(self.ref)

    async def result(self, *, include_cost: bool = False) -> Result[OutputT]:
        return await self._client._fetch_result(self.ref, self._output, include_cost=include_cost)

    async def cancel(self) -> Cancellation:
        return await self._client._cancel(self.ref)

    async def wait(
        self,
        timeout: float | None = None,
        *,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        cancel_on_timeout: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[OutputT]:
        import asyncio  # only async callers pay for it

        client = self._client
        waiter = client._waiter(
            self.request_id, timeout, on_status, self.submitted_at, self.model_id, expected
        )
        deadline = time.monotonic() + waiter.timeout
        try:
            await asyncio.sleep(waiter.first_delay())
            while True:
                status = await client._fetch_status(self.ref, deadline)
                if waiter.status_seen(status):
                    found = await client._fetch_result(
                        self.ref, self._output, include_cost, deadline
                    )
                    done = waiter.result_seen(found)
                    if done is not None:
                        client._learn(self.model_id, done, waiter)
                        return done
                delay = waiter.next_delay()
                if delay is None:
                    break
                await asyncio.sleep(delay)
        except DeadlineReached:
            pass
        if cancel_on_timeout:
            await client._cancel_quietly(self.ref)
        raise waiter.timed_out()

    async def download(
        self,
        directory: str | Path,
        *,
        result: Result[OutputT] | None = None,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        found = result if result is not None else await self.wait()
        return await self._client.download(
            found,
            directory,
            on_progress=on_progress,
            skip_existing=skip_existing,
            max_bytes=max_bytes,
        )
