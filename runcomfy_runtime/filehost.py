"""A request to a file host (an input probe, an output download): the one builder for it.

Why one builder: probes and downloads ride the API client's own ``httpx`` client (the user's
transport, proxies and TLS settings), and that client's defaults may carry the user's
credentials: ``headers={"Authorization": ...}``, ``cookies=``, ``auth=``, ``params=``. httpx
merges them into every request it builds (``client.build_request``, ``get``, ``stream``) and
applies ``auth`` when it sends. A file host is another origin and must receive none of them
(replicate-python sends its token to its file host). So a file request is an
``httpx.Request`` built here with an explicit header set, and sent with :data:`SEND_OPTIONS`
(``auth=None``, no redirects: the caller follows each hop itself, building it here again, so
no redirect inherits a header or a cookie either).

The one client feature that still runs is a request event hook. One that adds
``Authorization`` or ``Cookie`` is caught by the request's ``trace`` extension, which httpcore
calls before it opens a connection or writes a byte, and refused with
:class:`~runcomfy_runtime.errors.CredentialsRefused`: nothing was sent. A transport that does
not trace (a custom one) is checked on the answer instead (:func:`check_sent`). Credentials in
the URL itself (``https://user:pass@host/``) are the user's to send.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from runcomfy_runtime.errors import CredentialsRefused

CREDENTIAL_HEADERS = ("authorization", "cookie")
SEND_OPTIONS: dict[str, Any] = {"stream": True, "auth": None, "follow_redirects": False}
"""How a file request is sent: streamed, without the client's ``auth``, redirects followed by
the caller."""


def file_request(
    url: str,
    headers: Mapping[str, str],
    *,
    timeout: Mapping[str, float | None],
    asynchronous: bool,
) -> httpx.Request:
    """A bare GET of ``url`` with exactly ``headers``, guarded against credentials added on
    the way (see the module docstring). ``asynchronous`` says which kind of client sends it
    (httpcore calls a sync client's trace as a function, an async client's as a coroutine)."""
    request = httpx.Request("GET", url, headers=dict(headers), extensions={"timeout": timeout})
    request.extensions["trace"] = _async_guard(request) if asynchronous else _guard(request)
    return request


def refuse_credentials(request: httpx.Request) -> None:
    """Raise :class:`CredentialsRefused` when ``request`` carries credentials it was not built
    with (a request hook of the shared client added them)."""
    own = bool(request.url.username or request.url.password)
    found = [name for name in CREDENTIAL_HEADERS if name in request.headers]
    if found and not (own and found == ["authorization"]):
        raise CredentialsRefused(found, request.url.host)


def check_sent(response: httpx.Response) -> None:
    """The check of :func:`refuse_credentials` on what a transport that does not trace sent."""
    refuse_credentials(response.request)


def _guard(request: httpx.Request) -> Callable[[str, Mapping[str, Any]], None]:
    checked = False

    def trace(event: str, info: Mapping[str, Any]) -> None:
        nonlocal checked
        if not checked:  # the first event comes before a connection is made or reused
            checked = True
            refuse_credentials(request)

    return trace


def _async_guard(request: httpx.Request) -> Callable[[str, Mapping[str, Any]], Awaitable[None]]:
    check = _guard(request)

    async def trace(event: str, info: Mapping[str, Any]) -> None:
        check(event, info)

    return trace
