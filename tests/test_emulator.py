"""The emulator speaks the Model API's wire contract, over real loopback HTTP, with plain httpx.

Job timing runs on a manual clock wherever a test looks at states in between (queue positions,
cancellation), so nothing here depends on how fast the machine is; the real-clock tests only
wait, with generous limits, for jobs to finish.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest
from PIL import Image

from runcomfy._registry import REGISTRY
from runcomfy_emulator import (
    EmulatorServer,
    ManualClock,
    create_app,
    example_payload,
    parse_faults,
)
from runcomfy_emulator.connections import ConnectionDropper
from runcomfy_emulator.faults import Fault
from runcomfy_emulator.ranges import Unsatisfiable, parse_range
from runcomfy_emulator.server import bind, build_server
from runcomfy_runtime.validation import schema_problems
from tests import imagefiles
from tests.emulator_http import (
    WAIT_LIMIT,
    cancel,
    client_for,
    finish,
    result_of,
    status_of,
    submit,
    wait_done,
)

MODEL_IDS = sorted(REGISTRY)
EDIT = "bytedance/dreamina-4-0/edit"
TEXT_TO_IMAGE = "bytedance/dreamina-4-0/text-to-image"
SEEDREAM = "bytedance/seedream-4-0/edit"
VIDEO = "bytedance/dreamina-3-0/pro/image-to-video"

# What each documented example produces: its size field's documented default, or for the
# video endpoint the input image's aspect (1024x768) scaled to 480 px on the long side.
EXAMPLE_OUTPUTS = {
    EDIT: ("image", (2048, 2048)),
    TEXT_TO_IMAGE: ("image", (2048, 2048)),
    SEEDREAM: ("image", (2048, 2048)),
    VIDEO: ("video", (480, 360)),
}


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with client_for(emulator) as client:
        yield client


@pytest.fixture
def clocked_api(clocked_emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with client_for(clocked_emulator) as client:
        yield client


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


# -- the lifecycle ------------------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_documented_example_completes_with_a_real_output(
    emulator: EmulatorServer, api: httpx.Client, model_id: str
) -> None:
    submitted = submit(api, model_id, emulator.example_payload(model_id))
    rid = submitted["request_id"]
    for action in ("status", "result", "cancel"):
        assert submitted[f"{action}_url"] == f"{emulator.url}/v1/requests/{rid}/{action}"

    assert wait_done(api, rid)["status"] == "completed"
    result = result_of(api, rid, include_cost="true")
    assert result["status"] == "succeeded"
    assert result["error"] is None
    assert result["created_at"] <= result["finished_at"]
    assert isinstance(result["cost"], float) and result["cost"] > 0

    kind, size = EXAMPLE_OUTPUTS[model_id]
    assert list(result["output"]) == [kind]
    download = httpx.get(result["output"][kind], trust_env=False, timeout=30.0)
    assert download.status_code == 200
    assert int(download.headers["content-length"]) == len(download.content)
    if kind == "image":
        assert download.headers["content-type"] == "image/png"
        assert png_size(download.content) == size
    else:
        assert download.headers["content-type"] == "video/mp4"
        with av.open(io.BytesIO(download.content), mode="r") as container:
            stream = container.streams.video[0]
            assert (stream.width, stream.height) == size
            assert sum(1 for _ in container.decode(video=0)) >= 24


def test_a_job_moves_through_the_queue_on_the_clock(
    clocked_api: httpx.Client, clocked_emulator: EmulatorServer, manual_clock: ManualClock
) -> None:
    rid = submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    queued = status_of(clocked_api, rid)
    assert queued["status"] == "in_queue" and queued["queue_position"] == 1
    early = result_of(clocked_api, rid)
    assert early["status"] == "in_queue"
    assert "output" not in early and early["finished_at"] is None

    manual_clock.advance(1.0)
    running = status_of(clocked_api, rid)
    assert running["status"] == "in_progress" and "queue_position" not in running
    assert result_of(clocked_api, rid)["status"] == "in_progress"
    assert clocked_api.get(f"/files/{rid}.png").status_code == 404  # no output yet

    manual_clock.advance(2.0)
    assert status_of(clocked_api, rid)["status"] == "completed"
    assert result_of(clocked_api, rid)["status"] == "succeeded"


def test_queue_positions_with_one_worker_and_three_jobs(
    clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    ids = [submit(clocked_api, TEXT_TO_IMAGE, {"prompt": f"{i}"})["request_id"] for i in range(3)]

    def states() -> list[tuple[str, int | None]]:
        return [
            (s["status"], s.get("queue_position"))
            for s in (status_of(clocked_api, rid) for rid in ids)
        ]

    assert states() == [("in_queue", 1), ("in_queue", 2), ("in_queue", 3)]
    manual_clock.advance(1.0)  # the first leaves the queue; one worker, so the rest wait
    assert states() == [("in_progress", None), ("in_queue", 1), ("in_queue", 2)]
    manual_clock.advance(2.0)
    assert states() == [("completed", None), ("in_progress", None), ("in_queue", 1)]
    manual_clock.advance(2.0)
    assert states() == [("completed", None), ("completed", None), ("in_progress", None)]
    manual_clock.advance(2.0)
    assert [s for s, _ in states()] == ["completed"] * 3


def test_two_workers_run_two_jobs_at_once(
    clocked_emulator: EmulatorServer, clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    clocked_emulator.reset(workers=2)
    ids = [submit(clocked_api, TEXT_TO_IMAGE, {"prompt": f"{i}"})["request_id"] for i in range(3)]
    manual_clock.advance(1.0)
    assert [status_of(clocked_api, rid)["status"] for rid in ids] == [
        "in_progress",
        "in_progress",
        "in_queue",
    ]


# -- cancellation -------------------------------------------------------------------------------


def test_cancel_while_queued_cancels_and_the_next_job_moves_up(
    clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    first, second = (submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "x"}) for _ in range(2))
    answer = cancel(clocked_api, first["request_id"])
    assert answer == {
        "request_id": first["request_id"],
        "status": "cancelled",
        "outcome": "cancelled",
    }
    assert status_of(clocked_api, second["request_id"])["queue_position"] == 1
    finish(manual_clock)
    assert status_of(clocked_api, first["request_id"])["status"] == "cancelled"
    result = result_of(clocked_api, first["request_id"])
    assert result["status"] == "cancelled" and "output" not in result
    assert result["finished_at"] is not None
    assert status_of(clocked_api, second["request_id"])["status"] == "completed"


def test_cancelling_twice_answers_cancelled_both_times(clocked_api: httpx.Client) -> None:
    rid = submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    assert cancel(clocked_api, rid)["outcome"] == "cancelled"
    assert cancel(clocked_api, rid)["outcome"] == "cancelled"


def test_cancel_while_running_is_refused_and_the_job_completes(
    clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    rid = submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    manual_clock.advance(1.5)
    answer = cancel(clocked_api, rid)
    assert answer["outcome"] == "not_cancellable" and answer["status"] == "in_progress"
    finish(manual_clock)
    assert status_of(clocked_api, rid)["status"] == "completed"


def test_cancel_after_completion_is_refused(
    clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    rid = submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    finish(manual_clock)
    answer = cancel(clocked_api, rid)
    assert answer["outcome"] == "not_cancellable" and answer["status"] == "completed"


# -- errors ---------------------------------------------------------------------------------------

ROUTES = [
    ("POST", f"/v1/models/{TEXT_TO_IMAGE}"),
    ("GET", "/v1/requests/some-id/status"),
    ("GET", "/v1/requests/some-id/result"),
    ("POST", "/v1/requests/some-id/cancel"),
]
BAD_HEADERS = [
    {},
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer"},
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("headers", BAD_HEADERS, ids=["missing", "wrong", "basic", "empty"])
def test_a_missing_or_wrong_token_is_refused_with_400004(
    emulator: EmulatorServer, method: str, path: str, headers: dict[str, str]
) -> None:
    response = httpx.request(
        method, emulator.url + path, headers=headers, json={"prompt": "x"}, trust_env=False
    )
    assert response.status_code == 401
    assert response.json()["error_code"] == 400004
    assert response.json()["error_message"]
    assert emulator.stats().jobs_created == 0


def test_an_unknown_model_is_refused_with_400001(api: httpx.Client) -> None:
    response = api.post("/v1/models/bytedance/no-such-model", json={"prompt": "x"})
    assert response.status_code == 400
    assert response.json()["error_code"] == 400001
    assert "no-such-model" in response.json()["error_message"]


@pytest.mark.parametrize(
    ("method", "action"), [("GET", "status"), ("GET", "result"), ("POST", "cancel")]
)
def test_an_unknown_request_id_is_404001(api: httpx.Client, method: str, action: str) -> None:
    response = api.request(method, f"/v1/requests/no-such-id/{action}")
    assert response.status_code == 404
    assert response.json()["error_code"] == 404001


# -- input validation -----------------------------------------------------------------------------


def test_an_image_over_the_documented_resolution_gets_the_documented_message(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    upload = api.put("/inputs/huge.jpg", content=imagefiles.jpeg(5000, 5000))
    assert upload.status_code == 201
    url = upload.json()["url"]
    response = api.post(f"/v1/models/{EDIT}", json={"prompt": "x", "image_urls": [url]})
    assert response.status_code == 422
    body = response.json()
    assert body["error_message"].startswith(f"invalid input for {EDIT}")
    assert {(p["path"], p["message"], p["value"]) for p in body["detail"]} == {
        ("image_urls[0]", "Maximum resolution is 4096x4096.", url)
    }
    assert {p["fact"] for p in body["detail"]} == {"width 5000 px", "height 5000 px"}
    assert emulator.stats().jobs_created == 0


def test_schema_and_media_problems_are_answered_together(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    wide = emulator.put_input("wide.png", imagefiles.png(1500, 400))  # ratio 3.75: too wide
    payload = {"image_urls": [wide], "width×height": "7x7", "surprise": 1}
    response = api.post(f"/v1/models/{EDIT}", json=payload)
    assert response.status_code == 422
    found = {(p["path"], p["message"].split(";")[0]) for p in response.json()["detail"]}
    assert ("prompt", "is required") in found
    assert ("surprise", "is not an accepted property") in found
    assert ("image_urls[0]", "The input image aspect ratio must be within [1/3, 3].") in found
    assert any(path == "width×height" for path, _ in found)


def test_a_body_that_is_not_json_is_a_bad_request(api: httpx.Client) -> None:
    response = api.post(f"/v1/models/{TEXT_TO_IMAGE}", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["error_message"].startswith("invalid request body: the body is not")
    assert response.json()["detail"][0]["path"] == ""


def test_an_unreachable_image_is_a_problem_not_a_hang() -> None:
    port = closed_port()
    origin = f"http://127.0.0.1:{port}"
    with EmulatorServer(REGISTRY, input_origins=[origin], probe_timeout=5.0) as emulator:
        refused = f"{origin}/input.jpg"
        missing = emulator.input_url("no-such-image.jpg")
        with client_for(emulator) as api:
            payload = {"prompt": "x", "image_urls": [refused, missing]}
            response = api.post(f"/v1/models/{EDIT}", json=payload)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [p["path"] for p in detail] == ["image_urls[0]", "image_urls[1]"]
    assert detail[0]["message"].startswith("could not read the image: connection failed")
    assert "fetches only" not in detail[0]["message"]  # allowed, and really unreachable
    assert detail[1]["message"] == "could not read the image: HTTP 404"


def test_an_image_host_that_never_answers_times_out_into_a_problem() -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        origin = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with (
            EmulatorServer(REGISTRY, input_origins=[origin], probe_timeout=1.0) as emulator,
            client_for(emulator) as api,
        ):
            payload = {"prompt": "x", "image_urls": [f"{origin}/input.jpg"]}
            response = api.post(f"/v1/models/{EDIT}", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("could not read the image: timed out")


# -- inputs and outputs ----------------------------------------------------------------------------


def test_example_images_and_samples_are_served_as_valid_images(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    listed = {item["name"] for item in api.get("/inputs").json()["inputs"]}
    assert {"usecase5-1-1-input.jpg", "usecase5-1-2-input.jpg", "usecase2-2-input.jpeg"} <= listed
    assert {"sample-landscape-1024x768.jpg", "sample-square-1024x1024.png"} <= listed
    example = api.get("/inputs/usecase5-1-1-input.jpg")
    assert example.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(example.content)) as image:
        assert (image.format, image.size) == ("JPEG", (1024, 768))
    sample = api.get("/inputs/sample-square-1024x1024.png")
    with Image.open(io.BytesIO(sample.content)) as image:
        assert (image.format, image.size) == ("PNG", (1024, 1024))


def test_inputs_answer_byte_ranges_as_image_hosts_do(api: httpx.Client) -> None:
    whole = api.get("/inputs/sample-landscape-1024x768.jpg").content
    part = api.get("/inputs/sample-landscape-1024x768.jpg", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 0-99/{len(whole)}"
    assert part.content == whole[:100]
    past = api.get("/inputs/sample-landscape-1024x768.jpg", headers={"Range": "bytes=999999999-"})
    assert past.status_code == 416


def test_range_parsing() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=2-4", 10) == (2, 4)
    assert parse_range("bytes=2-", 10) == (2, 9)
    assert parse_range("bytes=-3", 10) == (7, 9)
    assert parse_range("bytes=0-100", 10) == (0, 9)
    assert parse_range("bytes=0-1,4-5", 10) is None  # several ranges: the whole file
    assert parse_range("items=0-1", 10) is None
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=10-", 10)


def test_uploads_need_the_token_and_are_served_back(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    data = imagefiles.png(400, 300)
    refused = httpx.put(f"{emulator.url}/inputs/mine.png", content=data, trust_env=False)
    assert refused.status_code == 401 and refused.json()["error_code"] == 400004
    upload = api.put("/inputs/mine.png", content=data)
    assert upload.status_code == 201
    assert upload.json()["url"] == f"{emulator.url}/inputs/mine.png"
    served = httpx.get(upload.json()["url"], trust_env=False)
    assert served.content == data and served.headers["content-type"] == "image/png"
    assert api.put("/inputs/..hidden", content=data).status_code == 400


def test_files_dropped_into_the_inputs_folder_are_served(tmp_path: Path) -> None:
    with EmulatorServer(REGISTRY, inputs_dir=tmp_path) as server, client_for(server) as client:
        assert client.get("/inputs/later.jpg").status_code == 404
        (tmp_path / "later.jpg").write_bytes(imagefiles.jpeg(640, 480))
        served = client.get("/inputs/later.jpg")
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        payload = {"prompt": "x", "image_urls": [server.input_url("later.jpg")]}
        assert client.post(f"/v1/models/{EDIT}", json=payload).status_code == 200


@pytest.mark.parametrize(
    ("model_id", "field", "value", "size"),
    [
        (TEXT_TO_IMAGE, "width×height", "2304x1728(4:3)", (2304, 1728)),
        (SEEDREAM, "resolution", "1728x2304 (3:4)", (1728, 2304)),
        (SEEDREAM, "resolution", "1K", (1024, 1024)),
    ],
)
def test_image_outputs_have_the_requested_size(
    clocked_emulator: EmulatorServer,
    clocked_api: httpx.Client,
    manual_clock: ManualClock,
    model_id: str,
    field: str,
    value: str,
    size: tuple[int, int],
) -> None:
    payload = {**clocked_emulator.example_payload(model_id), field: value}
    rid = submit(clocked_api, model_id, payload)["request_id"]
    finish(manual_clock)
    url = result_of(clocked_api, rid)["output"]["image"]
    assert png_size(httpx.get(url, trust_env=False, timeout=30.0).content) == size


def test_the_video_follows_the_input_images_aspect(
    clocked_emulator: EmulatorServer, clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    portrait = clocked_emulator.input_url("sample-portrait-768x1024.jpg")
    rid = submit(clocked_api, VIDEO, {"prompt": "x", "image_urls": [portrait]})["request_id"]
    finish(manual_clock)
    url = result_of(clocked_api, rid)["output"]["video"]
    video = httpx.get(url, trust_env=False, timeout=30.0).content
    with av.open(io.BytesIO(video), mode="r") as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (360, 480)


def test_example_payload_points_images_at_the_emulator() -> None:
    payload = example_payload(REGISTRY[EDIT], "http://127.0.0.1:9/")
    assert payload["image_urls"] == [
        "http://127.0.0.1:9/inputs/usecase5-1-1-input.jpg",
        "http://127.0.0.1:9/inputs/usecase5-1-2-input.jpg",
    ]
    assert payload["prompt"] == REGISTRY[EDIT].example["prompt"]  # type: ignore[index]


def test_example_payload_fills_the_empty_images_seedream_documents() -> None:
    spec = REGISTRY[SEEDREAM]
    assert spec.example is not None and spec.example["images"] == []  # as documented
    payload = example_payload(spec, "http://127.0.0.1:9")
    assert payload["images"] == ["http://127.0.0.1:9/inputs/sample-landscape-1024x768.jpg"]
    assert schema_problems(spec, payload) == []


# -- faults ---------------------------------------------------------------------------------------


def test_a_server_error_fires_count_times_then_is_spent(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    emulator.add_fault("server_error", "submit", count=2, status=503)
    codes = [api.post(f"/v1/models/{TEXT_TO_IMAGE}", json={"prompt": "x"}) for _ in range(3)]
    assert [r.status_code for r in codes] == [503, 503, 200]
    assert codes[0].json()["error_message"]
    stats = emulator.stats()
    assert (stats.submits, stats.jobs_created) == (3, 1)
    assert stats.faults_fired == {"server_error": 2}
    assert emulator.pending_faults() == []


def test_a_rate_limit_answers_429_with_retry_after(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    emulator.add_faults("status:rate_limit=2.5")
    rid = submit(api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    limited = api.get(f"/v1/requests/{rid}/status")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "2.5"
    assert api.get(f"/v1/requests/{rid}/status").status_code == 200


def test_faults_fire_before_the_token_is_checked(emulator: EmulatorServer) -> None:
    emulator.add_faults("submit:server_error=502")
    response = httpx.post(f"{emulator.url}/v1/models/{TEXT_TO_IMAGE}", json={}, trust_env=False)
    assert response.status_code == 502


def test_a_drop_before_the_job_is_created_is_a_transport_error_and_no_job(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    emulator.add_faults("submit:drop_before")
    with pytest.raises(httpx.TransportError):
        api.post(f"/v1/models/{TEXT_TO_IMAGE}", json={"prompt": "x"})
    stats = emulator.stats()
    assert (stats.submits, stats.jobs_created) == (1, 0)


def test_a_drop_after_the_job_is_created_leaves_exactly_one_job(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    emulator.add_faults("submit:drop_after")
    with pytest.raises(httpx.TransportError):
        api.post(f"/v1/models/{TEXT_TO_IMAGE}", json={"prompt": "x"})
    stats = emulator.stats()
    assert (stats.submits, stats.jobs_created) == (1, 1)
    assert stats.faults_fired == {"drop_after": 1}


def test_drops_on_polling_routes_are_transport_errors_too(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    rid = submit(api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    emulator.add_faults("status:drop_before,result:drop_after")
    with pytest.raises(httpx.TransportError):
        api.get(f"/v1/requests/{rid}/status")
    with pytest.raises(httpx.TransportError):
        api.get(f"/v1/requests/{rid}/result")
    assert api.get(f"/v1/requests/{rid}/status").status_code == 200


def test_a_drop_without_uvicorn_internals_is_still_a_transport_error() -> None:
    """The portable fallback: an announced Content-Length that never arrives."""
    app = create_app(REGISTRY, token="t", faults=parse_faults("submit:drop_after"))
    sock = bind("127.0.0.1", 0)
    server = build_server(app, ConnectionDropper())  # a dropper the app does not know
    thread = threading.Thread(target=lambda: server.run(sockets=[sock]), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + WAIT_LIMIT
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.01)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1/models/{TEXT_TO_IMAGE}"
        with pytest.raises(httpx.TransportError):
            httpx.post(url, json={"prompt": "x"}, headers={"Authorization": "Bearer t"})
        assert app.emulator.stats().jobs_created == 1
    finally:
        server.should_exit = True
        thread.join(WAIT_LIMIT)
        sock.close()


def test_a_delay_outlasts_a_short_read_timeout_then_answers(emulator: EmulatorServer) -> None:
    emulator.add_faults("status:delay=3x2")
    with client_for(emulator) as client:
        rid = submit(client, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    impatient = client_for(emulator, timeout=httpx.Timeout(30.0, read=0.3))
    with impatient, pytest.raises(httpx.ReadTimeout):  # the answer cannot come before 3 s
        impatient.get(f"/v1/requests/{rid}/status")
    with client_for(emulator) as patient:
        assert patient.get(f"/v1/requests/{rid}/status").status_code == 200  # slow, not broken


def test_a_failed_job_says_failed_in_status_and_result(
    clocked_emulator: EmulatorServer, clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    clocked_emulator.add_fault("job_failed", message="out of GPU memory")
    rid = submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    finish(manual_clock)
    assert status_of(clocked_api, rid)["status"] == "failed"
    result = result_of(clocked_api, rid, include_cost="true")
    assert result["status"] == "failed" and result["error"] == "out of GPU memory"
    assert "output" not in result and result["cost"] == 0.0
    assert clocked_api.get(f"/files/{rid}.png").status_code == 404


def test_the_documented_quirk_status_completed_result_failed(
    clocked_emulator: EmulatorServer, clocked_api: httpx.Client, manual_clock: ManualClock
) -> None:
    clocked_emulator.add_faults("result_failed")
    failing = submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "x"})["request_id"]
    healthy = submit(clocked_api, TEXT_TO_IMAGE, {"prompt": "y"})["request_id"]
    finish(manual_clock)
    assert status_of(clocked_api, failing)["status"] == "completed"
    result = result_of(clocked_api, failing)
    assert result["status"] == "failed" and result["error"]
    assert result_of(clocked_api, healthy)["status"] == "succeeded"  # the fault is spent


def test_a_star_fault_hits_every_api_route_but_not_the_files(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    emulator.add_faults("*:server_error=500x2")
    assert api.get("/inputs/sample-square-1024x1024.png").status_code == 200
    assert api.get("/v1/requests/x/result").status_code == 500
    assert api.post("/v1/requests/x/cancel").status_code == 500
    assert api.get("/v1/requests/x/status").status_code == 404


def test_a_fault_with_every_two_answers_every_other_request_until_spent(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    emulator.add_faults("status:rate_limit=0x3%2")
    codes = [api.get("/v1/requests/x/status").status_code for _ in range(8)]
    assert codes == [429, 404, 429, 404, 429, 404, 404, 404]
    assert emulator.stats().faults_fired == {"rate_limit": 3}


def test_faults_and_stats_over_http(emulator: EmulatorServer, api: httpx.Client) -> None:
    armed = api.post(
        "/_emulator/faults",
        json=[{"kind": "server_error", "route": "result", "status": 504, "count": 3}],
    )
    assert armed.status_code == 200
    assert armed.json()["faults"] == [
        {"kind": "server_error", "route": "result", "count": 3, "status": 504, "remaining": 3}
    ]
    assert api.get("/v1/requests/x/result").status_code == 504
    stats = api.get("/_emulator/stats").json()
    assert stats["requests"] == {"result": 1}
    assert stats["faults_fired"] == {"server_error": 1}
    assert stats["faults_pending"][0]["remaining"] == 2
    assert (stats["submits"], stats["jobs_created"]) == (0, 0)

    bad = api.post("/_emulator/faults", json={"kind": "server_error", "seconds": 2})
    assert bad.status_code == 400 and "seconds" in bad.json()["error_message"]
    assert api.delete("/_emulator/faults").json() == {"faults": []}
    anonymous = httpx.get(f"{emulator.url}/_emulator/stats", trust_env=False)
    assert anonymous.status_code == 401


def test_reset_over_http_forgets_everything_and_sets_timings(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    submit(api, TEXT_TO_IMAGE, {"prompt": "x"})
    emulator.add_faults("status:server_error")
    reset = api.post("/_emulator/reset", json={"queue_seconds": 5, "workers": 3})
    assert reset.json() == {"queue_seconds": 5, "run_seconds": 0.3, "workers": 3, "seed": 0}
    stats = emulator.stats()
    assert (stats.jobs_created, dict(stats.requests), emulator.pending_faults()) == (0, {}, [])
    assert api.post("/_emulator/reset", json={"workers": 0}).status_code == 400
    assert api.post("/_emulator/reset", json={"speed": 2}).status_code == 400


def test_the_short_fault_syntax() -> None:
    faults = parse_faults(
        "submit:drop_after, status:server_error=503x2,*:rate_limit=0.5,job_failed"
    )
    assert faults == [
        Fault("drop_after", "submit"),
        Fault("server_error", "status", count=2, status=503),
        Fault("rate_limit", "*", retry_after=0.5),
        Fault("job_failed"),
    ]
    assert parse_faults('{"kind": "delay", "route": "files", "seconds": 2}') == [
        Fault("delay", "files", seconds=2)
    ]
    assert parse_faults("") == []


@pytest.mark.parametrize(
    "text",
    [
        "explode",
        "nowhere:server_error",
        "submit:drop_before=3",
        "status:job_failed",
        "server_error=404",
        "delay=soon",
        "server_errorx0",
        '{"kind": "delay", "count": true}',
    ],
)
def test_a_bad_fault_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_faults(text)


# -- running it -----------------------------------------------------------------------------------


def test_concurrent_submits_each_create_one_job(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    payload = emulator.example_payload(EDIT)
    ids: list[str] = []

    def one() -> None:
        with client_for(emulator) as client:
            ids.append(submit(client, EDIT, payload)["request_id"])

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_LIMIT)
    assert len(set(ids)) == 8
    assert emulator.stats().jobs_created == 8


def test_the_command_line_serves_with_the_token_from_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, "RUNCOMFY_EMULATOR_TOKEN": "t0ken-from-env"}
    command = [sys.executable, "-m", "runcomfy", "emulator", "--port", "0"]
    command += ["--faults", "status:server_error=503", "--inputs", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("RunComfy Model API emulator at http://127.0.0.1:"), first
        url = first.rsplit(" ", 1)[1].strip()
        assert process.stdout.readline().strip() == f"export RUNCOMFY_BASE_URL={url}"
        token_line = process.stdout.readline().strip()  # the secret itself is not printed
        assert token_line.startswith('export RUNCOMFY_API_TOKEN="$RUNCOMFY_EMULATOR_TOKEN"')
        headers = {"Authorization": "Bearer t0ken-from-env"}
        with httpx.Client(base_url=url, headers=headers, trust_env=False, timeout=30) as client:
            assert client.get("/v1/requests/x/status").status_code == 503  # the armed fault
            assert client.get("/v1/requests/x/status").json()["error_code"] == 404001
            anonymous = client.get("/v1/requests/x/status", headers={"Authorization": ""})
            assert anonymous.status_code == 401
    finally:
        process.terminate()
        process.wait(30)
