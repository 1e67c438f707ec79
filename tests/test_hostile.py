"""The client against servers that misbehave on purpose (``tests/hostile.py``): deadlines that
hold, caps that bound memory and disk, a token no echo can leak, inputs that never escape as
untyped errors."""

from __future__ import annotations

import base64
import threading
import time
from pathlib import Path

import pytest

from runcomfy import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    ConfigurationError,
    DownloadError,
    InputValidationError,
    RunComfy,
    WaitTimeout,
)
from runcomfy_runtime.results import Output, Result
from tests.hostile import (
    HostileServer,
    as_json,
    claims,
    drops_idle,
    endless,
    gzip_bomb,
    later,
    trickle,
)

TOKEN = "sk-hostile-0123456789abcdef"
T2I = "bytedance/dreamina-4-0/text-to-image"
STATUS = "/v1/requests/r1/status"


def client_for(server: HostileServer, **options: object) -> RunComfy:
    return RunComfy(api_token=TOKEN, base_url=server.url, **options)  # type: ignore[arg-type]


def finishes_within(seconds: float, work: object) -> object:
    """Run ``work`` in a thread; the test fails (instead of hanging) if it does not return."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()  # type: ignore[operator]
        except BaseException as e:
            outcome["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds}s"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


def test_a_wait_deadline_holds_against_a_server_that_trickles_its_answers() -> None:
    body = b'{"request_id": "r1", "status": "in_progress"}' * 50
    with HostileServer() as server:
        server.routes[STATUS] = trickle(body, every=0.1)  # ~230 s to send it all
        with client_for(server) as client:
            started = time.monotonic()
            with pytest.raises(WaitTimeout) as caught:
                finishes_within(10, lambda: client.job("r1").wait(timeout=1.0))
            waited = time.monotonic() - started
    assert caught.value.request_id == "r1"
    assert waited < 2.5, f"wait(timeout=1) took {waited:.1f}s"


def test_every_request_has_a_total_bound_even_without_a_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("runcomfy_runtime.constants.REQUEST_TOTAL_TIMEOUT", 1.0)
    with HostileServer() as server:
        server.routes[STATUS] = trickle(b'{"status": "in_progress"}' * 100, every=0.1)
        with client_for(server) as client, pytest.raises(APIConnectionError, match="no complete"):
            finishes_within(10, lambda: client.job("r1").status())


def test_an_api_answer_that_inflates_past_the_cap_is_refused_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("runcomfy_runtime.constants.MAX_ANSWER_BYTES", 4 * 1024 * 1024)
    with HostileServer() as server:
        server.routes[STATUS] = gzip_bomb(64 * 1024 * 1024)  # ~64 KiB on the wire
        with client_for(server) as client, pytest.raises(APIError, match="larger than 4 MiB"):
            client.job("r1").status()
        server.routes["/v1/models/" + T2I] = gzip_bomb(64 * 1024 * 1024)
        with client_for(server) as client, pytest.raises(AmbiguousSubmitError):
            client.submit(T2I, {"prompt": "p"}, validate="off")  # a job may exist: not retried


def _result(url: str) -> Result[Output]:
    return Result.from_wire("r1", {"status": "succeeded", "output": {"image": url}}, Output)


def test_a_download_announcing_more_than_the_cap_is_refused_before_a_byte_is_kept(
    tmp_path: Path,
) -> None:
    with HostileServer() as server:
        server.routes["/out.png"] = claims(30 * 1024**3)  # "30 GB"
        with client_for(server) as client:
            with pytest.raises(DownloadError, match="larger"):
                client.download(_result(server.url + "/out.png"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_endless_download_stops_at_the_cap_and_leaves_nothing(tmp_path: Path) -> None:
    with HostileServer() as server:
        server.routes["/out.png"] = endless()
        with client_for(server) as client, pytest.raises(DownloadError) as caught:
            finishes_within(
                30,
                lambda: client.download(_result(server.url + "/out.png"), tmp_path,
                                        max_bytes=2 * 1024 * 1024),
            )  # fmt: skip
    assert caught.value.request_id == "r1"
    assert list(tmp_path.iterdir()) == []  # the .part file went too


def test_a_server_that_echoes_the_token_does_not_get_it_into_an_error() -> None:
    with HostileServer() as server:
        echoed = {"error_code": 400004, "error_message": f"bad token Bearer {TOKEN} ({TOKEN})",
                  "detail": {"seen": TOKEN}}  # fmt: skip
        server.routes[STATUS] = as_json(401, echoed)
        with client_for(server) as client, pytest.raises(APIError) as caught:
            client.job("r1").status()
    for text in (str(caught.value), repr(caught.value), repr(caught.value.body)):
        assert TOKEN not in text and TOKEN[5:] not in text


@pytest.mark.parametrize("token", ["sk-two\nlines", "sk-ünïcode-token", "sk token", " \t "])
def test_a_token_that_cannot_be_sent_is_refused_at_once_without_showing_it(token: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        RunComfy(api_token=token, base_url="http://127.0.0.1:9")
    if token.strip():
        assert token not in str(caught.value) and token not in repr(caught.value)
        assert "cannot be sent in an HTTP header" in str(caught.value)


def test_a_submit_without_a_reply_in_time_is_ambiguous_and_sent_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("runcomfy_runtime.constants.REQUEST_TOTAL_TIMEOUT", 0.8)
    with HostileServer() as server:
        server.routes["/v1/models/" + T2I] = later(5.0, as_json(200, {"request_id": "r"}))
        with client_for(server) as client, pytest.raises(AmbiguousSubmitError):
            finishes_within(10, lambda: client.submit(T2I, {"prompt": "p"}, validate="off"))
        assert len(server.requests) == 1


def test_a_submit_never_rides_a_connection_idle_long_enough_to_be_closed_under_it() -> None:
    """Item 7: a server closes connections idle over 1.2 s as a request arrives. Status polls
    may meet that (and are retried); a submit must not, or it is ambiguous with nothing sent."""
    with HostileServer() as server:
        server.routes["/v1/models/" + T2I] = drops_idle(
            1.2, as_json(200, {"request_id": "r1", "status_url": "x"})
        )
        with client_for(server) as client:
            first = client.submit(T2I, {"prompt": "p"}, validate="off")
            time.sleep(1.5)  # idle past the server's limit, well under common 5 s keep-alives
            second = client.submit(T2I, {"prompt": "p"}, validate="off")
        assert (first.request_id, second.request_id) == ("r1", "r1")
        assert len(server.requests) == 2  # both answered: no submit met a closing connection


HOSTILE_INPUTS = {
    "an unparsable URL": {"prompt": "p", "image_urls": ["http://[::1"]},
    "a port out of range": {"prompt": "p", "image_urls": ["http://[::1]:99999/x.jpg"]},
    "a property named with a superscript digit": {"prompt": "p", "image_urls": ["x"], "³": 1},
    "bytes that make Pillow raise struct.error": {
        "prompt": "p",
        "image_urls": ["data:image/png;base64," + base64.b64encode(b"S{H").decode()],
    },
    "NaN": {"prompt": "p", "image_urls": ["https://e.com/a.png"], "scale": float("nan")},
    "a deeply nested value": {"prompt": "p", "image_urls": [[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]},
}


@pytest.mark.parametrize("case", sorted(HOSTILE_INPUTS))
def test_hostile_input_is_a_typed_validation_error_before_anything_is_sent(case: str) -> None:
    with HostileServer() as server, client_for(server) as client:
        with pytest.raises(InputValidationError) as caught:
            client.validate("bytedance/dreamina-4-0/edit", HOSTILE_INPUTS[case])
        assert caught.value.problems
        assert [r for r in server.requests if r.path.startswith("/v1/")] == []


def test_a_local_file_whose_bytes_break_pillow_is_one_clear_problem(tmp_path: Path) -> None:
    odd = tmp_path / "odd.png"
    odd.write_bytes(b"\x89PNG\r\n\x1a\n" + b"S{H" * 10)
    with HostileServer() as server, client_for(server) as client:
        with pytest.raises(InputValidationError) as caught:
            client.validate("bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [odd]})
    (problem,) = caught.value.problems
    assert problem.path == ("image_urls", 0) and "local file" in problem.message
