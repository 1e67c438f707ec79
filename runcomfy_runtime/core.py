"""A client's configuration, and what both twins decide the same way: the token and where it
may go, the base URL, the policies, the caches of specs and job lengths, the rate limiter, and
how an API request (a ``Call``) is made. ``client.py`` adds the two kinds of I/O."""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self

import httpx

from runcomfy_runtime import constants, wire
from runcomfy_runtime.auth import Secret, guard_logs, resolve_token, scrubbed
from runcomfy_runtime.errors import ConfigurationError, SchemaError, SchemaProblem
from runcomfy_runtime.lazy import LazyModule
from runcomfy_runtime.polling import Durations, PollPolicy
from runcomfy_runtime.retry import RetryPolicy
from runcomfy_runtime.schema.formats import is_loopback_host
from runcomfy_runtime.sources import base_url_from_env
from runcomfy_runtime.surface import ClientSurface
from runcomfy_runtime.throttle import RateLimiter

if TYPE_CHECKING:
    from runcomfy_runtime import calls, offline
    from runcomfy_runtime.calls import Call, CallKind
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.poll_record import PollRecord
    from runcomfy_runtime.polling import Expected
    from runcomfy_runtime.probe import Prober
    from runcomfy_runtime.results import Result
    from runcomfy_runtime.spec import EndpointSpec
    from runcomfy_runtime.uploads import Uploader
    from runcomfy_runtime.waiting import Waiter
else:  # loaded at the first call, not when a client is built (bench/bench_codegen.py)
    calls = LazyModule("runcomfy_runtime.calls")
    offline = LazyModule("runcomfy_runtime.offline")


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
    if parts.scheme == "http" and not is_loopback_host(parts.host):
        raise ConfigurationError(
            f"base_url {given!r} uses http:// on a host that is not loopback: the API token "
            "would travel in clear text; use https://"
        )
    return given.rstrip("/").removesuffix("/v1")  # RunComfy's CLI's bases end in /v1; we add it


class BaseClient(ClientSurface):
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
        rate_limiter: RateLimiter | None = None,
        poll_cache: bool | str | os.PathLike[str] | None = None,
    ) -> None:
        self._token: Secret = resolve_token(api_token)
        guard_logs(self._token)
        self.base_url = _checked_base_url(base_url or base_url_from_env(os.environ)[0])
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
        self._record = RecordSlot(poll_cache)  # and earlier processes' (poll_record.py)
        self._prices: dict[str, CatalogEntry | None] = {}  # catalog entries, for estimates
        # Shared by every call (a 429 slows them all); clients of one account may share one.
        self._limiter = rate_limiter if rate_limiter is not None else RateLimiter()
        self._origin = wire.origin(self.base_url)
        self._owns_pools = True
        self._prober: Prober | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    @property
    def rate_limiter(self) -> RateLimiter:
        """The limiter every call of this client shares: a batch engine reads its ``state()``
        or ``subscribe``s to its 429s to lower its own concurrency (``throttle.py``)."""
        return self._limiter

    def with_options(
        self,
        *,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        wait_timeout: float | None = None,
    ) -> Self:
        """This client with other policies for the calls made through what is returned: the
        same connections, caches and rate limiter; this client is not changed, so others may
        go on using it (``client.with_options(retry=RetryPolicy(max_retries=0)).model(id)``).
        Closing the view closes nothing: its connections are this client's."""
        view = copy.copy(self)
        view.retry = retry if retry is not None else self.retry
        view.poll = poll if poll is not None else self.poll
        view.wait_timeout = wait_timeout if wait_timeout is not None else self.wait_timeout
        view._owns_pools = False
        return view

    # -- what the flows read ---------------------------------------------------------------------

    def _known_spec(self, model_id: str) -> EndpointSpec | None:
        """The spec of a generated endpoint, or of a catalog model fetched before: no I/O."""
        return self._specs.get(model_id) or self.registry.get(model_id)

    def _catalog_spec(self, model_id: str, entry: CatalogEntry | None) -> EndpointSpec:
        """The fetched entry's spec, kept for the client's life; ``UnknownModelError`` (with
        the closest generated ids) when the catalog does not know the id either."""
        if entry is None:
            raise offline.unknown_model(self.registry, model_id, catalog_asked=True)
        try:
            spec = entry.spec()
        except RecursionError:  # a schema nested deeper than the engine walks
            raise SchemaError([SchemaProblem("", "nested too deeply to read")], model_id) from None
        self._specs[model_id] = spec
        return spec

    def _call(
        self,
        method: str,
        url: str,
        *,
        kind: CallKind = "query",
        content: bytes | None = None,
        model_id: str | None = None,
        request_id: str | None = None,
        deadline: float | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> Call:
        """One API request, with the token only where it may go: the API's own origin."""
        own = wire.origin(url) == self._origin
        return calls.Call(
            method,
            url,
            kind=kind,
            headers={"Authorization": f"Bearer {self._token.reveal()}"} if own else {},
            retry=self.retry,
            timeout=self.timeout,
            origin=self._origin,
            content=content,
            model_id=model_id,
            request_id=request_id,
            deadline=deadline,
            on_sent=on_sent,
            scrub=lambda body: scrubbed(body, self._token),
            limiter=self._limiter,
        )

    def _headers_for(self, url: str) -> dict[str, str]:
        """The headers a request to ``url`` carries: the token on the API's origin only."""
        return self._call("GET", url).headers

    def _submit_call(
        self, model_id: str, body: Mapping[str, Any], on_sent: Callable[[], None] | None
    ) -> Call:
        url = wire.submit_url(self.base_url, model_id)
        content = calls.encode(model_id, body)
        return self._call("POST", url, kind="submit", content=content, model_id=model_id,
                          on_sent=on_sent)  # fmt: skip

    def _expected(self, model_id: str | None) -> Expected | None:
        """How long jobs of ``model_id`` run, as far as this client knows: its own finished
        jobs, and, from its first wait on, the record earlier processes left."""
        if model_id is None:
            return None
        self._record.open(self.base_url, self._durations)
        return self._durations.expected(model_id)

    def _learn(self, model_id: str | None, result: Result[Any], waiter: Waiter) -> None:
        """Remember how long a finished job ran (from its observed start, the server's clock
        where it says), here and in the record, so the next wait on the model (in this process
        or the next) polls around its likely end."""
        if model_id is None:
            return
        ran = waiter.ran_for(result)
        self._durations.record(model_id, ran)
        self._record.add(model_id, ran)

    # -- connections ---------------------------------------------------------------------------

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


class RecordSlot:
    """The record of job lengths (``poll_record.py``) a client and its ``with_options`` views
    share: opened once, at the first wait (so neither building a client nor ``import
    runcomfy`` loads it), off when ``poll_cache=False`` or ``$RUNCOMFY_NO_POLL_CACHE`` says."""

    def __init__(self, setting: bool | str | os.PathLike[str] | None) -> None:
        self._setting = setting
        self._lock = threading.Lock()
        self._tried = False
        self.record: PollRecord | None = None

    def open(self, base_url: str, durations: Durations) -> None:
        """Read it into ``durations`` unless that was done."""
        with self._lock:
            if self._tried:
                return
            self._tried = True
            from runcomfy_runtime.poll_record import PollRecord

            self.record = PollRecord.opened(self._setting, os.environ, base_url)
            if self.record is not None:
                self.record.seed(durations)

    def add(self, model_id: str, seconds: float) -> None:
        if self.record is not None:
            self.record.add(model_id, seconds)

    def flush(self) -> None:
        """Write what is pending (a client's close)."""
        if self.record is not None:
            self.record.flush()


class SentClock:
    """When a submit's request left (its headers out, the body next: the moment ``on_sent``
    is called), or, on a transport that does not say, when the submit began: a job's age
    counts from it, early rather than late (``polling.py``). Calls the caller's ``on_sent``."""

    def __init__(self, on_sent: Callable[[], None] | None) -> None:
        self._on_sent = on_sent
        self.at = time.monotonic()

    def __call__(self) -> None:
        self.at = time.monotonic()
        if self._on_sent is not None:
            self._on_sent()
