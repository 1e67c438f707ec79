"""One logical API request and its retries: what each failure or answer means, decided once.

A :class:`Call` is shared by the sync and async clients, whose ``_send`` only does the I/O: it
asks the call for the request's time limits, streams the answer through an :class:`Answer`
(which enforces the size cap and the deadline), and hands the outcome back. The call answers
with the decoded body, a :class:`Retry`, a :class:`Follow`, or raises the typed error.

A submit is the one request that is not idempotent. Its failure is ambiguous (a job may
exist) unless it is proved that the server cannot have the request: the connection failed
before it was made, or the body was not completely sent (httpcore's ``trace`` extension says
when it was), or the server answered 429.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from runcomfy_runtime import constants, wire
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    InputValidationError,
    Problem,
    RateLimitError,
    ServerError,
)
from runcomfy_runtime.retry import Failure, RetryPolicy, retry_delay, should_retry

log = logging.getLogger("runcomfy")

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_BODY_SENT = ("http11.send_request_body.complete", "http2.send_request_body.complete")
_BODY_STARTING = ("http11.send_request_body.started", "http2.send_request_body.started")
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Retry:
    delay: float


@dataclass(frozen=True)
class Follow:
    url: str


class DeadlineReached(Exception):
    """The caller's deadline passed while a request was in flight (internal: a wait turns it
    into ``WaitTimeout``, anything else into ``APIConnectionError``)."""


class Answer:
    """An answer's body as it arrives: capped in size, and read no later than the deadline."""

    def __init__(self, call: Call) -> None:
        self._call = call
        self._parts: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > constants.MAX_ANSWER_BYTES:
            raise AnswerTooLarge(self._size)
        self._call.check_deadline()
        self._parts.append(chunk)

    def content(self) -> bytes:
        return b"".join(self._parts)


class AnswerTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"more than {size} bytes")


def encode(model_id: str, payload: Any) -> bytes:
    """The JSON body; a value JSON cannot carry (NaN, infinity) is an input problem."""
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode()
    except (ValueError, TypeError, RecursionError) as e:
        raise InputValidationError(model_id, [Problem((), f"cannot be sent as JSON: {e}")]) from e


class Call:
    """One logical API request: its retries, redirects, deadline and the meaning of its end."""

    def __init__(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        retry: RetryPolicy,
        timeout: httpx.Timeout,
        origin: tuple[str, str, int | None],
        content: bytes | None = None,
        model_id: str | None = None,
        request_id: str | None = None,
        deadline: float | None = None,
        on_sent: Callable[[], None] | None = None,
        scrub: Callable[[Any], Any] = lambda body: body,
    ) -> None:
        self.scrub = scrub  # removes the token from a body a server echoed it into
        self.method = method
        self.url = url
        self.content = content
        self.headers = dict(headers)
        if content is not None:
            self.headers["Content-Type"] = "application/json"
        self.retry = retry
        self.timeout = timeout
        self.origin = origin
        self.model_id = model_id  # set for a submit: the one call that is not idempotent
        self.request_id = request_id
        self.deadline = min(
            deadline if deadline is not None else float("inf"),
            time.monotonic() + constants.REQUEST_TOTAL_TIMEOUT,
        )
        self.caller_deadline = deadline
        self.on_sent = on_sent
        self.attempt = 0
        self.redirects = 0
        self.body_sent = False
        self.traced = False  # the transport reports its steps (httpcore does; a mock may not)

    @property
    def idempotent(self) -> bool:
        return self.model_id is None

    # -- the request -----------------------------------------------------------------------------

    def request(
        self, client: httpx.Client | httpx.AsyncClient, *, asynchronous: bool
    ) -> httpx.Request:
        """The next attempt's request, its time limits bounded by what is left."""
        self.body_sent = self.traced = False
        left = self.check_deadline()
        limits = {
            key: min(value, left) if value is not None else left
            for key, value in self.timeout.as_dict().items()
        }
        extensions: dict[str, Any] = {"timeout": limits}
        if self.model_id is not None:
            extensions["trace"] = self._atrace if asynchronous else self._trace
        return client.build_request(
            self.method, self.url, content=self.content, headers=self.headers, extensions=extensions
        )

    def _trace(self, event: str, info: Mapping[str, Any]) -> None:
        self.traced = True
        if event in _BODY_STARTING and self.on_sent is not None:
            # Before the body's first byte: a journal that records this before the server can
            # hold the whole request never calls a sent request unsent (after "complete" it
            # could, were the process killed between the write and the record).
            self.on_sent()
        elif event in _BODY_SENT:
            self.body_sent = True

    async def _atrace(self, event: str, info: Mapping[str, Any]) -> None:
        self._trace(event, info)

    def check_deadline(self) -> float:
        """Seconds left; :class:`DeadlineReached` when none are."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise DeadlineReached
        return left

    # -- what an end means -------------------------------------------------------------------------

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
        if delay is None or time.monotonic() + delay >= self.deadline:
            return None
        self.attempt += 1
        return delay

    def _retrying(self, delay: float, why: str) -> Retry:
        log.info(
            "%s %s failed (%s); retry %d in %.2fs", self.method, self.url, why, self.attempt, delay
        )
        return Retry(delay)

    def on_transport_error(self, exc: httpx.TransportError) -> Retry:
        """A retry, or the error to raise: never a blind retry of a submit that went out."""
        # Unsent is proved by the kind of failure, or by a transport that reported its steps
        # and never reported the body complete; silence proves nothing.
        proved = self.model_id is not None and self.traced and not self.body_sent
        unsent = isinstance(exc, _NOT_SENT) or proved
        failure = Failure.NOT_SENT if unsent else Failure.LOST
        delay = self._next(failure, None, None)
        if delay is not None:
            return self._retrying(delay, type(exc).__name__)
        cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if failure is Failure.LOST and self.model_id is not None:
            raise AmbiguousSubmitError(self.model_id, cause) from exc
        raise APIConnectionError(
            f"{self.method} {self.url} failed: {cause}", request_id=self.request_id
        ) from exc

    def on_deadline(self) -> Exception:
        """What a deadline reached mid-request means to whoever did not set one."""
        if self.caller_deadline is not None and time.monotonic() >= self.caller_deadline:
            return DeadlineReached()
        seconds = constants.REQUEST_TOTAL_TIMEOUT
        cause = f"no complete answer within {seconds:g}s"
        if self.model_id is not None and self.body_sent:
            return AmbiguousSubmitError(self.model_id, cause)
        return APIConnectionError(f"{self.method} {self.url}: {cause}", request_id=self.request_id)

    def on_too_large(self, exc: AnswerTooLarge) -> Exception:
        cap = constants.MAX_ANSWER_BYTES // (1024 * 1024)
        cause = f"the answer is larger than {cap} MiB; it was not read"
        if self.model_id is not None:
            return AmbiguousSubmitError(self.model_id, cause)
        return APIError(f"{self.method} {self.url}: {cause}", request_id=self.request_id)

    def on_response(self, status: int, content: bytes, headers: Mapping[str, str], url: str) -> Any:
        """The decoded body of a success, a :class:`Retry`, a :class:`Follow`, or the typed
        error raised."""
        if status in REDIRECTS:
            return self._redirect(status, headers, url)
        body = wire.decode_json(content)
        error = wire.error_for(status, self.scrub(body), headers, request_id=self.request_id)
        if error is None:
            return body
        retry_after = error.retry_after if isinstance(error, RateLimitError) else None
        delay = self._next(Failure.STATUS, status, retry_after)
        if delay is not None:
            return self._retrying(delay, f"HTTP {status}")
        if isinstance(error, ServerError) and self.model_id is not None:
            raise AmbiguousSubmitError(self.model_id, str(error), status_code=status) from error
        raise error

    def _redirect(self, status: int, headers: Mapping[str, str], url: str) -> Follow:
        """Follow a redirect on the API's own origin; refuse one to another origin, whose
        host would receive the payload (the prompt, inlined files) and answer for the API."""
        location = headers.get("location", "")
        target = str(httpx.URL(url).join(location)) if location else ""
        if not target or wire.origin(target) != self.origin:
            where = wire.origin(target)[1] if target else "nowhere"
            raise APIError(
                f"{self.method} {self.url} answered HTTP {status}, a redirect to another origin "
                f"({where}): refused, so neither the token nor the payload leaves the API",
                status_code=status,
                request_id=self.request_id,
            )
        self.redirects += 1
        if self.redirects > constants.MAX_API_REDIRECTS:
            raise APIError(f"{self.method} {self.url}: too many redirects", status_code=status)
        if status == 303:
            self.method, self.content = "GET", None
        self.url = target
        return Follow(target)
