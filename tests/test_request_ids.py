"""Request ids and the server's URLs: an id is checked against RunComfy's own form before it is
put in a path, and a server-given status, result or cancel URL is used only when it is that
job's documented route on the API's origin."""

from __future__ import annotations

from pathlib import Path

import pytest

from runcomfy import AmbiguousSubmitError, InvalidRequestIdError, RunComfy
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime import wire
from tests.helpers import InProcess
from tests.hostile import HostileServer, as_json

T2I = "bytedance/dreamina-4-0/text-to-image"
BASE = "https://model-api.runcomfy.net"
BAD_IDS = ["..", ".", "", "a/b", "r1/../../models/x", "a b", "x" * 129, "ré", "r1?x=1", "%2e%2e"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_id_not_of_runcomfys_form_is_refused_before_anything_is_sent(bad: str) -> None:
    with HostileServer() as server:
        with RunComfy(api_token="t", base_url=server.url) as client:
            with pytest.raises(InvalidRequestIdError) as caught:
                client.job(bad)
        assert server.requests == []
    assert isinstance(caught.value, ValueError)
    assert "not a RunComfy request id" in str(caught.value)


@pytest.mark.parametrize("good", ["r1", "a" * 128, "0c4e8a2b-77f1_XYZ"])
def test_ids_of_runcomfys_form_are_taken(good: str) -> None:
    assert wire.checked_request_id(good) == good


def test_a_submit_answer_naming_a_job_by_a_path_is_ambiguous() -> None:
    with HostileServer() as server:
        server.routes["/v1/models/" + T2I] = as_json(200, {"request_id": ".."})
        with RunComfy(api_token="t", base_url=server.url) as client:
            with pytest.raises(AmbiguousSubmitError, match="not a request id"):
                client.submit(T2I, {"prompt": "p"}, validate="off")
        assert len(server.requests) == 1  # nothing sent to a route the id would have named


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (f"{BASE}/v1/requests/r1/cancel", True),
        (f"{BASE}/v1/requests/r1/cancel?trace=1", True),
        (f"{BASE}/v1/models/{T2I}", False),  # a model's route: cancel would be a submit
        (f"{BASE}/v1/requests/r2/cancel", False),  # another job
        (f"{BASE}/v1/requests/r1/result", False),  # another action
        (f"{BASE}/v1/requests/r1/cancel/../../../models/x", False),
        ("https://elsewhere.example/v1/requests/r1/cancel", False),  # another origin
        ("http://model-api.runcomfy.net/v1/requests/r1/cancel", False),  # clear text
        ("https://[::1", False),
        (None, False),
    ],
)
def test_a_server_url_is_used_only_when_it_is_the_jobs_documented_route(
    given: str | None, used: bool
) -> None:
    documented = f"{BASE}/v1/requests/r1/cancel"
    assert wire.trusted_url(BASE, given, "r1", "cancel") == (given if used else documented)


def test_a_same_origin_cancel_url_naming_a_model_route_never_turns_cancel_into_a_submit() -> None:
    with HostileServer() as server:
        model_route = "/v1/models/" + T2I
        server.routes[model_route] = as_json(
            200, {"request_id": "r1", "cancel_url": server.url + model_route}
        )
        server.routes["/v1/requests/r1/cancel"] = as_json(
            202, {"request_id": "r1", "status": "cancelled", "outcome": "cancelled"}
        )
        with RunComfy(api_token="t", base_url=server.url) as client:
            job = client.submit(T2I, {"prompt": "p"}, validate="off")
            assert job.cancel().outcome == "cancelled"
        paths = [r.path for r in server.requests]
    assert paths == [model_route, "/v1/requests/r1/cancel"]  # one submit, one cancel


@pytest.mark.parametrize("command", ["download", "status", "cancel"])
def test_the_cli_refuses_an_empty_or_dotted_id_as_a_usage_error(
    command: str,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    cli = InProcess(monkeypatch, capsys, tmp_path, emulator)
    out = tmp_path / "out"
    for bad in ("", ".."):
        extra = ["--out", str(out)] if command == "download" else []
        ran = cli(command, bad, *extra)
        assert ran.code == 64, ran.output
        assert "not a RunComfy request id" in ran.output
    assert not out.exists() or list(out.iterdir()) == []  # no hidden ".png" saved
    assert emulator.stats().requests == {}
