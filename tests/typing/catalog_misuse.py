"""Misuse of the catalog fixture's structured models that mypy must reject: each line marked
`# E` must produce an error, and no other line may."""

from __future__ import annotations

from runcomfy import RunComfy
from runcomfy.endpoints.aurora.vid_1_0.multi_shot_to_video import MultiShotToVideoInput


def misuse(client: RunComfy) -> None:
    shots = client.aurora.vid_1_0.multi_shot_to_video
    shots.submit(prompt="p", multi_prompt=[{"prompt": "a", "duration": "3"}])  # E
    shots.submit(prompt="p", multi_prompt=[{"prompt": "a"}])  # E
    shots.submit(prompt="p", multi_prompt=[{"prompt": "a", "duration": 3, "durration": 3}])  # E
    shots.submit(prompt="p", elements=[{"frontal_image_url": 5}])  # E
    shots.submit(prompt="p", elements=[{"reference_image_urls": ["https://e.com/a.png"]}])  # E
    shots.submit(prompt="p", shot_type="auto")  # E
    client.aurora.vid_1_0.keyframes_to_video.draft.nope  # E
    client.aurora.vid_1_0.keyframes_to_video.run(prompt="p", keyframes=[{"time": 1}])  # E
    client.aurora.ima_3.lora.submit(prompt="p", lora={"scale": 1})  # E
    client.aurora.vid_1_0.reference_to_video.submit(prompt="p", guide={"kind": "audio", "url": "u"})  # E
    payload: MultiShotToVideoInput = {"prompt": "p", "seed": "7"}  # E
    shots.submit(**payload)
