"""Rate limits met as a whole: 200 lines at concurrency 64 against an API that limits its rate,
before (version 0.2 at commit 7cd0b48, in a checkout of its own) and after, interleaved.

The emulator runs in its own process (this tree's) with its ``quota`` fault on the four job
routes: at most ``--quota`` requests in any second; a request beyond it is answered 429 with
``Retry-After`` 0, 1 or 3 s, so a client that sends too fast meets bursts of 429s. Each side
runs in a child process importing its own ``runcomfy`` (``PYTHONPATH``): 200 lines, each an
``AsyncRunComfy.run`` (submit, wait, result), at most 64 at once, with the client's defaults.
The child notes when each request left (a transport wrapper, the same for both sides).

Figures per side and ``Retry-After``: lines done (of 200), jobs the emulator created (must be
the lines submitted: nothing doubled), the peak request rate (requests in any 100 ms window, as
requests/s; the first second, when 64 submits leave at once on both sides, apart), the 429s met
and the wall time; median [min-max] of ``--reps`` interleaved repetitions.

Run: ``.venv/bin/python bench/bench_rate_limits.py [--before /tmp/before] [--reps 3]``
(make the "before" checkout with ``git worktree add /tmp/before 7cd0b48``).
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_process import TOKEN, emulator_process

ROOT = Path(__file__).resolve().parent.parent
MODEL = "bytedance/dreamina-4-0/text-to-image"
RETRY_AFTERS = (0.0, 1.0, 3.0)
WINDOW = 0.1


# -- the child: one side's run -------------------------------------------------------------------


class Recording(httpx.AsyncBaseTransport):
    """Notes the moment each request leaves, then sends it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, times: list[float]) -> None:
        self.inner, self.times = inner, times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.times.append(time.monotonic())
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def run_lines(url: str, lines: int, concurrency: int) -> dict[str, Any]:
    from runcomfy import AsyncRunComfy  # the side's own, from PYTHONPATH

    times: list[float] = []
    transport = Recording(httpx.AsyncHTTPTransport(), times)
    failures: Counter[str] = Counter()
    done = 0
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()
    async with (
        httpx.AsyncClient(transport=transport, timeout=60.0) as http,
        AsyncRunComfy(api_token=TOKEN, base_url=url, http_client=http) as client,
    ):

        async def line(n: int) -> None:
            nonlocal done
            async with gate:
                try:
                    result = await client.run(MODEL, {"prompt": f"line {n}"}, timeout=600)
                except Exception as e:
                    failures[type(e).__name__] += 1
                else:
                    done += result.status == "succeeded"

        await asyncio.gather(*(line(n) for n in range(lines)))
    wall = time.monotonic() - started
    return {
        "done": done,
        "failures": dict(failures),
        "wall": wall,
        "times": [t - started for t in times],
    }


# -- the parent ----------------------------------------------------------------------------------


@dataclass
class Run:
    done: int
    failures: dict[str, int]
    wall: float
    jobs_created: int
    refused: int
    peak: float  # requests/s, best 100 ms window after the first second
    peak_start: float  # the same within the first second


def peak_rate(times: list[float], after: float, before: float = float("inf")) -> float:
    """The most requests in any ``WINDOW`` starting in [after, before), as requests/s."""
    ordered = sorted(t for t in times if t >= after)
    best, j = 0, 0
    for i, start in enumerate(ordered):
        if start >= before:
            break
        while j < len(ordered) and ordered[j] < start + WINDOW:
            j += 1
        best = max(best, j - i)
    return best / WINDOW


def control(url: str, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    answer = httpx.request(method, url + path, headers=headers, json=body, timeout=30.0)
    answer.raise_for_status()
    return answer.json() if answer.content else None


def one_run(url: str, root: Path, retry_after: float, args: argparse.Namespace) -> Run:
    control(url, "POST", "/_emulator/reset")
    quota = {"kind": "quota", "route": "*", "count": 10**9, "per_second": args.quota}
    control(url, "POST", "/_emulator/faults", {**quota, "retry_after": retry_after})
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'generated'}"}
    command = [sys.executable, __file__, "--child", url, str(args.lines), str(args.concurrency)]
    child = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit(f"the child for {root} failed:\n{child.stderr[-3000:]}")
    found = json.loads(child.stdout.strip().splitlines()[-1])
    stats = control(url, "GET", "/_emulator/stats")
    return Run(
        done=found["done"],
        failures=found["failures"],
        wall=found["wall"],
        jobs_created=stats["jobs_created"],
        refused=stats["faults_fired"].get("quota", 0),
        peak=peak_rate(found["times"], after=1.0),
        peak_start=peak_rate(found["times"], after=0.0, before=1.0),
    )


def shown(values: list[float], digits: int = 0) -> str:
    med = statistics.median(values)
    return f"{med:.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, default=Path("/tmp/before"))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--quota", type=float, default=50.0, help="requests a second allowed")
    parser.add_argument("--child", nargs=3, metavar=("URL", "LINES", "CONCURRENCY"))
    args = parser.parse_args()
    if args.child:
        url, lines, concurrency = args.child
        print(json.dumps(asyncio.run(run_lines(url, int(lines), int(concurrency)))))
        return
    if not (args.before / "runcomfy_runtime").is_dir():
        raise SystemExit(f"no checkout at {args.before}: git worktree add {args.before} 7cd0b48")
    sides = {"before": args.before, "after": ROOT}
    runs: dict[tuple[str, float], list[Run]] = {}
    emulator_args = ("--queue-seconds", "0.2", "--run-seconds", "1", "--workers", "1000")
    with emulator_process(*emulator_args) as url:
        for rep in range(args.reps):
            for retry_after in RETRY_AFTERS:
                order = list(sides) if rep % 2 == 0 else list(reversed(sides))  # interleaved
                for side in order:
                    run = one_run(url, sides[side], retry_after, args)
                    runs.setdefault((side, retry_after), []).append(run)
                    print(f"  rep {rep + 1} Retry-After {retry_after:g} {side}: {run}", flush=True)
    print(
        f"\n{args.lines} lines at concurrency {args.concurrency}; the emulator allows "
        f"{args.quota:g} requests/s on the job routes, 429 beyond; median [min-max] of "
        f"{args.reps} interleaved repetitions"
    )
    head = (
        f"  {'Retry-After':<12}{'side':<8}{'lines done':>16}{'jobs created':>16}"
        f"{'429s':>18}{'peak req/s':>18}{'first 1 s':>18}{'wall s':>20}"
    )
    print(head)
    for retry_after in RETRY_AFTERS:
        for side in sides:
            found = runs[(side, retry_after)]
            print(
                f"  {retry_after:<12g}{side:<8}"
                f"{shown([r.done for r in found]):>16}"
                f"{shown([r.jobs_created for r in found]):>16}"
                f"{shown([r.refused for r in found]):>18}"
                f"{shown([r.peak for r in found]):>18}"
                f"{shown([r.peak_start for r in found]):>18}"
                f"{shown([r.wall for r in found], 1):>20}"
            )
    doubled = [r for rs in runs.values() for r in rs if r.jobs_created > args.lines]
    after = [r for (side, _), rs in runs.items() if side == "after" for r in rs]
    complete = all(r.done == r.jobs_created == args.lines for r in after)
    print(f"  goal: after, every line done, one job each: {'PASS' if complete else 'MISS'}")
    print(f"  goal: no job doubled, on either side: {'PASS' if not doubled else 'MISS'}")


if __name__ == "__main__":
    main()
