"""Where the client starts counting a job's age: when its submit left, not when the answer came
back (a slow answer would make every ask of the schedule late by as much)."""

from __future__ import annotations

import asyncio
import time

import httpx

from runcomfy import AsyncRunComfy, RunComfy

MODEL = "bytedance/dreamina-4-0/text-to-image"
PAYLOAD = {"prompt": "a cat", "width×height": "1024x1024(1:1)"}
SLOW = 0.3  # seconds the server takes to answer the submit


def _slow_submit(arrived: list[float]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        arrived.append(time.monotonic())
        time.sleep(SLOW)
        return httpx.Response(200, json={"request_id": "r1"})

    return httpx.MockTransport(handler)


def test_a_jobs_age_counts_from_when_its_submit_left() -> None:
    arrived: list[float] = []
    http = httpx.Client(transport=_slow_submit(arrived))
    with RunComfy(api_token="t-123456789", base_url="http://127.0.0.1:9", http_client=http) as c:
        job = c.submit(MODEL, PAYLOAD, validate="schema")
    assert job.submitted_at is not None
    assert job.submitted_at <= arrived[0] < job.submitted_at + SLOW


def test_an_async_jobs_age_counts_from_when_its_submit_left() -> None:
    arrived: list[float] = []

    async def submit() -> float | None:
        async def handler(request: httpx.Request) -> httpx.Response:
            arrived.append(time.monotonic())
            await asyncio.sleep(SLOW)
            return httpx.Response(200, json={"request_id": "r1"})

        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        base = "http://127.0.0.1:9"
        async with AsyncRunComfy(api_token="t-123456789", base_url=base, http_client=http) as c:
            job = await c.submit(MODEL, PAYLOAD, validate="schema")
        return job.submitted_at

    submitted_at = asyncio.run(submit())
    assert submitted_at is not None
    assert submitted_at <= arrived[0] < submitted_at + SLOW
