"""A real loopback HTTP server that serves image bytes the way real hosts do, and keeps count.

Probing is about what crosses the wire, so the tests talk HTTP over 127.0.0.1 to this server
rather than to a mock transport. Each path answers as configured (honour ``Range`` or not,
``Content-Length``, chunked or close-delimited bodies, redirects, errors, slow answers), and
every request is recorded: its path, the headers that arrived, the status, and the body bytes
the server managed to write to the socket before the client stopped reading.

The kernel buffers what the client has not read yet, so "written" exceeds "read" by up to the
two socket buffers. The server keeps its send buffer small (``send_buffer``) to keep that
slack small; a test that needs it tighter also gives its client a small receive buffer
(:func:`small_receive_buffer_transport`).

Use it as a context manager (``with ImageServer() as server:``), or through the
``image_server`` fixture, registered once for the whole suite in ``tests/conftest.py``::

    pytest_plugins = ("tests.imageserver",)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

import httpx
import pytest

Framing = Literal["length", "chunked", "close"]


@dataclass(frozen=True)
class Route:
    """How one path answers."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    honour_range: bool = True
    framing: Framing = "length"  # Content-Length, chunked, or a body ended by closing
    range_total: bool = True  # False: Content-Range ends in "/*" (total unknown)
    location: str | None = None  # a redirect target
    delay: float = 0.0  # seconds to wait before answering
    before_answer: Callable[[], None] | None = None  # e.g. a barrier proving concurrency


@dataclass
class Hit:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]  # lower-cased names
    status: int = 0
    body_bytes_sent: int = 0


@dataclass
class _State:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    answering: int = 0
    lock: threading.Condition = field(default_factory=threading.Condition)
    stopping: threading.Event = field(default_factory=threading.Event)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # the default 5 drops SYNs when ten clients connect at once

    def __init__(self, state: _State, chunk_size: int, send_buffer: int | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.chunk_size = chunk_size
        self.send_buffer = send_buffer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        # Small buffers plus Nagle's algorithm and delayed ACKs stall every write by 40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.server.send_buffer is not None:
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.server.send_buffer)
        super().setup()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean; the hits are the log

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client hung up between or inside answers

    def do_GET(self) -> None:
        state = self.server.state
        hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()})
        with state.lock:
            state.hits.append(hit)
            state.answering += 1
        try:
            self._answer(state, hit)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading: that is the point
        finally:
            with state.lock:
                state.answering -= 1
                state.lock.notify_all()

    def do_POST(self) -> None:
        """A POST is read whole and answered like a GET of its path (redirects included)."""
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.do_GET()

    def _answer(self, state: _State, hit: Hit) -> None:
        route = state.routes.get(urlsplit(self.path).path)
        if route is None:
            self._send(hit, 404, "text/plain", b"not found", "length")
            return
        if route.before_answer is not None:
            route.before_answer()
        if route.delay and state.stopping.wait(route.delay):
            return
        if route.location is not None:
            self._send(hit, route.status, None, b"", "length", {"Location": route.location})
        elif route.status != 200:
            self._send(hit, route.status, route.content_type, route.body, route.framing)
        else:
            self._send_content(hit, route)

    def _send_content(self, hit: Hit, route: Route) -> None:
        body, asked = route.body, self.headers.get("Range")
        if not (route.honour_range and asked and asked.startswith("bytes=")):
            self._send(hit, 200, route.content_type, body, route.framing)
            return
        first_text, _, last_text = asked.removeprefix("bytes=").partition("-")
        first = int(first_text)
        last = min(int(last_text) if last_text else len(body) - 1, len(body) - 1)
        if first >= len(body):
            extra = {"Content-Range": f"bytes */{len(body)}"}
            self._send(hit, 416, None, b"", "length", extra)
            return
        total = str(len(body)) if route.range_total else "*"
        extra = {"Content-Range": f"bytes {first}-{last}/{total}"}
        self._send(hit, 206, route.content_type, body[first : last + 1], route.framing, extra)

    def _send(
        self,
        hit: Hit,
        status: int,
        content_type: str | None,
        body: bytes,
        framing: Framing,
        extra: dict[str, str] | None = None,
    ) -> None:
        hit.status = status
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if framing == "length":
            self.send_header("Content-Length", str(len(body)))
        elif framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        step = self.server.chunk_size
        for offset in range(0, len(body), step):
            piece = body[offset : offset + step]
            if framing == "chunked":
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
            hit.body_bytes_sent += len(piece)
        if framing == "chunked":
            self.wfile.write(b"0\r\n\r\n")


class ImageServer:
    """Serves registered blobs on 127.0.0.1 from a background thread; records every request."""

    def __init__(self, *, chunk_size: int = 8 * 1024, send_buffer: int | None = 8 * 1024) -> None:
        self._state = _State()
        self._httpd = _Server(self._state, chunk_size, send_buffer)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"

    def __enter__(self) -> ImageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._state.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(
        self, path: str, body: bytes, content_type: str = "image/jpeg", **options: object
    ) -> str:
        """Answer ``path`` with ``body``; ``options`` are :class:`Route` fields. Returns its URL."""
        self._state.routes[path] = Route(body, content_type, **options)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self._state.routes[path] = Route(status=status, location=to)
        return self.url(path)

    def hits(self, path: str | None = None) -> list[Hit]:
        """Requests so far (for one path, if given), after every answer in flight has ended."""
        self.settle()
        with self._state.lock:
            return [h for h in self._state.hits if path is None or urlsplit(h.path).path == path]

    def bytes_sent(self, path: str | None = None) -> int:
        return sum(h.body_bytes_sent for h in self.hits(path))

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until no answer is being written, so byte counts are final.

        A client that stops reading closes its connection, which ends the server's write at
        once; the timeout only guards against a hung test, it measures nothing.
        """
        with self._state.lock:
            if not self._state.lock.wait_for(lambda: self._state.answering == 0, timeout):
                raise AssertionError(f"the image server was still answering after {timeout}s")


def small_receive_buffer_transport(size: int = 8 * 1024) -> httpx.AsyncHTTPTransport:
    """A client transport whose sockets buffer little, so the server's count tracks reading."""
    return httpx.AsyncHTTPTransport(socket_options=[(socket.SOL_SOCKET, socket.SO_RCVBUF, size)])


@pytest.fixture
def image_server() -> Iterator[ImageServer]:
    with ImageServer() as server:
        yield server
