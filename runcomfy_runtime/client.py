"""The HTTP clients. ``BaseClient`` holds configuration and everything that is the same for
both; ``Client`` and ``AsyncClient`` add only the I/O (send, sleep, probe, write).

Only the API is public: every helper is ``_``-prefixed, so ``dir(client)`` shows what a user
may call beside the generated namespaces, and the generator reads the reserved names from
these classes (``schema.names.client_attributes``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from runcomfy_runtime import constants, wire
from runcomfy_runtime.auth import Secret, guard_logs, resolve_token, scrubbed
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    CancelRefused,
    ConfigurationError,
    InputValidationError,
    NotFoundError,
    Problem,
)
from runcomfy_runtime.outputs import OutputBase
from runcomfy_runtime.polling import Durations, PollPolicy
from runcomfy_runtime.retry import RetryPolicy

# Building a client loads only what construction needs (the import cost of a user's script is
# a goal: bench/bench_codegen.py); requests, jobs, the catalog and media checks load on first
# use, in the methods that need them.
if TYPE_CHECKING:
    from runcomfy_runtime.calls import Call
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.endpoint import ValidationLevel
    from runcomfy_runtime.jobs import AsyncJob, Job
    from runcomfy_runtime.local_files import Inlined
    from runcomfy_runtime.poll_record import PollRecord
    from runcomfy_runtime.probe import Prober
    from runcomfy_runtime.results import (
        Cancellation,
        JobRef,
        Output,
        ProgressCallback,
        Result,
        Status,
        StatusCallback,
    )
    from runcomfy_runtime.spec import EndpointSpec
    from runcomfy_runtime.uploads import Uploader
    from runcomfy_runtime.waiting import Waiter

OutputT = TypeVar("OutputT", bound=OutputBase)
NOT_READY = 400005  # a result asked for before the job is done: keep polling


async def _sleep(seconds: float) -> None:
    import asyncio  # only async callers pay for it

    await asyncio.sleep(seconds)


def _checked_base_url(given: str) -> str:
    """The base URL, refused when it would send the token in clear text or nowhere at all."""
    try:
        parts = httpx.URL(given)
    except (httpx.InvalidURL, ValueError) as e:
        raise ConfigurationError(f"base_url {given!r} is not a URL ({e})") from None
    if parts.scheme not in ("https", "http") or not parts.host:
        raise ConfigurationError(
            f"base_url must be an absolute https:// URL (http:// only on loopback), got {given!r}"
        )
    from runcomfy_runtime.schema.formats import is_loopback_host

    if parts.scheme == "http" and not is_loopback_host(parts.host):
        raise ConfigurationError(
            f"base_url {given!r} uses http:// on a host that is not loopback: the API token "
            "would travel in clear text; use https://"
        )
    return given.rstrip("/").removesuffix("/v1")  # RunComfy's CLI's bases end in /v1; we add it


def _base_url_from(environ: Mapping[str, str]) -> str:
    """``$RUNCOMFY_BASE_URL``, else RunComfy's CLI's ``$RUNCOMFY_MODEL_API_BASE`` (which ends in
    ``/v1``, a part this client adds itself), else the service."""
    for name in constants.BASE_URL_ENVS:
        value = environ.get(name, "").strip().rstrip("/")
        if value:
            return value.removesuffix("/v1")
    return constants.DEFAULT_BASE_URL


class BaseClient:
    """Configuration, and every decision that is the same for the sync and async clients."""

    base_url: str
    timeout: httpx.Timeout
    retry: RetryPolicy
    poll: PollPolicy
    wait_timeout: float
    uploader: Uploader | None
    registry: Mapping[str, EndpointSpec] = {}  # the generated clients set theirs

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
        uploader: Uploader | None = None,
        poll_cache: bool | str | os.PathLike[str] | None = None,
    ) -> None:
        self._token: Secret = resolve_token(api_token)
        guard_logs(self._token)
        self.base_url = _checked_base_url(base_url or _base_url_from(os.environ))
        self.timeout = httpx.Timeout(timeout, connect=constants.CONNECT_TIMEOUT)
        self.retry = retry or RetryPolicy()
        self.poll = poll or PollPolicy()
        self.wait_timeout = wait_timeout
        self.uploader = uploader  # local files too large to inline go there (uploads.py)
        if registry is not None:
            self.registry = registry
        # Specs this client has met: typed endpoints it served (so the typed path never loads
        # the whole registry) and catalog models it fetched (once each).
        self._specs: dict[str, EndpointSpec] = {}
        self._durations = Durations()  # how long finished jobs ran, per model
        self._poll_cache = poll_cache  # the record of earlier processes' (poll_record.py)
        self._record: PollRecord | None = None  # opened at the first wait
        self._record_read = threading.Lock()  # held for good once the record has been read
        self._origin = wire.origin(self.base_url)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _known_spec(self, model_id: str) -> EndpointSpec | None:
        """The spec of a generated endpoint, or of a catalog model fetched before: no I/O."""
        return self._specs.get(model_id) or self.registry.get(model_id)

    def _catalog_spec(self, model_id: str, entry: CatalogEntry | None) -> EndpointSpec:
        """The fetched entry's spec, kept for the client's life; ``UnknownModelError`` (with
        the closest generated ids) when the catalog does not know the id either."""
        if entry is None:
            from runcomfy_runtime.offline import unknown_model

            raise unknown_model(self.registry, model_id, catalog_asked=True)
        spec = self._specs[model_id] = entry.spec()
        return spec

    def _prepared(
        self, spec: EndpointSpec | None, payload: Mapping[str, Any], level: ValidationLevel
    ) -> Inlined | dict[str, Any]:
        """``validate="off"`` for a model known nowhere: the payload goes as it is."""
        if spec is None:
            return dict(payload)
        return self._offline_stage(spec, payload, level)

    # -- requests --------------------------------------------------------------------------------

    def _headers_for(self, url: str) -> dict[str, str]:
        """The token goes to the API's own origin and nowhere else."""
        if wire.origin(url) != self._origin:
            return {}
        return {"Authorization": f"Bearer {self._token.reveal()}"}

    def _call(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        model_id: str | None = None,
        request_id: str | None = None,
        deadline: float | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> Call:
        from runcomfy_runtime.calls import Call

        return Call(
            method,
            url,
            headers=self._headers_for(url),
            retry=self.retry,
            timeout=self.timeout,
            origin=self._origin,
            content=content,
            model_id=model_id,
            request_id=request_id,
            deadline=deadline,
            on_sent=on_sent,
            scrub=lambda body: scrubbed(body, self._token),
        )

    def _submit_call(
        self, model_id: str, payload: Mapping[str, Any], on_sent: Callable[[], None] | None
    ) -> Call:
        from runcomfy_runtime.calls import encode

        url = wire.submit_url(self.base_url, model_id)
        return self._call(
            "POST", url, content=encode(model_id, payload), model_id=model_id, on_sent=on_sent
        )

    @staticmethod
    def _limits(keepalive: float) -> httpx.Limits:
        return httpx.Limits(
            max_connections=constants.MAX_CONNECTIONS,
            max_keepalive_connections=constants.MAX_KEEPALIVE_CONNECTIONS,
            keepalive_expiry=keepalive,
        )

    def _http_options(self) -> dict[str, Any]:
        return {
            "timeout": self.timeout,
            "follow_redirects": False,  # API redirects are followed by ``Call``, same origin only
            "headers": {"User-Agent": constants.USER_AGENT},
        }

    # -- validation ------------------------------------------------------------------------------

    def _offline_stage(
        self, spec: EndpointSpec, payload: Mapping[str, Any], level: ValidationLevel
    ) -> Inlined:
        """Local files inlined (or, too large for that and with an uploader, checked and left
        for the submit to upload), then the schema: what needs no network."""
        from runcomfy_runtime.local_files import inline_local_files, local_file_hint
        from runcomfy_runtime.validation import schema_problems  # jsonschema, on first use

        can_upload = self.uploader is not None
        inlined = inline_local_files(spec, payload, check=level != "off", can_upload=can_upload)
        if level != "off":
            inlined.problems.extend(
                local_file_hint(p)
                for p in schema_problems(spec, inlined.payload)
                if p.path not in inlined.local_paths  # a local file's problem is said once
            )
        return inlined

    @staticmethod
    def _verdict(spec: EndpointSpec, inlined: Inlined, online: list[Problem]) -> dict[str, Any]:
        """The payload to send, or every problem of both stages at once."""
        problems = inlined.problems + online
        if problems:
            from runcomfy_runtime.validation import sort_problems

            raise InputValidationError(spec.model_id, sort_problems(spec, problems))
        return inlined.payload

    @staticmethod
    def _has_remote_media(spec: EndpointSpec, payload: Mapping[str, Any]) -> bool:
        from runcomfy_runtime.media import media_values

        return bool(media_values(spec, payload))

    # -- answers ---------------------------------------------------------------------------------

    def _job_ref(self, request_id: str, body: Any = None) -> JobRef:
        given = body if isinstance(body, Mapping) else {}

        def url(action: str) -> str:
            return wire.trusted_url(self.base_url, given.get(f"{action}_url"), request_id, action)

        from runcomfy_runtime.results import JobRef

        return JobRef(request_id, url("status"), url("result"), url("cancel"))

    def _submitted(self, model_id: str, body: Any) -> JobRef:
        """The job a submit's success answer names. An answer that cannot be read as an
        accepted job (not JSON, empty, no ``request_id``) is ambiguous, not a refusal: the
        server said 2xx, so a job may exist, and a resubmit could pay for a second one."""
        request_id = body.get("request_id") if isinstance(body, Mapping) else None
        if not isinstance(request_id, str) or not request_id.strip():
            raise AmbiguousSubmitError(
                model_id,
                "the server accepted the submit but its answer names no job: " + wire.excerpt(body),
            )
        return self._job_ref(request_id, body)

    @staticmethod
    def _cancelled(ref: JobRef, body: Any) -> Cancellation:
        from runcomfy_runtime.results import Cancellation
        from runcomfy_runtime.statuses import CANCEL_OUTCOMES

        body = body if isinstance(body, Mapping) else {}
        state = str(body.get("status") or "unknown")
        outcome = CANCEL_OUTCOMES.get(str(body.get("outcome") or "cancelled").lower(), "refused")
        if outcome == "refused":
            raise CancelRefused(ref.request_id, state)
        return Cancellation(
            ref.request_id, "requested" if outcome == "requested" else "cancelled", state
        )

    def _waiter(
        self,
        request_id: str,
        timeout: float | None,
        on_status: StatusCallback | None,
        submitted_at: float | None = None,
        model_id: str | None = None,
        expected: float | tuple[float, float] | None = None,
    ) -> Waiter:
        from runcomfy_runtime.polling import Expected
        from runcomfy_runtime.waiting import Waiter

        limit = self.wait_timeout if timeout is None else timeout
        hint = Expected.around(expected) if expected is not None else None
        if model_id is not None:
            self._read_record()
        return Waiter(
            request_id,
            limit,
            self.poll,
            on_status,
            submitted_at=submitted_at,
            expected=hint or self._durations.expected(model_id),
        )

    def _read_record(self) -> None:
        """At the first wait: what earlier processes learned of job lengths, before ours."""
        if not self._record_read.acquire(blocking=False):
            return  # read already (or being read by another thread's first wait)
        from runcomfy_runtime.poll_record import PollRecord

        self._record = PollRecord.opened(self._poll_cache, os.environ, self.base_url)
        if self._record is not None:
            self._record.seed(self._durations)

    def _learn(self, model_id: str | None, result: Result[Any], waiter: Waiter) -> None:
        """Remember how long a finished job ran (from its observed start, the server's clock
        where it says), here and in the record, so the next wait on the model (in this process
        or the next) polls around its likely end."""
        if model_id is None:
            return
        ran = waiter.ran_for(result)
        self._durations.record(model_id, ran)
        if self._record is not None:
            self._record.add(model_id, ran)

    def _flush_record(self) -> None:
        if self._record is not None:
            self._record.flush()

    @staticmethod
    def _result_url(ref: JobRef, include_cost: bool) -> str:
        if not include_cost:
            return ref.result_url
        return ref.result_url + ("&" if "?" in ref.result_url else "?") + "include_cost=true"

    def _result(self, ref: JobRef, output: type[OutputT], body: Any) -> Result[OutputT]:
        from runcomfy_runtime.results import Result

        return Result.from_wire(ref.request_id, body, output)


def _not_ready(error: APIError) -> bool:
    return error.error_code == NOT_READY


class Client(BaseClient):
    """Synchronous client. Close it (or use ``with``) to release its connections."""

    def __init__(self, *, http_client: httpx.Client | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._http = http_client or self._pool(constants.KEEPALIVE_EXPIRY)
        self._submit_http = http_client or self._pool(constants.SUBMIT_KEEPALIVE_EXPIRY)
        self._prober: Prober | None = None

    def _pool(self, keepalive: float) -> httpx.Client:
        from runcomfy_runtime.transport import LazyTransport

        transport = LazyTransport(self._limits(keepalive))
        return httpx.Client(transport=transport, **self._http_options())

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._flush_record()
        self._http.close()
        self._submit_http.close()

    # -- I/O -------------------------------------------------------------------------------------

    def _send(self, call: Call) -> Any:
        from runcomfy_runtime.calls import DeadlineReached, Follow, Retry

        while True:
            try:
                outcome = self._exchange(call)
            except DeadlineReached:
                raise call.on_deadline() from None
            if isinstance(outcome, Retry):
                time.sleep(outcome.delay)
            elif not isinstance(outcome, Follow):
                return outcome

    def _exchange(self, call: Call) -> Any:
        from runcomfy_runtime.calls import Answer, AnswerTooLarge

        http = self._submit_http if call.model_id is not None else self._http
        try:
            response = http.send(call.request(http, asynchronous=False), stream=True)
            try:
                answer = Answer(call)
                for chunk in response.iter_bytes():
                    answer.add(chunk)
            finally:
                response.close()
        except httpx.TransportError as exc:
            return call.on_transport_error(exc)
        except AnswerTooLarge as exc:
            raise call.on_too_large(exc) from None
        return call.on_response(
            response.status_code, answer.content(), response.headers, str(response.url)
        )

    # -- validation ------------------------------------------------------------------------------

    def validate(
        self, model_id: str, payload: Mapping[str, Any], *, level: ValidationLevel = "full"
    ) -> dict[str, Any]:
        """Run the stages ``level`` asks for ("full" probes the media files); raise with every
        problem found, or return the payload as it would be sent. A model the package was not
        generated for is validated against its schema from the catalog (fetched once);
        ``level="off"`` fetches nothing and sends the payload as it is. A local file too large
        to inline, with an uploader, is checked here and returned as a ``PendingUpload``:
        ``submit`` uploads it (nothing is uploaded by validating)."""
        known = self._known_spec(model_id)
        spec = known if known is not None or level == "off" else self.spec(model_id)
        inlined = self._prepared(spec, payload, level)
        if spec is None or isinstance(inlined, dict):
            return dict(payload)
        online: list[Problem] = []
        if level == "full" and self._has_remote_media(spec, inlined.to_probe):
            online = self._check_media(spec, inlined.to_probe)
        return self._verdict(spec, inlined, online)

    def spec(self, model_id: str) -> EndpointSpec:
        """The spec ``model_id`` is validated with: the generated one, else the catalog's
        schema (fetched once per client); ``UnknownModelError`` when neither knows it."""
        known = self._known_spec(model_id)
        if known is not None:
            return known
        return self._catalog_spec(model_id, self._entry_or_none(model_id))

    def _entry_or_none(self, model_id: str) -> CatalogEntry | None:
        try:
            return self.model(model_id)
        except NotFoundError:
            return None

    def model(self, model_id: str) -> CatalogEntry:
        """The catalog's entry for ``model_id``: name, categories, kind, price, input schema."""
        from runcomfy_runtime import catalog
        from runcomfy_runtime.catalog import CatalogEntry

        body = self._send(self._call("GET", catalog.entry_url(self.base_url, model_id)))
        entry = CatalogEntry.from_wire(body)
        if entry is None:
            raise APIError(f"the catalog answered no entry for {model_id}", body=body)
        return entry

    def models(
        self,
        search: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        *,
        include_schema: bool = False,
    ) -> list[CatalogEntry]:
        """Every catalog entry matching ``search`` (id or name), ``category`` and ``kind``,
        paging through the listing."""
        from runcomfy_runtime import catalog

        pager = catalog.Pager(
            self.base_url,
            search=search,
            category=category,
            kind=kind,
            include_schema=include_schema,
        )
        while (url := pager.next_url()) is not None:
            pager.add(self._send(self._call("GET", url)))
        return pager.entries

    def categories(self) -> list[str]:
        """The catalog's categories."""
        from runcomfy_runtime import catalog

        body = self._send(self._call("GET", catalog.categories_url(self.base_url)))
        return catalog.categories_of(body)

    def _check_media(self, spec: EndpointSpec, payload: dict[str, Any]) -> list[Problem]:
        """Probe on this client's own ``httpx.Client`` (the user's transport, proxies and TLS
        settings), concurrently, from a short-lived event loop: nothing outlives the call."""
        from anyio.from_thread import start_blocking_portal

        from runcomfy_runtime.fetch import ThreadFetcher
        from runcomfy_runtime.media import check_media
        from runcomfy_runtime.probe import Prober

        if self._prober is None:
            self._prober = Prober(ThreadFetcher(self._http))
        with start_blocking_portal() as portal:
            return portal.call(check_media, spec, payload, self._prober)

    def _with_uploads(self, body: dict[str, Any]) -> dict[str, Any]:
        """The validated body with its pending local files uploaded and replaced by their URLs
        (``uploads.py``); ``UploadError`` and no submit when one fails."""
        from runcomfy_runtime.uploads import upload_pending

        return upload_pending(self.uploader, body)

    # -- jobs ------------------------------------------------------------------------------------

    def submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        on_sent: Callable[[], None] | None = None,
    ) -> Job[Output]:
        """Validate, then queue a job; returns its handle as soon as the server has the job.

        ``on_sent`` is called when the request's body is about to be sent (its headers are
        out), before the body's first byte: from then on a job may exist, and until then none
        can, so a journal that records it knows which submits never left.
        """
        from runcomfy_runtime.results import Output

        return self._submit(model_id, payload, validate, Output, on_sent)

    def _submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        validate: ValidationLevel,
        output: type[OutputT],
        on_sent: Callable[[], None] | None = None,
        spec: EndpointSpec | None = None,
    ) -> Job[OutputT]:
        if spec is not None:  # a typed endpoint knows its spec: no registry lookup
            self._specs.setdefault(model_id, spec)
        body = self.validate(model_id, payload, level=validate)
        body = self._with_uploads(body)
        sent = time.monotonic()  # the job's age counts from here: early, never late (polling.py)
        answer = self._send(self._submit_call(model_id, body, on_sent))
        ref = self._submitted(model_id, answer)
        from runcomfy_runtime.jobs import Job

        return Job(self, ref, output, submitted_at=sent, model_id=model_id)

    def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[Output]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait`` (see
        ``Job.wait`` for ``expected``)."""
        job = self.submit(model_id, payload, validate=validate)
        return job.wait(timeout, on_status=on_status, include_cost=include_cost, expected=expected)

    def job(self, request_id: str) -> Job[Output]:
        """The handle of an existing job, from its id alone."""
        from runcomfy_runtime.jobs import Job
        from runcomfy_runtime.results import Output

        return Job(self, self._job_ref(request_id), Output)

    def download(
        self,
        result: Result[Any],
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        """Save every output of ``result`` into ``directory``; returns the paths, in order.

        Each file is streamed to a temporary name and renamed when complete, never past
        ``max_bytes``; with ``skip_existing``, an output already saved there is not fetched
        again. Output hosts never receive the token.
        """
        from runcomfy_runtime.download import download_all

        return download_all(
            self._http, result, Path(directory), on_progress, skip_existing, max_bytes
        )

    def _fetch_status(self, ref: JobRef, deadline: float | None = None) -> Status:
        call = self._call("GET", ref.status_url, request_id=ref.request_id, deadline=deadline)
        from runcomfy_runtime.results import Status

        return Status.from_wire(ref.request_id, self._send(call))

    def _fetch_result(
        self,
        ref: JobRef,
        output: type[OutputT],
        include_cost: bool = False,
        deadline: float | None = None,
    ) -> Result[OutputT]:
        url = self._result_url(ref, include_cost)
        call = self._call("GET", url, request_id=ref.request_id, deadline=deadline)
        try:
            return self._result(ref, output, self._send(call))
        except APIError as e:
            if not _not_ready(e):
                raise
            return self._result(ref, output, {"status": "in_progress"})

    def _cancel(self, ref: JobRef) -> Cancellation:
        call = self._call("POST", ref.cancel_url, request_id=ref.request_id)
        return self._cancelled(ref, self._send(call))

    def _cancel_quietly(self, ref: JobRef) -> None:
        with contextlib.suppress(CancelRefused, APIError, APIConnectionError):
            self._cancel(ref)


class AsyncClient(BaseClient):
    """Asynchronous client: the same surface, awaitable. Use ``async with`` or ``aclose()``."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._http = http_client or self._pool(constants.KEEPALIVE_EXPIRY)
        self._submit_http = http_client or self._pool(constants.SUBMIT_KEEPALIVE_EXPIRY)
        self._prober: Prober | None = None

    def _pool(self, keepalive: float) -> httpx.AsyncClient:
        from runcomfy_runtime.transport import AsyncLazyTransport

        transport = AsyncLazyTransport(self._limits(keepalive))
        return httpx.AsyncClient(transport=transport, **self._http_options())

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._flush_record()
        await self._http.aclose()
        await self._submit_http.aclose()

    # -- I/O -------------------------------------------------------------------------------------

    async def _send(self, call: Call) -> Any:
        from runcomfy_runtime.calls import DeadlineReached, Follow, Retry

        while True:
            try:
                outcome = await self._exchange(call)
            except DeadlineReached:
                raise call.on_deadline() from None
            if isinstance(outcome, Retry):
                await _sleep(outcome.delay)
            elif not isinstance(outcome, Follow):
                return outcome

    async def _exchange(self, call: Call) -> Any:
        from runcomfy_runtime.calls import Answer, AnswerTooLarge

        http = self._submit_http if call.model_id is not None else self._http
        try:
            response = await http.send(call.request(http, asynchronous=True), stream=True)
            try:
                answer = Answer(call)
                async for chunk in response.aiter_bytes():
                    answer.add(chunk)
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            return call.on_transport_error(exc)
        except AnswerTooLarge as exc:
            raise call.on_too_large(exc) from None
        return call.on_response(
            response.status_code, answer.content(), response.headers, str(response.url)
        )

    # -- validation ------------------------------------------------------------------------------

    async def validate(
        self, model_id: str, payload: Mapping[str, Any], *, level: ValidationLevel = "full"
    ) -> dict[str, Any]:
        known = self._known_spec(model_id)
        spec = known if known is not None or level == "off" else await self.spec(model_id)
        inlined = self._prepared(spec, payload, level)
        if spec is None or isinstance(inlined, dict):
            return dict(payload)
        online: list[Problem] = []
        if level == "full" and self._has_remote_media(spec, inlined.to_probe):
            online = await self._check_media(spec, inlined.to_probe)
        return self._verdict(spec, inlined, online)

    async def spec(self, model_id: str) -> EndpointSpec:
        known = self._known_spec(model_id)
        if known is not None:
            return known
        return self._catalog_spec(model_id, await self._entry_or_none(model_id))

    async def _entry_or_none(self, model_id: str) -> CatalogEntry | None:
        try:
            return await self.model(model_id)
        except NotFoundError:
            return None

    async def model(self, model_id: str) -> CatalogEntry:
        from runcomfy_runtime import catalog
        from runcomfy_runtime.catalog import CatalogEntry

        body = await self._send(self._call("GET", catalog.entry_url(self.base_url, model_id)))
        entry = CatalogEntry.from_wire(body)
        if entry is None:
            raise APIError(f"the catalog answered no entry for {model_id}", body=body)
        return entry

    async def models(
        self,
        search: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        *,
        include_schema: bool = False,
    ) -> list[CatalogEntry]:
        from runcomfy_runtime import catalog

        pager = catalog.Pager(
            self.base_url,
            search=search,
            category=category,
            kind=kind,
            include_schema=include_schema,
        )
        while (url := pager.next_url()) is not None:
            pager.add(await self._send(self._call("GET", url)))
        return pager.entries

    async def categories(self) -> list[str]:
        from runcomfy_runtime import catalog

        body = await self._send(self._call("GET", catalog.categories_url(self.base_url)))
        return catalog.categories_of(body)

    async def _check_media(self, spec: EndpointSpec, payload: dict[str, Any]) -> list[Problem]:
        from runcomfy_runtime.fetch import AsyncFetcher
        from runcomfy_runtime.media import check_media
        from runcomfy_runtime.probe import Prober

        if self._prober is None:
            self._prober = Prober(AsyncFetcher(self._http))  # shares the pool
        return await check_media(spec, payload, self._prober)

    async def _with_uploads(self, body: dict[str, Any]) -> dict[str, Any]:
        from runcomfy_runtime.uploads import aupload_pending

        return await aupload_pending(self.uploader, body)  # off the event loop

    # -- jobs ------------------------------------------------------------------------------------

    async def submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        on_sent: Callable[[], None] | None = None,
    ) -> AsyncJob[Output]:
        from runcomfy_runtime.results import Output

        return await self._submit(model_id, payload, validate, Output, on_sent)

    async def _submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        validate: ValidationLevel,
        output: type[OutputT],
        on_sent: Callable[[], None] | None = None,
        spec: EndpointSpec | None = None,
    ) -> AsyncJob[OutputT]:
        if spec is not None:  # a typed endpoint knows its spec: no registry lookup
            self._specs.setdefault(model_id, spec)
        body = await self.validate(model_id, payload, level=validate)
        body = await self._with_uploads(body)
        sent = time.monotonic()  # the job's age counts from here: early, never late (polling.py)
        answer = await self._send(self._submit_call(model_id, body, on_sent))
        ref = self._submitted(model_id, answer)
        from runcomfy_runtime.jobs import AsyncJob

        return AsyncJob(self, ref, output, submitted_at=sent, model_id=model_id)

    async def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[Output]:
        job = await self.submit(model_id, payload, validate=validate)
        return await job.wait(
            timeout, on_status=on_status, include_cost=include_cost, expected=expected
        )

    def job(self, request_id: str) -> AsyncJob[Output]:
        from runcomfy_runtime.jobs import AsyncJob
        from runcomfy_runtime.results import Output

        return AsyncJob(self, self._job_ref(request_id), Output)

    async def download(
        self,
        result: Result[Any],
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
        max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
    ) -> list[Path]:
        from runcomfy_runtime.download import adownload_all

        return await adownload_all(
            self._http, result, Path(directory), on_progress, skip_existing, max_bytes
        )

    async def _fetch_status(self, ref: JobRef, deadline: float | None = None) -> Status:
        call = self._call("GET", ref.status_url, request_id=ref.request_id, deadline=deadline)
        from runcomfy_runtime.results import Status

        return Status.from_wire(ref.request_id, await self._send(call))

    async def _fetch_result(
        self,
        ref: JobRef,
        output: type[OutputT],
        include_cost: bool = False,
        deadline: float | None = None,
    ) -> Result[OutputT]:
        url = self._result_url(ref, include_cost)
        call = self._call("GET", url, request_id=ref.request_id, deadline=deadline)
        try:
            return self._result(ref, output, await self._send(call))
        except APIError as e:
            if not _not_ready(e):
                raise
            return self._result(ref, output, {"status": "in_progress"})

    async def _cancel(self, ref: JobRef) -> Cancellation:
        call = self._call("POST", ref.cancel_url, request_id=ref.request_id)
        return self._cancelled(ref, await self._send(call))

    async def _cancel_quietly(self, ref: JobRef) -> None:
        with contextlib.suppress(CancelRefused, APIError, APIConnectionError):
            await self._cancel(ref)
