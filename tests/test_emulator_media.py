"""Media of every kind, in and out: sample videos and tones served as inputs, checked as the
real service checks them, and outputs in the kind each endpoint makes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import av
import httpx
import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer, ManualClock, example_payload, samples
from runcomfy_emulator.inputs import InputStore
from runcomfy_runtime.schema.compile import compile_spec
from runcomfy_runtime.spec import EndpointSpec
from tests.emulator_http import client_for, download, finish, result_of, status_of, submit

CLIP, WAV, MP3 = "sample-clip-640x360.mp4", "sample-tone-2s.wav", "sample-tone-2s.mp3"
SYNC = "test/lipsync/video-to-video"
SPEECH = "test/voice/text-to-speech"
ODD = "test/oddly-named/make"

MEDIA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "prompt": {"type": "string", "default": ""},
        "video_url": {
            "type": "string",
            "format": "video_uri",
            "validations": [
                {
                    "validation_rule": "file_size_mb<",
                    "validation_value": 1,
                    "validation_error": "Video file size must be less than 1 MB.",
                }
            ],
        },
        "audio_urls": {"type": "array", "format": "audio_uris", "minItems": 2},
    },
    "required": ["video_url", "audio_urls"],
}
SPEECH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "required": ["text"],
}


def specs() -> dict[str, EndpointSpec]:
    return {
        SYNC: compile_spec(SYNC, MEDIA_SCHEMA, output_kind="video"),
        SPEECH: compile_spec(SPEECH, SPEECH_SCHEMA, output_kind="audio"),
        ODD: compile_spec(ODD, SPEECH_SCHEMA, output_kind="video"),  # no "video" in the id
    }


@pytest.fixture
def media_emulator(manual_clock: ManualClock) -> Iterator[EmulatorServer]:
    with EmulatorServer(specs(), clock=manual_clock, probe_timeout=5.0) as server:
        yield server


@pytest.fixture
def api(media_emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with client_for(media_emulator) as client:
        yield client


def audio_seconds(data: bytes) -> float:
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        samples_read = sum(frame.samples for frame in container.decode(audio=0))
        return samples_read / stream.sample_rate


@pytest.mark.parametrize(
    ("name", "media_type", "looks_like"),
    [
        (CLIP, "video/mp4", lambda d: d[4:8] == b"ftyp"),
        (WAV, "audio/wav", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WAVE"),
        (MP3, "audio/mpeg", lambda d: d[:3] == b"ID3" or d[:2] in (b"\xff\xfb", b"\xff\xf3")),
    ],
)
def test_video_and_audio_samples_are_listed_and_served_as_real_files(
    api: httpx.Client, name: str, media_type: str, looks_like: Any
) -> None:
    listed = {item["name"]: item["url"] for item in api.get("/inputs").json()["inputs"]}
    served = download(listed[name])
    assert served.headers["content-type"] == media_type
    assert looks_like(served.content)
    if name == CLIP:
        with av.open(io.BytesIO(served.content), mode="r") as container:
            assert (container.streams.video[0].width, container.streams.video[0].height) == (
                640,
                360,
            )
    else:
        assert audio_seconds(served.content) == pytest.approx(2.0, abs=0.1)


def test_samples_are_made_on_first_request_then_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []

    def make() -> bytes:
        made.append(CLIP)
        return b"clip"

    monkeypatch.setitem(samples.SAMPLES, CLIP, samples.Sample(make, "video/mp4", "video", "MP4"))
    store = InputStore(REGISTRY)
    assert made == [] and CLIP in store.names()  # listed, not made
    found = store.get(CLIP)
    assert found is not None and (found.data, found.media_type) == (b"clip", "video/mp4")
    real = InputStore(REGISTRY)
    assert real.get(WAV).data is real.get(WAV).data  # type: ignore[union-attr]  # cached


def test_the_example_payload_fills_required_video_and_audio_fields_and_submits(
    media_emulator: EmulatorServer, api: httpx.Client
) -> None:
    payload = media_emulator.example_payload(SYNC)
    inputs = f"{media_emulator.url}/inputs"
    assert payload == {"video_url": f"{inputs}/{CLIP}", "audio_urls": [f"{inputs}/{WAV}"] * 2}
    assert submit(api, SYNC, payload)["request_id"]  # fetched and checked by the emulator


def test_the_example_payload_picks_a_sample_in_a_format_the_field_accepts() -> None:
    schema = {
        "type": "object",
        "properties": {
            "mask": {"type": "string", "format": "image_uri", "description": "Only PNG files."},
            "voice": {"type": "string", "format": "audio_uri"},
        },
        "required": ["mask", "voice"],
    }
    spec = compile_spec("test/mask", schema)
    assert example_payload(spec, "http://127.0.0.1:9") == {
        "mask": "http://127.0.0.1:9/inputs/sample-square-1024x1024.png",
        "voice": "http://127.0.0.1:9/inputs/sample-tone-2s.wav",
    }


def test_a_video_over_its_size_rule_is_refused_with_the_measured_size(
    media_emulator: EmulatorServer, api: httpx.Client
) -> None:
    big = samples.clip_bytes() + bytes(1_572_864 - len(samples.clip_bytes()))  # 1.50 MB
    url = media_emulator.put_input("big.mp4", big)
    payload = {**media_emulator.example_payload(SYNC), "video_url": url}
    response = api.post(f"/v1/models/{SYNC}", json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == [
        {
            "path": "video_url",
            "message": "Video file size must be less than 1 MB.",
            "value": url,
            "fact": "file size 1.50 MB",
        }
    ]
    assert media_emulator.stats().jobs_created == 0


def test_a_wav_given_where_a_video_goes_is_refused_by_its_format(
    media_emulator: EmulatorServer, api: httpx.Client
) -> None:
    payload = {**media_emulator.example_payload(SYNC)}
    payload["video_url"] = media_emulator.input_url(WAV)
    detail = api.post(f"/v1/models/{SYNC}", json=payload).json()["detail"]
    assert [(p["path"], p["message"], p["fact"]) for p in detail] == [
        ("video_url", "must be one of the formats: MP4, MOV, WEBM", "format WAV")
    ]


@pytest.mark.parametrize(
    ("model_id", "key", "media_type"),
    [(SPEECH, "audio", "audio/wav"), (ODD, "video", "video/mp4"), (SYNC, "video", "video/mp4")],
)
def test_outputs_follow_the_endpoints_output_kind(
    media_emulator: EmulatorServer,
    api: httpx.Client,
    manual_clock: ManualClock,
    model_id: str,
    key: str,
    media_type: str,
) -> None:
    payload = media_emulator.example_payload(model_id) if model_id == SYNC else {"text": "hi"}
    rid = submit(api, model_id, payload)["request_id"]
    finish(manual_clock)
    assert status_of(api, rid)["status"] == "completed"
    output = result_of(api, rid)["output"]
    assert list(output) == [key]
    assert output[key].endswith(f"/files/{rid}.{'wav' if key == 'audio' else 'mp4'}")
    served = download(output[key])
    assert served.headers["content-type"] == media_type
    if key == "audio":
        assert served.content[:4] == b"RIFF" and served.content[8:12] == b"WAVE"
        assert 1.0 <= audio_seconds(served.content) <= 2.0
    else:
        assert served.content[4:8] == b"ftyp"
