"""Each operation's flow stepped with canned answers: no server, no socket, no sleeping.

A flow (``runcomfy_runtime/operations.py``) yields effects and receives their answers; here a
:class:`Canned` driver answers each request from a script of routes and advances a fake clock
on each sleep, so the decisions are tested alone, as ``tests/test_policies.py`` tests the
retry and polling ones: the catalog fallback, the two validation stages, the submit, the
not-ready result (``400005``), and the end of a wait on each terminal status and its deadline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from runcomfy import (
    InputValidationError,
    JobCancelled,
    JobFailed,
    NoOutputError,
    Problem,
    RunComfy,
    UnknownModelError,
    WaitTimeout,
)
from runcomfy_runtime import operations as ops
from runcomfy_runtime.effects import Effect, Exchange, Exchanged, Flow, Probe, Sleep, Upload, drive
from runcomfy_runtime.outputs import Output

BASE = "https://api.example"
EDIT = "bytedance/dreamina-4-0/edit"
Route = Callable[[str, str], tuple[int, Any]]  # (method, path) -> (status, body)


class Canned:
    """Answers a flow's effects: requests from ``route``, sleeps on a fake clock, probes with
    ``problems``. Records what the flow asked, in order."""

    def __init__(self, route: Route, problems: list[Problem] | None = None) -> None:
        self.route = route
        self.problems = problems or []
        self.now = 1000.0
        self.asked: list[tuple[str, str, str]] = []  # (kind, method, path)
        self.probed = 0

    def clock(self) -> float:
        return self.now

    def __call__(self, effect: Effect) -> Any:
        match effect:
            case Exchange(call):
                path = urlsplit(call.url).path
                self.asked.append((call.kind, call.method, path))
                status, body = self.route(call.method, path)
                return Exchanged(status, json.dumps(body).encode(), {}, call.url)
            case Sleep(seconds):
                self.now += seconds
                return None
            case Probe():
                self.probed += 1
                return self.problems
            case Upload(body):
                return body
        raise AssertionError(f"unexpected effect {effect!r}")

    def run(self, flow: Flow[Any]) -> Any:
        return drive(flow, self)


@pytest.fixture
def core() -> Iterator[RunComfy]:
    with RunComfy(api_token="sk-canned-0123456789", base_url=BASE) as client:
        yield client


def script(*answers: tuple[str, str, int, Any]) -> Route:
    """Answers in this order, each for the method and path it names; the last one repeats."""
    queue = list(answers)

    def route(method: str, path: str) -> tuple[int, Any]:
        wanted_method, wanted_path, status, body = queue.pop(0) if len(queue) > 1 else queue[0]
        assert (method, path) == (wanted_method, wanted_path)
        return status, body

    return route


ENTRY = {
    "model_id": "acme/new-model",
    "kind": "image",
    "input_schema": {
        "type": "object",
        "properties": {"prompt": {"type": "string", "maxLength": 10}},
        "required": ["prompt"],
    },
}


# -- the catalog ---------------------------------------------------------------------------------


def test_a_model_not_generated_is_looked_up_in_the_catalog_once(core: RunComfy) -> None:
    canned = Canned(script(("GET", "/v1/models/acme/new-model", 200, ENTRY)))
    first = canned.run(ops.spec(core, "acme/new-model"))
    again = canned.run(ops.spec(core, "acme/new-model"))
    assert first is again and first.model_id == "acme/new-model"
    assert canned.asked == [("query", "GET", "/v1/models/acme/new-model")]  # once


def test_a_generated_model_needs_no_lookup(core: RunComfy) -> None:
    canned = Canned(script(("GET", "/never", 500, {})))
    assert canned.run(ops.spec(core, EDIT)).model_id == EDIT
    assert canned.asked == []


@pytest.mark.parametrize("code", [404001, 400001])
def test_a_model_the_catalog_does_not_know_either_is_unknown(core: RunComfy, code: int) -> None:
    canned = Canned(script(("GET", "/v1/models/acme/nope", 404, {"error_code": code})))
    with pytest.raises(UnknownModelError, match="not generated and not in RunComfy's catalog"):
        canned.run(ops.spec(core, "acme/nope"))


def test_validation_of_a_catalog_model_uses_its_fetched_schema(core: RunComfy) -> None:
    canned = Canned(script(("GET", "/v1/models/acme/new-model", 200, ENTRY)))
    with pytest.raises(InputValidationError) as caught:
        canned.run(ops.validate(core, "acme/new-model", {"prompt": "x" * 11}, "full"))
    assert [p.location for p in caught.value.problems] == ["prompt"]


# -- validation and the submit -------------------------------------------------------------------

IMAGE = "https://files.example/photo.jpg"


def test_the_media_stage_runs_only_when_the_schema_stage_asks_for_full(core: RunComfy) -> None:
    payload = {"prompt": "p", "image_urls": [IMAGE]}
    canned = Canned(script(("GET", "/never", 500, {})))
    assert canned.run(ops.validate(core, EDIT, payload, "schema")) == payload
    assert canned.probed == 0
    assert canned.run(ops.validate(core, EDIT, payload, "full")) == payload
    assert canned.probed == 1


def test_problems_of_both_stages_come_at_once(core: RunComfy) -> None:
    too_big = Problem(("image_urls", 0), "Each image file must be ≤ 15 MB.", IMAGE, "16 MB")
    canned = Canned(script(("GET", "/never", 500, {})), problems=[too_big])
    payload = {"prompt": "x" * 801, "image_urls": [IMAGE]}
    with pytest.raises(InputValidationError) as caught:
        canned.run(ops.validate(core, EDIT, payload, "full"))
    assert [p.location for p in caught.value.problems] == ["image_urls[0]", "prompt"]


def test_a_submit_is_one_call_of_kind_submit_and_names_its_job(core: RunComfy) -> None:
    model = "/v1/models/" + EDIT
    answer = {"request_id": "r1", "status_url": f"{BASE}/v1/requests/r1/status?x=1"}
    canned = Canned(script(("POST", model, 200, answer)))
    ref = canned.run(ops.submit(core, EDIT, {"prompt": "p", "image_urls": [IMAGE]}, "schema"))
    assert canned.asked == [("submit", "POST", model)]
    assert (ref.request_id, ref.status_url) == ("r1", f"{BASE}/v1/requests/r1/status?x=1")
    assert ref.cancel_url == f"{BASE}/v1/requests/r1/cancel"


# -- a job ---------------------------------------------------------------------------------------

STATUS, RESULT, CANCEL = (f"/v1/requests/r1/{a}" for a in ("status", "result", "cancel"))
DONE = {"status": "succeeded", "output": {"image": "https://files.example/out.png"}}
NOT_READY = {"error_code": 400005, "error_message": "not ready"}


def _wait(core: RunComfy, canned: Canned, **options: Any) -> Any:
    ref = ops.job_ref(core, "r1")
    return canned.run(ops.wait(core, ref, Output, clock=canned.clock, **options))


def test_a_result_asked_for_too_early_reads_as_running_and_the_wait_goes_on(
    core: RunComfy,
) -> None:
    canned = Canned(
        script(
            ("GET", STATUS, 200, {"status": "completed"}),
            ("GET", RESULT, 400, NOT_READY),  # the result runs behind the status
            ("GET", STATUS, 200, {"status": "completed"}),
            ("GET", RESULT, 200, DONE),
        )
    )
    found = _wait(core, canned, timeout=60)
    assert found.status == "succeeded" and found.urls == ("https://files.example/out.png",)
    assert [path for _, _, path in canned.asked] == [STATUS, RESULT, STATUS, RESULT]


def test_a_not_ready_result_alone_is_a_running_result(core: RunComfy) -> None:
    canned = Canned(script(("GET", RESULT, 400, NOT_READY)))
    found = canned.run(ops.result(core, ops.job_ref(core, "r1"), Output))
    assert found.status == "in_progress"


@pytest.mark.parametrize(
    ("status", "result", "raised"),
    [
        ({"status": "failed"}, {"status": "failed", "error": "boom"}, JobFailed),
        ({"status": "completed"}, {"status": "failed", "error": "boom"}, JobFailed),
        ({"status": "cancelled"}, None, JobCancelled),
        ({"status": "canceled"}, None, JobCancelled),
        ({"status": "completed"}, {"status": "succeeded", "output": {}}, NoOutputError),
        ({"status": "exploded"}, {"status": "exploded"}, JobFailed),  # a word nobody documented
    ],
)
def test_a_wait_ends_on_each_terminal_status(
    core: RunComfy, status: dict[str, Any], result: dict[str, Any] | None, raised: type
) -> None:
    canned = Canned(script(("GET", STATUS, 200, status), ("GET", RESULT, 200, result)))
    with pytest.raises(raised) as caught:
        _wait(core, canned, timeout=60)
    assert caught.value.request_id == "r1"


def test_a_wait_ends_on_success(core: RunComfy) -> None:
    seen: list[str] = []
    canned = Canned(
        script(
            ("GET", STATUS, 200, {"status": "in_queue", "queue_position": 2}),
            ("GET", STATUS, 200, {"status": "in_progress"}),
            ("GET", STATUS, 200, {"status": "completed"}),
            ("GET", RESULT, 200, DONE),
        )
    )
    found = _wait(core, canned, timeout=60, on_status=lambda s: seen.append(str(s)))
    assert found.status == "succeeded"
    assert seen == ["in_queue (position 2)", "in_progress", "completed"]


@pytest.mark.parametrize(
    ("cancel", "cancelled"),
    [(None, None), ((202, {"outcome": "cancelled", "status": "cancelled"}), True),
     ((202, {"outcome": "not_cancellable", "status": "in_progress"}), False)],
)  # fmt: skip
def test_a_wait_ends_at_its_deadline_as_wait_timeout(
    core: RunComfy, cancel: tuple[int, Any] | None, cancelled: bool | None
) -> None:
    def route(method: str, path: str) -> tuple[int, Any]:
        if path == CANCEL:
            assert cancel is not None
            return cancel
        return 200, {"status": "in_progress"}

    canned = Canned(route)
    with pytest.raises(WaitTimeout) as caught:
        _wait(core, canned, timeout=30, cancel_on_timeout=cancel is not None)
    assert 30 <= canned.now - 1000.0 <= 31  # the fake clock: the deadline, not a second more
    assert caught.value.waited >= 30 and caught.value.cancelled is cancelled
    asked_cancel = [a for a in canned.asked if a[2] == CANCEL]
    assert asked_cancel == ([("cancel", "POST", CANCEL)] if cancel is not None else [])


def test_a_cancel_is_a_call_of_kind_cancel(core: RunComfy) -> None:
    canned = Canned(script(("POST", CANCEL, 202, {"outcome": "cancellation_requested"})))
    found = canned.run(ops.cancel(core, ops.job_ref(core, "r1")))
    assert found.outcome == "requested" and canned.asked == [("cancel", "POST", CANCEL)]
