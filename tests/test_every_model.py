"""Every kind of model end to end, as a user calls them: catalog-only models (the dynamic path,
validated against the catalog's schema), audio out, video in, and the wire as RunComfy's own
clients read it (the emulator's ``variants`` dialect)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import (
    REGISTRY,
    AsyncRunComfy,
    InputValidationError,
    JobCancelled,
    RunComfy,
    UnknownModelError,
)
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.polling import PollPolicy

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "examples/catalog.json"
FAST_POLL = PollPolicy(min_interval=0.05, proportion=0.2, max_interval=0.2)
TTS = "sonora/voice-1/text-to-speech"
LIPSYNC = "sonora/lipsync-2/lip-sync"
SIGNATURES = {"image": (b"\x89PNG",), "video": (b"ftyp",), "audio": (b"RIFF", b"ID3", b"\xff\xfb")}


@pytest.fixture(scope="module")
def catalog_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(REGISTRY, queue_seconds=0.05, run_seconds=0.15, workers=32,
                        catalog=CATALOG) as server:  # fmt: skip
        yield server


def client_for(server: EmulatorServer) -> RunComfy:
    return RunComfy(api_token=server.token, base_url=server.url, poll=FAST_POLL)


def kind_of(data: bytes) -> str | None:
    head = data[:16]
    for kind, signatures in SIGNATURES.items():
        if any(s in head for s in signatures):
            return kind
    return None


def test_an_audio_model_only_in_the_catalog_runs_and_its_audio_is_saved(
    catalog_emulator: EmulatorServer, tmp_path: Path
) -> None:
    with client_for(catalog_emulator) as client:
        result = client.run(TTS, {"text": "Hello there", "voice": "coral"})
        assert result.output.audio is not None and result.urls == (result.output.audio,)
        (path,) = client.download(result, tmp_path)
    assert path.suffix in (".wav", ".mp3")
    assert kind_of(path.read_bytes()) == "audio"


def test_a_bad_payload_for_a_catalog_model_is_refused_before_any_job(
    catalog_emulator: EmulatorServer,
) -> None:
    before = catalog_emulator.stats()
    with client_for(catalog_emulator) as client, pytest.raises(InputValidationError) as caught:
        client.submit(TTS, {"text": "", "voice": "corral", "pitch": 3})
    paths = {p.location: p.message for p in caught.value.problems}
    assert set(paths) == {"text", "voice", "pitch"}  # every problem at once
    assert "aria" in paths["voice"]
    after = catalog_emulator.stats()
    assert after.submits == before.submits and after.jobs_created == before.jobs_created


def test_the_catalog_schema_is_fetched_once_per_client(catalog_emulator: EmulatorServer) -> None:
    with client_for(catalog_emulator) as client:
        for _ in range(3):
            client.validate(TTS, {"text": "x"})
        first = catalog_emulator.stats().requests.get("catalog", 0)
        assert first >= 1
        client.validate(TTS, {"text": "y"})
        assert catalog_emulator.stats().requests.get("catalog", 0) == first


def test_an_id_the_catalog_lacks_is_unknown_before_any_job_and_off_reaches_the_server(
    catalog_emulator: EmulatorServer,
) -> None:
    before = catalog_emulator.stats()
    with client_for(catalog_emulator) as client:
        with pytest.raises(UnknownModelError, match="not in RunComfy's catalog"):
            client.submit("sonora/voice-9/nope", {"text": "x"})
        assert catalog_emulator.stats().submits == before.submits
        with pytest.raises(UnknownModelError) as caught:
            client.submit("sonora/voice-9/nope", {"text": "x"}, validate="off")
    assert caught.value.error_code == 400001
    assert catalog_emulator.stats().submits == before.submits + 1


def test_a_too_large_video_is_refused_before_submit_with_the_documented_message(
    catalog_emulator: EmulatorServer,
) -> None:
    clip = catalog_emulator.input_url("sample-clip-640x360.mp4")
    tone = catalog_emulator.input_url("sample-tone-2s.wav")
    with client_for(catalog_emulator) as client:
        clip_bytes = client._http.get(clip).content
        big = catalog_emulator.put_input(
            "big-clip.mp4", clip_bytes + b"\0" * (51 * 1024 * 1024), "video/mp4"
        )
        before = catalog_emulator.stats().submits
        with pytest.raises(InputValidationError) as caught:
            client.submit(LIPSYNC, {"video_url": big, "audio_url": tone})
        assert catalog_emulator.stats().submits == before
        (problem,) = caught.value.problems
        assert problem.location == "video_url"
        assert problem.message == "Video file size must be less than 50 MB."
        assert problem.fact is not None and problem.fact.startswith("file size 51.")
        result = client.run(LIPSYNC, {"video_url": clip, "audio_url": tone})  # a fine one runs
        assert result.output.video is not None


def test_an_audio_where_a_video_is_wanted_is_refused_with_the_formats(
    catalog_emulator: EmulatorServer,
) -> None:
    tone = catalog_emulator.input_url("sample-tone-2s.wav")
    with client_for(catalog_emulator) as client, pytest.raises(InputValidationError) as caught:
        client.validate(LIPSYNC, {"video_url": tone, "audio_url": tone})
    (problem,) = caught.value.problems
    assert problem.location == "video_url" and "MP4, MOV, WEBM" in problem.message
    assert problem.fact == "format WAV"


def test_one_job_per_catalog_model_end_to_end_with_outputs_of_its_kind(
    catalog_emulator: EmulatorServer, tmp_path: Path
) -> None:
    async def one(client: AsyncRunComfy, model_id: str) -> tuple[str, str | None, str | None]:
        spec = await client.spec(model_id)
        result = await client.run(model_id, catalog_emulator.example_payload(model_id))
        (path,) = await client.download(result, tmp_path / model_id.replace("/", "_"))
        return spec.output_kind or "image", kind_of(path.read_bytes()), path.suffix

    async def every() -> list[tuple[str, str | None, str | None]]:
        async with AsyncRunComfy(api_token=catalog_emulator.token, base_url=catalog_emulator.url,
                                 poll=FAST_POLL) as client:  # fmt: skip
            models = await client.models()
            ids = [m.model_id for m in models if m.model_id not in REGISTRY]
            assert len(ids) == 28  # examples/catalog.json
            return await asyncio.gather(*(one(client, model_id) for model_id in ids))

    for wanted, found, suffix in asyncio.run(every()):
        assert found == wanted, (wanted, found, suffix)


# -- the wire as RunComfy's own clients read it --------------------------------------------------


@pytest.fixture
def variants() -> Iterator[EmulatorServer]:
    with EmulatorServer(REGISTRY, queue_seconds=0.3, run_seconds=0.3, workers=1,
                        dialect="variants") as server:  # fmt: skip
        yield server


def test_variants_completed_pending_processing_and_not_ready_results_all_end_in_success(
    variants: EmulatorServer,
) -> None:
    seen: list[str] = []
    with client_for(variants) as client:
        job = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
        early = job.result()  # asked before the job is done: HTTP 400 with 400005
        assert early.status == "in_progress"
        result = job.wait(timeout=20, on_status=lambda s: seen.append(s.state))
    assert result.status == "completed" and result.output.image is not None
    assert "pending" in seen and "processing" in seen and seen[-1] in ("completed", "succeeded")
    assert variants.stats().requests.get("result", 0) >= 2


def test_variants_canceled_raises_job_cancelled_and_a_requested_cancel_says_so(
    variants: EmulatorServer,
) -> None:
    with client_for(variants) as client:
        running = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "first"})
        queued = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "second"})
        cancellation = queued.cancel()
        assert cancellation.outcome == "requested" and "not cancelled yet" in str(cancellation)
        with pytest.raises(JobCancelled) as caught:
            queued.wait(timeout=20)
        assert caught.value.request_id == queued.request_id
        assert running.wait(timeout=20).output.image is not None
