"""A batch of payloads for a typed endpoint: mypy --strict checks each payload on its own, and
flags only the one that breaks the endpoint's input (lines ending ``# E``)."""

from __future__ import annotations

from runcomfy import RunComfy
from runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image import TextToImageInput


def batch(client: RunComfy) -> list[str]:
    endpoint = client.bytedance.dreamina_4_0.text_to_image
    run = endpoint.map(
        [
            TextToImageInput(prompt="A boat on a lake"),
            {"prompt": "A street at dusk", "width×height": "2048x2048(1:1)"},
            {"prompt": "A cat", "width×height": "2048x2048"},  # E
            {"prompt": "A dog", "scale": 2.5, "force_single": True},
        ],
        concurrency=4,
    )
    return [o.request_id or "" for o in run]
