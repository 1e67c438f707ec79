"""The HTTP clients. Every operation is a flow written once (``operations.py``); ``BaseClient``
(``core.py``) holds the configuration and the decisions both twins share; ``Client`` and
``AsyncClient`` only drive flows, each with its own I/O: one attempt of a request, a sleep, a
probe of the media, an upload, a file host's answer. Their public methods carry signatures
only: each docstring is written once, in ``surface.py``, and both twins show it.

Only the API is public: every helper is ``_``-prefixed, so ``dir(client)`` shows what a user
may call beside the generated namespaces; those names are listed in
``reserved.CLIENT_ATTRIBUTES``, which generated namespaces never hide (a test keeps both in
step). A client is never changed by a call, so one sync client can be shared by threads (its
connection pool and rate limiter are thread-safe); ``with_options`` gives calls other
policies without touching it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar, Unpack

import httpx

from runcomfy_runtime import constants
from runcomfy_runtime.core import BaseClient, SentClock
from runcomfy_runtime.effects import (
    Effect,
    Exchange,
    Fetch,
    Flow,
    Probe,
    Sleep,
    Upload,
    adrive,
    drive,
)
from runcomfy_runtime.errors import Problem
from runcomfy_runtime.lazy import LazyModule
from runcomfy_runtime.outputs import Output, OutputBase
from runcomfy_runtime.transport import AsyncLazyTransport, LazyTransport

__all__ = ["AsyncClient", "BaseClient", "Client"]

# What only a call needs loads at the first call, not when a client is built (the import cost
# of a user's script is a goal: bench/bench_codegen.py).
if TYPE_CHECKING:
    import asyncio

    from anyio import from_thread as portals

    from runcomfy_runtime import calls, download, fetch, jobs, media, probe, uploads
    from runcomfy_runtime import operations as ops
    from runcomfy_runtime.batch import runs
    from runcomfy_runtime.batch.runs import AsyncMapRun, MapRun
    from runcomfy_runtime.batch.settings import MapOptions
    from runcomfy_runtime.calls import Call
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.endpoint import ValidationLevel
    from runcomfy_runtime.jobs import AsyncJob, Job
    from runcomfy_runtime.pricing import Estimate
    from runcomfy_runtime.results import ProgressCallback, Result, StatusCallback
    from runcomfy_runtime.spec import EndpointSpec
else:
    calls = LazyModule("runcomfy_runtime.calls")  # with json, logging: the first request
    ops = LazyModule("runcomfy_runtime.operations")  # the flows, and what they read
    jobs = LazyModule("runcomfy_runtime.jobs")
    download = LazyModule("runcomfy_runtime.download")
    uploads = LazyModule("runcomfy_runtime.uploads")
    media = LazyModule("runcomfy_runtime.media")  # the probes: Pillow, filetype
    probe = LazyModule("runcomfy_runtime.probe")
    fetch = LazyModule("runcomfy_runtime.fetch")
    runs = LazyModule("runcomfy_runtime.batch.runs")  # map: the batch engine
    portals = LazyModule("anyio.from_thread")  # a sync client's probes only
    asyncio = LazyModule("asyncio")  # an async client's I/O only

OutputT = TypeVar("OutputT", bound=OutputBase)
T = TypeVar("T")
Expected = float | tuple[float, float] | None


class Client(BaseClient):
    """Synchronous client. Close it (or use ``with``) to release its connections. One client
    may be shared by threads."""

    def __init__(self, *, http_client: httpx.Client | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._http = http_client or self._pool(constants.KEEPALIVE_EXPIRY)
        self._submit_http = http_client or self._pool(constants.SUBMIT_KEEPALIVE_EXPIRY)

    def _pool(self, keepalive: float) -> httpx.Client:
        return httpx.Client(transport=LazyTransport(self._limits(keepalive)),
                            **self._http_options())  # fmt: skip

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._record.flush()
        if self._owns_pools:
            self._http.close()
            self._submit_http.close()

    # -- I/O: the effects of a flow --------------------------------------------------------------

    def _run(self, flow: Flow[T]) -> T:
        return drive(flow, self._perform)

    def _perform(self, effect: Effect) -> Any:
        match effect:
            case Exchange(call):
                return self._exchange(call)
            case Sleep(seconds):
                return time.sleep(seconds)
            case Probe(spec, payload):
                return self._probe(spec, payload)
            case Upload(body):
                return uploads.upload_pending(self.uploader, body)
            case Fetch(sink):
                return download.fetch(self._http, sink)

    def _exchange(self, call: Call) -> Any:
        http = self._submit_http if call.kind == "submit" else self._http
        response = http.send(call.request(http, asynchronous=False), stream=True)
        answer = calls.Answer(call, response)
        try:
            for chunk in response.iter_bytes():
                answer.add(chunk)
        finally:
            response.close()
        return answer.exchanged()

    def _probe(self, spec: EndpointSpec, payload: dict[str, Any]) -> list[Problem]:
        """Probe on this client's own ``httpx.Client`` (the user's transport, proxies and TLS
        settings), concurrently, from a short-lived event loop: nothing outlives the call."""
        if self._prober is None:
            self._prober = probe.Prober(fetch.ThreadFetcher(self._http))
        with portals.start_blocking_portal() as portal:
            return portal.call(media.check_media, spec, payload, self._prober)

    # -- the API -------------------------------------------------------------------------------

    def validate(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        level: ValidationLevel = "full",
        extra_body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._run(ops.validate(self, model_id, payload, level, extra_body))

    def spec(self, model_id: str) -> EndpointSpec:
        return self._run(ops.spec(self, model_id))

    def model(self, model_id: str) -> CatalogEntry:
        return self._run(ops.model(self, model_id))

    def models(
        self,
        search: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        *,
        include_schema: bool = False,
    ) -> list[CatalogEntry]:
        return self._run(ops.models(self, search, category, kind, include_schema))

    def categories(self) -> list[str]:
        return self._run(ops.categories(self))

    def submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        on_sent: Callable[[], None] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Job[Output]:
        return self._submit(model_id, payload, validate, Output, on_sent, extra_body=extra_body)

    def _submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        validate: ValidationLevel,
        output: type[OutputT],
        on_sent: Callable[[], None] | None = None,
        spec: EndpointSpec | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Job[OutputT]:
        sent = SentClock(on_sent)  # the job's age counts from when the request left
        ref = self._run(ops.submit(self, model_id, payload, validate, sent, spec, extra_body))
        return jobs.Job(self, ref, output, submitted_at=sent.at, model_id=model_id)

    def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: Expected = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Result[Output]:
        job = self.submit(model_id, payload, validate=validate, extra_body=extra_body)
        return job.wait(timeout, on_status=on_status, include_cost=include_cost, expected=expected)

    def map(
        self, model_id: str, payloads: Iterable[Mapping[str, Any]], **options: Unpack[MapOptions]
    ) -> MapRun[Mapping[str, Any], Output]:
        return runs.MapRun(self, model_id, list(payloads), runs.map_settings(options), Output)

    def _async_twin(self) -> AsyncClient:
        """The async client a sync ``map`` drives the batch engine with, on a loop of its own:
        configured as this one (token, base URL, policies, registry, uploader), sharing what it
        learned (specs, job lengths) and its rate limiter (one account's limit), with its own
        connections."""
        twin = AsyncClient(
            api_token=self._token.reveal(),
            base_url=self.base_url,
            timeout=self.timeout.read or constants.READ_TIMEOUT,
            retry=self.retry,
            poll=self.poll,
            wait_timeout=self.wait_timeout,
            registry=self.registry,
            uploader=self.uploader,
            rate_limiter=self.rate_limiter,
        )
        twin._specs, twin._durations = self._specs, self._durations
        return twin

    def estimate(self, model_id: str, payload: Mapping[str, Any]) -> Estimate:
        return self._run(ops.estimate(self, model_id, payload))

    def job(self, request_id: str) -> Job[Output]:
        return jobs.Job(self, ops.job_ref(self, request_id), Output)

    def download(
        self,
        result: Result[Any],
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        return self._run(ops.download(self, result, directory, on_progress, skip_existing,
                                      max_bytes))  # fmt: skip


class AsyncClient(BaseClient):
    """Asynchronous client: the same surface, awaitable. Use ``async with`` or ``aclose()``."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._http = http_client or self._pool(constants.KEEPALIVE_EXPIRY)
        self._submit_http = http_client or self._pool(constants.SUBMIT_KEEPALIVE_EXPIRY)

    def _pool(self, keepalive: float) -> httpx.AsyncClient:
        transport = AsyncLazyTransport(self._limits(keepalive))
        return httpx.AsyncClient(transport=transport, **self._http_options())

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._record.flush()
        if self._owns_pools:
            await self._http.aclose()
            await self._submit_http.aclose()

    # -- I/O: the effects of a flow --------------------------------------------------------------

    async def _run(self, flow: Flow[T]) -> T:
        return await adrive(flow, self._perform)

    async def _perform(self, effect: Effect) -> Any:
        match effect:
            case Exchange(call):
                return await self._exchange(call)
            case Sleep(seconds):
                return await asyncio.sleep(seconds)
            case Probe(spec, payload):
                return await self._probe(spec, payload)
            case Upload(body):
                return await uploads.aupload_pending(self.uploader, body)
            case Fetch(sink):
                return await download.afetch(self._http, sink)

    async def _exchange(self, call: Call) -> Any:
        http = self._submit_http if call.kind == "submit" else self._http
        response = await http.send(call.request(http, asynchronous=True), stream=True)
        answer = calls.Answer(call, response)
        try:
            async for chunk in response.aiter_bytes():
                answer.add(chunk)
        finally:
            await response.aclose()
        return answer.exchanged()

    async def _probe(self, spec: EndpointSpec, payload: dict[str, Any]) -> list[Problem]:
        if self._prober is None:
            self._prober = probe.Prober(fetch.AsyncFetcher(self._http))  # shares the pool
        return await media.check_media(spec, payload, self._prober)

    # -- the API -------------------------------------------------------------------------------

    async def validate(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        level: ValidationLevel = "full",
        extra_body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return await self._run(ops.validate(self, model_id, payload, level, extra_body))

    async def spec(self, model_id: str) -> EndpointSpec:
        return await self._run(ops.spec(self, model_id))

    async def model(self, model_id: str) -> CatalogEntry:
        return await self._run(ops.model(self, model_id))

    async def models(
        self,
        search: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        *,
        include_schema: bool = False,
    ) -> list[CatalogEntry]:
        return await self._run(ops.models(self, search, category, kind, include_schema))

    async def categories(self) -> list[str]:
        return await self._run(ops.categories(self))

    async def submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        on_sent: Callable[[], None] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncJob[Output]:
        return await self._submit(model_id, payload, validate, Output, on_sent,
                                  extra_body=extra_body)  # fmt: skip

    async def _submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        validate: ValidationLevel,
        output: type[OutputT],
        on_sent: Callable[[], None] | None = None,
        spec: EndpointSpec | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncJob[OutputT]:
        sent = SentClock(on_sent)  # the job's age counts from when the request left
        ref = await self._run(ops.submit(self, model_id, payload, validate, sent, spec, extra_body))
        return jobs.AsyncJob(self, ref, output, submitted_at=sent.at, model_id=model_id)

    async def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: Expected = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Result[Output]:
        job = await self.submit(model_id, payload, validate=validate, extra_body=extra_body)
        return await job.wait(
            timeout, on_status=on_status, include_cost=include_cost, expected=expected
        )

    def map(
        self, model_id: str, payloads: Iterable[Mapping[str, Any]], **options: Unpack[MapOptions]
    ) -> AsyncMapRun[Mapping[str, Any], Output]:
        return runs.AsyncMapRun(self, model_id, list(payloads), runs.map_settings(options), Output)

    async def estimate(self, model_id: str, payload: Mapping[str, Any]) -> Estimate:
        return await self._run(ops.estimate(self, model_id, payload))

    def job(self, request_id: str) -> AsyncJob[Output]:
        return jobs.AsyncJob(self, ops.job_ref(self, request_id), Output)

    async def download(
        self,
        result: Result[Any],
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        flow = ops.download(self, result, directory, on_progress, skip_existing, max_bytes)
        return await self._run(flow)
