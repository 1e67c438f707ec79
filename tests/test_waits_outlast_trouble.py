"""A wait lasts until its deadline: status and result requests keep retrying 5xx, 429 and lost
connections within it, the deadline always ends as ``WaitTimeout`` (saying what
``cancel_on_timeout`` did), and downloads retry a failing file host and resume where they
stopped."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from runcomfy import REGISTRY, RateLimiter, RunComfy, WaitTimeout
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.polling import PollPolicy
from runcomfy_runtime.results import Output, Result
from runcomfy_runtime.retry import RetryPolicy
from tests import imagefiles
from tests.hostile import HostileServer, Request, answer, head, trickle

T2I = "bytedance/dreamina-4-0/text-to-image"
FAST_RETRY = RetryPolicy(max_retries=4, base_delay=0.01, max_delay=0.05, retry_after_cap=0.5)
FAST_POLL = PollPolicy(min_interval=0.05, proportion=0.1, max_interval=0.2)
EMULATOR_JOBS = (0.05, 0.1)
PNG = imagefiles.png(320, 240) + bytes(range(256)) * 64  # 17 KB: a cut at 1000 is mid-file


def client_for(url: str, token: str = "t", **options: object) -> RunComfy:
    options = {"retry": FAST_RETRY, "poll": FAST_POLL, **options}
    return RunComfy(api_token=token, base_url=url, **options)  # type: ignore[arg-type]


# -- waits -----------------------------------------------------------------------------------------


def test_a_wait_outlasts_nine_503s_in_a_row_on_status_and_returns_the_result(
    emulator: EmulatorServer,
) -> None:
    with client_for(emulator.url, emulator.token) as client:
        job = client.submit(T2I, {"prompt": "p"}, validate="off")
        emulator.add_faults("status:server_error=503x9")  # max_retries is 4
        result = job.wait(timeout=60)
    assert result.status == "succeeded" and result.urls
    assert emulator.stats().faults_fired == {"server_error": 9}


def test_a_wait_outlasts_failures_of_the_result_route(emulator: EmulatorServer) -> None:
    with client_for(emulator.url, emulator.token) as client:
        job = client.submit(T2I, {"prompt": "p"}, validate="off")
        emulator.add_faults("result:server_error=502x6,result:drop_beforex2")
        assert job.wait(timeout=60).status == "succeeded"


def test_a_wait_honours_a_retry_after_longer_than_the_cap_while_its_deadline_allows(
    emulator: EmulatorServer,
) -> None:
    steady = RateLimiter(jitter=0.0)
    with client_for(emulator.url, emulator.token, rate_limiter=steady) as client:
        job = client.submit(T2I, {"prompt": "p"}, validate="off")
        emulator.add_faults("status:rate_limit=1.5")  # retry_after_cap is 0.5
        started = time.monotonic()
        result = job.wait(timeout=60)
    assert result.status == "succeeded"
    assert time.monotonic() - started >= 1.5  # the server's word was kept


def test_a_retry_after_past_the_deadline_ends_the_wait_at_its_deadline(
    emulator: EmulatorServer,
) -> None:
    with client_for(emulator.url, emulator.token) as client:
        job = client.submit(T2I, {"prompt": "p"}, validate="off")
        emulator.add_faults("status:rate_limit=90")
        started = time.monotonic()
        with pytest.raises(WaitTimeout) as caught:
            job.wait(timeout=1.0)
    assert time.monotonic() - started < 2.0
    assert caught.value.cancelled is None and "it may still run" in str(caught.value)


def test_a_status_trickled_a_byte_a_second_ends_the_wait_as_wait_timeout() -> None:
    body = b'{"request_id": "r1", "status": "in_progress"}'
    with HostileServer() as server:
        server.routes["/v1/requests/r1/status"] = trickle(body, every=1.0)
        with client_for(server.url) as client:
            started = time.monotonic()
            with pytest.raises(WaitTimeout) as caught:
                client.job("r1").wait(timeout=1.0)
    assert caught.value.request_id == "r1"
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize(
    ("queue", "run", "cancelled", "note"),
    [(30.0, 1.0, True, "cancelled"), (0.0, 30.0, False, "CancelRefused")],
)
def test_a_wait_timeout_says_whether_cancel_on_timeout_cancelled_the_job(
    queue: float, run: float, cancelled: bool, note: str
) -> None:
    with (
        EmulatorServer(REGISTRY, queue_seconds=queue, run_seconds=run, workers=1) as emulator,
        client_for(emulator.url, emulator.token) as client,
    ):
        job = client.submit(T2I, {"prompt": "p"}, validate="off")
        time.sleep(0.3)  # a job with no queue time is running by now
        with pytest.raises(WaitTimeout) as caught:
            job.wait(timeout=0.5, cancel_on_timeout=True)
    assert caught.value.cancelled is cancelled
    assert note in (caught.value.cancel_note or "")
    assert ("was cancelled" if cancelled else "did not cancel it") in str(caught.value)


# -- downloads -----------------------------------------------------------------------------------


def _result(url: str) -> Result[Output]:
    return Result.from_wire("r1", {"status": "succeeded", "output": {"image": url}}, Output)


Behaviour = Callable[[socket.socket, Request, threading.Event], None]


def in_turn(*behaviours: Behaviour) -> Behaviour:
    """Each request gets the next behaviour; the last one answers every later request."""
    counter = itertools.count()

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        behaviours[min(next(counter), len(behaviours) - 1)](conn, request, stop)

    return behave


def cut_short(data: bytes, after: int) -> Behaviour:
    """The whole file announced (resumable: Accept-Ranges, an ETag), ``after`` bytes of it
    sent, then the connection closed."""

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        headers = {"Content-Type": "image/png", "Content-Length": str(len(data)),
                   "Accept-Ranges": "bytes", "ETag": '"v1"'}  # fmt: skip
        conn.sendall(head(200, headers) + data[:after])
        conn.shutdown(socket.SHUT_RDWR)
        raise OSError("cut short")

    return behave


def ranged(data: bytes) -> Behaviour:
    """Honours ``Range: bytes=N-`` (and ``If-Range`` of the ETag ``"v1"``)."""

    def behave(conn: socket.socket, request: Request, stop: threading.Event) -> None:
        asked = request.headers.get("range", "")
        if not asked.startswith("bytes=") or request.headers.get("if-range") != '"v1"':
            answer(200, data, "image/png")(conn, request, stop)
            return
        first = int(asked.removeprefix("bytes=").split("-")[0])
        headers = {"Content-Type": "image/png", "Content-Length": str(len(data) - first),
                   "Content-Range": f"bytes {first}-{len(data) - 1}/{len(data)}"}  # fmt: skip
        conn.sendall(head(206, headers) + data[first:])

    return behave


def test_a_download_outlasts_a_500_from_the_file_host(tmp_path: Path) -> None:
    with HostileServer() as server:
        failing = answer(500, b"oops", "text/plain")
        server.routes["/out.png"] = in_turn(failing, failing, answer(200, PNG, "image/png"))
        with client_for(server.url) as client:
            (path,) = client.download(_result(server.url + "/out.png"), tmp_path)
        assert len(server.requests) == 3
    assert path.read_bytes() == PNG


def test_a_download_cut_short_resumes_with_range_from_where_it_stopped(tmp_path: Path) -> None:
    seen: list[int] = []
    with HostileServer() as server:
        server.routes["/out.png"] = in_turn(cut_short(PNG, 1000), ranged(PNG))
        with client_for(server.url) as client:
            (path,) = client.download(
                _result(server.url + "/out.png"),
                tmp_path,
                on_progress=lambda url, done, total: seen.append(done),
            )
        ranges = [r.headers.get("range") for r in server.requests]
    assert path.read_bytes() == PNG
    assert ranges == [None, "bytes=1000-"]  # the second request asked only for the rest
    assert seen[-1] == len(PNG) and list(tmp_path.glob(".*")) == []


def test_a_download_whose_host_ignores_range_is_fetched_whole_again(tmp_path: Path) -> None:
    with HostileServer() as server:
        whole = answer(200, PNG, "image/png")
        server.routes["/out.png"] = in_turn(cut_short(PNG, 1000), whole)
        with client_for(server.url) as client:
            (path,) = client.download(_result(server.url + "/out.png"), tmp_path)
    assert path.read_bytes() == PNG
