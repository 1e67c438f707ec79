"""Plain-httpx calls to the emulator, shared by the emulator's test modules."""

from __future__ import annotations

import time
from typing import Any

import httpx

from runcomfy_emulator import EmulatorServer, ManualClock

WAIT_LIMIT = 60.0  # seconds a real-clock job may take to finish on a busy machine
RUNNING = ("in_queue", "in_progress")


def client_for(server: EmulatorServer, **kw: Any) -> httpx.Client:
    options: dict[str, Any] = {"timeout": 30.0, **kw}
    return httpx.Client(base_url=server.url, headers=server.headers, trust_env=False, **options)


def answer(response: httpx.Response, expected: int) -> dict[str, Any]:
    assert response.status_code == expected, response.text
    body: dict[str, Any] = response.json()
    return body


def submit(client: httpx.Client, model_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    return answer(client.post(f"/v1/models/{model_id}", json=payload), 200)


def status_of(client: httpx.Client, request_id: str) -> dict[str, Any]:
    return answer(client.get(f"/v1/requests/{request_id}/status"), 200)


def result_of(client: httpx.Client, request_id: str, **params: str) -> dict[str, Any]:
    return answer(client.get(f"/v1/requests/{request_id}/result", params=params), 200)


def cancel(client: httpx.Client, request_id: str) -> dict[str, Any]:
    return answer(client.post(f"/v1/requests/{request_id}/cancel"), 202)


def wait_done(client: httpx.Client, request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_LIMIT
    while True:
        status = status_of(client, request_id)
        if status["status"] not in RUNNING:
            return status
        assert time.monotonic() < deadline, f"job still {status['status']} after {WAIT_LIMIT}s"
        time.sleep(0.05)


def finish(clock: ManualClock) -> None:
    clock.advance(1000.0)  # far past every queue and run time of the clocked emulator


def download(url: str) -> httpx.Response:
    response = httpx.get(url, trust_env=False, timeout=30.0)
    assert response.status_code == 200, response.text
    return response
