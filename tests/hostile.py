"""A loopback server that misbehaves on purpose: it answers with raw bytes, as slowly, as
largely or as oddly as a test asks, so the client's limits are tested over a real socket.

Each path maps to a behaviour: a function given the socket and the request (method, path,
headers, body) that writes whatever it likes. The server stops (and every connection closes)
when the ``with`` block ends.
"""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Behaviour = Callable[[socket.socket, Request, threading.Event], None]


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Request(method, path.split("?")[0], headers, rest[:length])


class HostileServer:
    def __init__(self) -> None:
        self.routes: dict[str, Behaviour] = {}
        self.requests: list[Request] = []
        self._stop = threading.Event()
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                try:
                    while not owner._stop.is_set():
                        request = _read_request(conn)
                        if request is None:
                            return
                        owner.requests.append(request)
                        behaviour = owner.routes.get(request.path, not_found)
                        behaviour(conn, request, owner._stop)
                except OSError:
                    return

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


def head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(status: int, body: bytes, content_type: str = "application/json") -> Behaviour:
    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        conn.sendall(head(status, headers) + body)

    return behave


def as_json(status: int, value: object) -> Behaviour:
    return answer(status, json.dumps(value).encode())


def not_found(conn: socket.socket, request: Request, stop: threading.Event) -> None:
    answer(404, b'{"error_message": "no such path"}')(conn, request, stop)


def trickle(body: bytes, every: float = 0.2) -> Behaviour:
    """Headers at once, then one byte of the body every ``every`` seconds: each read is quick,
    the whole answer never is."""

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        conn.sendall(head(200, {"Content-Type": "application/json",
                                "Content-Length": str(len(body))}))  # fmt: skip
        for byte in body:
            if stop.wait(every):
                return
            conn.sendall(bytes([byte]))

    return behave


def claims(length: int, content_type: str = "image/png", chunk: bytes = b"\0" * 65536) -> Behaviour:
    """Announces ``length`` bytes and sends zeros until the client hangs up."""

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        conn.sendall(head(200, {"Content-Type": content_type, "Content-Length": str(length)}))
        sent = 0
        while sent < length and not stop.is_set():
            conn.sendall(chunk)
            sent += len(chunk)

    return behave


def endless(content_type: str = "image/png", chunk: bytes = b"\0" * 65536) -> Behaviour:
    """A body without a length that never ends (closed only by the client)."""

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        conn.sendall(head(200, {"Content-Type": content_type, "Connection": "close"}))
        while not stop.is_set():
            conn.sendall(chunk)

    return behave


def gzip_bomb(inflated: int) -> Behaviour:
    """A small gzip body that inflates to ``inflated`` bytes of JSON-ish zeros."""
    body = gzip.compress(b"[" + b"0," * (inflated // 2) + b"0]", compresslevel=9)

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip",
                   "Content-Length": str(len(body))}  # fmt: skip
        conn.sendall(head(200, headers) + body)

    return behave


def later(seconds: float, then: Behaviour) -> Behaviour:
    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        if not stop.wait(seconds):
            then(conn, request, stop)

    return behave


def drops_idle(after: float, then: Behaviour) -> Behaviour:
    """A server whose idle timer closes a kept-alive connection just as a request arrives on it:
    a request on a connection idle more than ``after`` seconds is read, then the connection is
    closed unanswered (the race every keep-alive server has, made certain)."""
    # connection -> when its last answer went out (weak: a new connection never inherits the
    # time of a closed one that happened to share its id)
    answered: weakref.WeakKeyDictionary[socket.socket, float] = weakref.WeakKeyDictionary()

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        last = answered.get(conn)
        if last is not None and time.monotonic() - last > after:
            conn.shutdown(socket.SHUT_RDWR)
            raise OSError("closed while idle")  # the handler ends; the client sees no answer
        then(conn, request, stop)
        answered[conn] = time.monotonic()

    return behave


def elapsed(since: float) -> float:
    return time.monotonic() - since
