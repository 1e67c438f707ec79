"""Rate limits met as a whole: with the emulator refusing submits with 429 past a quota (30 a
second), a batch of 200 lines at concurrency 64 lowers how many submits it sends at once,
creates exactly one job per line, and says it throttled. The client's rate limiter paces the
calls and makes a refused submit wait for its slot (``runcomfy_runtime/throttle.py``); the
engine narrows its window on each 429 the limiter reports. The falling submit rate, with half
of all submits refused, is measured in ``bench/bench_throttle.py``: rates are figures, not
assertions."""

from __future__ import annotations

import time
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


def test_a_run_closed_under_429s_drops_the_submits_not_in_the_air_and_loses_no_id() -> None:
    # Every other submit refused with Retry-After 3 s: when the run is closed, most submits
    # are waiting out a 429 or for a slot, not in the air. Those are dropped at once (before,
    # close() waited them out, 429 after 429, and each then made a job the caller never saw).
    with EmulatorServer(REGISTRY, queue_seconds=0.05, run_seconds=0.1, workers=64) as server:
        server.add_faults("submit:rate_limit=3x100000%2")
        payloads = [{"prompt": f"p{n}", "width×height": "1024x1024(1:1)"} for n in range(60)]
        with RunComfy(api_token=server.token, base_url=server.url) as client:
            run = client.map(TEXT_TO_IMAGE, payloads, concurrency=32)
            taken = [next(iter(run))]
            started = time.monotonic()
            run.close()
            closing = time.monotonic() - started
            closed = server.stats()
            time.sleep(4.0)  # past the Retry-After: a submit still held would have gone now
            later = server.stats()
        assert closing < 3.0, f"close() waited {closing:.1f} s: it waited out a 429"
        assert later.submits == closed.submits and later.jobs_created == closed.jobs_created
        left = run.left
        assert {o.index for o in [*taken, *left]} == set(range(60))  # every payload accounted
        known = {o.request_id for o in [*taken, *left] if o.request_id}
        assert len(known) == closed.jobs_created  # every job made has its id in the outcomes
        assert closed.jobs_created < 60
