"""Correct use of a package generated from the catalog fixture's structured models (nested
TypedDicts, unions, nested ids, whole-input TypedDicts): must type-check under mypy --strict.
Checked against the package ``tests/test_catalog_end_to_end.py`` generates (the repository's
own package has no such models)."""

from __future__ import annotations

from pathlib import Path

from runcomfy import AsyncRunComfy, Job, RunComfy
from runcomfy.endpoints.aurora.ima_3.lora import Lora_, LoraInput
from runcomfy.endpoints.aurora.vid_1_0.keyframes_to_video import Keyframe
from runcomfy.endpoints.aurora.vid_1_0.multi_shot_to_video import (
    ElementsItem,
    MultiPromptItem,
    MultiShotToVideoInput,
    MultiShotToVideoOutput,
)


def shots(client: RunComfy) -> Job[MultiShotToVideoOutput]:
    endpoint = client.aurora.vid_1_0.multi_shot_to_video
    plan: list[MultiPromptItem] = [
        {"prompt": "a pier", "duration": 3},
        {"prompt": "a gull", "duration": 2},
    ]
    cast: list[ElementsItem] = [
        {"frontal_image_url": "https://example.com/face.png"},
        {"frontal_image_url": Path("face.png"), "reference_image_urls": [Path("side.png")]},
    ]
    return endpoint.submit(prompt="a harbour", multi_prompt=plan, elements=cast, seed=None)


def whole_input(client: RunComfy) -> None:
    payload: MultiShotToVideoInput = {
        "prompt": "a harbour",
        "multi_prompt": [{"prompt": "x", "duration": 1}],
    }
    client.aurora.vid_1_0.multi_shot_to_video.submit(**payload)
    inputs: list[LoraInput] = [{"prompt": "p", "lora": {"path": "style.safetensors", "scale": 0.5}}]
    for one in inputs:
        client.aurora.ima_3.lora.submit(**one)


def nested_ids(client: RunComfy) -> None:
    frames: list[Keyframe] = [
        {"image_url": Path("a.png"), "time": 0},
        {"image_url": "https://e.com/b.png", "time": 1.5},
    ]
    client.aurora.vid_1_0.keyframes_to_video.run(prompt="p", keyframes=frames)
    client.aurora.vid_1_0.keyframes_to_video.draft.run(prompt="p", keyframes=frames)
    lora: Lora_ = {"path": "my-style.safetensors"}
    client.aurora.ima_3.lora.submit(prompt="p", lora=lora, extra_loras=[lora])


def unions(client: RunComfy) -> None:
    client.aurora.vid_1_0.reference_to_video.submit(
        prompt="p", guide={"kind": "video", "url": "https://e.com/a.mp4"}
    )
    client.aurora.ima_3.inpaint.submit(prompt="p", image_url=Path("a.png"), mask_url=None)
    client.aurora.vid_1_0.storyboard_to_video.submit(
        panels=[["https://e.com/1.png"], [Path("2.png")]]
    )


async def awaited(aclient: AsyncRunComfy) -> None:
    draft = aclient.aurora.vid_1_0.keyframes_to_video.draft
    await draft.run(prompt="p", keyframes=[{"image_url": "https://e.com/a.png", "time": 1}])
