"""Dropped connections: the client must see a transport error, never an HTTP status.

ASGI has no message for "hang up": an app that raises gets a 500 from the server, one that
returns without answering gets a 500 too. So the drop is done one level down, where the server
lets us:

* Under uvicorn (the :class:`~runcomfy_emulator.server.EmulatorServer` and
  ``python -m runcomfy_emulator``), :class:`ConnectionDropper` finds the connection
  whose peer address is the request's ``scope["client"]`` among the server's open connections
  and aborts its transport: the socket closes with not one byte of answer, exactly what a
  crash or a cut cable looks like (httpx: ``RemoteProtocolError: Server disconnected without
  sending a response``).
* Anywhere else (another ASGI server), :class:`DropConnection` falls back to starting a 200
  answer that announces a ``Content-Length`` it never delivers and ending the app; the server
  closes the connection mid-body (httpx: ``RemoteProtocolError: peer closed connection without
  sending complete message body``), and logs that the app did not complete its response.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, Protocol

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

DISCONNECT_WAIT = 5.0
"""Seconds to wait for the server to notice the aborted connection (it takes one loop turn)."""


class _ServerState(Protocol):
    @property
    def connections(self) -> Iterable[Any]: ...


class _Server(Protocol):
    """What is used of ``uvicorn.Server``: its open connections (each has ``client`` and
    ``transport``)."""

    @property
    def server_state(self) -> _ServerState: ...


class ConnectionDropper:
    """Aborts the client connection of a request, given the uvicorn server serving it."""

    def __init__(self) -> None:
        self._server: _Server | None = None

    def attach(self, server: _Server) -> None:
        """Called once the ``uvicorn.Server`` exists (it is made after the app)."""
        self._server = server

    def abort(self, scope: Scope) -> bool:
        """Abort the request's connection; False when it cannot be found (no uvicorn)."""
        client = scope.get("client")
        if self._server is None or client is None:
            return False
        for connection in list(self._server.server_state.connections):
            if getattr(connection, "client", None) == tuple(client):
                transport = getattr(connection, "transport", None)
                if transport is not None:
                    transport.abort()
                    return True
        return False


class DropConnection(Response):
    """A "response" that hangs up instead of answering (see the module docstring)."""

    def __init__(self, dropper: ConnectionDropper | None) -> None:
        super().__init__()
        self._dropper = dropper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._dropper is not None and self._dropper.abort(scope):
            await _until_disconnected(receive)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"request_id": ', "more_body": True})


async def _until_disconnected(receive: Receive) -> None:
    """Let the server see the abort before the app returns, so it does not answer a 500."""
    async with asyncio.timeout(DISCONNECT_WAIT):
        while (await receive())["type"] != "http.disconnect":
            pass
