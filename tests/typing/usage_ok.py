"""Correct use of the generated client: must type-check under mypy --strict."""

from __future__ import annotations

from pathlib import Path

from runcomfy import (
    AsyncRunComfy,
    Cancellation,
    Estimate,
    Job,
    Output,
    PollPolicy,
    Result,
    RetryPolicy,
    RunComfy,
)
from runcomfy.endpoints.bytedance.dreamina_4_0.edit import EditOutput


def submit_edit(client: RunComfy) -> Job[EditOutput]:
    return client.bytedance.dreamina_4_0.edit.submit(
        image_urls=["https://example.com/a.jpg", Path("local.png")],
        prompt="A boat",
        width_height="2048x2048(1:1)",
        scale=0.5,
        force_single=True,
    )


def run_video(client: RunComfy) -> str | None:
    result = client.bytedance.dreamina_3_0.pro.image_to_video.run(
        prompt="A slow tracking shot", image_urls=("https://example.com/a.jpg",), frames=241
    )
    return result.output.video


async def run_async(client: AsyncRunComfy) -> tuple[str, ...]:
    result = await client.bytedance.seedream_4_0.edit.run(
        prompt="p", images=["https://example.com/a.png"], resolution="4K", timeout=60.0
    )
    return result.output.urls


def dynamic(client: RunComfy) -> list[Path]:
    result: Result[Output] = client.run("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    return client.download(result, "out/")


def handles(client: RunComfy) -> Cancellation:
    job = client.job("r1")
    return job.cancel()


def configured() -> RunComfy:
    return RunComfy(poll=PollPolicy(max_interval=2), retry=RetryPolicy(max_retries=8))


def in_a_with_block() -> str | None:
    with RunComfy() as client:  # the typed client, not the runtime's base class
        return client.bytedance.dreamina_4_0.text_to_image.run(prompt="p").output.image


async def in_an_async_with_block() -> str | None:
    async with AsyncRunComfy() as client:
        result = await client.bytedance.dreamina_4_0.text_to_image.run(prompt="p")
        return result.output.image


def mapped(client: RunComfy) -> list[str | None]:
    run = client.bytedance.dreamina_4_0.text_to_image.map(
        [{"prompt": "p"}, {"prompt": "q"}], concurrency=4, out="runs/", max_cost=1.5
    )
    images = [o.result.output.image for o in run if o.result is not None]  # typed outputs
    estimate: Estimate = client.estimate("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    spent: float = run.totals.charged + (estimate.usd or 0.0)
    return [*images, str(spent)]


async def mapped_async(client: AsyncRunComfy) -> list[int]:
    run = client.map("bytedance/dreamina-4-0/text-to-image", [{"prompt": "p"}], validate="schema")
    return [outcome.index async for outcome in run if outcome.ok]
