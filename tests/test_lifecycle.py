"""The job lifecycle over real loopback HTTP against the emulator, sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import av
import httpx
import pytest
from PIL import Image

from runcomfy import (
    REGISTRY,
    AmbiguousSubmitError,
    AsyncRunComfy,
    AuthenticationError,
    CancelRefused,
    InputRejectedError,
    JobCancelled,
    JobFailed,
    NotFoundError,
    RateLimitError,
    RunComfy,
    Status,
    UnknownModelError,
    WaitTimeout,
)
from runcomfy_emulator import EmulatorServer, ManualClock
from runcomfy_runtime.polling import PollPolicy
from runcomfy_runtime.retry import RetryPolicy

FAST_RETRY = RetryPolicy(max_retries=4, base_delay=0.01, max_delay=0.05, retry_after_cap=5.0)
FAST_POLL = PollPolicy(min_interval=0.05, proportion=0.1, max_interval=0.2)
MODEL_IDS = sorted(REGISTRY)


def client_for(server: EmulatorServer, **options: object) -> RunComfy:
    options = {"retry": FAST_RETRY, "poll": FAST_POLL, **options}
    return RunComfy(api_token=server.token, base_url=server.url, **options)  # type: ignore[arg-type]


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[RunComfy]:
    with client_for(emulator) as c:
        yield c


@pytest.fixture
async def aclient(emulator: EmulatorServer) -> AsyncIterator[AsyncRunComfy]:
    async with AsyncRunComfy(
        api_token=emulator.token, base_url=emulator.url, retry=FAST_RETRY, poll=FAST_POLL
    ) as c:
        yield c


def expected_size(model_id: str) -> tuple[int, int]:
    """The output size the documented default asks for."""
    spec = REGISTRY[model_id]
    for name in ("width×height", "resolution"):
        prop = spec.input_schema["properties"].get(name)
        if prop:
            w, h = prop["default"].split("(")[0].strip().split("x")
            return int(w), int(h)
    raise AssertionError(model_id)


def check_output(model_id: str, path: Path) -> None:
    if "video" in model_id:
        assert path.suffix == ".mp4"
        with av.open(str(path)) as container:
            frames = sum(1 for _ in container.decode(video=0))
        assert frames > 1
    else:
        assert path.suffix == ".png"
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == expected_size(model_id)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_documented_example_runs_and_downloads_real_files(
    emulator: EmulatorServer, client: RunComfy, model_id: str, tmp_path: Path
) -> None:
    seen: list[Status] = []
    result = client.run(model_id, emulator.example_payload(model_id), on_status=seen.append)
    assert result.status == "succeeded"
    assert [s.state for s in seen][-1] == "completed"
    assert "in_progress" in [s.state for s in seen]
    progress: list[int] = []
    paths = client.download(
        result, tmp_path / "out", on_progress=lambda url, done, total: progress.append(done)
    )
    assert len(paths) == len(result.urls) >= 1
    for path in paths:
        check_output(model_id, path)
    assert progress and not list((tmp_path / "out").glob(".*.part"))


@pytest.mark.parametrize("model_id", MODEL_IDS)
async def test_every_documented_example_runs_async(
    emulator: EmulatorServer, aclient: AsyncRunComfy, model_id: str, tmp_path: Path
) -> None:
    job = await aclient.submit(model_id, emulator.example_payload(model_id))
    result = await job.wait(timeout=30)
    assert result.request_id == job.request_id
    paths = await job.download(tmp_path, result=result)
    for path in paths:
        check_output(model_id, path)


def test_typed_endpoint_runs_with_cost_and_timestamps(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    example = emulator.example_payload("bytedance/dreamina-4-0/text-to-image")
    result = client.bytedance.dreamina_4_0.text_to_image.run(
        prompt=example["prompt"], width_height="1024x1024(1:1)", include_cost=True
    )
    assert result.output.image is not None
    assert result.cost is not None and result.cost >= 0
    assert result.created_at is not None and result.finished_at is not None
    assert result.finished_at >= result.created_at


async def test_many_async_jobs_at_once(emulator: EmulatorServer, aclient: AsyncRunComfy) -> None:
    payload = emulator.example_payload("bytedance/dreamina-4-0/text-to-image")
    results = await asyncio.gather(
        *(aclient.run("bytedance/dreamina-4-0/text-to-image", payload) for _ in range(8))
    )
    assert len({r.request_id for r in results}) == 8
    assert emulator.stats().jobs_created == 8


def test_job_handle_is_rebuilt_from_its_id(emulator: EmulatorServer, client: RunComfy) -> None:
    job = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    again = client.job(job.request_id)
    assert again.wait(timeout=30).request_id == job.request_id


def test_cancel_while_queued_then_refused_while_running(
    clocked_emulator: EmulatorServer, manual_clock: ManualClock
) -> None:
    with client_for(clocked_emulator) as client:
        first = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "a"})
        second = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "b"})
        assert second.status().state == "in_queue"
        assert second.cancel().state == "cancelled"
        with pytest.raises(JobCancelled) as cancelled:
            second.wait(timeout=5)
        assert cancelled.value.request_id == second.request_id
        manual_clock.advance(1.5)
        assert first.status().state == "in_progress"
        with pytest.raises(CancelRefused) as refused:
            first.cancel()
        assert refused.value.request_id == first.request_id


def test_queue_position_is_reported(clocked_emulator: EmulatorServer) -> None:
    with client_for(clocked_emulator) as client:
        jobs = [
            client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": str(i)})
            for i in range(3)
        ]
        positions = [job.status().queue_position for job in jobs]
    assert positions == [1, 2, 3]


def test_wait_deadline_names_the_job_and_can_cancel_it(clocked_emulator: EmulatorServer) -> None:
    with client_for(clocked_emulator) as client:
        job = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
        with pytest.raises(WaitTimeout) as caught:
            job.wait(timeout=0.3, cancel_on_timeout=True)
        assert caught.value.request_id == job.request_id
        assert caught.value.last_status == "in_queue"
        assert job.status().state == "cancelled"


@pytest.mark.parametrize(
    "fault",
    [
        "status:server_error=503x2",
        "status:rate_limit=0.1x2",
        "status:drop_before x2",
        "result:server_error=500",
        "result:drop_after",
        "status:delay=0.05",
    ],
)
def test_gets_recover_from_faults(emulator: EmulatorServer, client: RunComfy, fault: str) -> None:
    emulator.add_faults(fault.replace(" ", ""))
    result = client.run("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert result.status == "succeeded"
    assert sum(emulator.stats().faults_fired.values()) >= 1
    assert emulator.stats().jobs_created == 1


def test_submit_dropped_after_the_job_exists_is_ambiguous_and_not_retried(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    emulator.add_faults("submit:drop_after")
    with pytest.raises(AmbiguousSubmitError) as caught:
        client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert "may have been created" in str(caught.value)
    stats = emulator.stats()
    assert stats.jobs_created == 1
    assert stats.submits == 1


async def test_async_submit_dropped_is_ambiguous_too(
    emulator: EmulatorServer, aclient: AsyncRunComfy
) -> None:
    emulator.add_faults("submit:drop_after")
    with pytest.raises(AmbiguousSubmitError):
        await aclient.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert emulator.stats().jobs_created == 1 and emulator.stats().submits == 1


GARBLED_ANSWERS = {
    "not JSON": "<html><body>502 Bad Gateway</body></html>",
    "empty": "",
    "no request_id": '{"status": "in_queue"}',
    "deeply nested": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("body", GARBLED_ANSWERS.values(), ids=GARBLED_ANSWERS.keys())
def test_a_2xx_submit_answer_naming_no_job_is_ambiguous_and_not_retried(
    emulator: EmulatorServer, client: RunComfy, body: str
) -> None:
    emulator.add_fault("garble_after", "submit", body=body)  # the job exists; its answer is junk
    with pytest.raises(AmbiguousSubmitError) as caught:
        client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert "names no job" in str(caught.value)
    stats = emulator.stats()
    assert stats.jobs_created == 1
    assert stats.submits == 1


def test_submit_5xx_is_ambiguous_and_not_retried(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    emulator.add_faults("submit:server_error=502")
    with pytest.raises(AmbiguousSubmitError) as caught:
        client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert caught.value.status_code == 502
    assert emulator.stats().submits == 1


def test_submit_429_is_retried_and_creates_one_job(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    emulator.add_faults("submit:rate_limit=0.1x2")
    job = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert job.request_id
    stats = emulator.stats()
    assert (stats.submits, stats.jobs_created) == (3, 1)


@pytest.mark.parametrize(
    ("error", "method", "attempts", "raised"),
    [
        (httpx.ConnectError("refused"), "submit", 5, "APIConnectionError"),  # never sent: retried
        (httpx.ReadTimeout("lost"), "submit", 1, "AmbiguousSubmitError"),  # sent: never retried
        (httpx.RemoteProtocolError("dropped"), "submit", 1, "AmbiguousSubmitError"),
        (httpx.ReadTimeout("lost"), "status", 5, "APIConnectionError"),  # a GET: retried
    ],
)
def test_which_network_failures_are_retried(
    error: Exception, method: str, attempts: int, raised: str
) -> None:
    calls: list[httpx.Request] = []

    def fail(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise error

    transport = httpx.Client(transport=httpx.MockTransport(fail))
    with RunComfy(api_token="t", retry=FAST_RETRY, http_client=transport) as client:
        with pytest.raises(Exception) as caught:
            if method == "submit":
                client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
            else:
                client.job("r1").status()
    assert type(caught.value).__name__ == raised
    assert len(calls) == attempts


def test_a_long_retry_after_is_not_slept_through(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    emulator.add_faults("status:rate_limit=120")
    job = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    with pytest.raises(RateLimitError) as caught:
        job.status()
    assert caught.value.retry_after == 120 and caught.value.request_id == job.request_id


def test_a_wrong_token_raises_the_auth_error(emulator: EmulatorServer) -> None:
    with RunComfy(api_token="wrong", base_url=emulator.url) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    assert caught.value.error_code == 400004 and caught.value.status_code == 401
    assert emulator.stats().jobs_created == 0


def test_an_unknown_request_id_raises_not_found(client: RunComfy) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.job("no-such-request").status()
    assert caught.value.error_code == 404001 and caught.value.request_id == "no-such-request"


def test_the_server_refusing_input_raises_input_rejected(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    with pytest.raises(InputRejectedError) as caught:
        client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": 5}, validate="off")
    assert caught.value.status_code == 422 and caught.value.details
    assert emulator.stats().jobs_created == 0


def test_unvalidated_a_model_the_server_does_not_know_is_its_400001(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    with pytest.raises(UnknownModelError) as caught:
        client.submit("bytedance/not-a-model", {"prompt": "p"}, validate="off")
    assert caught.value.error_code == 400001
    assert emulator.stats().submits == 1 and emulator.stats().jobs_created == 0


@pytest.mark.parametrize(
    "fault", ["submit:job_failed=NSFW content", "submit:result_failed=NSFW content"]
)
def test_a_failing_job_raises_job_failed_with_its_id(
    emulator: EmulatorServer, client: RunComfy, fault: str
) -> None:
    emulator.add_faults(fault)
    job = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    with pytest.raises(JobFailed) as caught:
        job.wait(timeout=30)
    assert caught.value.request_id == job.request_id
    assert "NSFW content" in str(caught.value.error)


def test_input_images_on_the_emulator_are_probed_and_refused_by_rule(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    from tests.imagefiles import jpeg

    url = emulator.put_input("huge.jpg", jpeg(5000, 2000))
    with pytest.raises(Exception) as caught:
        client.submit("bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [url]})
    assert "Maximum resolution is 4096x4096." in str(caught.value)
    assert emulator.stats().submits == 0  # caught before anything was sent
    with pytest.raises(InputRejectedError) as server_side:
        client.submit(
            "bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [url]}, validate="off"
        )
    assert "Maximum resolution is 4096x4096." in str(server_side.value.details)
