"""What the user watches: a batch's bar with elapsed time, rate and ETA, counting each line
under the summary's own word (``ambiguous`` is never ``failed``); one job's lines with the
time since it started."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.progress import ENDED_AS, Counts, StatusLine, clock_time
from runcomfy_cli.summary import KINDS
from runcomfy_emulator import EmulatorServer
from tests.conftest import QUICK_JOBS
from tests.helpers import TEXT_TO_IMAGE, InProcess, write_lines

EMULATOR_JOBS = QUICK_JOBS


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (9.6, "0:10"), (75, "1:15"), (3599, "59:59"), (3725, "1:02:05"), (-3, "0:00")],
)
def test_clock_time(seconds: float, shown: str) -> None:
    assert clock_time(seconds) == shown


def test_every_outcome_of_the_summary_has_its_word_on_the_bar() -> None:
    assert set(ENDED_AS) == set(KINDS)
    assert ENDED_AS["ambiguous"] == "ambiguous"


def test_the_bar_shows_elapsed_time_rate_and_eta() -> None:
    clock = Clock()
    counts = Counts(total=40, queued=40, clock=clock)
    counts.end("skipped")  # an invalid line, before the run: not part of the rate
    counts.start()
    assert counts.timing() == "0:00 elapsed, 0.00 lines/s, ETA ?"
    clock.now += 20
    for kind in ["succeeded"] * 8 + ["ambiguous", "failed"]:
        counts.end(kind)
    counts.running, counts.queued = 4, 25
    assert counts.bar() == (
        "[#######.................] 11/40  done 8  failed 1  skipped 1  ambiguous 1  "
        "running 4  queued 25  |  0:20 elapsed, 0.50 lines/s, ETA 0:58"
    )
    for _ in range(29):
        counts.end("succeeded")
    assert counts.timing().endswith("ETA 0:00")


def test_a_lost_submit_is_ambiguous_on_the_bar_as_in_the_summary(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("drop_after", "submit")
    inputs = write_lines(tmp_path / "in.jsonl", 3)
    ran = cli("batch", TEXT_TO_IMAGE, str(inputs), "--out", str(tmp_path / "out"),
              "--concurrency", "1")  # fmt: skip
    assert ran.code == ExitCode.INCOMPLETE
    (last,) = [line for line in ran.stderr.splitlines() if line.startswith("[")][-1:]
    assert "done 2  failed 0  skipped 0  ambiguous 1" in last
    assert " elapsed, " in last and " lines/s, ETA " in last
    assert "3 lines: 2 succeeded, 1 ambiguous" in ran.stdout


def test_one_jobs_lines_say_how_long_it_has_been() -> None:
    clock = Clock()
    stream = io.StringIO()
    line = StatusLine(stream, live=False, clock=clock)
    clock.now += 65
    line.update("req-1: in_progress")
    line.update("req-1: in_progress")  # no change: no line
    clock.now += 3600
    line.update("req-1: completed")
    assert stream.getvalue().splitlines() == [
        "req-1: in_progress  (1:05 elapsed)",
        "req-1: completed  (1:01:05 elapsed)",
    ]
