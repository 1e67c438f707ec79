"""One logical API request and its retries: what each failure or answer means, decided once.

A :class:`Call` holds the decisions; :func:`sent` is the request's flow (``effects``), which
both clients drive: it waits for the call's slot from the client's rate limiter, asks the
driver for one attempt (an ``Exchange``: the driver builds the request with the call's time
limits and reads the answer through an :class:`Answer`, which enforces the size cap and the
deadline) and gives the call what came back: the decoded body, or a retry after a sleep, a
redirect to follow, or the typed error.

A submit (``kind="submit"``) is the one request that is not idempotent. Its failure is
ambiguous (a job may exist) unless it is proved that the server cannot have the request: the
connection failed before it was made, or the body was not completely sent (httpcore's
``trace`` extension says when it was), or the server answered 429.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from runcomfy_runtime import constants, wire
from runcomfy_runtime.effects import Exchange, Exchanged, Flow, Sleep
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
from runcomfy_runtime.throttle import RateLimiter

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

    def __init__(self, call: Call, response: httpx.Response) -> None:
        self._call = call
        self._response = response
        self._parts: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > constants.MAX_ANSWER_BYTES:
            raise AnswerTooLarge(self._size)
        self._call.check_deadline()
        self._parts.append(chunk)

    def exchanged(self) -> Exchanged:
        response = self._response
        return Exchanged(
            response.status_code, b"".join(self._parts), response.headers, str(response.url)
        )


class AnswerTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"more than {size} bytes")


def encode(model_id: str, payload: Any) -> bytes:
    """The JSON body; a value JSON cannot carry (NaN, infinity) is an input problem."""
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode()
    except (ValueError, TypeError, RecursionError) as e:
        raise InputValidationError(model_id, [Problem((), f"cannot be sent as JSON: {e}")]) from e


CallKind = Literal["query", "submit", "cancel"]
"""What a call is: a ``submit`` (the one that is not idempotent: it may create a paid job), a
``cancel``, or a ``query`` (every GET)."""


class Call:
    """One logical API request: its retries, redirects, deadline and the meaning of its end."""

    def __init__(
        self,
        method: str,
        url: str,
        *,
        kind: CallKind = "query",
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
        limiter: RateLimiter | None = None,
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
        self.kind = kind
        self.model_id = model_id  # the submit's model, named in its errors
        self.request_id = request_id
        self.own_deadline = time.monotonic() + constants.REQUEST_TOTAL_TIMEOUT
        self.caller_deadline = deadline
        self.on_sent = on_sent
        self.limiter = limiter if limiter is not None else RateLimiter()
        self.sent_at = 0.0
        self.refusals = 0  # 429s met
        self.rate_waited = 0.0  # seconds spent waiting them out
        self.attempt = 0
        self.cut_by_caller = False
        self.redirects = 0
        self.body_sent = False
        self.traced = False  # the transport reports its steps (httpcore does; a mock may not)

    @property
    def deadline(self) -> float:
        """The call's end: the caller's deadline, or its own total bound (which time spent
        waiting out rate limits extends)."""
        caller = self.caller_deadline if self.caller_deadline is not None else float("inf")
        return min(caller, self.own_deadline)

    def _callers_deadline_first(self) -> bool:
        return self.caller_deadline is not None and self.caller_deadline <= self.own_deadline

    @property
    def idempotent(self) -> bool:
        return self.kind != "submit"

    @property
    def submit(self) -> str | None:
        """The model id of a submit (named in an ``AmbiguousSubmitError``); None otherwise."""
        return (self.model_id or "") if self.kind == "submit" else None

    # -- the request -----------------------------------------------------------------------------

    def pause(self) -> float:
        """Seconds to wait for this attempt's slot from the client's rate limiter (0 unless a
        429 was met lately), never past the caller's deadline."""
        delay, self.sent_at = self.limiter.admit()
        if not delay:
            return 0.0
        if self.caller_deadline is None:
            # The server's own word (the gate) may not exceed the cap; the pace of the slots
            # counts against the call's whole wait only.
            gate = self.limiter.open_at - time.monotonic()
            if gate > self.retry.retry_after_cap or self.rate_waited + delay > (
                self.retry.rate_limit_wait
            ):
                raise RateLimitError(
                    f"{self.method} {self.url}: the API's rate limit holds this client back "
                    f"{delay:.1f}s more, past what the call may wait (RetryPolicy "
                    f"retry_after_cap={self.retry.retry_after_cap:g}s, "
                    f"rate_limit_wait={self.retry.rate_limit_wait:g}s)",
                    status_code=429,
                    request_id=self.request_id,
                    retry_after=delay,
                )
            self.rate_waited += delay
        self.own_deadline += delay  # waiting for a slot is not the request's time
        return min(delay, max(0.0, self.deadline - time.monotonic()))

    def request(
        self, client: httpx.Client | httpx.AsyncClient, *, asynchronous: bool
    ) -> httpx.Request:
        """The next attempt's request, its time limits bounded by what is left."""
        self.body_sent = self.traced = False
        left = self.check_deadline()
        configured = self.timeout.as_dict()
        limits = {key: min(v, left) if v is not None else left for key, v in configured.items()}
        # A timeout of this attempt is the wait's deadline, not the network, when that deadline
        # cut a limit short: the wait then ends as WaitTimeout, whatever the server trickles.
        self.cut_by_caller = self._callers_deadline_first() and any(
            v is None or v > left for v in configured.values()
        )
        extensions: dict[str, Any] = {"timeout": limits}
        if self.kind == "submit":
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

    def _next(self, failure: Failure, status: int | None) -> float | None:
        """The delay before the next try of a failure that is not a 429; None: give up."""
        if not should_retry(
            self.retry,
            idempotent=self.idempotent,
            failure=failure,
            status=status,
            attempt=self.attempt,
            persistent=self.caller_deadline is not None,
        ):
            return None
        delay = retry_delay(self.retry, self.attempt, None)
        assert delay is not None
        if time.monotonic() + delay >= self.deadline:
            return None
        self.attempt += 1
        return delay

    def _refused(self, retry_after: float | None) -> float | None:
        """The delay before the next try after a 429; None: give up (``RateLimitError``).

        The client's limiter hears of it (every call slows down), and the delay is jittered.
        A call on its own waits out 429s for ``retry.rate_limit_wait`` seconds in all; a call
        inside a wait until the wait's deadline (then ``WaitTimeout``), never past it.
        """
        backoff = retry_delay(self.retry, min(self.refusals, 16), None)
        assert backoff is not None
        delay = self.limiter.refused(retry_after, self.sent_at, backoff)
        self.refusals += 1
        if self.caller_deadline is not None:
            return max(0.0, min(delay, self.caller_deadline - time.monotonic()))
        if retry_after is not None and retry_after > self.retry.retry_after_cap:
            return None
        if self.rate_waited + delay > self.retry.rate_limit_wait:
            return None
        self.rate_waited += delay
        self.own_deadline += delay  # waiting out a limit is not the request's time
        return delay

    def _retrying(self, delay: float, why: str) -> Retry:
        log.info(
            "%s %s failed (%s); retry %d in %.2fs", self.method, self.url, why, self.attempt, delay
        )
        return Retry(delay)

    def on_transport_error(self, exc: httpx.RequestError) -> Retry:
        """A retry, or the error to raise: never a blind retry of a submit that went out."""
        if isinstance(exc, httpx.TimeoutException) and self.cut_by_caller:
            raise self.on_deadline() from exc
        # Unsent is proved by the kind of failure, or by a transport that reported its steps
        # and never reported the body complete; silence proves nothing.
        proved = self.kind == "submit" and self.traced and not self.body_sent
        unsent = isinstance(exc, _NOT_SENT) or proved
        failure = Failure.NOT_SENT if unsent else Failure.LOST
        delay = self._next(failure, None)
        if delay is not None:
            return self._retrying(delay, type(exc).__name__)
        cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if failure is Failure.LOST and (model := self.submit) is not None:
            raise AmbiguousSubmitError(model, cause) from exc
        raise APIConnectionError(
            f"{self.method} {self.url} failed: {cause}", request_id=self.request_id
        ) from exc

    def on_deadline(self) -> Exception:
        """What a deadline reached mid-request means: the caller's own (a wait's), or to a
        caller that set none, a request that took longer than the total bound."""
        if self._callers_deadline_first():
            return DeadlineReached()
        seconds = constants.REQUEST_TOTAL_TIMEOUT
        cause = f"no complete answer within {seconds:g}s"
        if (model := self.submit) is not None and self.body_sent:
            return AmbiguousSubmitError(model, cause)
        return APIConnectionError(f"{self.method} {self.url}: {cause}", request_id=self.request_id)

    def unreadable(self, what: str, exc: BaseException, status: int | None = None) -> Exception:
        """An answer that could not be read: a submit's is ambiguous (the server may hold the
        job), anyone else's an ``APIError``."""
        cause = f"its answer ({what}) could not be read: {type(exc).__name__}: {exc}"
        if (model := self.submit) is not None:
            return AmbiguousSubmitError(model, cause, status_code=status)
        return APIError(
            f"{self.method} {self.url}: {cause}", status_code=status, request_id=self.request_id
        )

    def on_too_large(self, exc: AnswerTooLarge) -> Exception:
        cap = constants.MAX_ANSWER_BYTES // (1024 * 1024)
        cause = f"the answer is larger than {cap} MiB; it was not read"
        if (model := self.submit) is not None:
            return AmbiguousSubmitError(model, cause)
        return APIError(f"{self.method} {self.url}: {cause}", request_id=self.request_id)

    def on_response(self, status: int, content: bytes, headers: Mapping[str, str], url: str) -> Any:
        """The decoded body of a success, a :class:`Retry`, a :class:`Follow`, or the typed
        error raised."""
        if status in REDIRECTS:
            return self._redirect(status, headers, url)
        body = wire.decode_json(content)
        try:
            error = wire.error_for(status, self.scrub(body), headers, request_id=self.request_id)
        except Exception as exc:  # an answer nothing here can read: never an untyped crash
            raise self.unreadable(f"HTTP {status}", exc, status) from exc
        if isinstance(error, RateLimitError):
            delay = self._refused(error.retry_after)
        else:
            if error is None:
                return body
            delay = self._next(Failure.STATUS, status)
        if delay is not None:
            return self._retrying(delay, f"HTTP {status}")
        if isinstance(error, ServerError) and (model := self.submit) is not None:
            raise AmbiguousSubmitError(model, str(error), status_code=status) from error
        raise error

    def _redirect(self, status: int, headers: Mapping[str, str], url: str) -> Follow:
        """Follow a redirect on the API's own origin; refuse one to another origin, whose
        host would receive the payload (the prompt, inlined files) and answer for the API."""
        location = headers.get("location", "")
        try:
            target = str(httpx.URL(url).join(location)) if location else ""
        except (httpx.InvalidURL, ValueError) as exc:
            raise self.unreadable(f"HTTP {status} to {location!r}", exc, status) from None
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


def sent(call: Call) -> Flow[Any]:
    """The flow of one logical API request: the decoded answer, or the typed error."""
    while True:
        pause = call.pause()
        if pause:
            yield Sleep(pause)
        try:
            got: Exchanged = yield Exchange(call)
        except DeadlineReached:
            raise call.on_deadline() from None
        except AnswerTooLarge as exc:
            raise call.on_too_large(exc) from None
        except httpx.RequestError as exc:  # the network, or an answer httpx cannot decode
            outcome = call.on_transport_error(exc)
        else:
            outcome = call.on_response(got.status, got.content, got.headers, got.url)
        if isinstance(outcome, Retry):
            yield Sleep(outcome.delay)
        elif not isinstance(outcome, Follow):
            return outcome
