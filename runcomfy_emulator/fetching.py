"""What the emulator's own fetches may reach: its own ``/inputs/`` files, and nothing else
unless told.

The emulator fetches every media URL a submit names, as the real service does. On a user's
machine that makes it a tool for anyone who can reach its port: "fetch this URL from inside"
(a cloud metadata address, a service on another loopback port, a LAN printer). So by default
it fetches only:

* its own input files: ``http(s)://<loopback host>:<its own port>/inputs/...``;
* origins it was told about (``--allow-input-origin http://127.0.0.1:9000``, or
  ``EmulatorServer(input_origins=[...])``): any path there.

``--allow-remote-inputs`` (``allow_remote=True``) lifts the limit, for users who want their
real https inputs fetched.

The rule is kept where every request passes, in the HTTP client's transport
(:class:`GuardedTransport`), not before the probe: the runtime's prober follows redirects
itself, one request per hop, so each hop is checked too and a redirect off the allowed
origins is never followed. A refused URL fails like a connection that could not be made,
which the prober reports as a problem of that input in the 422 answer (with how to allow it),
never as a 500. Anything else the network layer raises (a port out of range) is a connection
failure too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import httpx

from runcomfy_runtime.schema.formats import is_loopback_host

OWN_FILES = "/inputs/"


def origin_of(url: httpx.URL | str) -> str:
    """``scheme://host:port`` with the default port spelled out: origins compare as text."""
    url = httpx.URL(url)
    port = url.port or {"http": 80, "https": 443}.get(url.scheme, 0)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host.lower()}:{port}"


class FetchPolicy:
    """Which URLs the emulator fetches. Thread-safe: the server tells it its port from its own
    thread while requests are checked on the event loop."""

    def __init__(self, *, allow_remote: bool = False, origins: Iterable[str] = ()) -> None:
        self.allow_remote = allow_remote
        self.origins = frozenset(origin_of(o) for o in origins)
        self._own_ports: set[int] = set()
        self._lock = threading.Lock()

    def own_port(self, port: int) -> None:
        """The emulator listens on ``port``: its ``/inputs/`` there are its own files."""
        with self._lock:
            self._own_ports.add(port)

    def refusal(self, url: httpx.URL) -> str | None:
        """Why ``url`` is not fetched, or None when it may be."""
        if self.allow_remote:
            return None
        if origin_of(url) in self.origins:
            return None
        with self._lock:
            own = url.port in self._own_ports
        if own and is_loopback_host(url.host) and url.path.startswith(OWN_FILES):
            return None
        return (
            f"the emulator fetches only its own {OWN_FILES} files"
            + (" and the origins it was given" if self.origins else "")
            + f", not {url}; start it with --allow-remote-inputs to fetch any URL"
            + " (or --allow-input-origin ORIGIN for one host)"
        )


class GuardedTransport(httpx.AsyncBaseTransport):
    """An HTTP transport that sends only what its :class:`FetchPolicy` allows."""

    def __init__(self, policy: FetchPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        reason = self.policy.refusal(request.url)
        if reason is not None:
            raise httpx.ConnectError(reason, request=request)
        try:
            return await self._inner.handle_async_request(request)
        except httpx.HTTPError:
            raise
        except Exception as e:  # OverflowError for port 99999, in an ExceptionGroup
            raise httpx.ConnectError(f"cannot connect to {request.url} ({_cause(e)})") from e

    async def aclose(self) -> None:
        await self._inner.aclose()


def _cause(error: BaseException) -> Any:
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error
