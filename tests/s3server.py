"""A real S3 protocol server on loopback for the upload tests: moto's server mode
(``ThreadedMotoServer``) on a free port, its app wrapped so every request is recorded whole
(method, path, query, headers, body), to show what reached the storage host and what did not.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-access-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret-key",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_MAX_ATTEMPTS": "1",  # a stopped server fails at once, not after boto3's retries
}
"""What boto3 needs to sign requests to moto (which takes any key)."""


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def holds(self, text: str) -> bool:
        """Whether ``text`` appears anywhere in the request: path, query, headers or body."""
        needle = text.encode()
        head = "\n".join([self.method, self.path, self.query, *map(": ".join, self.headers)])
        return needle in head.encode() or needle in self.body


class Recorder:
    """WSGI middleware: records each request, then hands it to moto unchanged."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        stream = environ["wsgi.input"]
        length = environ.get("CONTENT_LENGTH")
        if length:
            body = stream.read(int(length))
        elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            body = stream.read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = tuple(
            (key.removeprefix("HTTP_").replace("_", "-").title(), str(value))
            for key, value in environ.items()
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
        )
        record = Recorded(
            environ["REQUEST_METHOD"],
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            headers,
            body,
        )
        with self._lock:
            self.requests.append(record)
        return self.app(environ, start_response)


class RecordingMotoServer(ThreadedMotoServer):
    """moto's threaded server, bound to 127.0.0.1 on a free port, recording every request."""

    def __init__(self) -> None:
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self.recorder = Recorder(DomainDispatcherApplication(create_backend_app))

    def _server_entry(self) -> None:
        self._server = make_server(
            self._ip_address,
            self._port,
            self.recorder,
            threaded=True,
            request_handler=MotoRequestHandler,
        )
        self._server_ready_event.set()
        self._server.serve_forever()

    @property
    def url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[Recorded]:
        return list(self.recorder.requests)


def running_moto() -> Iterator[RecordingMotoServer]:
    """A started server, stopped afterwards (stopping twice is harmless)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = RecordingMotoServer()
    server.start()
    try:
        yield server
    finally:
        if server._server_ready_event.is_set():
            server.stop()
