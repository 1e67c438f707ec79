"""Polling, honestly: status requests and notice delay of our ``wait()`` against RunComfy's own
clients (and fal's and replicate's pollers), on the same jobs, interleaved, repeated.

Ours, three ways, each ``AsyncRunComfy`` with its defaults:

- ``ours-cold`` — a fresh process with no record (``RUNCOMFY_NO_POLL_CACHE=1``): it knows
  nothing of the model (``bench/poll_job.py``, one process per repetition running the jobs);
- ``ours-disk`` — a fresh process whose record (``RUNCOMFY_CACHE_DIR``) an earlier process
  left: one unmeasured job before the first repetition, then every repetition's own;
- ``ours`` — one client in this process that has run one (unmeasured) job of the model
  before, and learns from every job (a script's loop);

against fixed pollers (plain loops on httpx, written here from the facts, none copied):

- ``runcomfy-mcp`` — RunComfy's MCP server: status at once, then every 3 s (the baseline);
- ``runcomfy-cli`` — RunComfy's CLI: status at once, then every 2 s;
- ``comfyui-nodes`` — RunComfy's ComfyUI nodes: the result endpoint every 5 s;
- with ``--others``, ``fal`` (0.1 s) and ``replicate`` (0.5 s) status pollers (the ranges only:
  fal's 10 requests a second per job load this process's loop, which every in-process poller
  shares, so they are left out by default).

Two kinds of cases, all run at once, every poller on its own emulator process:

- **lengths** (issue #23's method): every job ``L`` s long (``--latency L``), 4 jobs per poller;
  a fixed poller is phased across its interval as real jobs would be (job i's end falls
  (i + 0.5) / 4 of an interval before one of its polls), so its mean delay is half its interval;
- **ranges** (the README's table since #15): job lengths spread evenly over the range
  (``--run-seconds 3.2,3.9,...``, taken in turn by every poller's emulator), 8 per poller.

The notice delay is from the job's ``finished_at`` (the emulator's clock, wall time) to the
moment the poller holds the result. Requests are status requests (result requests for the
ComfyUI poller), counted on the client side.

Goals: at every length and in every range from 3 s, each of ours has a mean notice delay below
``runcomfy-mcp``'s and at most 2x its mean status requests (issue #23: the cold process too);
for jobs under 3 s, ``ours`` notices at least 3x sooner.

Run: ``.venv/bin/python bench/bench_polling.py [--reps 5] [--long] [--others] [--quick]``
(``--long`` adds 150-210 s jobs; ``--quick``: one repetition of 5 s jobs and two short ranges,
under a minute; the whole run takes about 9 minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_process import TOKEN, emulator_process

from runcomfy import AsyncRunComfy

MODEL = "bytedance/dreamina-4-0/text-to-image"
PAYLOAD = {"prompt": "a bench job", "width×height": "1024x1024(1:1)"}
LENGTHS = (5.0, 20.0, 60.0)
RANGES = {
    "0.5-3 s": (0.5, 3.0),
    "3-8 s": (3.0, 8.0),
    "15-25 s": (15.0, 25.0),
    "45-75 s": (45.0, 75.0),
}
LONG = {"150-210 s": (150.0, 210.0)}
BASELINE = "runcomfy-mcp"
OURS = ("ours-cold", "ours-disk", "ours")
POLL_JOB = Path(__file__).resolve().parent / "poll_job.py"
# A connection idle past the emulator's keep-alive (uvicorn's 5 s) is closed under a request
# that reuses it; the client's own pools expire theirs sooner, and so must the ones given here.
LIMITS = httpx.Limits(keepalive_expiry=1.0)


@dataclass(frozen=True)
class Case:
    """One row of the report: every poller's jobs of these lengths, on emulators of its own."""

    name: str
    lengths: list[float]  # per job, in submission order
    low: float
    phased: bool  # the fixed pollers phased against a job's end (every job the same length)
    pollers: tuple[str, ...]

    def emulator_args(self) -> list[str]:
        if self.phased:
            return ["--latency", str(self.lengths[0]), "--workers", "64"]
        served = ",".join(str(s) for s in self.lengths)
        return ["--queue-seconds", "0", "--run-seconds", served, "--workers", "64"]


@dataclass
class Run:
    requests: float  # mean per job
    delay: float  # mean seconds


def spread(low: float, high: float, count: int, seed: int) -> list[float]:
    """Evenly spread over the range (the middle of each of ``count`` slices), in a seeded
    order, so submission order says nothing about length."""
    found = [round(low + (high - low) * (i + 0.5) / count, 3) for i in range(count)]
    random.Random(seed).shuffle(found)
    return found


def _finished(body: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(body["finished_at"])).timestamp()


def counting(hits: dict[str, int], suffix: str) -> Callable[[httpx.Request], Awaitable[None]]:
    """Counts requests ending in ``suffix`` per request id (``/v1/requests/<id>/status``), so
    jobs sharing a client are counted apart."""

    async def hook(request: httpx.Request) -> None:
        path = request.url.path
        if path.endswith(suffix):
            request_id = path.rsplit("/", 2)[-2]
            hits[request_id] = hits.get(request_id, 0) + 1

    return hook


def phase(length: float | None, interval: float, job: int, jobs: int) -> float:
    """Seconds from the submit to a fixed poller's first poll of its grid: for a known
    ``length``, the grid places the end ``(job + 0.5) / jobs`` of an interval before a poll;
    without one, the poller's own habit (one interval)."""
    if length is None:
        return interval
    return (length + interval * (job + 0.5) / jobs) % interval


async def fixed_status(
    http: httpx.AsyncClient, hits: dict[str, int], interval: float, first: float
) -> tuple[int, float]:
    """A fixed poller of the status endpoint (at once, then its grid from ``first``), then
    one result request."""
    job = (await http.post(f"/v1/models/{MODEL}", json=PAYLOAD)).json()
    wait = first
    while True:
        status = (await http.get(job["status_url"])).json()["status"]
        if status in ("completed", "failed", "cancelled"):
            break
        await asyncio.sleep(wait)
        wait = interval
    result = (await http.get(job["result_url"])).json()
    return hits[job["request_id"]], time.time() - _finished(result)


async def fixed_result(
    http: httpx.AsyncClient, hits: dict[str, int], interval: float, first: float
) -> tuple[int, float]:
    """RunComfy's ComfyUI nodes: ask the result endpoint until it is final."""
    job = (await http.post(f"/v1/models/{MODEL}", json=PAYLOAD)).json()
    wait = first
    while True:
        await asyncio.sleep(wait)
        wait = interval
        result = (await http.get(job["result_url"])).json()
        if result["status"] in ("succeeded", "completed", "failed", "cancelled"):
            break
    return hits[job["request_id"]], time.time() - _finished(result)


FixedLoop = Callable[
    [httpx.AsyncClient, dict[str, int], float, float], Awaitable[tuple[int, float]]
]


FIXED: dict[str, tuple[float, str, FixedLoop]] = {  # interval, endpoint counted, loop
    "runcomfy-mcp": (3.0, "/status", fixed_status),
    "runcomfy-cli": (2.0, "/status", fixed_status),
    "comfyui-nodes": (5.0, "/result", fixed_result),
    "fal": (0.1, "/status", fixed_status),
    "replicate": (0.5, "/status", fixed_status),
}


def fixed_client(url: str, hits: dict[str, int], suffix: str) -> httpx.AsyncClient:
    """One client per poller and case, made before any job (making one costs a TLS context:
    tens of milliseconds of this process's loop that would delay every other poller)."""
    return httpx.AsyncClient(
        base_url=url,
        limits=LIMITS,
        headers={"Authorization": f"Bearer {TOKEN}"},
        event_hooks={"request": [counting(hits, suffix)]},
    )


async def ours_job(client: AsyncRunComfy, hits: dict[str, int]) -> tuple[int, float]:
    job = await client.submit(MODEL, PAYLOAD, validate="schema")
    result = await job.wait(timeout=900)
    assert result.finished_at is not None
    return hits[job.request_id], time.time() - result.finished_at.timestamp()


def our_client(url: str, hits: dict[str, int], cache: Path) -> AsyncRunComfy:
    http = httpx.AsyncClient(limits=LIMITS, event_hooks={"request": [counting(hits, "/status")]})
    return AsyncRunComfy(api_token=TOKEN, base_url=url, http_client=http, poll_cache=cache)


class Process:
    """``poll_job.py`` in a fresh process: started, ready (imports done), then released."""

    def __init__(self, url: str, jobs: int, env: dict[str, str]) -> None:
        self.args = [sys.executable, str(POLL_JOB), url, str(jobs)]
        self.env = env
        self.process: asyncio.subprocess.Process | None = None

    async def ready(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.args,
            env=self.env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if line.strip() != b"ready":
            raise SystemExit(f"poll_job.py did not start: {line!r}")

    async def run(self) -> list[tuple[int, float]]:
        assert self.process is not None and self.process.stdin and self.process.stdout
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()
        out = await self.process.stdout.read()
        if await self.process.wait() != 0:
            raise SystemExit(f"poll_job.py failed: {out!r}")
        return [(int(r), float(d)) for r, d in json.loads(out)]


def process_env(cache: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNCOMFY_")}
    if cache is None:
        env["RUNCOMFY_NO_POLL_CACHE"] = "1"
    else:
        env["RUNCOMFY_CACHE_DIR"] = str(cache)
    return env


async def reset(urls: list[str]) -> None:
    """The next repetition's emulators start their length list afresh."""
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        for url in urls:
            await http.post(f"{url}/_emulator/reset")


async def one_case(
    case: Case, reps: int, folder: Path, barrier: asyncio.Barrier
) -> dict[str, list[Run]]:
    """Every poller of ``case`` on its own emulator; ``reps`` repetitions, each poller's jobs
    all at once. Every case starts each repetition together (``barrier``), once the fresh
    processes of all of them have started: no process start-up lands in a measurement."""
    runs: dict[str, list[Run]] = {}
    jobs = len(case.lengths)
    disk = folder / "disk"  # the record the ours-disk processes share
    length = case.lengths[0] if case.phased else None
    with ExitStack() as stack:
        urls = {
            poller: stack.enter_context(emulator_process(*case.emulator_args()))
            for poller in case.pollers
        }
        hits: dict[str, dict[str, int]] = {poller: {} for poller in case.pollers}
        clients = {
            poller: fixed_client(urls[poller], hits[poller], FIXED[poller][1])
            for poller in case.pollers
            if poller in FIXED
        }
        warmed = our_client(urls["ours"], hits["ours"], folder / "in-process")
        try:
            # Warm-up: one job each for ``ours`` (this client) and for the record of ours-disk
            # (a process of its own, as the earlier run of a script), then lengths afresh.
            teacher = Process(urls["ours-disk"], 1, process_env(disk))
            await teacher.ready()
            await asyncio.gather(ours_job(warmed, hits["ours"]), teacher.run())
            await reset(list(urls.values()))
            for _ in range(reps):
                fresh = {
                    "ours-cold": Process(urls["ours-cold"], jobs, process_env(None)),
                    "ours-disk": Process(urls["ours-disk"], jobs, process_env(disk)),
                }
                await asyncio.gather(*(p.ready() for p in fresh.values()))
                await barrier.wait()
                tasks: dict[str, Awaitable[Any]] = {
                    **{name: p.run() for name, p in fresh.items()},
                    "ours": asyncio.gather(*(ours_job(warmed, hits["ours"]) for _ in range(jobs))),
                }
                for poller, http in clients.items():
                    interval, _, loop = FIXED[poller]
                    tasks[poller] = asyncio.gather(
                        *(
                            loop(http, hits[poller], interval, phase(length, interval, i, jobs))
                            for i in range(jobs)
                        )
                    )
                gathered = await asyncio.gather(*tasks.values())
                for poller, results in zip(tasks, gathered, strict=True):
                    runs.setdefault(poller, []).append(
                        Run(
                            statistics.mean(r for r, _ in results),
                            statistics.mean(d for _, d in results),
                        )
                    )
                await reset(list(urls.values()))
        finally:
            await warmed.aclose()
            for http in clients.values():
                await http.aclose()
    return {poller: runs[poller] for poller in case.pollers}


def med(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} [{min(values):.2f}-{max(values):.2f}]"


def report(case: Case, runs: dict[str, list[Run]]) -> list[bool]:
    base = runs[BASELINE]
    base_req = statistics.median(r.requests for r in base)
    base_delay = statistics.median(r.delay for r in base)
    how = "every job this long, fixed pollers phased" if case.phased else "lengths spread"
    print(f"\n== {case.name}  ({how}; median [min-max] over {len(base)} repetitions of")
    print(f"   {len(case.lengths)} jobs per poller; per job means)")
    print(f"  {'poller':<14} {'status requests':>24} {'notice delay s':>24}  ratio to {BASELINE}")
    for poller, found in runs.items():
        reqs = [r.requests for r in found]
        delays = [r.delay for r in found]
        ratio = (
            f"{statistics.median(reqs) / base_req:4.2f}x requests, "
            f"{statistics.median(delays) / base_delay:4.2f}x delay"
        )
        print(f"  {poller:<14} {med(reqs):>24} {med(delays):>24}  {ratio}")
    verdicts = []
    for ours in OURS:
        delay = statistics.median(r.delay for r in runs[ours])
        requests = statistics.median(r.requests for r in runs[ours])
        if case.low < 3.0:
            if ours != "ours":
                continue
            ok = delay * 3 <= base_delay
            goal = f"notice >= 3x faster than {BASELINE} ({base_delay / delay:.1f}x)"
        else:
            ok = delay < base_delay and requests <= 2 * base_req
            goal = (
                f"delay below {BASELINE}'s ({delay:.2f} < {base_delay:.2f} s) and requests "
                f"<= 2x ({requests / base_req:.2f}x)"
            )
        print(f"  goal, {ours}: {goal}: {'PASS' if ok else 'MISS'}")
        verdicts.append(ok)
    return verdicts


def cases(args: argparse.Namespace) -> list[Case]:
    lengths = LENGTHS[:1] if args.quick else LENGTHS
    ranges = dict(list(RANGES.items())[:2]) if args.quick else RANGES
    ranges = {**ranges, **(LONG if args.long else {})}
    phased = (*OURS, "runcomfy-mcp", "runcomfy-cli", "comfyui-nodes")
    spread_out = (*phased, "fal", "replicate") if args.others else phased
    found = [Case(f"{n:g} s", [n] * args.jobs, n, True, phased) for n in lengths]
    for i, (name, (low, high)) in enumerate(ranges.items()):
        found.append(Case(name, spread(low, high, 2 * args.jobs, seed=i), low, False, spread_out))
    return found


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=4, help="jobs per length (twice per range)")
    parser.add_argument("--long", action="store_true", help="add the 150-210 s range")
    parser.add_argument("--others", action="store_true", help="add fal's and replicate's pollers")
    parser.add_argument("--quick", action="store_true", help="a sanity run: under a minute")
    args = parser.parse_args()
    if args.quick:
        args.reps, args.jobs = 1, 2
    started = time.monotonic()
    work = cases(args)
    barrier = asyncio.Barrier(len(work))
    with tempfile.TemporaryDirectory(prefix="bench-polling-") as folder:
        found = await asyncio.gather(
            *(
                one_case(case, args.reps, Path(folder) / str(i), barrier)
                for i, case in enumerate(work)
            )
        )
    verdicts = [ok for case, runs in zip(work, found, strict=True) for ok in report(case, runs)]
    print(
        f"\npolling goals: {sum(verdicts)}/{len(verdicts)} PASS "
        f"(took {time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    asyncio.run(main())
