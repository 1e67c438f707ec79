"""Lifecycle cost per job: our client with the defaults users get, against a raw httpx loop and
RunComfy's official client loop, on the same emulator, interleaved, repeated.

Every side submits N jobs (at most C at once), waits for each and fetches its result, against
the emulator in its own process with jobs that take no time, so what is measured is each
client's own cost: wall time per job and client CPU per job (``time.process_time`` of this
process; the emulator's CPU is not counted). Sides:

- ``runcomfy`` — ``AsyncRunComfy`` with its defaults (validation, retries, deadlines, polling:
  the first status is asked 0.7 s after the submit of a model not seen finish yet, 0.3 s once
  its length is known, so its wall time at zero latency carries that floor);
- ``raw httpx`` — submit, status until completed (at once, then every 0.25 s), result: no
  validation, no retries;
- ``runcomfy-mcp`` — RunComfy's MCP client's loop: status at once, then every 3 s, then the
  result.

Goal (the issue's): client CPU per job <= 1.2x the raw loop's. Prints median [min-max] over
the repetitions and the ratios.

With ``--before PATH`` (a checkout of an earlier commit), ``runcomfy`` also runs as that
checkout's client, and every side runs in a child process of its own (after a warm-up there),
so the two clients are measured alike, interleaved with the others.

Run: ``.venv/bin/python bench/bench_lifecycle.py [--jobs 500] [--concurrency 32] [--reps 5]
[--before PATH]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_process import TOKEN, emulator_process

from runcomfy import AsyncRunComfy

MODEL = "bytedance/dreamina-4-0/text-to-image"
PAYLOAD = {"prompt": "A beautiful girl is walking on the street", "width×height": "1024x1024(1:1)"}
GOAL_CPU = 1.2


async def ours(url: str, jobs: int, concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)
    async with AsyncRunComfy(api_token=TOKEN, base_url=url) as client:

        async def one() -> None:
            async with gate:
                result = await client.run(MODEL, PAYLOAD)
                assert result.urls

        await asyncio.gather(*(one() for _ in range(jobs)))


def loop(interval: float) -> Callable[[str, int, int], Coroutine[Any, Any, None]]:
    async def run(url: str, jobs: int, concurrency: int) -> None:
        gate = asyncio.Semaphore(concurrency)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=url, headers=headers) as http:

            async def one() -> None:
                async with gate:
                    job = (await http.post(f"/v1/models/{MODEL}", json=PAYLOAD)).json()
                    while (await http.get(job["status_url"])).json()["status"] != "completed":
                        await asyncio.sleep(interval)
                    result = (await http.get(job["result_url"])).json()
                    assert result["status"] == "succeeded"

            await asyncio.gather(*(one() for _ in range(jobs)))

    return run


SIDES: dict[str, Callable[[str, int, int], Coroutine[Any, Any, None]]] = {
    "runcomfy": ours,
    "raw httpx": loop(0.25),
    "runcomfy-mcp": loop(3.0),
}


def measure(side: str, url: str, jobs: int, concurrency: int) -> tuple[float, float]:
    """(wall seconds per job, client CPU seconds per job)."""
    wall, cpu = time.perf_counter(), time.process_time()
    asyncio.run(SIDES[side](url, jobs, concurrency))
    return (time.perf_counter() - wall) / jobs, (time.process_time() - cpu) / jobs


def measured_apart(
    side: str, url: str, jobs: int, concurrency: int, tree: Path | None
) -> tuple[float, float]:
    """:func:`measure` in a child process importing ``tree``'s packages (this tree's: None)."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = f"{tree}{os.pathsep}{tree / 'generated'}"
    command = [sys.executable, __file__, "--child", side, url, str(jobs), str(concurrency)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    wall, cpu = json.loads(done.stdout.strip().splitlines()[-1])
    return float(wall), float(cpu)


def shown(values: list[float], scale: float = 1000.0) -> str:
    med = statistics.median(values) * scale
    return f"{med:7.2f} [{min(values) * scale:.2f}-{max(values) * scale:.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout to compare with")
    parser.add_argument("--child", nargs=4, metavar=("SIDE", "URL", "JOBS", "CONCURRENCY"))
    args = parser.parse_args()
    if args.child:
        side, url, jobs, concurrency = args.child
        measure(side, url, 20, int(concurrency))  # warm-up: lazy imports, connections
        print(json.dumps(measure(side, url, int(jobs), int(concurrency))))
        return
    sides: dict[str, tuple[str, Path | None]] = {side: (side, None) for side in SIDES}
    if args.before is not None:
        sides["runcomfy (before)"] = ("runcomfy", args.before)
    args_emulator = ("--queue-seconds", "0", "--run-seconds", "0", "--workers", "1000")
    walls: dict[str, list[float]] = {side: [] for side in sides}
    cpus: dict[str, list[float]] = {side: [] for side in sides}

    def one(name: str, url: str, jobs: int) -> tuple[float, float]:
        side, tree = sides[name]
        if args.before is None:
            return measure(side, url, jobs, args.concurrency)
        return measured_apart(side, url, jobs, args.concurrency, tree)

    with emulator_process(*args_emulator) as url:
        for name in sides:  # warm-up, not counted
            one(name, url, 20)
        order = list(sides)
        for rep in range(args.reps):
            for name in order[rep % len(order) :] + order[: rep % len(order)]:  # interleaved
                wall, cpu = one(name, url, args.jobs)
                walls[name].append(wall)
                cpus[name].append(cpu)
    print(
        f"{args.jobs} jobs, concurrency {args.concurrency}, zero-latency emulator in its own "
        f"process; median [min-max] of {args.reps} interleaved repetitions"
        + ("; every side in a child process of its own" if args.before else "")
    )
    print(f"  {'side':<18} {'wall ms/job':>22} {'client CPU ms/job':>24}")
    for name in sides:
        print(f"  {name:<18} {shown(walls[name]):>22} {shown(cpus[name]):>24}")
    raw_cpu = statistics.median(cpus["raw httpx"])
    for other in [s for s in sides if s != "runcomfy"]:
        wall = statistics.median(walls["runcomfy"]) / statistics.median(walls[other])
        cpu = statistics.median(cpus["runcomfy"]) / statistics.median(cpus[other])
        print(f"  runcomfy / {other}: wall {wall:.2f}x, CPU {cpu:.2f}x")
    ratio = statistics.median(cpus["runcomfy"]) / raw_cpu
    print(
        f"  goal: client CPU per job <= {GOAL_CPU}x the raw loop's ({ratio:.2f}x): "
        f"{'PASS' if ratio <= GOAL_CPU else 'MISS'}"
    )


if __name__ == "__main__":
    main()
