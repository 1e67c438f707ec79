"""One streamed GET, awaited the same way whether the HTTP client is async or sync.

The prober is written once, as async code; it opens answers through a :class:`Fetcher`. The
async client's fetcher awaits its ``httpx.AsyncClient``; the sync client's runs the user's own
``httpx.Client`` (its transport, proxies, ``verify`` and hooks) in worker threads, so probes
stay concurrent and honour every setting the user gave, and no event loop or thread outlives
the call that needed it (a forked child starts clean).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Protocol

import httpx

from runcomfy_runtime.filehost import SEND_OPTIONS


class Opened(Protocol):
    """A streamed answer: status and headers now, the body as it comes."""

    @property
    def response(self) -> httpx.Response: ...

    def chunks(self) -> AsyncIterator[bytes]: ...

    async def close(self) -> None: ...


class Fetcher(Protocol):
    asynchronous: bool  # which kind of httpx client sends (see ``filehost.file_request``)

    async def open(self, request: httpx.Request) -> Opened: ...


class _AsyncOpened:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def chunks(self) -> AsyncIterator[bytes]:
        return self.response.aiter_bytes()

    async def close(self) -> None:
        await self.response.aclose()


class AsyncFetcher:
    """Sends with an ``httpx.AsyncClient`` (the async API client's own pool)."""

    asynchronous = True

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def open(self, request: httpx.Request) -> Opened:
        response = await self._client.send(request, **SEND_OPTIONS)
        return _AsyncOpened(response)


class _ThreadOpened:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._body: Iterator[bytes] = response.iter_bytes()

    async def chunks(self) -> AsyncIterator[bytes]:
        from anyio import to_thread

        while (chunk := await to_thread.run_sync(next, self._body, b"")) != b"":
            yield chunk

    async def close(self) -> None:
        from anyio import to_thread

        await to_thread.run_sync(self.response.close)


class ThreadFetcher:
    """Sends with a sync ``httpx.Client`` from worker threads: the sync API client's pool."""

    asynchronous = False

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    async def open(self, request: httpx.Request) -> Opened:
        from anyio import to_thread

        send = partial(self._client.send, request, **SEND_OPTIONS)
        return _ThreadOpened(await to_thread.run_sync(send))
