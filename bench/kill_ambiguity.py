"""How many lines a ``kill -9`` leaves ambiguous: the old journal rule against the new one.

Journal version 1 recorded ``submitting`` before a submit and nothing more until its request id:
every line in ``submitting`` at a kill was ambiguous (a job may exist), and a rerun would not
submit it again without ``--resubmit-ambiguous``. Version 2 also records ``sent`` just before
the request's body leaves (the client's ``on_sent``), so a line still in ``submitting`` provably
never reached the server and is submitted again by itself; only lines in ``sent`` are ambiguous.

The emulator runs in its own process (jobs 0.1 s queued, 0.2 s running, room for all). Each
trial starts ``runcomfy batch`` at ``--concurrency 64`` on a 1,000-line file, kills it with
SIGKILL at a random moment (seeded), and reads the journal: NEW counts the lines this kill
left in ``sent`` (ambiguous now), OLD those plus the lines it left in ``submitting`` (what
version 1, which could not tell them apart, would have called ambiguous). A run that ends
before its kill starts a new folder. At the end each folder is finished with
``--resubmit-ambiguous`` and the jobs beyond one per line are counted: those are the ambiguous
lines whose job the server really had (at most NEW, never more).

Run from the repository root: ``.venv/bin/python bench/kill_ambiguity.py [--kills 24]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from emulator_process import TOKEN, emulator_process

MODEL = "bytedance/dreamina-4-0/text-to-image"
RUNCOMFY = Path(sys.executable).with_name("runcomfy")
LINES = 1000


def write_inputs(path: Path) -> None:
    lines = (
        json.dumps({"prompt": f"prompt {n}", "width×height": "1024x1024(1:1)"})
        for n in range(LINES)
    )
    path.write_text("\n".join(lines) + "\n")


def states(out: Path) -> dict[int, str]:
    """line -> state, as the journal holds it."""
    path = out / ".runcomfy-batch.sqlite"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return dict(db.execute("SELECT line, state FROM lines").fetchall())
    except sqlite3.Error:
        return {}


def lines_in(found: dict[int, str], *wanted: str) -> set[int]:
    return {line for line, state in found.items() if state in wanted}


def jobs_created(url: str) -> int:
    answer = httpx.get(f"{url}/_emulator/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    created = answer.json()["jobs_created"]
    assert isinstance(created, int)
    return created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kills", type=int, default=24)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory() as tmp,
        emulator_process(
            "--queue-seconds", "0.1", "--run-seconds", "0.2", "--workers", "256"
        ) as url,
    ):
        work = Path(tmp)
        inputs = work / "in.jsonl"
        write_inputs(inputs)
        env = {**os.environ, "RUNCOMFY_BASE_URL": url, "RUNCOMFY_API_TOKEN": TOKEN}
        env["RUNCOMFY_CONFIG_DIR"] = str(work / "config")
        folders: list[Path] = []
        totals = {"old": 0, "new": 0}
        print(
            f"{args.kills} kills of `runcomfy batch` at --concurrency {args.concurrency}, "
            f"{LINES} lines per folder"
        )
        print(f"{'kill':>4} {'after':>7} {'OLD: submitting+sent':>21} {'NEW: sent':>10}")
        kill = 0
        finished = True  # the last folder: start a new one
        while kill < args.kills:
            if finished:
                folders.append(work / f"out{len(folders)}")
                finished = False
            out = folders[-1]
            before = lines_in(states(out), "sent", "ambiguous")  # left by an earlier kill
            argv = [str(RUNCOMFY), "batch", MODEL, str(inputs), "--out", str(out), "-q",
                    "--concurrency", str(args.concurrency)]  # fmt: skip
            process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)  # fmt: skip
            delay = rng.uniform(0.5, 2.0)
            time.sleep(delay)
            if process.poll() is not None:  # it ended first (0, or 10: lines left ambiguous)
                if process.returncode not in (0, 10):
                    assert process.stderr is not None
                    raise SystemExit(f"the batch failed: {process.stderr.read().decode()}")
                finished = True
                continue
            process.send_signal(signal.SIGKILL)
            process.wait()
            kill += 1
            found = states(out)
            new = len(lines_in(found, "sent", "ambiguous") - before)  # this kill's
            old = new + len(lines_in(found, "submitting"))
            totals["old"] += old
            totals["new"] += new
            print(f"{kill:>4} {delay:>6.2f}s {old:>21} {new:>10}")
        for out in folders:  # finish every folder, resending the ambiguous lines
            argv = [str(RUNCOMFY), "batch", MODEL, str(inputs), "--out", str(out), "-q",
                    "--concurrency", str(args.concurrency), "--resubmit-ambiguous"]  # fmt: skip
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)  # fmt: skip
        created = jobs_created(url)
        print(
            f"total lines left ambiguous: OLD rule {totals['old']}, NEW rule {totals['new']} "
            f"({totals['old'] - totals['new']} lines proved unsent, resubmitted by themselves)"
        )
        print(
            f"jobs created: {created} for {len(folders)} folders of {LINES} lines; beyond one "
            f"per line: {created - len(folders) * LINES} (ambiguous lines whose job the server "
            f"had; at most the NEW count)"
        )


if __name__ == "__main__":
    main()
