"""Polling: status requests made and the delay in noticing completion, for jobs of 1, 5 and 20 s.

Our ``wait()`` (the interval grows with the time waited, with jitter, to a cap) beside fixed
0.1 s and 0.5 s pollers, all on the emulator's clock in its own process, every job at once.
The delay is from the job's ``finished_at`` to ``wait()`` returning. Goal: under a third of the
0.1 s poller's requests, with a notice delay under 10 % of the job's length.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_process import TOKEN, emulator_process

from runcomfy import AsyncRunComfy

MODEL = "bytedance/dreamina-4-0/text-to-image"
LENGTHS = (1.0, 5.0, 20.0)
REPEATS = 5  # jobs per (poller, length), all concurrent
Poller = Callable[[AsyncRunComfy, float], Awaitable[tuple[int, float]]]


def _counting(requests: list[int]) -> Callable[[httpx.Request], Awaitable[None]]:
    async def hook(request: httpx.Request) -> None:
        if request.url.path.endswith("/status"):
            requests[0] += 1

    return hook


async def ours(url: str, length: float) -> tuple[int, float]:
    count = [0]
    http = httpx.AsyncClient(event_hooks={"request": [_counting(count)]})
    async with AsyncRunComfy(api_token=TOKEN, base_url=url, http_client=http) as client:
        job = await client.submit(MODEL, {"prompt": f"{length}"})
        result = await job.wait(timeout=120)
    return count[0], time.time() - _finished(result.raw)


def fixed(interval: float) -> Callable[[str, float], Awaitable[tuple[int, float]]]:
    async def poll(url: str, length: float) -> tuple[int, float]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=url, headers=headers) as http:
            job = (await http.post(f"/v1/models/{MODEL}", json={"prompt": f"{length}"})).json()
            # A random phase: job lengths here are whole multiples of the fixed intervals, which
            # would otherwise let a fixed poller land exactly on completion every time.
            await asyncio.sleep(random.uniform(0, interval))
            count = 0
            while True:
                count += 1
                if (await http.get(job["status_url"])).json()["status"] == "completed":
                    break
                await asyncio.sleep(interval)
            body = (await http.get(job["result_url"])).json()
        return count, time.time() - _finished(body)

    return poll


def _finished(body: object) -> float:
    assert isinstance(body, dict)
    return datetime.fromisoformat(body["finished_at"]).timestamp()


async def one_length(url: str, length: float) -> dict[str, list[tuple[int, float]]]:
    pollers = {"runcomfy wait()": ours, "fixed 0.1 s": fixed(0.1), "fixed 0.5 s": fixed(0.5)}
    names = [name for name in pollers for _ in range(REPEATS)]
    found = await asyncio.gather(*(pollers[name](url, length) for name in names))
    out: dict[str, list[tuple[int, float]]] = {name: [] for name in pollers}
    for name, value in zip(names, found, strict=True):
        out[name].append(value)
    return out


async def run_all(urls: dict[float, str]) -> dict[float, dict[str, list[tuple[int, float]]]]:
    results = await asyncio.gather(*(one_length(urls[length], length) for length in LENGTHS))
    return dict(zip(LENGTHS, results, strict=True))


def main() -> None:
    urls: dict[float, str] = {}
    with (
        emulator_process("--queue-seconds", "0", "--run-seconds", "1", "--workers", "100") as u1,
        emulator_process("--queue-seconds", "0", "--run-seconds", "5", "--workers", "100") as u5,
        emulator_process("--queue-seconds", "0", "--run-seconds", "20", "--workers", "100") as u20,
    ):
        urls = {1.0: u1, 5.0: u5, 20.0: u20}
        table = asyncio.run(run_all(urls))
    print(f"jobs of 1, 5 and 20 s, {REPEATS} of each per poller, all at once; medians")
    head = f"  {'job':>5}  {'poller':<16} {'status requests':>15} {'notice delay':>13}"
    print(head + "  vs 0.1 s poller")
    verdicts = []
    for length, rows in table.items():
        baseline = statistics.median(n for n, _ in rows["fixed 0.1 s"])
        for name, values in rows.items():
            requests = statistics.median(n for n, _ in values)
            delay = statistics.median(d for _, d in values)
            share = requests / baseline
            row = f"  {length:4.0f}s  {name:<16} {requests:15.0f} {delay:12.3f}s"
            print(f"{row}  {share:6.0%} of requests, delay {delay / length:5.1%} of job")
            if name == "runcomfy wait()":
                verdicts.append((length, share < 1 / 3, delay < 0.1 * length))
    for length, few, quick in verdicts:
        print(
            f"  {length:4.0f}s job: requests < 1/3 of 0.1 s poller: {'PASS' if few else 'MISS'}; "
            f"delay < 10% of job: {'PASS' if quick else 'MISS'}"
        )


if __name__ == "__main__":
    main()
