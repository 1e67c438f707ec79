"""A script run twice, as two processes: the second starts warm from the record the first left
(fewer status requests per job), and with the record turned off it behaves as the first.

Counts are compared with each other, never with times. Each run submits ten 4 s jobs at once
(ten lengths: the record is then sure of them) and counts the status requests of each (an httpx
event hook in the script itself)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer

SCRIPT = textwrap.dedent(
    """
    import asyncio, json
    import httpx
    from runcomfy import AsyncRunComfy

    MODEL = "bytedance/dreamina-4-0/text-to-image"
    PAYLOAD = {"prompt": "a cat", "width×height": "1024x1024(1:1)"}

    async def main() -> None:
        hits: dict[str, int] = {}

        async def count(request: httpx.Request) -> None:
            if request.url.path.endswith("/status"):
                job = request.url.path.rsplit("/", 2)[-2]
                hits[job] = hits.get(job, 0) + 1

        http = httpx.AsyncClient(event_hooks={"request": [count]})
        async with AsyncRunComfy(http_client=http) as client:
            jobs = [await client.submit(MODEL, PAYLOAD, validate="schema") for _ in range(10)]
            await asyncio.gather(*(job.wait(timeout=60) for job in jobs))
        print(json.dumps([hits[job.request_id] for job in jobs]))

    asyncio.run(main())
    """
)


@pytest.fixture
def four_second_jobs() -> Iterator[EmulatorServer]:
    with EmulatorServer(REGISTRY, queue_seconds=0.0, run_seconds=4.0, workers=32) as server:
        yield server


def _start(
    script: Path, server: EmulatorServer, cache: Path, *, record: bool
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "RUNCOMFY_BASE_URL": server.url,
        "RUNCOMFY_API_TOKEN": server.token,
        "RUNCOMFY_CACHE_DIR": str(cache),
        "RUNCOMFY_NO_POLL_CACHE": "" if record else "1",
    }
    return subprocess.Popen(
        [sys.executable, str(script)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _counts(process: subprocess.Popen[str]) -> list[int]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    counts: list[int] = json.loads(out)
    return counts


def test_a_second_run_of_a_script_starts_warm_from_the_record_and_not_without_it(
    four_second_jobs: EmulatorServer, tmp_path: Path
) -> None:
    script = tmp_path / "four_jobs.py"
    script.write_text(SCRIPT)
    cache = tmp_path / "cache"
    # The first run (cold: nothing recorded yet), and beside it one with the record off.
    running = _start(script, four_second_jobs, cache, record=True)
    unrecorded = _start(script, four_second_jobs, cache, record=False)
    first, off = _counts(running), _counts(unrecorded)
    assert (cache / "job-lengths-loopback.json").exists()
    second = _counts(_start(script, four_second_jobs, cache, record=True))  # warm from it
    print("status requests per job: first", first, "second", second, "record off", off)
    cold, warm, without = (statistics.mean(run) for run in (first, second, off))
    assert warm <= cold - 1, (first, second)
    assert abs(without - cold) < 1, (first, off)
    assert without >= warm + 1, (second, off)
