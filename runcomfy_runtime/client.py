"""The HTTP clients. ``BaseClient`` holds configuration, request building, validation and the
meaning of every answer; ``Client`` and ``AsyncClient`` add only the I/O (send, sleep, write).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from runcomfy_runtime import constants, wire
from runcomfy_runtime.auth import Secret, guard_logs, resolve_token
from runcomfy_runtime.endpoint import ValidationLevel
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    CancelRefused,
    ConfigurationError,
    InputValidationError,
    Problem,
    RateLimitError,
    ServerError,
)
from runcomfy_runtime.jobs import (
    AsyncJob,
    Job,
    JobRef,
    ProgressCallback,
    Result,
    Status,
    StatusCallback,
    Waiter,
)
from runcomfy_runtime.offline import spec_for
from runcomfy_runtime.polling import PollPolicy
from runcomfy_runtime.retry import Failure, RetryPolicy, retry_delay, should_retry
from runcomfy_runtime.spec import EndpointSpec

if TYPE_CHECKING:  # image probing (Pillow, asyncio) loads only when a validation needs it
    from runcomfy_runtime.local_files import Inlined
    from runcomfy_runtime.probe import Prober
    from runcomfy_runtime.probe_loop import ProbeLoop

log = logging.getLogger("runcomfy")


async def _sleep(seconds: float) -> None:
    import asyncio  # only async callers pay for it

    await asyncio.sleep(seconds)


_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class Retry:
    delay: float


class Call:
    """One logical API request and its retries: what each failure means, decided once."""

    def __init__(
        self,
        client: BaseClient,
        method: str,
        url: str,
        *,
        body: Any = None,
        idempotent: bool,
        model_id: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.method = method
        self.url = url
        self.body = body
        self.headers = client.headers_for(url)
        self.idempotent = idempotent
        self.model_id = model_id
        self.request_id = request_id
        self.retry = client.retry
        self.attempt = 0

    def _next(
        self, failure: Failure, status: int | None, retry_after: float | None
    ) -> float | None:
        if not should_retry(
            self.retry,
            idempotent=self.idempotent,
            failure=failure,
            status=status,
            attempt=self.attempt,
        ):
            return None
        delay = retry_delay(self.retry, self.attempt, retry_after)
        if delay is not None:
            self.attempt += 1
        return delay

    def _retrying(self, delay: float, why: str) -> Retry:
        log.info(
            "%s %s failed (%s); retry %d in %.2fs", self.method, self.url, why, self.attempt, delay
        )
        return Retry(delay)

    def on_transport_error(self, exc: httpx.TransportError) -> Retry:
        """A retry, or the error to raise: never a blind retry of a submit that went out."""
        failure = Failure.NOT_SENT if isinstance(exc, _NOT_SENT) else Failure.LOST
        delay = self._next(failure, None, None)
        if delay is not None:
            return self._retrying(delay, type(exc).__name__)
        cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if failure is Failure.LOST and self.model_id is not None:
            raise AmbiguousSubmitError(self.model_id, cause) from exc
        raise APIConnectionError(
            f"{self.method} {self.url} failed: {cause}", request_id=self.request_id
        ) from exc

    def on_response(self, status: int, content: bytes, headers: Mapping[str, str]) -> Any:
        """The decoded body of a success, a :class:`Retry`, or the typed error raised."""
        body = wire.decode_json(content)
        error = wire.error_for(status, body, headers, request_id=self.request_id)
        if error is None:
            return body
        retry_after = error.retry_after if isinstance(error, RateLimitError) else None
        delay = self._next(Failure.STATUS, status, retry_after)
        if delay is not None:
            return self._retrying(delay, f"HTTP {status}")
        if isinstance(error, ServerError) and self.model_id is not None:
            raise AmbiguousSubmitError(self.model_id, str(error), status_code=status) from error
        raise error


class BaseClient:
    """Configuration and everything that is the same for the sync and async clients."""

    registry: Mapping[str, EndpointSpec] = {}  # the generated clients set their registry

    def __init__(
        self,
        *,
        api_token: str | None = None,
        base_url: str | None = None,
        timeout: float = constants.READ_TIMEOUT,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        wait_timeout: float = constants.WAIT_TIMEOUT,
        registry: Mapping[str, EndpointSpec] | None = None,
    ) -> None:
        self._token: Secret = resolve_token(api_token)
        guard_logs(self._token)
        base = base_url or os.environ.get(constants.BASE_URL_ENV) or constants.DEFAULT_BASE_URL
        if not base.startswith(("https://", "http://")):
            raise ConfigurationError(f"base_url must start with https:// (got {base!r})")
        self.base_url = base.rstrip("/")
        self.timeout = httpx.Timeout(timeout, connect=constants.CONNECT_TIMEOUT)
        self.retry = retry or RetryPolicy()
        self.poll = poll or PollPolicy()
        self.wait_timeout = wait_timeout
        if registry is not None:
            self.registry = registry
        self._api_origin = wire.origin(self.base_url)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def headers_for(self, url: str) -> dict[str, str]:
        """The token goes to the API's own origin and nowhere else."""
        if wire.origin(url) != self._api_origin:
            return {}
        return {"Authorization": f"Bearer {self._token.reveal()}"}

    def spec(self, model_id: str) -> EndpointSpec:
        return spec_for(self.registry, model_id)

    def offline_stage(
        self, model_id: str, payload: Mapping[str, Any], level: ValidationLevel
    ) -> tuple[EndpointSpec, Inlined]:
        """Local files inlined and checked, then the schema: what needs no network."""
        from runcomfy_runtime.local_files import inline_local_images
        from runcomfy_runtime.validation import schema_problems  # jsonschema, on first use

        spec = self.spec(model_id)
        inlined = inline_local_images(spec, payload, check=level != "off")
        if level != "off":
            inlined.problems.extend(schema_problems(spec, inlined.payload))
        return spec, inlined

    @staticmethod
    def verdict(
        model_id: str, spec: EndpointSpec, inlined: Inlined, online: list[Problem]
    ) -> dict[str, Any]:
        """The payload to send, or every problem of both stages at once."""
        problems = inlined.problems + online
        if problems:
            from runcomfy_runtime.validation import sort_problems

            raise InputValidationError(model_id, sort_problems(spec, problems))
        return inlined.payload

    def job_ref(self, request_id: str, body: Any = None) -> JobRef:
        given = body if isinstance(body, Mapping) else {}
        return JobRef(
            request_id=request_id,
            status_url=wire.trusted_url(
                self.base_url, given.get("status_url"), request_id, "status"
            ),
            result_url=wire.trusted_url(
                self.base_url, given.get("result_url"), request_id, "result"
            ),
            cancel_url=wire.trusted_url(
                self.base_url, given.get("cancel_url"), request_id, "cancel"
            ),
        )

    def submitted(self, model_id: str, body: Any) -> JobRef:
        """The job a submit's success answer names. An answer that cannot be read as an
        accepted job (not JSON, empty, no ``request_id``) is ambiguous, not a refusal: the
        server said 2xx, so a job may exist, and a resubmit could pay for a second one."""
        request_id = body.get("request_id") if isinstance(body, Mapping) else None
        if not isinstance(request_id, str) or not request_id.strip():
            shown = wire.excerpt(body)
            raise AmbiguousSubmitError(
                model_id, f"the server accepted the submit but its answer names no job: {shown}"
            )
        return self.job_ref(request_id, body)

    def submit_call(self, model_id: str, payload: dict[str, Any]) -> Call:
        url = wire.submit_url(self.base_url, model_id)
        return Call(self, "POST", url, body=payload, idempotent=False, model_id=model_id)

    def get_call(self, url: str, request_id: str) -> Call:
        return Call(self, "GET", url, idempotent=True, request_id=request_id)

    def cancel_call(self, ref: JobRef) -> Call:
        return Call(self, "POST", ref.cancel_url, idempotent=True, request_id=ref.request_id)

    @staticmethod
    def cancelled(ref: JobRef, body: Any) -> Status:
        body = body if isinstance(body, Mapping) else {}
        if body.get("outcome") == "not_cancellable":
            raise CancelRefused(ref.request_id, body.get("status"))
        return Status.from_wire(
            ref.request_id, {**body, "status": body.get("status") or "cancelled"}
        )

    def waiter(
        self,
        request_id: str,
        timeout: float | None,
        on_status: StatusCallback | None,
        submitted_at: float | None = None,
    ) -> Waiter:
        limit = self.wait_timeout if timeout is None else timeout
        return Waiter(request_id, limit, self.poll, on_status, submitted_at=submitted_at)

    @staticmethod
    def result_url(ref: JobRef, include_cost: bool) -> str:
        if not include_cost:
            return ref.result_url
        return ref.result_url + ("&" if "?" in ref.result_url else "?") + "include_cost=true"

    def _http_options(self) -> dict[str, Any]:
        return {
            "timeout": self.timeout,
            "follow_redirects": True,  # httpx drops Authorization on a cross-origin redirect
            "limits": httpx.Limits(
                max_connections=constants.MAX_CONNECTIONS,
                max_keepalive_connections=constants.MAX_KEEPALIVE_CONNECTIONS,
                keepalive_expiry=constants.KEEPALIVE_EXPIRY,
            ),
            "headers": {"User-Agent": "runcomfy-python/0.1"},
        }


class Client(BaseClient):
    """Synchronous client. Close it (or use ``with``) to release its connections."""

    def __init__(self, *, http_client: httpx.Client | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._http = http_client or httpx.Client(**self._http_options())
        self._probes: ProbeLoop | None = None  # started by the first "full" validation

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._probes is not None:
            self._probes.close()
        self._http.close()

    def _send(self, call: Call) -> Any:
        while True:
            try:
                response = self._http.request(
                    call.method, call.url, json=call.body, headers=call.headers
                )
            except httpx.TransportError as exc:
                outcome: Any = call.on_transport_error(exc)
            else:
                outcome = call.on_response(response.status_code, response.content, response.headers)
            if not isinstance(outcome, Retry):
                return outcome
            time.sleep(outcome.delay)

    def validate(
        self, model_id: str, payload: Mapping[str, Any], *, level: ValidationLevel = "full"
    ) -> dict[str, Any]:
        """Run the stages ``level`` asks for ("full" probes the images); raise with every
        problem found, or return the payload as it would be sent."""
        spec, inlined = self.offline_stage(model_id, payload, level)
        online = self._probe_loop().check(spec, inlined.to_probe) if level == "full" else []
        return self.verdict(model_id, spec, inlined, online)

    def _probe_loop(self) -> ProbeLoop:
        if self._probes is None:
            from runcomfy_runtime.probe_loop import ProbeLoop

            self._probes = ProbeLoop()
        return self._probes

    def submit(
        self, model_id: str, payload: Mapping[str, Any], *, validate: ValidationLevel = "full"
    ) -> Job:
        """Validate, then queue a job; returns its handle as soon as the server has the job."""
        body = self.validate(model_id, payload, level=validate)
        answer = self._send(self.submit_call(model_id, body))
        return Job(self, self.submitted(model_id, answer), submitted_at=time.monotonic())

    def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
    ) -> Result:
        job = self.submit(model_id, payload, validate=validate)
        return job.wait(timeout, on_status=on_status, include_cost=include_cost)

    def job(self, request_id: str) -> Job:
        return Job(self, self.job_ref(request_id))

    def fetch_status(self, ref: JobRef) -> Status:
        return Status.from_wire(
            ref.request_id, self._send(self.get_call(ref.status_url, ref.request_id))
        )

    def fetch_result(self, ref: JobRef, *, include_cost: bool = False) -> Result:
        url = self.result_url(ref, include_cost)
        return Result.from_wire(
            ref.request_id, self._send(self.get_call(url, ref.request_id)), self
        )

    def cancel(self, ref: JobRef) -> Status:
        return self.cancelled(ref, self._send(self.cancel_call(ref)))

    def cancel_quietly(self, ref: JobRef) -> None:
        with contextlib.suppress(CancelRefused, APIError, APIConnectionError):
            self.cancel(ref)

    def download(
        self,
        result: Result,
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
    ) -> list[Path]:
        from runcomfy_runtime.download import download_all

        return download_all(self._http, result, Path(directory), on_progress, skip_existing)


class AsyncClient(BaseClient):
    """Asynchronous client: the same surface, awaitable. Use ``async with`` or ``aclose()``."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._http = http_client or httpx.AsyncClient(**self._http_options())
        self._prober: Prober | None = None  # made by the first "full" validation

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, call: Call) -> Any:
        while True:
            try:
                response = await self._http.request(
                    call.method, call.url, json=call.body, headers=call.headers
                )
            except httpx.TransportError as exc:
                outcome: Any = call.on_transport_error(exc)
            else:
                outcome = call.on_response(response.status_code, response.content, response.headers)
            if not isinstance(outcome, Retry):
                return outcome
            await _sleep(outcome.delay)

    async def validate(
        self, model_id: str, payload: Mapping[str, Any], *, level: ValidationLevel = "full"
    ) -> dict[str, Any]:
        spec, inlined = self.offline_stage(model_id, payload, level)
        online = await self._check_media(spec, inlined.to_probe) if level == "full" else []
        return self.verdict(model_id, spec, inlined, online)

    async def _check_media(self, spec: EndpointSpec, payload: dict[str, Any]) -> list[Problem]:
        from runcomfy_runtime.media import check_media
        from runcomfy_runtime.probe import Prober

        if self._prober is None:
            self._prober = Prober(self._http, timeout=constants.PROBE_TIMEOUT)  # shares the pool
        return await check_media(spec, payload, self._prober)

    async def submit(
        self, model_id: str, payload: Mapping[str, Any], *, validate: ValidationLevel = "full"
    ) -> AsyncJob:
        body = await self.validate(model_id, payload, level=validate)
        answer = await self._send(self.submit_call(model_id, body))
        return AsyncJob(self, self.submitted(model_id, answer), submitted_at=time.monotonic())

    async def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
    ) -> Result:
        job = await self.submit(model_id, payload, validate=validate)
        return await job.wait(timeout, on_status=on_status, include_cost=include_cost)

    def job(self, request_id: str) -> AsyncJob:
        return AsyncJob(self, self.job_ref(request_id))

    async def fetch_status(self, ref: JobRef) -> Status:
        body = await self._send(self.get_call(ref.status_url, ref.request_id))
        return Status.from_wire(ref.request_id, body)

    async def fetch_result(self, ref: JobRef, *, include_cost: bool = False) -> Result:
        body = await self._send(self.get_call(self.result_url(ref, include_cost), ref.request_id))
        return Result.from_wire(ref.request_id, body, self)

    async def cancel(self, ref: JobRef) -> Status:
        return self.cancelled(ref, await self._send(self.cancel_call(ref)))

    async def cancel_quietly(self, ref: JobRef) -> None:
        with contextlib.suppress(CancelRefused, APIError, APIConnectionError):
            await self.cancel(ref)

    async def download(
        self,
        result: Result,
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
    ) -> list[Path]:
        from runcomfy_runtime.download import adownload_all

        return await adownload_all(self._http, result, Path(directory), on_progress, skip_existing)
