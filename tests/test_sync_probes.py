"""The sync client probes media on the user's own ``httpx.Client`` (its transport, proxies,
TLS settings and hooks), concurrently, with nothing left running between calls: so a mock
transport serves the probes, and a forked child validates as its parent does."""

from __future__ import annotations

import io
import os
import select
import signal
import threading
import time

import httpx
import pytest
from PIL import Image

from runcomfy import InputValidationError, RunComfy
from runcomfy_emulator import EmulatorServer

EDIT = "bytedance/dreamina-4-0/edit"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height)).save(out, "PNG")
    return out.getvalue()


def test_a_users_http_client_serves_the_sync_probes_concurrently() -> None:
    files = {"/ok.png": png(800, 600), "/wide.png": png(5000, 1000)}
    seen: list[httpx.Request] = []
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def answer(request: httpx.Request) -> httpx.Response:
        with lock:
            seen.append(request)
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.05)  # overlapping probes show they run at once
        with lock:
            in_flight[0] -= 1
        body = files[request.url.path]
        headers = {
            "Content-Type": "image/png",
            "Content-Range": f"bytes 0-{len(body) - 1}/{len(body)}",
        }
        return httpx.Response(206, content=body, headers=headers)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    urls = ["https://img.example/ok.png", "https://img.example/wide.png"]
    with RunComfy(api_token="sk-test-token-123", http_client=http) as client:
        with pytest.raises(InputValidationError) as caught:
            client.validate(EDIT, {"prompt": "p", "image_urls": urls})
    assert [(p.location, p.fact) for p in caught.value.problems] == [
        ("image_urls[1]", "width 5000 px"),
        ("image_urls[1]", "width/height 5"),
    ]
    assert sorted(r.url.path for r in seen) == ["/ok.png", "/wide.png"]  # no real network
    assert all("authorization" not in r.headers for r in seen)
    assert most[0] == 2


def test_validate_works_in_a_forked_child(emulator: EmulatorServer) -> None:
    image = emulator.input_url("sample-square-1024x1024.png")
    payload = {"prompt": "p", "image_urls": [image]}
    client = RunComfy(api_token=emulator.token, base_url=emulator.url)
    client.validate(EDIT, payload)  # the parent has probed, pooled connections and all
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, never return into pytest
        code = 1
        try:
            client.validate(EDIT, {"prompt": "q", "image_urls": [image + "?again"]})
            code = 0
        finally:
            os.write(writer, bytes([code]))
            os._exit(code)
    os.close(writer)
    ready, _, _ = select.select([reader], [], [], 30.0)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(reader)
    client.close()
    assert ready, "validate() hung in the forked child"
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_a_client_for_a_loopback_http_api_never_builds_a_tls_context(
    emulator: EmulatorServer,
) -> None:
    from runcomfy_runtime.transport import tls_context

    tls_context.cache_clear()
    with RunComfy(api_token=emulator.token, base_url=emulator.url) as client:
        client.run("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert tls_context.cache_info().misses == 0  # built only when an https request needs it
