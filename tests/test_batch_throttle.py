"""Rate limits met as a whole: with the emulator refusing submits with 429 past a quota (30 a
second), a batch of 200 lines at concurrency 64 lowers how many submits it sends at once,
creates exactly one job per line, and says it throttled. The client's rate limiter paces the
calls and makes a refused submit wait for its slot (``runcomfy_runtime/throttle.py``); the
engine narrows its window on each 429 the limiter reports. The falling submit rate, with half
of all submits refused, is measured in ``bench/bench_throttle.py``: rates are figures, not
assertions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY, RunComfy
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.helpers import TEXT_TO_IMAGE, InProcess, lines_of, write_lines

QUOTA = "submit:quota=30/0.2x100000"  # past 30 submits a second: 429, Retry-After 0.2 s


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:  # conftest's `cli` runs against this one
    with EmulatorServer(REGISTRY, queue_seconds=0.05, run_seconds=0.1, workers=64) as server:
        server.add_faults(QUOTA)
        yield server


def test_a_batch_over_its_quota_throttles_and_creates_one_job_per_line(
    emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 200)
    ran = cli(
        "batch", TEXT_TO_IMAGE, str(inputs), "--out", str(tmp_path / "out"),
        "--concurrency", "64", "--json",
    )  # fmt: skip
    assert ran.code == ExitCode.OK, ran.stderr
    record = ran.json()
    assert lines_of(record, "succeeded") == list(range(1, 201))
    assert emulator.stats().jobs_created == 200
    assert record["throttled"] is True
    assert record["lowest_concurrency"] < 64
    assert record["rate_limited_submits"] >= 1
    assert emulator.stats().faults_fired["quota"] == emulator.stats().submits - 200  # no job


def test_map_throttles_too_and_says_so_in_its_totals(emulator: EmulatorServer) -> None:
    payloads = [{"prompt": f"p{n}", "width×height": "1024x1024(1:1)"} for n in range(40)]
    with RunComfy(api_token=emulator.token, base_url=emulator.url) as client:
        run = client.map(TEXT_TO_IMAGE, payloads, concurrency=32)
        assert all(o.ok for o in run)
    assert emulator.stats().jobs_created == 40
    throttling = run.totals.throttling
    assert throttling.throttled and throttling.lowest < 32
    assert "were refused with 429" in throttling.text()
