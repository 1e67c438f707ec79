"""The incremental job schedule answers exactly as the replay it replaced, at a fraction of
the cost; checked on seeded random histories of submits, clock moves and cancels."""

from __future__ import annotations

import random

import pytest

from runcomfy_emulator.schedule import Schedule
from tests.replay_store import ReplaySchedule

Lengths = tuple[tuple[float, float], tuple[float, float]]
CONSTANT: Lengths = ((1.0, 1.0), (2.0, 2.0))
SPREAD: Lengths = ((0.0, 3.0), (0.5, 6.0))


def history(seed: int, workers: int, lengths: Lengths, cancels: bool = True) -> list[str]:
    """Run one random history on both schedules; every answer, side by side, as text."""
    rng = random.Random(seed)
    fast, replay = Schedule(workers), ReplaySchedule(workers)
    (q_lo, q_hi), (r_lo, r_hi) = lengths
    now = 0.0
    seen: list[str] = []
    for _ in range(120):
        action = rng.random()
        if action < 0.45:
            ready, run = now + rng.uniform(q_lo, q_hi), rng.uniform(r_lo, r_hi)
            assert fast.add(ready, run) == replay.add(ready, run)
        elif action < 0.75:
            now += rng.choice([0.0, 0.25, 0.5, 1.0, 2.0])
        elif cancels and len(fast):
            index = rng.randrange(len(fast))
            seen.append(f"cancel {index} at {now}: {fast.cancel(index, now)}")
            assert seen[-1] == f"cancel {index} at {now}: {replay.cancel(index, now)}"
        for index in range(len(fast)):
            phase = fast.phase(index, now)
            expected = (phase, fast.start(index), fast.end(index))
            assert expected == (replay.phase(index, now), replay.start(index), replay.end(index))
            if phase == "in_queue":
                position = fast.queue_position(index, now)
                assert position == replay.queue_position(index, now), (index, now)
        seen.append(" ".join(fast.phase(i, now)[:4] for i in range(len(fast))))
    return seen


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("seed", range(5))
def test_the_schedule_answers_as_the_replay_did(seed: int, workers: int) -> None:
    assert history(seed, workers, CONSTANT)


@pytest.mark.parametrize("seed", range(4))
def test_spread_lengths_without_cancels_answer_as_the_replay(seed: int) -> None:
    assert history(seed, 2, SPREAD, cancels=False)


@pytest.mark.parametrize("seed", range(6))
def test_with_spread_lengths_a_cancel_never_rewrites_the_past(seed: int) -> None:
    """Spread lengths: what was seen stays true, and never more jobs run than workers."""
    rng = random.Random(seed)
    workers = 2
    schedule = Schedule(workers)
    started: dict[int, float] = {}
    finished: set[int] = set()
    now = 0.0
    for _ in range(300):
        action = rng.random()
        if action < 0.4:
            schedule.add(now + rng.uniform(0, 3), rng.uniform(0.5, 6))
        elif action < 0.7:
            now += rng.choice([0.25, 0.5, 1.0])
        elif len(schedule):
            schedule.cancel(rng.randrange(len(schedule)), now)
        phases = [schedule.phase(i, now) for i in range(len(schedule))]
        assert phases.count("in_progress") <= workers
        for index, phase in enumerate(phases):
            if index in started:
                assert schedule.start(index) == started[index]
                assert phase in ("in_progress", "finished")
            if index in finished:
                assert phase == "finished"
            if phase == "in_progress":
                started[index] = schedule.start(index)  # type: ignore[assignment]
            if phase == "finished":
                finished.add(index)
            if phase == "in_queue":
                start = schedule.start(index)
                assert start is not None and start > now
                ahead = sum(p == "in_queue" for p in phases[:index])
                assert schedule.queue_position(index, now) == ahead + 1


def test_a_cancel_moves_the_later_jobs_up_one_slot() -> None:
    schedule = Schedule(1)
    ids = [schedule.add(1.0, 2.0) for _ in range(4)]
    assert [schedule.start(i) for i in ids] == [1.0, 3.0, 5.0, 7.0]
    assert schedule.cancel(ids[1], 0.5)
    assert [schedule.start(i) for i in ids] == [1.0, None, 3.0, 5.0]
    assert [schedule.queue_position(i, 0.5) for i in (0, 2, 3)] == [1, 2, 3]
    assert not schedule.cancel(ids[0], 1.0)  # running: not cancellable
