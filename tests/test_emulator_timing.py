"""Job lengths drawn from ranges (``--run-seconds 15-25``): even, seeded, deterministic."""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator

import httpx
import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer, ManualClock
from runcomfy_emulator.__main__ import seconds
from tests.emulator_http import answer, client_for, submit

TEXT_TO_IMAGE = "bytedance/dreamina-4-0/text-to-image"


def lengths(server: EmulatorServer, client: httpx.Client, jobs: int) -> list[tuple[float, float]]:
    """(queue, run) seconds of ``jobs`` new jobs, read off the emulator's schedule."""
    ids = [submit(client, TEXT_TO_IMAGE, {"prompt": f"{i}"})["request_id"] for i in range(jobs)]
    store = server.emulator.jobs
    found = []
    for rid in ids:
        job = store.snapshot(rid)
        assert job is not None
        index = job.job.index
        start, end = store._schedule.start(index), store._schedule.end(index)
        assert start is not None and end is not None
        found.append((round(start - job.job.created, 9), round(end - start, 9)))
    return found


def expected(
    seed: int, jobs: int, queue: tuple[float, float], run: tuple[float, float]
) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(round(rng.uniform(*queue), 9), round(rng.uniform(*run), 9)) for _ in range(jobs)]


def test_run_and_queue_lengths_are_drawn_evenly_from_a_seeded_generator() -> None:
    clock = ManualClock()
    options = {"queue_seconds": (1.0, 2.0), "run_seconds": (15.0, 25.0), "workers": 8}
    with EmulatorServer(REGISTRY, clock=clock, seed=7, **options) as server:  # type: ignore[arg-type]
        with client_for(server) as client:
            first = lengths(server, client, 5)
            assert first == expected(7, 5, (1.0, 2.0), (15.0, 25.0))
            assert all(15 <= run <= 25 and 1 <= queue <= 2 for queue, run in first)
            assert len({run for _, run in first}) == 5  # spread, not one length
            server.reset()  # the generator starts again from its seed
            assert lengths(server, client, 5) == first
            server.reset(seed=8)
            assert lengths(server, client, 5) == expected(8, 5, (1.0, 2.0), (15.0, 25.0))


def test_a_range_is_set_over_http_and_shown_as_a_list(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    body = answer(api.post("/_emulator/reset", json={"run_seconds": [15, 25], "seed": 3}), 200)
    assert body["run_seconds"] == [15.0, 25.0] and body["seed"] == 3
    bad = api.post("/_emulator/reset", json={"run_seconds": [25, 15]})
    assert bad.status_code == 400 and "low <= high" in bad.json()["error_message"]


@pytest.mark.parametrize(
    ("text", "value"), [("3", 3.0), ("0.5", 0.5), ("15-25", (15.0, 25.0)), ("1.5-2", (1.5, 2.0))]
)
def test_the_command_line_reads_seconds_or_a_range(text: str, value: object) -> None:
    assert seconds(text) == value


@pytest.mark.parametrize("text", ["soon", "1-", "-3", "1-2-3"])
def test_an_unreadable_length_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        seconds(text)


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with client_for(emulator) as client:
        yield client


def test_a_cycle_of_lengths_gives_each_job_the_next_one_in_turn() -> None:
    from runcomfy_emulator.__main__ import seconds
    from runcomfy_emulator.clock import ManualClock
    from runcomfy_emulator.jobs import Cycle, JobStore, OutputPlan, Timing

    assert seconds("3.5,1,2") == Cycle((3.5, 1.0, 2.0))
    clock = ManualClock()
    store = JobStore(clock, Timing(queue_seconds=0.0, run_seconds=Cycle((3.0, 1.0)), workers=8))
    jobs = [store.create("m", {}, OutputPlan("image", 1, 1)) for _ in range(4)]
    clock.advance(1.5)
    phases = [store.snapshot(j.request_id).phase for j in jobs]  # type: ignore[union-attr]
    assert phases == ["in_progress", "finished", "in_progress", "finished"]
