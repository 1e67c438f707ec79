"""A job as the caller sees it: small typed values, and the handle that moves it along.

``Job`` (sync) and ``AsyncJob`` differ only in their I/O; what a status or a result *means*
(poll on, fetch the result, fail, stop) is decided once, in :class:`Waiter`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from runcomfy_runtime.errors import JobCancelled, JobFailed, WaitTimeout
from runcomfy_runtime.polling import PollPolicy

if TYPE_CHECKING:
    from runcomfy_runtime.client import AsyncClient, Client

State = Literal["in_queue", "in_progress", "completed", "cancelled"]
RUNNING_STATES = frozenset({"in_queue", "in_progress"})
OUTPUT_KEYS = ("image", "images", "video", "videos")
ProgressCallback = Callable[[str, int, int | None], None]  # (url, bytes so far, total or None)


@dataclass(frozen=True, slots=True)
class Status:
    """A status answer: ``state`` is one of the documented four, or what the server said."""

    request_id: str
    state: str
    queue_position: int | None = None

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    @classmethod
    def from_wire(cls, request_id: str, body: Any) -> Status:
        body = body if isinstance(body, Mapping) else {}
        position = body.get("queue_position")
        return cls(
            request_id=str(body.get("request_id") or request_id),
            state=str(body.get("status") or "unknown"),
            queue_position=position if isinstance(position, int) else None,
        )

    def __str__(self) -> str:
        where = f" (position {self.queue_position})" if self.queue_position is not None else ""
        return f"{self.state}{where}"


StatusCallback = Callable[[Status], None]


def _urls(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


@dataclass(frozen=True, slots=True)
class Output:
    """A job's outputs under the documented keys; ``urls`` lists them all, in that order."""

    image: str | None = None
    images: tuple[str, ...] = ()
    video: str | None = None
    videos: tuple[str, ...] = ()

    @classmethod
    def from_wire(cls, body: Any) -> Output:
        body = body if isinstance(body, Mapping) else {}
        image, video = body.get("image"), body.get("video")
        return cls(
            image=image if isinstance(image, str) else None,
            images=_urls(body.get("images")),
            video=video if isinstance(video, str) else None,
            videos=_urls(body.get("videos")),
        )

    @property
    def urls(self) -> tuple[str, ...]:
        single_image = (self.image,) if self.image else ()
        single_video = (self.video,) if self.video else ()
        return (*single_image, *self.images, *single_video, *self.videos)


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value).astimezone()
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Result:
    """A result answer. ``status`` is ``succeeded``, ``failed``, ``cancelled`` or, while the
    job runs, ``in_queue``/``in_progress``; ``output`` is filled on success."""

    request_id: str
    status: str
    output: Output
    created_at: datetime | None = None
    finished_at: datetime | None = None
    cost: float | None = None
    error: Any = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    _client: Client | AsyncClient | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(
        cls, request_id: str, body: Any, client: Client | AsyncClient | None = None
    ) -> Result:
        body = body if isinstance(body, Mapping) else {}
        cost = body.get("cost")
        return cls(
            request_id=str(body.get("request_id") or request_id),
            status=str(body.get("status") or "unknown"),
            output=Output.from_wire(body.get("output")),
            created_at=_timestamp(body.get("created_at")),
            finished_at=_timestamp(body.get("finished_at")),
            cost=float(cost)
            if isinstance(cost, int | float) and not isinstance(cost, bool)
            else None,
            error=body.get("error"),
            raw=dict(body),
            _client=client,
        )

    @property
    def urls(self) -> tuple[str, ...]:
        return self.output.urls

    def download(
        self,
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
    ) -> list[Path]:
        """Save every output into ``directory``; returns the paths, in output order.

        Each file is written under a temporary name and renamed when complete; with
        ``skip_existing``, an output already saved there is not fetched again.
        """
        from runcomfy_runtime.client import Client

        if not isinstance(self._client, Client):
            raise TypeError("this result came from an async client: use `await result.adownload()`")
        return self._client.download(
            self, directory, on_progress=on_progress, skip_existing=skip_existing
        )

    async def adownload(
        self,
        directory: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        skip_existing: bool = False,
    ) -> list[Path]:
        from runcomfy_runtime.client import AsyncClient

        if not isinstance(self._client, AsyncClient):
            raise TypeError("this result came from a sync client: use `result.download()`")
        return await self._client.download(
            self, directory, on_progress=on_progress, skip_existing=skip_existing
        )


@dataclass(frozen=True, slots=True)
class JobRef:
    """What identifies a job: its id and the URLs the server gave for it."""

    request_id: str
    status_url: str
    result_url: str
    cancel_url: str


class Waiter:
    """The meaning of each answer while waiting, shared by the sync and async handles."""

    def __init__(
        self,
        request_id: str,
        timeout: float,
        policy: PollPolicy,
        on_status: StatusCallback | None,
        clock: Callable[[], float] = time.monotonic,
        submitted_at: float | None = None,
    ) -> None:
        self.request_id = request_id
        self.timeout = timeout
        self.policy = policy
        self.on_status = on_status
        self.clock = clock
        self.started = clock()
        self.submitted_at = submitted_at
        # The interval grows with the job's age, known from its submit when we made it.
        self.origin = submitted_at if submitted_at is not None else self.started
        self.last: Status | None = None

    def first_delay(self) -> float:
        """A job submitted a moment ago cannot be done: wait out the floor before asking."""
        if self.submitted_at is None:
            return 0.0
        age = self.clock() - self.submitted_at
        return max(0.0, min(self.policy.min_interval - age, self.timeout))

    def status_seen(self, status: Status) -> bool:
        """True when the result should be fetched now; raises when the job has ended badly."""
        if status != self.last and self.on_status is not None:
            self.on_status(status)
        self.last = status
        if status.state == "completed":
            return True
        if status.state == "cancelled":
            raise JobCancelled(self.request_id)
        # A state the docs do not list ("failed", say) is terminal: fetch the result for its
        # error message, and fail with it.
        return not status.running

    def result_seen(self, result: Result) -> Result | None:
        """The finished result, or None to keep polling; raises when the job failed."""
        if result.status == "succeeded":
            return result
        if result.status == "cancelled":
            raise JobCancelled(self.request_id)
        last = self.last.state if self.last is not None else None
        if result.status in RUNNING_STATES and last not in (None, "completed", *RUNNING_STATES):
            raise JobFailed(self.request_id, str(last), result.error)  # status said it ended
        if result.status in RUNNING_STATES:
            return None  # a status of "completed" can run ahead of the result: poll on
        raise JobFailed(self.request_id, result.status, result.error)

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next status check; None once the deadline has passed."""
        now = self.clock()
        remaining = self.timeout - (now - self.started)
        if remaining <= 0:
            return None
        return min(self.policy.interval(now - self.origin), remaining)

    def timed_out(self) -> WaitTimeout:
        last = self.last.state if self.last else None
        return WaitTimeout(self.request_id, self.clock() - self.started, last)


class Job:
    """The handle of a submitted job (sync). Rebuild one from an id with ``client.job(id)``."""

    def __init__(self, client: Client, ref: JobRef, submitted_at: float | None = None) -> None:
        self._client = client
        self.ref = ref
        self.submitted_at = submitted_at  # time.monotonic() of the submit; None if rebuilt

    @property
    def request_id(self) -> str:
        return self.ref.request_id

    def __repr__(self) -> str:
        return f"Job(request_id={self.request_id!r})"

    def status(self) -> Status:
        return self._client.fetch_status(self.ref)

    def result(self, *, include_cost: bool = False) -> Result:
        """The result now: ``status`` tells whether it is final (see :class:`Result`)."""
        return self._client.fetch_result(self.ref, include_cost=include_cost)

    def cancel(self) -> Status:
        """Cancel a queued job; raises ``CancelRefused`` once it runs or has finished."""
        return self._client.cancel(self.ref)

    def wait(
        self,
        timeout: float | None = None,
        *,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        cancel_on_timeout: bool = False,
    ) -> Result:
        """Poll until the job ends; the succeeded result, or ``JobFailed``/``JobCancelled``/
        ``WaitTimeout`` (after cancelling the job, when asked and still possible)."""
        waiter = self._client.waiter(self.request_id, timeout, on_status, self.submitted_at)
        time.sleep(waiter.first_delay())
        while True:
            if waiter.status_seen(self.status()):
                done = waiter.result_seen(self.result(include_cost=include_cost))
                if done is not None:
                    return done
            delay = waiter.next_delay()
            if delay is None:
                if cancel_on_timeout:
                    self._client.cancel_quietly(self.ref)
                raise waiter.timed_out()
            time.sleep(delay)


class AsyncJob:
    """The handle of a submitted job (async)."""

    def __init__(self, client: AsyncClient, ref: JobRef, submitted_at: float | None = None) -> None:
        self._client = client
        self.ref = ref
        self.submitted_at = submitted_at

    @property
    def request_id(self) -> str:
        return self.ref.request_id

    def __repr__(self) -> str:
        return f"AsyncJob(request_id={self.request_id!r})"

    async def status(self) -> Status:
        return await self._client.fetch_status(self.ref)

    async def result(self, *, include_cost: bool = False) -> Result:
        return await self._client.fetch_result(self.ref, include_cost=include_cost)

    async def cancel(self) -> Status:
        return await self._client.cancel(self.ref)

    async def wait(
        self,
        timeout: float | None = None,
        *,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        cancel_on_timeout: bool = False,
    ) -> Result:
        import asyncio  # only async callers pay for it

        waiter = self._client.waiter(self.request_id, timeout, on_status, self.submitted_at)
        await asyncio.sleep(waiter.first_delay())
        while True:
            if waiter.status_seen(await self.status()):
                done = waiter.result_seen(await self.result(include_cost=include_cost))
                if done is not None:
                    return done
            delay = waiter.next_delay()
            if delay is None:
                if cancel_on_timeout:
                    await self._client.cancel_quietly(self.ref)
                raise waiter.timed_out()
            await asyncio.sleep(delay)
