"""``client.map(..., out=)`` in a process of its own, killed with SIGKILL at random moments and
run again: exactly once, as the CLI batch is (``test_batch_process.py``), on the same journal.
The emulator runs in this process, so the test reads the journal while the map writes it and
counts on the server what really happened.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.helpers import (
    SIZE,
    SUBPROCESS_LIMIT,
    TEXT_TO_IMAGE,
    InProcess,
    Rows,
    count,
    isolated_env,
    journal,
    lines_of,
    wait_for,
)

SUBMITTED = ("submitted", "finished", "downloaded")  # states past a submit: a job exists
CATALOG = Path(__file__).resolve().parent.parent / "examples" / "catalog.json"
PER_SECOND = "acme/clipper-1/text-to-video"  # $0.08 / second: $0.40 a clip of 5 s

MAP = """
import json, sys
from runcomfy import RunComfy

model, given, out, concurrency, cap = sys.argv[1:6]
with RunComfy() as client:
    run = client.map(
        model, json.loads(open(given).read()), out=out, concurrency=int(concurrency),
        max_cost=float(cap) if cap != "-" else None,
    )
    for outcome in run:
        print(json.dumps({"index": outcome.index, "kind": outcome.kind}), flush=True)
    print(json.dumps({"charged": run.totals.charged}), flush=True)
"""


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """Jobs of ~0.5 s with room for every worker, so a kill finds lines in every state (and
    conftest's `cli` runs against it)."""
    with EmulatorServer(
        REGISTRY, catalog=CATALOG, queue_seconds=0.2, run_seconds=0.3, workers=16
    ) as server:
        yield server


def start_map(
    server: EmulatorServer,
    model: str,
    given: Path,
    out: Path,
    config_dir: Path,
    *,
    concurrency: int = 8,
    cap: float | None = None,
) -> subprocess.Popen[str]:
    argv = [model, str(given), str(out), str(concurrency), "-" if cap is None else str(cap)]
    return subprocess.Popen(
        [sys.executable, "-c", MAP, *argv],
        env=isolated_env(server, config_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


INTERRUPTIBLE = """
import json, sys
from runcomfy import AsyncRunComfy, RunComfy

how, model, given, out = sys.argv[1:5]
payloads = json.loads(open(given).read())

async def asynchronous():
    async with AsyncRunComfy() as client:
        async for outcome in client.map(model, payloads, out=out, concurrency=4):
            pass

try:
    if how == "sync":
        with RunComfy() as client:
            for outcome in client.map(model, payloads, out=out, concurrency=4):
                pass
    else:
        import asyncio
        asyncio.run(asynchronous())
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


@pytest.mark.parametrize("how", ["sync", "async"])
def test_ctrl_c_during_submits_lets_them_finish_and_records_their_ids(
    emulator: EmulatorServer, cli: InProcess, tmp_path: Path, how: str
) -> None:
    emulator.add_fault("delay", "submit", count=100, seconds=1.0)
    given = tmp_path / "payloads.json"
    given.write_text(json.dumps(images(10)))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTIBLE, how, TEXT_TO_IMAGE, str(given), str(out)],
        env=isolated_env(emulator, cli.config_dir),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for(lambda: count(journal(out), "sent") > 0, "a submit on the wire")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=SUBPROCESS_LIMIT)
    assert process.returncode == 130 and "interrupted" in stdout, stderr
    rows = journal(out)
    assert count(rows, "submitting", "sent") == 0  # each submit in flight finished, its id kept
    assert count(rows, "submitted") >= 1
    assert emulator.stats().submits == len(rows)  # nothing sent after the stop
    emulator.clear_faults()
    final = to_the_end(start_map(emulator, TEXT_TO_IMAGE, given, out, cli.config_dir))
    assert [o["kind"] for o in final if "index" in o] == ["succeeded"] * 10
    assert emulator.stats().jobs_created == 10


def kill_when(process: subprocess.Popen[str], out: Path, lines_past_submit: int) -> Rows:
    wait_for(
        lambda: process.poll() is not None or count(journal(out), *SUBMITTED) >= lines_past_submit,
        f"{lines_past_submit} submitted payloads",
    )
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=SUBPROCESS_LIMIT)
    return journal(out)


def to_the_end(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    stdout, stderr = process.communicate(timeout=SUBPROCESS_LIMIT)
    assert process.returncode == 0, stderr
    return [json.loads(line) for line in stdout.splitlines()]


def images(number: int) -> list[dict[str, Any]]:
    return [{"prompt": f"prompt {n}", "width×height": SIZE} for n in range(1, number + 1)]


def test_a_map_killed_at_six_random_moments_resumes_with_one_job_per_payload_then_the_cli_finishes_it(  # noqa: E501
    emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    number = 48
    given = tmp_path / "payloads.json"
    given.write_text(json.dumps(images(number)))
    out = tmp_path / "out"
    rng = random.Random(2113)  # seeded: the same six moments on every run
    target, ambiguous = 0, set()
    for kill in range(6):
        target += rng.randint(3, 6)  # at most 36 of 48: every run is killed before its end
        process = start_map(emulator, TEXT_TO_IMAGE, given, out, cli.config_dir)
        rows = kill_when(process, out, target)
        assert process.returncode == -signal.SIGKILL, f"run {kill + 1} ended before its kill"
        ambiguous |= {line for line, (state, _) in rows.items() if state in ("sent", "ambiguous")}
        assert emulator.stats().jobs_created <= number

    outcomes = to_the_end(start_map(emulator, TEXT_TO_IMAGE, given, out, cli.config_dir))
    kinds = {o["index"]: o["kind"] for o in outcomes if "index" in o}
    assert sorted(kinds) == list(range(number))
    assert set(kinds.values()) <= {"succeeded", "ambiguous"}
    assert {i + 1 for i, kind in kinds.items() if kind == "ambiguous"} <= ambiguous
    stats = emulator.stats()
    assert stats.jobs_created <= number  # never more jobs than payloads
    said = (
        f"\nafter 6 kills and a rerun: {list(kinds.values()).count('succeeded')} succeeded, "
        f"{list(kinds.values()).count('ambiguous')} ambiguous; jobs: {stats.jobs_created}"
    )

    inputs = tmp_path / "in.jsonl"  # the same payloads as a file: the same batch
    inputs.write_text("".join(json.dumps(p) + "\n" for p in images(number)))
    final = cli(
        "batch", TEXT_TO_IMAGE, str(inputs), "--out", str(out), "--json", "--resubmit-ambiguous"
    )
    assert final.code == ExitCode.OK, final.stderr
    assert lines_of(final.json(), "succeeded") == list(range(1, number + 1))
    rows = journal(out)
    assert count(rows, "downloaded") == number
    assert len({rid for _, rid in rows.values()}) == number
    assert emulator.stats().jobs_created <= number + len(ambiguous)
    print(f"{said}; after the CLI's --resubmit-ambiguous: {emulator.stats().jobs_created}")


def test_a_map_killed_and_rerun_under_a_cap_never_spends_past_it(
    emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    clips = [{"prompt": f"clip {n}", "duration": 5} for n in range(12)]
    given = tmp_path / "clips.json"
    given.write_text(json.dumps(clips))
    out, cap = tmp_path / "out", 2.0  # five clips' worth
    for target in (1, 3):
        process = start_map(
            emulator, PER_SECOND, given, out, cli.config_dir, concurrency=4, cap=cap
        )
        kill_when(process, out, target)
    outcomes = to_the_end(
        start_map(emulator, PER_SECOND, given, out, cli.config_dir, concurrency=4, cap=cap)
    )
    kinds = [o["kind"] for o in outcomes if "index" in o]
    assert kinds.count("over_budget") >= 7
    spent = 0.40 * emulator.stats().jobs_created  # what the server charged, every run
    assert spent <= cap + 1e-9
    assert outcomes[-1]["charged"] <= cap + 1e-9
