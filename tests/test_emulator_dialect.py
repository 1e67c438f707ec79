"""``--dialect variants``: the words and shapes RunComfy's own clients show the real service
uses, besides the documented ones; and the ``permission_200`` fault."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer, ManualClock, parse_faults
from runcomfy_emulator.__main__ import parser
from runcomfy_emulator.faults import Fault
from tests.emulator_http import answer, cancel, client_for, result_of, status_of, submit

TEXT_TO_IMAGE = "bytedance/dreamina-4-0/text-to-image"


@pytest.fixture
def variants(manual_clock: ManualClock) -> Iterator[EmulatorServer]:
    """One worker; a job waits 1 s in the queue and runs 2 s; answers in the variants."""
    options = {"queue_seconds": 1.0, "run_seconds": 2.0, "workers": 1}
    with EmulatorServer(REGISTRY, clock=manual_clock, dialect="variants", **options) as server:  # type: ignore[arg-type]
        yield server


@pytest.fixture
def api(variants: EmulatorServer) -> Iterator[httpx.Client]:
    with client_for(variants) as client:
        yield client


def test_a_job_goes_pending_processing_completed(
    api: httpx.Client, manual_clock: ManualClock
) -> None:
    rid = submit(api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    queued = status_of(api, rid)
    assert (queued["status"], queued["queue_position"]) == ("pending", 1)
    early = api.get(f"/v1/requests/{rid}/result")
    assert (early.status_code, early.json()) == (
        400,
        {"error_code": 400005, "error_message": "result not ready"},
    )
    manual_clock.advance(1.0)
    assert status_of(api, rid)["status"] == "processing"
    assert answer(api.get(f"/v1/requests/{rid}/result"), 400)["error_code"] == 400005
    manual_clock.advance(2.0)
    assert status_of(api, rid)["status"] == "completed"
    result = result_of(api, rid)
    assert result["status"] == "completed" and list(result["output"]) == ["image"]
    assert api.get(result["output"]["image"]).status_code == 200


def test_a_cancel_is_requested_and_the_job_says_canceled(
    api: httpx.Client, manual_clock: ManualClock
) -> None:
    first, second = (submit(api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"] for _ in range(2))
    assert cancel(api, second) == {
        "request_id": second,
        "status": "canceled",
        "outcome": "cancellation_requested",
    }
    assert cancel(api, second)["outcome"] == "cancellation_requested"  # a retry agrees
    assert status_of(api, second)["status"] == "canceled"
    manual_clock.advance(1.5)
    refused = cancel(api, first)
    assert (refused["outcome"], refused["status"]) == ("not_cancellable", "processing")
    ended = result_of(api, second)
    assert ended["status"] == "canceled" and "output" not in ended


def test_the_documented_dialect_is_the_default(emulator: EmulatorServer) -> None:
    with client_for(emulator) as client:
        rid = submit(client, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
        assert result_of(client, rid)["status"] in ("in_queue", "in_progress")


def test_the_command_line_takes_a_dialect() -> None:
    assert parser().parse_args(["--dialect", "variants"]).dialect == "variants"
    assert parser().parse_args([]).dialect == "docs"
    with pytest.raises(SystemExit):
        parser().parse_args(["--dialect", "slang"])


@pytest.mark.parametrize("route", ["status", "result", "cancel", "submit"])
def test_a_permission_error_can_come_as_http_200(emulator: EmulatorServer, route: str) -> None:
    emulator.add_faults(f"{route}:permission_200")
    method, path = {
        "status": ("GET", "/v1/requests/x/status"),
        "result": ("GET", "/v1/requests/x/result"),
        "cancel": ("POST", "/v1/requests/x/cancel"),
        "submit": ("POST", f"/v1/models/{TEXT_TO_IMAGE}"),
    }[route]
    with client_for(emulator) as client:
        hit = client.request(method, path, json={"prompt": "x"})
        assert hit.status_code == 200
        assert hit.json()["error_code"] == 403003
        assert route in hit.json()["error_message"]
        after = client.request(method, path, json={"prompt": "x"})  # spent: answered as usual
        assert after.json().get("error_code") != 403003
    assert emulator.stats().faults_fired == {"permission_200": 1}


def test_permission_200_in_the_short_form_and_unknown_kinds_named() -> None:
    assert parse_faults("result:permission_200x2") == [Fault("permission_200", "result", count=2)]
    with pytest.raises(ValueError, match=r"unknown fault kind 'x'; known: server_error, "):
        parse_faults("x=1")
    with pytest.raises(ValueError, match="takes no value"):
        parse_faults("permission_200=3")
