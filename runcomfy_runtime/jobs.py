"""Job handles: the small objects that move a submitted job along.

``Job`` (sync) and ``AsyncJob`` only drive the flows of ``operations.py`` with their client's
I/O; what each answer means is decided there, once, and each method's docstring is written once
(``surface.JobSurface``). A handle is rebuilt from a request id alone (``client.job(id)``).
Downloading lives here too, on the handle, where the kind of I/O is known: a sync handle's
``download`` is a method, an async handle's is awaited.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from runcomfy_runtime import constants
from runcomfy_runtime import operations as ops
from runcomfy_runtime.effects import Flow
from runcomfy_runtime.results import (
    Cancellation,
    JobRef,
    OutputBase,
    ProgressCallback,
    Result,
    Status,
    StatusCallback,
)
from runcomfy_runtime.surface import JobSurface

if TYPE_CHECKING:
    from runcomfy_runtime.client import AsyncClient, Client
    from runcomfy_runtime.core import BaseClient

OutputT = TypeVar("OutputT", bound=OutputBase)


class JobBase(JobSurface, Generic[OutputT]):
    """What both handles hold: the job's ref, the type of its outputs, what its submit knew."""

    _client: BaseClient

    def __init__(
        self,
        client: BaseClient,
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
        return f"{type(self).__name__}(request_id={self.request_id!r})"

    def _wait(
        self,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        cancel_on_timeout: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Flow[Result[OutputT]]:
        return ops.wait(
            self._client,
            self.ref,
            self._output,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            cancel_on_timeout=cancel_on_timeout,
            expected=expected,
            submitted_at=self.submitted_at,
            model_id=self.model_id,
        )

    def _download(
        self,
        directory: str | Path,
        result: Result[OutputT] | None,
        on_progress: ProgressCallback | None,
        skip_existing: bool,
        max_bytes: int,
    ) -> Flow[list[Path]]:
        found = result if result is not None else self._wait()
        return ops.job_download(
            self._client, found, directory, on_progress, skip_existing, max_bytes
        )


class Job(JobBase[OutputT]):
    """The handle of a submitted job (sync). Rebuild one from an id with ``client.job(id)``."""

    _client: Client

    def status(self) -> Status:
        return self._client._run(ops.status(self._client, self.ref))

    def result(self, *, include_cost: bool = False) -> Result[OutputT]:
        return self._client._run(ops.result(self._client, self.ref, self._output, include_cost))

    def cancel(self) -> Cancellation:
        return self._client._run(ops.cancel(self._client, self.ref))

    def wait(
        self,
        timeout: float | None = None,
        *,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        cancel_on_timeout: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[OutputT]:
        flow = self._wait(timeout, on_status, include_cost, cancel_on_timeout, expected)
        return self._client._run(flow)

    def download(
        self,
        directory: str | Path,
        *,
        result: Result[OutputT] | None = None,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        flow = self._download(directory, result, on_progress, skip_existing, max_bytes)
        return self._client._run(flow)


class AsyncJob(JobBase[OutputT]):
    """The handle of a submitted job (async): the same surface as :class:`Job`, awaitable."""

    _client: AsyncClient

    async def status(self) -> Status:
        return await self._client._run(ops.status(self._client, self.ref))

    async def result(self, *, include_cost: bool = False) -> Result[OutputT]:
        flow = ops.result(self._client, self.ref, self._output, include_cost)
        return await self._client._run(flow)

    async def cancel(self) -> Cancellation:
        return await self._client._run(ops.cancel(self._client, self.ref))

    async def wait(
        self,
        timeout: float | None = None,
        *,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        cancel_on_timeout: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[OutputT]:
        flow = self._wait(timeout, on_status, include_cost, cancel_on_timeout, expected)
        return await self._client._run(flow)

    async def download(
        self,
        directory: str | Path,
        *,
        result: Result[OutputT] | None = None,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        flow = self._download(directory, result, on_progress, skip_existing, max_bytes)
        return await self._client._run(flow)
