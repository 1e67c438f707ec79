"""``runcomfy batch`` against a plain asyncio + httpx loop: time and peak memory, at 1,000 and
10,000 lines, interleaved pairs, repeated.

The emulator runs in its own process (short jobs: 0.1 s queued, 0.2 s running, room for every
job at once); each contender runs as a child process over the same input at the same
concurrency and does the same work per job: submit, poll, fetch the result, save the output
file. The loop retries like our client does (GETs on connection errors, 429 and 5xx with capped
backoff; a submit only when the connection failed), so it survives 10,000 jobs instead of dying
on the first ``ReadError``; it polls every 0.25 s. Peak memory is the child's own maximum
resident set (``wait4``), so neither figure includes the emulator.

Goals: the runner within 1.3x of the loop's time, and under 150 MB, at each size.

``--kill-trials N`` measures instead how often a SIGKILL at a random moment lands inside a
submit (the window no client can close): N runs of a 50-line batch, each killed at a random
time and resumed.

Run from the repository root: ``.venv/bin/python bench/bench_batch.py [--sizes 1000,10000]
[--reps 5]`` (the 10,000-line pairs take about 3 minutes each).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

MODEL = "bytedance/dreamina-4-0/text-to-image"
TOKEN = "bench-token"
RUNCOMFY = Path(sys.executable).with_name("runcomfy")

BASELINE = r"""
import asyncio, json, random, sys
from pathlib import Path
import httpx

RETRIED = (429, 500, 502, 503, 504)

async def get(client, url):
    for attempt in range(5):  # like the runtime's RetryPolicy: 4 retries, 0.5 s doubled to 8 s
        try:
            answer = await client.get(url)
            if answer.status_code not in RETRIED:
                return answer
        except httpx.TransportError:
            if attempt == 4:
                raise
        await asyncio.sleep(min(8.0, 0.5 * 2 ** attempt) * (0.5 + random.random() / 2))
    return answer

async def submit(client, url, payload):
    for attempt in range(5):  # only a connection that never opened may be tried again
        try:
            return await client.post(url, json=payload)
        except httpx.ConnectError:
            await asyncio.sleep(min(8.0, 0.5 * 2 ** attempt))
    raise RuntimeError("could not connect")

async def one(client, sem, base, model, payload, out, n):
    async with sem:
        rid = (await submit(client, f"{base}/v1/models/{model}", payload)).json()["request_id"]
        while True:
            await asyncio.sleep(0.25)
            s = (await get(client, f"{base}/v1/requests/{rid}/status")).json()
            if s["status"] == "completed":
                break
        result = (await get(client, f"{base}/v1/requests/{rid}/result")).json()
        output = result["output"]
        url = output["image"] if "image" in output else output["images"][0]
        data = (await get(client, url)).content
        (out / f"{n}.png").write_bytes(data)

async def main(base, token, model, inputs, out, concurrency):
    sem = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    async with httpx.AsyncClient(headers=headers, timeout=60, limits=limits) as client:
        lines = Path(inputs).read_text().splitlines()
        await asyncio.gather(*(one(client, sem, base, model, json.loads(t), Path(out), n)
                               for n, t in enumerate(lines, 1)))

base, token, model, inputs, out, concurrency = sys.argv[1:]
asyncio.run(main(base, token, model, inputs, out, int(concurrency)))
"""


def start_emulator(queue: float, run: float, workers: int) -> tuple[subprocess.Popen[str], str]:
    argv = [
        sys.executable,
        "-m",
        "runcomfy",
        "emulator",
        "--port",
        "0",
        "--token",
        TOKEN,
        "--queue-seconds",
        str(queue),
        "--run-seconds",
        str(run),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()  # "RunComfy Model API emulator at http://127.0.0.1:N"
    url = first.rsplit(" ", 1)[-1].strip()
    for _ in range(200):
        try:
            httpx.get(url + "/inputs", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return process, url


def reset(url: str) -> None:
    httpx.post(url + "/_emulator/reset", headers={"Authorization": f"Bearer {TOKEN}"})


def stats(url: str) -> dict[str, object]:
    answer = httpx.get(url + "/_emulator/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    return dict(answer.json())


def measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit status) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 and process.stderr is not None:
        print(process.stderr.read().decode()[-2000:], file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, process.returncode


def write_inputs(path: Path, jobs: int) -> None:
    lines = (
        json.dumps({"prompt": f"prompt {n}", "width×height": "1024x1024(1:1)"}) for n in range(jobs)
    )
    path.write_text("\n".join(lines) + "\n")


def compare(url: str, jobs: int, concurrency: int, reps: int, work: Path) -> bool:
    """Interleaved pairs (the order alternates), ``reps`` of them; True when the goals hold."""
    inputs = work / f"in-{jobs}.jsonl"
    write_inputs(inputs, jobs)
    env = {**os.environ, "RUNCOMFY_BASE_URL": url, "RUNCOMFY_API_TOKEN": TOKEN}
    script = work / "baseline.py"
    script.write_text(BASELINE)
    names = ["asyncio+httpx loop", "runcomfy batch"]
    found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for rep in range(reps):
        for name in names if rep % 2 == 0 else names[::-1]:
            out = work / f"{name.split()[0]}-{jobs}-{rep}"
            out.mkdir()
            argv = {
                "asyncio+httpx loop": [
                    sys.executable,
                    str(script),
                    url,
                    TOKEN,
                    MODEL,
                    str(inputs),
                    str(out),
                    str(concurrency),
                ],
                "runcomfy batch": [
                    str(RUNCOMFY),
                    "batch",
                    MODEL,
                    str(inputs),
                    "--out",
                    str(out),
                    "--concurrency",
                    str(concurrency),
                    "--quiet",
                ],
            }[name]
            reset(url)
            elapsed, cpu, peak, code = measured(argv, env)
            submits = stats(url)["submits"]
            if code != 0 or submits != jobs:
                print(f"  {name}: exit {code}, {submits} submits for {jobs} jobs", file=sys.stderr)
            found[name].append((elapsed, cpu, peak))
            shutil.rmtree(out, ignore_errors=True)
    print(f"{jobs} jobs, concurrency {concurrency}; median [min-max] of {reps} interleaved pairs")
    for name, runs in found.items():
        walls, cpus, peaks = ([r[i] for r in runs] for i in range(3))
        print(
            f"  {name:<20} {spread(walls)} s  {jobs / statistics.median(walls):6.1f} jobs/s  "
            f"CPU {spread(cpus)} s  peak RSS {spread(peaks)} MB"
        )
    ratio = statistics.median(r[0] for r in found["runcomfy batch"]) / statistics.median(
        r[0] for r in found["asyncio+httpx loop"]
    )
    peak = max(r[2] for r in found["runcomfy batch"])
    ok = ratio <= 1.3 and peak < 150
    print(
        f"  goal: runner <= 1.3x the loop's time ({ratio:.2f}x) and < 150 MB ({peak:.0f} MB): "
        f"{'PASS' if ok else 'MISS'}"
    )
    return ok


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.1f} [{min(values):.1f}-{max(values):.1f}]"


def journal_states(out: Path) -> dict[str, int]:
    path = out / ".runcomfy-batch.sqlite"
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return dict(db.execute("SELECT state, count(*) FROM lines GROUP BY state").fetchall())
    except sqlite3.OperationalError:
        return {}


def kill_trials(url: str, trials: int, work: Path) -> None:
    """Random SIGKILLs: how many lines each leaves in ``sent`` (ambiguous: see
    ``kill_ambiguity.py`` for the old rule against the new), and how many of those the server
    had in fact accepted (jobs beyond one per line, after resubmitting)."""
    inputs = work / "in.jsonl"
    write_inputs(inputs, 50)
    env = {**os.environ, "RUNCOMFY_BASE_URL": url, "RUNCOMFY_API_TOKEN": TOKEN}
    rng = random.Random(7)
    hits = kills = orphans = 0
    for trial in range(trials):
        reset(url)
        out = work / f"kill{trial}"
        argv = [
            str(RUNCOMFY),
            "batch",
            MODEL,
            str(inputs),
            "--out",
            str(out),
            "--quiet",
            "--concurrency",
            "8",
        ]
        for _ in range(3):
            process = subprocess.Popen(
                argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(rng.uniform(0.3, 2.5))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
            hits += journal_states(out).get("sent", 0)
        subprocess.run(
            [*argv, "--resubmit-ambiguous"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        created = stats(url)["jobs_created"]
        assert isinstance(created, int)
        orphans += created - 50
    print(
        f"{kills} random SIGKILLs at concurrency 8: {hits} lines left inside a submit "
        f"(ambiguous); {orphans} of them had reached the server (a second job on resubmit)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated line counts")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--kill-trials", type=int, default=0)
    args = parser.parse_args()
    emulator, url = start_emulator(0.1, 0.2, max(args.concurrency, 64))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.kill_trials:
                reset(url)
                kill_trials(url, args.kill_trials, Path(tmp))
            else:
                sizes = [int(n) for n in args.sizes.split(",")]
                verdicts = [compare(url, n, args.concurrency, args.reps, Path(tmp)) for n in sizes]
                print(f"batch goals: {sum(verdicts)}/{len(verdicts)} PASS")
    finally:
        emulator.terminate()
        emulator.wait()


if __name__ == "__main__":
    main()
