"""Run the emulator on uvicorn in a background thread, for tests, demos and notebooks.

::

    with EmulatorServer(queue_seconds=0.2, run_seconds=0.3) as emulator:
        httpx.post(f"{emulator.url}/v1/models/...", headers=emulator.headers, json=...)
        emulator.add_faults("submit:drop_after")
        assert emulator.stats().jobs_created == 1

The server binds its own socket before it starts (port 0 picks a free one), so ``.url`` is
known at once and no other process can take the port between choosing and binding. ``start``
returns only once the server accepts connections; ``stop`` waits for it to finish.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import uvicorn

from runcomfy_emulator.app import EmulatorApp, create_app
from runcomfy_emulator.connections import ConnectionDropper
from runcomfy_emulator.core import Emulator
from runcomfy_emulator.examples import example_payload, input_url
from runcomfy_emulator.faults import Fault, parse_faults
from runcomfy_emulator.jobs import Seconds
from runcomfy_emulator.settings import EmulatorSettings
from runcomfy_emulator.stats import Stats
from runcomfy_runtime.spec import EndpointSpec

log = logging.getLogger("runcomfy_emulator")

START_TIMEOUT = 30.0
"""Seconds ``start`` waits for the server to accept connections (generous: shared machines)."""
STOP_TIMEOUT = 30.0
GRACEFUL_SHUTDOWN = 5
"""Seconds a stopping server lets requests in flight finish (a ``delay`` fault, say), then
cancels them, so a long delay never holds up the end of a test."""


def build_server(
    app: EmulatorApp, dropper: ConnectionDropper, *, log_level: str = "warning"
) -> uvicorn.Server:
    """A uvicorn server for ``app``, with ``dropper`` attached so drop faults can hang up."""
    config = uvicorn.Config(
        app,
        log_level=log_level,
        lifespan="on",
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
    )
    server = uvicorn.Server(config)
    dropper.attach(server)
    return server


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on ``host``:``port`` (0: a free port).

    ``IPPROTO_TCP`` is named explicitly: asyncio disables Nagle's algorithm only on sockets
    whose ``proto`` says TCP, and without that every answer (headers and body are two writes)
    waits ~40 ms for a delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class EmulatorServer:
    """The emulator on 127.0.0.1 in a background thread; a context manager.

    ``token`` defaults to a fresh random one per server, so no test depends on a known secret.
    ``catalog`` adds a listing's models (a path, or decoded entries); entries the engine
    refuses are logged as warnings and listed in ``.emulator.catalog.refused``. Input files are
    fetched only from this server's ``/inputs/`` and ``input_origins`` unless
    ``allow_remote_inputs``.
    Every control method is safe to call from the test's thread while the server runs.
    """

    def __init__(
        self,
        registry: Mapping[str, EndpointSpec],
        settings: EmulatorSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        **changes: Any,
    ) -> None:
        """``settings`` whole (``settings.py``), or its fields as keyword arguments, a
        shorthand for tests: ``EmulatorServer(REGISTRY, queue_seconds=0.2)``."""
        settings = EmulatorSettings.of(settings, changes)
        if settings.token is None:
            settings = settings.replace(token=secrets.token_urlsafe(24))
        self.registry = registry
        self.settings = settings
        self.token: str = settings.token or ""
        self._dropper = ConnectionDropper()
        self.app = create_app(self.registry, settings, dropper=self._dropper)
        for line in self.emulator.catalog.refused:
            log.warning("%s", line)
        self._host, self._port = host, port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.url = ""

    # -- life --------------------------------------------------------------------------------

    def start(self) -> EmulatorServer:
        if self._thread is not None:
            raise RuntimeError("the emulator server is already started")
        self._socket = bind(self._host, self._port)
        host, port = self._socket.getsockname()[:2]
        self.url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
        self.emulator.fetch_policy.own_port(port)
        self._server = build_server(self.app, self._dropper, log_level=self._log_level)
        server, sock = self._server, self._socket
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="runcomfy-emulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive():
                self._cleanup()
                raise RuntimeError("the emulator server stopped during start-up (see its log)")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the emulator server did not start within {START_TIMEOUT}s")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread; safe to call twice."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
            if self._thread.is_alive():
                raise RuntimeError(f"the emulator server did not stop within {STOP_TIMEOUT}s")
        self._cleanup()

    def _cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- use ---------------------------------------------------------------------------------

    @property
    def emulator(self) -> Emulator:
        """The state behind the routes: jobs, faults, counters, inputs."""
        return self.app.emulator

    @property
    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header the API routes want."""
        return {"Authorization": f"Bearer {self.token}"}

    def example_payload(self, model_id: str) -> dict[str, Any]:
        """The documented example of ``model_id`` (registry or catalog), its media served by
        this emulator, required fields it leaves out filled."""
        spec = self.emulator.spec(model_id)
        if spec is None:
            raise KeyError(model_id)
        return example_payload(spec, self._require_url())

    def input_url(self, name: str) -> str:
        return input_url(self._require_url(), name)

    def put_input(self, name: str, data: bytes, media_type: str | None = None) -> str:
        """Serve ``data`` at ``/inputs/{name}`` (no HTTP round trip); returns its URL."""
        self.emulator.inputs.put(name, data, media_type)
        return self.input_url(name)

    # -- faults and counters -------------------------------------------------------------------

    def add_faults(self, *faults: Fault | str) -> None:
        """Arm faults: :class:`Fault` values, or text in the JSON or short form (``faults.py``)."""
        for fault in faults:
            self.emulator.faults.add(*(parse_faults(fault) if isinstance(fault, str) else [fault]))

    def add_fault(self, kind: str, route: str = "*", count: int = 1, **parameter: Any) -> None:
        """Arm one fault: ``add_fault("server_error", "submit", status=503)``."""
        self.emulator.faults.add(
            Fault.from_dict({"kind": kind, "route": route, "count": count, **parameter})
        )

    def clear_faults(self) -> None:
        self.emulator.faults.clear()

    def pending_faults(self) -> list[dict[str, Any]]:
        return self.emulator.faults.pending()

    def stats(self) -> Stats:
        return self.emulator.stats()

    def job_record(self, request_id: str) -> dict[str, Any]:
        """What a job was given (``GET /_emulator/jobs/{id}``): its payload and its ``lora``."""
        job = self.emulator.jobs.get(request_id)
        if job is None:
            raise KeyError(request_id)
        return job.record()

    def reset(
        self,
        *,
        queue_seconds: Seconds | None = None,
        run_seconds: Seconds | None = None,
        workers: int | None = None,
        seed: int | None = None,
    ) -> None:
        """Forget jobs, faults, counts and uploads; optionally change the timings."""
        self.emulator.reset(
            queue_seconds=queue_seconds, run_seconds=run_seconds, workers=workers, seed=seed
        )

    def _require_url(self) -> str:
        if not self.url:
            raise RuntimeError("the emulator server is not started")
        return self.url
