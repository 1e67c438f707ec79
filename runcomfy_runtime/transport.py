"""Connection pools made on first use, with TLS only when an ``https://`` request needs it.

Building an ``httpx`` client builds its TLS context at once (loading the CA bundle: ~16 ms a
pool), even for a client that only ever talks to the local emulator over ``http://``. These
transports defer the pool to the first request of each scheme, and every pool of the process
shares one TLS context.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for the process (the CA bundle is read once)."""
    return httpx.create_ssl_context()


class LazyTransport(httpx.BaseTransport):
    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._pools: dict[str, httpx.HTTPTransport] = {}

    def _pool(self, scheme: str) -> httpx.HTTPTransport:
        pool = self._pools.get(scheme)
        if pool is None:
            verify: ssl.SSLContext | bool = tls_context() if scheme == "https" else False
            pool = self._pools[scheme] = httpx.HTTPTransport(limits=self._limits, verify=verify)
        return pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._pool(request.url.scheme).handle_request(request)

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()


class AsyncLazyTransport(httpx.AsyncBaseTransport):
    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._pools: dict[str, httpx.AsyncHTTPTransport] = {}

    def _pool(self, scheme: str) -> httpx.AsyncHTTPTransport:
        pool = self._pools.get(scheme)
        if pool is None:
            verify: ssl.SSLContext | bool = tls_context() if scheme == "https" else False
            pool = self._pools[scheme] = httpx.AsyncHTTPTransport(
                limits=self._limits, verify=verify
            )
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url.scheme).handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
