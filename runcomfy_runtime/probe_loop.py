"""Image probing for the sync client: a private event loop in a daemon thread.

Probes run concurrently only under asyncio; the sync client hands them to this loop, which
also keeps the prober (and its per-URL cache) for the client's life. It starts on first use.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from runcomfy_runtime import constants
from runcomfy_runtime.errors import Problem
from runcomfy_runtime.media import check_media
from runcomfy_runtime.probe import Prober
from runcomfy_runtime.spec import EndpointSpec


class ProbeLoop:
    def __init__(self, timeout: float = constants.PROBE_TIMEOUT) -> None:
        self._timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._http: httpx.AsyncClient | None = None
        self._prober: Prober | None = None

    def _start(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="runcomfy-probes", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _check(self, spec: EndpointSpec, payload: Any) -> list[Problem]:
        if self._prober is None:
            self._http = httpx.AsyncClient(timeout=self._timeout)
            self._prober = Prober(self._http, timeout=self._timeout)
        return await check_media(spec, payload, self._prober)

    def check(self, spec: EndpointSpec, payload: Any) -> list[Problem]:
        loop = self._start()
        return asyncio.run_coroutine_threadsafe(self._check(spec, payload), loop).result()

    def close(self) -> None:
        with self._lock:
            loop, thread, http = self._loop, self._thread, self._http
            self._loop = self._thread = self._http = self._prober = None
        if loop is None or thread is None:
            return
        if http is not None:
            asyncio.run_coroutine_threadsafe(http.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
