"""Lifecycle overhead: N jobs through AsyncRunComfy vs a minimal hand-written httpx loop.

Both make the same HTTP calls (submit, status until completed, result) against the emulator in
its own process with zero queue and run time, at the same concurrency, in one run. The figure
is our client's cost per job: validation, typed decoding, retry and polling bookkeeping.
Goal: within 1.25x of the bare loop. Medians of alternating repetitions.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_process import TOKEN, emulator_process

from runcomfy import AsyncRunComfy
from runcomfy_runtime.polling import PollPolicy

MODEL = "bytedance/dreamina-4-0/text-to-image"
PAYLOAD = {"prompt": "A beautiful girl is walking on the street", "width×height": "1024x1024(1:1)"}
JOBS, CONCURRENCY, REPEATS = 500, 32, 3


async def ours(url: str) -> float:
    gate = asyncio.Semaphore(CONCURRENCY)
    # The polling schedule has its own bench: here both sides ask for the status at once, so the
    # difference is the client's own cost, not a wait before the first check.
    poll = PollPolicy(min_interval=0.0, max_interval=0.25)
    async with AsyncRunComfy(api_token=TOKEN, base_url=url, poll=poll) as client:

        async def one() -> None:
            async with gate:
                result = await client.run(MODEL, PAYLOAD)
                assert result.status == "succeeded"

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(JOBS)))
        return time.perf_counter() - started


async def bare(url: str) -> float:
    gate = asyncio.Semaphore(CONCURRENCY)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as http:

        async def one() -> None:
            async with gate:
                job = (await http.post(f"/v1/models/{MODEL}", json=PAYLOAD)).json()
                while (await http.get(job["status_url"])).json()["status"] != "completed":
                    await asyncio.sleep(0.25)
                assert (await http.get(job["result_url"])).json()["status"] == "succeeded"

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(JOBS)))
        return time.perf_counter() - started


def main() -> None:
    with emulator_process("--queue-seconds", "0", "--run-seconds", "0", "--workers", "1000") as url:
        times: dict[str, list[float]] = {"runcomfy": [], "bare httpx": []}
        asyncio.run(bare(url))  # warm up both sides once
        for _ in range(REPEATS):
            times["runcomfy"].append(asyncio.run(ours(url)))
            times["bare httpx"].append(asyncio.run(bare(url)))
    print(
        f"{JOBS} jobs, concurrency {CONCURRENCY}, emulator with zero latency, medians of {REPEATS}"
    )
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        runs = ", ".join(f"{v:.2f}" for v in times[name])
        print(f"  {name:<11} {value:6.2f} s  {JOBS / value:7.1f} jobs/s  (runs: {runs})")
    ratio = medians["runcomfy"] / medians["bare httpx"]
    print(f"  ratio {ratio:.2f}x (goal <= 1.25x): {'PASS' if ratio <= 1.25 else 'MISS'}")


if __name__ == "__main__":
    main()
