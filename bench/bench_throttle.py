"""A batch under rate limits: 200 lines at concurrency 64 against an emulator that answers 429
to every other submit (``Retry-After`` 0.05 s, 1 s or 3 s), or, with ``--quota N``, to the
submits past N a second: jobs created, submit attempts, the submit rate over the run (attempts
per second, sampled every 0.5 s on the server's counter), its peak, and the wall time.

``--before DIR`` runs the same batch from another checkout's sources too (``git archive main |
tar -x -C DIR``), interleaved, to show what the engine's throttling changed. Figures, not
assertions: the machine is shared.

Run from the repository root: ``.venv/bin/python bench/bench_throttle.py [--retry-after
0.05,1,3] [--reps 3] [--before /tmp/main-src]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import MODEL, TOKEN, reset, start_emulator, stats, write_inputs

LINES, CONCURRENCY, SAMPLE = 200, 64, 0.5


def arm(url: str, retry_after: float, quota: float | None) -> None:
    fault: dict[str, object] = {"kind": "rate_limit", "route": "submit", "count": 100000,
                                "every": 2, "retry_after": retry_after}  # fmt: skip
    if quota is not None:
        fault = {"kind": "quota", "route": "submit", "count": 100000, "per_second": quota,
                 "retry_after": retry_after}  # fmt: skip
    httpx.post(url + "/_emulator/faults", json=fault, headers={"Authorization": f"Bearer {TOKEN}"})


def one_run(url: str, inputs: Path, out: Path, source: Path | None) -> dict[str, float]:
    env = {**os.environ, "RUNCOMFY_BASE_URL": url, "RUNCOMFY_API_TOKEN": TOKEN}
    if source is not None:
        env["PYTHONPATH"] = f"{source}{os.pathsep}{source / 'generated'}"
    argv = [sys.executable, "-m", "runcomfy", "batch", MODEL, str(inputs), "--out", str(out),
            "--concurrency", str(CONCURRENCY), "--json", "--quiet"]  # fmt: skip
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            found = stats(url)["requests"]
            assert isinstance(found, dict)
            samples.append((time.perf_counter(), int(found.get("submit", 0))))
            done.wait(SAMPLE)

    started = time.perf_counter()
    sampler = threading.Thread(target=sample)
    sampler.start()
    ran = subprocess.run(  # not from the repository: ``-m`` would import its packages first
        argv, env=env, capture_output=True, text=True, check=False, cwd=out.parent
    )
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    rates = [(b - a) / (t2 - t1) for (t1, a), (t2, b) in itertools.pairwise(samples) if t2 > t1]
    third = max(1, len(rates) // 3)
    record = json.loads(ran.stdout) if ran.stdout.strip().startswith("{") else {}
    final = stats(url)
    return {
        "wall": wall,
        "jobs": float(final["jobs_created"]),  # type: ignore[arg-type]
        "attempts": float(final["submits"]),  # type: ignore[arg-type]
        "succeeded": float(record.get("succeeded", 0)),
        "peak": max(rates, default=0.0),
        "first": statistics.mean(rates[:third]) if rates else 0.0,
        "last": statistics.mean(rates[-third:]) if rates else 0.0,
        "lowest": float(record.get("lowest_concurrency", CONCURRENCY)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--retry-after", default="0.05,1,3")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--before", type=Path, default=None, help="another checkout's sources")
    parser.add_argument("--quota", type=float, default=None, help="429 past N submits a second")
    args = parser.parse_args()
    sides: dict[str, Path | None] = {"ours": None}
    if args.before is not None:
        sides["before"] = args.before.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in.jsonl"
        write_inputs(inputs, LINES)
        for retry_after in (float(x) for x in args.retry_after.split(",")):
            emulator, url = start_emulator(0.1, 0.2, 64)
            try:
                found: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
                for rep in range(args.reps):
                    names = list(sides) if rep % 2 == 0 else list(sides)[::-1]
                    for name in names:
                        reset(url)
                        arm(url, retry_after, args.quota)
                        out = Path(tmp) / f"{name}-{retry_after}-{rep}"
                        found[name].append(one_run(url, inputs, out, sides[name]))
            finally:
                emulator.terminate()
                emulator.wait()
            refused = f"past {args.quota:g} a second" if args.quota else "on every other submit"
            print(f"{LINES} lines, concurrency {CONCURRENCY}, 429 {refused} with "
                  f"Retry-After {retry_after:g} s; median of {args.reps}")  # fmt: skip
            for name, runs in found.items():

                def med(key: str, runs: list[dict[str, float]] = runs) -> float:
                    return statistics.median(r[key] for r in runs)

                print(
                    f"  {name:<7} jobs {med('jobs'):.0f}, done {med('succeeded'):.0f}, attempts "
                    f"{med('attempts'):.0f}; submits/s: peak {med('peak'):.0f}, first third "
                    f"{med('first'):.0f}, last third {med('last'):.0f}; lowest concurrency "
                    f"{med('lowest'):.0f}; wall {med('wall'):.1f} s"
                )


if __name__ == "__main__":
    main()
