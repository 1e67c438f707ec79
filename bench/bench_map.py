"""``client.map`` (sync and async) against the hand-written asyncio + httpx loop and against
``runcomfy batch``: wall time, client CPU and peak memory at 1,000 and 10,000 payloads.

The set-up is ``bench_batch.py``'s (its loop and its emulator, in a process of its own: jobs of
0.1 s queued and 0.2 s running, room for every job at once). Each contender is a child process
doing the same work per payload at the same concurrency: submit, poll, fetch the result, save
the output file; the three of ours also keep the journal (``out=``/``--out``), which the loop
does not. The order of the contenders rotates from one repetition to the next. CPU is the
child's user + system time and peak memory its maximum resident set (``wait4``): neither
includes the emulator.

Goals: each ``map`` within 1.3x of the loop's wall time, and under 150 MB, at each size.

``--before DIR`` adds ``runcomfy batch`` from another checkout's sources (``git archive main |
tar -x -C DIR``): the batch before it ran on the engine.

Run from the repository root: ``.venv/bin/python bench/bench_map.py [--sizes 1000,10000]
[--reps 5] [--before DIR]`` (a 10,000-payload repetition of the four takes about 5 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import (
    BASELINE,
    MODEL,
    RUNCOMFY,
    TOKEN,
    reset,
    spread,
    start_emulator,
    stats,
    write_inputs,
)

MAP = r"""
import asyncio, json, sys
from pathlib import Path
from runcomfy import AsyncRunComfy, RunComfy

kind, model, inputs, out, concurrency = sys.argv[1:]
payloads = [json.loads(line) for line in Path(inputs).read_text().splitlines()]

def sync():
    with RunComfy() as client:
        return [o.kind for o in client.map(model, payloads, out=out, concurrency=int(concurrency))]

async def asynchronous():
    async with AsyncRunComfy() as client:
        run = client.map(model, payloads, out=out, concurrency=int(concurrency))
        return [o.kind async for o in run]

kinds = sync() if kind == "sync" else asyncio.run(asynchronous())
assert kinds.count("succeeded") == len(payloads), set(kinds)
"""

NAMES = ("asyncio+httpx loop", "runcomfy batch", "client.map", "aclient.map")
BEFORE = "batch (before)"  # --before DIR: runcomfy batch from another checkout's sources


def argv_of(
    name: str, work: Path, url: str, inputs: Path, out: Path, concurrency: int
) -> list[str]:
    loop, mapper = work / "baseline.py", work / "map.py"
    return {
        NAMES[0]: [sys.executable, str(loop), url, TOKEN, MODEL, str(inputs), str(out),
                   str(concurrency)],
        NAMES[1]: [str(RUNCOMFY), "batch", MODEL, str(inputs), "--out", str(out),
                   "--concurrency", str(concurrency), "--quiet", "--json"],
        NAMES[2]: [sys.executable, str(mapper), "sync", MODEL, str(inputs), str(out),
                   str(concurrency)],
        NAMES[3]: [sys.executable, str(mapper), "async", MODEL, str(inputs), str(out),
                   str(concurrency)],
        BEFORE: [sys.executable, "-m", "runcomfy", "batch", MODEL, str(inputs), "--out",
                 str(out), "--concurrency", str(concurrency), "--quiet", "--json"],
    }[name]  # fmt: skip


def measured(argv: list[str], env: dict[str, str], said: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit status) of one child process; what it
    printed goes to ``said`` (a file: a pipe could fill before the child ends), and the lines
    that did not succeed are shown when it failed."""
    started = time.perf_counter()
    with said.open("w") as stdout:
        process = subprocess.Popen(
            argv, env=env, stdout=stdout, stderr=subprocess.PIPE, cwd=said.parent
        )
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        assert process.stderr is not None
        print(process.stderr.read().decode()[-2000:], file=sys.stderr)
        try:
            record = json.loads(said.read_text())
        except ValueError:
            record = {}
        for kind in ("failed", "pending", "ambiguous", "not_started", "skipped"):
            for line in record.get(f"{kind}_lines", [])[:3]:
                print(f"    {kind}: {line}", file=sys.stderr)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def compare(
    url: str, jobs: int, concurrency: int, reps: int, work: Path, before: Path | None
) -> bool:
    inputs = work / f"in-{jobs}.jsonl"
    write_inputs(inputs, jobs)
    (work / "baseline.py").write_text(BASELINE)
    (work / "map.py").write_text(MAP)
    env = {**os.environ, "RUNCOMFY_BASE_URL": url, "RUNCOMFY_API_TOKEN": TOKEN}
    names = (*NAMES, BEFORE) if before is not None else NAMES
    found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for rep in range(reps):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for name in order:
            out = work / f"out-{jobs}-{rep}-{names.index(name)}"
            out.mkdir()
            reset(url)
            child = env
            if name == BEFORE:  # its sources first (and not run from here: -m imports ours)
                assert before is not None
                child = {**env, "PYTHONPATH": f"{before}{os.pathsep}{before / 'generated'}"}
            elapsed, cpu, peak, code = measured(
                argv_of(name, work, url, inputs, out, concurrency), child, work / "said.txt"
            )
            submits = stats(url)["submits"]
            if code != 0 or submits != jobs:
                print(f"  {name}: exit {code}, {submits} submits for {jobs} jobs", file=sys.stderr)
            found[name].append((elapsed, cpu, peak))
            shutil.rmtree(out, ignore_errors=True)
    print(f"{jobs} payloads, concurrency {concurrency}; median [min-max] of {reps} rotations")
    base_wall = statistics.median(r[0] for r in found[NAMES[0]])
    base_cpu = statistics.median(r[1] for r in found[NAMES[0]])
    for name, runs in found.items():
        walls, cpus, peaks = ([r[i] for r in runs] for i in range(3))
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(
            f"  {name:<20} wall {spread(walls)} s ({wall / base_wall:.2f}x)  "
            f"{jobs / wall:6.1f} jobs/s  CPU {spread(cpus)} s ({cpu / base_cpu:.2f}x)  "
            f"peak RSS {spread(peaks)} MB"
        )
    verdict = True
    for name in NAMES[2:]:
        ratio = statistics.median(r[0] for r in found[name]) / base_wall
        peak = max(r[2] for r in found[name])
        ok = ratio <= 1.3 and peak < 150
        verdict &= ok
        print(
            f"  goal: {name} <= 1.3x the loop's time ({ratio:.2f}x) and < 150 MB "
            f"({peak:.0f} MB): {'PASS' if ok else 'MISS'}"
        )
    return verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated payload counts")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--before", type=Path, default=None, help="another checkout's sources")
    args = parser.parse_args()
    before = args.before.resolve() if args.before is not None else None
    emulator, url = start_emulator(0.1, 0.2, max(args.concurrency, 64))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sizes = [int(n) for n in args.sizes.split(",")]
            verdicts = [
                compare(url, n, args.concurrency, args.reps, Path(tmp), before) for n in sizes
            ]
            print(f"map goals: {sum(verdicts)}/{len(verdicts)} PASS")
    finally:
        emulator.terminate()
        emulator.wait()


if __name__ == "__main__":
    main()
