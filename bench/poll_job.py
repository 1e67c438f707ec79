"""One fresh process of a user's script, for ``bench_polling.py``: build ``AsyncRunComfy`` with
its defaults, say ``ready``, wait for a line on stdin (so every side starts its jobs at once,
after its imports), then submit ``JOBS`` jobs at once, wait for each, and print one JSON list of
``[status requests, notice delay]`` per job.

What the process knows of the model is only what the environment gives it: with
``RUNCOMFY_NO_POLL_CACHE=1`` nothing (cold); with ``RUNCOMFY_CACHE_DIR`` holding a record left
by an earlier process, that record (warm from disk).

Run: ``python bench/poll_job.py BASE_URL JOBS``
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_process import TOKEN

from runcomfy import AsyncRunComfy

MODEL = "bytedance/dreamina-4-0/text-to-image"
PAYLOAD = {"prompt": "a bench job", "width×height": "1024x1024(1:1)"}


async def main(url: str, jobs: int) -> None:
    hits: dict[str, int] = {}

    async def count(request: httpx.Request) -> None:
        if request.url.path.endswith("/status"):
            request_id = request.url.path.rsplit("/", 2)[-2]
            hits[request_id] = hits.get(request_id, 0) + 1

    limits = httpx.Limits(keepalive_expiry=1.0)  # as the client's own pools: never a stale one
    http = httpx.AsyncClient(limits=limits, event_hooks={"request": [count]})
    async with AsyncRunComfy(api_token=TOKEN, base_url=url, http_client=http) as client:
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

        async def one() -> list[float]:
            job = await client.submit(MODEL, PAYLOAD, validate="schema")
            result = await job.wait(timeout=900)
            assert result.finished_at is not None
            return [hits[job.request_id], time.time() - result.finished_at.timestamp()]

        found = await asyncio.gather(*(one() for _ in range(jobs)))
    print(json.dumps(found), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
