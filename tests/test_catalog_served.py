"""The emulator serving a catalog in the shape RunComfy serves its own (``tests/catalog400``):
every model of it, structured inputs validated with the same engine, outputs of the kind the
categories name, a video's ``resolution`` shaping the video, ``lora`` taken on any model and
recorded where a test can see it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer
from tests import catalog400

LISTING = catalog400.listing()
BY_ID = {e["model_id"]: e for e in LISTING["models"]}


@pytest.fixture(scope="module")
def served() -> Iterator[EmulatorServer]:
    with EmulatorServer(  # its own fetches get time: the suite loads the machine
        REGISTRY, catalog=LISTING, queue_seconds=0, run_seconds=0, workers=64, probe_timeout=30
    ) as running:
        yield running


@pytest.fixture
def api(served: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, headers=served.headers, timeout=60) as client:
        yield client


def submit(api: httpx.Client, model_id: str, payload: dict[str, Any]) -> httpx.Response:
    return api.post(f"/v1/models/{model_id}", json=payload)


def output_of(api: httpx.Client, request_id: str) -> bytes:
    result = api.get(f"/v1/requests/{request_id}/result").json()
    (url,) = [v for v in result["output"].values() if isinstance(v, str)]
    return api.get(url).content


def test_the_catalog_fixture_is_large_and_in_the_served_shape() -> None:
    models = LISTING["models"]
    assert len(models) >= 400
    assert {m["kind"] for m in models} == {"model"}
    assert all(m["categories"] and all("-to-" in c for c in m["categories"]) for m in models)
    assert {"second", "output"} <= {m["price_unit"] for m in models}
    ids = set(BY_ID)
    assert any(f"{i}/draft" in ids for i in ids if i.count("/") == 2)  # a/b/c and a/b/c/draft
    assert catalog400.listing() == LISTING  # deterministic


def test_every_model_of_the_fixture_is_served_and_takes_its_stand_in_payload(
    served: EmulatorServer, api: httpx.Client
) -> None:
    assert served.emulator.catalog.refused == ()
    listed = api.get("/v1/models", params={"limit": 200, "offset": 0}).json()
    assert listed["total"] == len(LISTING["models"]) + len(REGISTRY)
    refused = {}
    for model_id in BY_ID:
        answer = submit(api, model_id, served.example_payload(model_id))
        if answer.status_code != 200:
            refused[model_id] = answer.text
    assert refused == {}


def test_the_output_kind_comes_from_the_categories_as_served(
    served: EmulatorServer, api: httpx.Client
) -> None:
    puppet = BY_ID["acme/puppet-2/animate"]  # an id that names no kind
    assert puppet["kind"] == "model" and puppet["categories"] == ["image-to-video"]
    job = submit(api, puppet["model_id"], served.example_payload(puppet["model_id"])).json()
    assert b"ftyp" in output_of(api, job["request_id"])[:16]  # an MP4
    speech = submit(api, "borealis/aud-2.1/text-to-speech", {"text": "hello"}).json()
    assert output_of(api, speech["request_id"])[:4] == b"RIFF"  # a WAV


ALL_TIERS = next(
    model_id
    for model_id, model in BY_ID.items()
    if model_id.endswith("/text-to-video")
    and model["input_schema"]["properties"].get("resolution", {}).get("enum")
    == list(catalog400.TIERS)
)


def _frame_size(mp4: bytes) -> tuple[int, int]:
    import av

    with av.open(io.BytesIO(mp4)) as container:
        stream = container.streams.video[0]
        return stream.codec_context.width, stream.codec_context.height


@pytest.mark.parametrize(
    ("resolution", "aspect", "size"),
    [("480p", "16:9", (854, 480)), ("720p", "9:16", (720, 1280)), ("1080p", "1:1", (1080, 1080))],
)
def test_a_videos_resolution_shapes_the_video_it_makes(
    api: httpx.Client, resolution: str, aspect: str, size: tuple[int, int]
) -> None:
    model_id = ALL_TIERS
    payload = {"prompt": "a lighthouse", "resolution": resolution, "aspect_ratio": aspect}
    job = submit(api, model_id, payload).json()
    assert _frame_size(output_of(api, job["request_id"])) == size


def test_a_4k_tier_makes_a_4k_video(served: EmulatorServer, api: httpx.Client) -> None:
    model_id = "aurora/vid-1.0/text-to-video/4k"  # the tier is in the id: no resolution field
    assert "resolution" not in BY_ID[model_id]["input_schema"]["properties"]
    job = submit(api, model_id, {"prompt": "p", "aspect_ratio": "16:9"}).json()
    assert _frame_size(output_of(api, job["request_id"])) == (3840, 2160)
    job = submit(api, ALL_TIERS, {"prompt": "p", "resolution": "4k", "aspect_ratio": "1:1"}).json()
    assert _frame_size(output_of(api, job["request_id"])) == (2160, 2160)


def test_lora_is_taken_on_any_model_and_recorded_with_the_job(
    served: EmulatorServer, api: httpx.Client
) -> None:
    model_id = "aurora/vid-1.0/text-to-video"  # its schema does not list lora
    assert "lora" not in BY_ID[model_id]["input_schema"]["properties"]
    lora = {"path": "my-style.safetensors", "scale": 0.8}
    answer = submit(api, model_id, {"prompt": "p", "lora": lora})
    assert answer.status_code == 200, answer.text
    rid = answer.json()["request_id"]
    record = api.get(f"/_emulator/jobs/{rid}").json()
    assert record["lora"] == lora and "lora" not in record["payload"]
    assert served.job_record(rid)["lora"] == lora
    bad = submit(api, model_id, {"prompt": "p", "lora": "my-style"})
    assert bad.status_code == 422
    assert [d["path"] for d in bad.json()["detail"]] == ["lora"]


def test_a_catalog_that_declares_lora_validates_it_like_any_object(api: httpx.Client) -> None:
    model_id = "aurora/ima-3/lora"
    bad = submit(api, model_id, {"prompt": "p", "lora": {"path": "style.ckpt", "scale": 3}})
    assert bad.status_code == 422
    found = {(d["path"], d["message"]) for d in bad.json()["detail"]}
    assert ("lora.path", "must match the pattern '\\\\.safetensors$'") in found
    assert ("lora.scale", "must be <= 2") in found
    good = submit(api, model_id, {"prompt": "p", "lora": {"path": "style.safetensors"}})
    assert good.status_code == 200, good.text


def test_nested_problems_are_answered_at_their_full_path_and_create_no_job(
    served: EmulatorServer, api: httpx.Client
) -> None:
    before = served.stats().jobs_created
    wide = served.input_url("sample-landscape-1024x768.jpg")
    narrow = served.put_input("narrow-120.png", _png(120, 400))
    payload = {
        "prompt": "p",
        "multi_prompt": [{"prompt": "a", "duration": 3}, {"prompt": "b", "duration": 13}],
        "elements": [{"frontal_image_url": wide, "reference_image_urls": [narrow]}],
    }
    answer = submit(api, "aurora/vid-1.0/multi-shot-to-video", payload)
    assert answer.status_code == 422
    found = [(d["path"], d["message"]) for d in answer.json()["detail"]]
    assert found == [
        ("multi_prompt[1].duration", "must be <= 12"),
        ("elements[0].reference_image_urls[0]",
         "An element's image must be at least 300 pixels wide."),
    ]  # fmt: skip
    keyframes = {"prompt": "p", "keyframes": [{"image_url": wide, "time": 1},
                                              {"image_url": wide, "time": 25}]}  # fmt: skip
    answer = submit(api, "aurora/vid-1.0/keyframes-to-video", keyframes)
    assert [d["path"] for d in answer.json()["detail"]] == ["keyframes[1].time"]
    assert served.stats().jobs_created == before


def _png(width: int, height: int) -> bytes:
    from tests import imagefiles

    return imagefiles.png(width, height)


def test_a_catastrophic_pattern_is_answered_at_once(api: httpx.Client) -> None:
    import time

    from tests.catalog400 import entry

    model = entry("acme/regex-1/text-to-image", "text-to-image", None, False)
    model["input_schema"]["properties"]["prompt"]["pattern"] = "^(a+)+$"
    with EmulatorServer({}, catalog=[model]) as server:
        with httpx.Client(base_url=server.url, headers=server.headers, timeout=30) as client:
            start = time.monotonic()
            answer = submit(client, model["model_id"], {"prompt": "a" * 40 + "!"})
            assert time.monotonic() - start < 5
    assert answer.status_code == 422
    assert "must match the pattern" in answer.json()["detail"][0]["message"]


def test_a_lora_sent_by_the_client_and_the_command_arrives_in_the_jobs_record(
    served: EmulatorServer, tmp_path: Path
) -> None:
    from runcomfy import RunComfy
    from tests.helpers import run_installed

    lora = {"path": "my-style.safetensors"}
    model_id = "aurora/vid-1.0/text-to-video"  # a base model whose schema lists no lora
    with RunComfy(api_token=served.token, base_url=served.url) as client:
        job = client.submit(model_id, {"prompt": "a harbour"}, extra_body={"lora": lora})
    assert served.job_record(job.request_id)["lora"] == lora
    ran = run_installed(served, "run", model_id, "--prompt", "a harbour", "--extra",
                        json.dumps({"lora": lora}), "--no-wait", "--output", "json",
                        config_dir=tmp_path / "config")  # fmt: skip
    assert ran.code == 0, ran.output
    assert served.job_record(json.loads(ran.stdout)["request_id"])["lora"] == lora
