"""Correct use of the generated client: must type-check under mypy --strict."""

from __future__ import annotations

from runcomfy import AsyncRunComfy, Job, Result, RunComfy


def submit_edit(client: RunComfy) -> Job:
    return client.bytedance.dreamina_4_0.edit.submit(
        image_urls=["https://example.com/a.jpg"],
        prompt="A boat",
        width_height="2048x2048(1:1)",
        scale=0.5,
        force_single=True,
    )


def run_video(client: RunComfy) -> str | None:
    result: Result = client.bytedance.dreamina_3_0.pro.image_to_video.run(
        prompt="A slow tracking shot", image_urls=("https://example.com/a.jpg",), frames=241
    )
    return result.output.video


async def run_async(client: AsyncRunComfy) -> tuple[str, ...]:
    result = await client.bytedance.seedream_4_0.edit.run(
        prompt="p", images=["https://example.com/a.png"], resolution="4K", timeout=60.0
    )
    return result.output.urls
