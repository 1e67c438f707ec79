"""The emulator's per-request cost against the number of jobs it holds (issue: "The emulator's
per-request cost grows with every job it has ever held").

A job store on a manual clock is filled with N finished jobs (the history a long-running
emulator keeps), then 20 live jobs are submitted and asked about: status of a queued job (its
queue position counts the jobs ahead) and of a finished one, and a cancel of the newest queued
job (each on a job submitted for it: 2,500 more jobs, 100 for the replay). Each figure is the
median over 5 rounds of the mean cost of one request, in microseconds; "replay" is the
schedule the emulator had before (every job replayed on every request, kept as
``tests/replay_store.py``), "now" the incremental one. Goal: the cost at 10k jobs within
about 10 % of the cost at 1k.

Run: ``.venv/bin/python bench/bench_emulator_store.py`` (about 15 s).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from runcomfy_emulator.clock import ManualClock
from runcomfy_emulator.jobs import JobStore, OutputPlan, Timing
from tests.replay_store import ReplaySchedule

SIZES = (100, 1_000, 10_000, 50_000)
ROUNDS = 5
PLAN = OutputPlan("image", 64, 64)
TIMING = Timing(queue_seconds=1.0, run_seconds=2.0, workers=2)


class ReplayJobStore(JobStore):
    """The job store with the old schedule behind it: same routes, same answers."""

    def _start(self, timing: Timing) -> None:
        super()._start(timing)
        self._schedule = ReplaySchedule(timing.workers)  # type: ignore[assignment]


def filled(store_type: type[JobStore], jobs: int) -> tuple[JobStore, list[str]]:
    """A store holding ``jobs`` finished jobs, then 20 live ones (their ids)."""
    clock = ManualClock()
    store = store_type(clock, TIMING)
    for _ in range(jobs):
        store.create("m", {}, PLAN)
    clock.advance(jobs * TIMING.run_seconds + 10)  # type: ignore[operator]
    live = [store.create("m", {}, PLAN).request_id for _ in range(20)]
    clock.advance(0.5)
    return store, live


def per_request(requests: int, ask: Callable[[int], object]) -> float:
    """Median over rounds of the mean seconds of one ``ask``."""
    means = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for i in range(requests):
            ask(i)
        means.append((time.perf_counter() - started) / requests)
    return statistics.median(means)


def measure(store_type: type[JobStore], jobs: int) -> dict[str, float]:
    store, live = filled(store_type, jobs)
    old = next(iter(store._jobs))
    requests = 2000 if store_type is JobStore else max(5, 200_000 // (jobs + 1000))
    figures = {
        "status (queued)": per_request(requests, lambda i: store.snapshot(live[-1 - i % 10])),
        "status (finished)": per_request(requests, lambda i: store.snapshot(old)),
    }
    # Each cancel needs a job of its own, added to those held: few for the slow replay.
    cancels = 500 if store_type is JobStore else 20
    fresh = [store.create("m", {}, PLAN).request_id for _ in range(cancels * ROUNDS)]
    order = iter(reversed(fresh))  # the newest first: each cancel frees the last place
    figures["cancel (queued)"] = per_request(cancels, lambda i: store.cancel(next(order)))
    return figures


def main() -> None:
    print(__doc__.split("\n\n")[1].replace("\n", " "), "\n")
    header = f"{'jobs held':>10} | {'request':<18} | {'replay µs':>11} | {'now µs':>8}"
    print(header)
    print("-" * len(header))
    results: dict[int, dict[str, float]] = {}
    for jobs in SIZES:
        before, after = measure(ReplayJobStore, jobs), measure(JobStore, jobs)
        results[jobs] = after
        for name in after:
            print(
                f"{jobs:>10} | {name:<18} | {before[name] * 1e6:>11.1f} | {after[name] * 1e6:>8.2f}"
            )
        sys.stdout.flush()
    print()
    for name in results[1_000]:
        ratio = results[10_000][name] / results[1_000][name]
        verdict = "PASS" if ratio <= 1.10 else "MISS"
        print(f"{name:<18} 10k vs 1k: {ratio:5.2f}x  {verdict} (goal: within ~10 %)")


if __name__ == "__main__":
    main()
