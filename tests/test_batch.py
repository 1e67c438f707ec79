"""``runcomfy batch``: invalid lines skipped, failures reported, and resumption after ``kill -9``.

The batch runs as the installed command in a subprocess, against an emulator in this process,
so the test can SIGKILL it while reading its journal (SQLite in WAL mode allows a reader beside
the writer) and count on the server what really happened.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.journal import FILENAME
from runcomfy_emulator import EmulatorServer
from tests.test_cli import RUNCOMFY, SUBPROCESS_LIMIT, cli

MODEL = "bytedance/dreamina-4-0/text-to-image"
SIZE = "1024x1024(1:1)"  # the smallest output: the emulator renders one PNG per download


def write_lines(path: Path, count: int, bad: dict[int, str] | None = None) -> Path:
    """``count`` lines of valid input, with line numbers (1-based) in ``bad`` replaced."""
    lines = [
        json.dumps({"prompt": f"prompt {n}", "width×height": SIZE}) for n in range(1, count + 1)
    ]
    for number, text in (bad or {}).items():
        lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def journal(out: Path) -> dict[int, tuple[str, str | None]]:
    """line -> (state, request id), read as the runner left it (empty before it exists)."""
    path = out / FILENAME
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            rows = db.execute("SELECT line, state, request_id FROM lines").fetchall()
    except sqlite3.OperationalError:  # created but its tables not yet: nothing recorded
        return {}
    return {line: (state, rid) for line, state, rid in rows}


def saved_files(out: Path) -> dict[Path, tuple[int, int]]:
    """Every output file under ``out`` and its (inode, mtime): a rewrite changes both."""
    found = {}
    for path in out.glob("*/*"):
        stat = path.stat()
        found[path] = (stat.st_ino, stat.st_mtime_ns)
    return found


def batch(
    server: EmulatorServer, inputs: Path, out: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    return cli(server, "batch", MODEL, str(inputs), "--out", str(out), "--json", *extra)


def summary(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    record: dict[str, object] = json.loads(done.stdout)
    return record


def lines_of(record: dict[str, object], kind: str) -> list[int]:
    entries = record[f"{kind}_lines"]
    assert isinstance(entries, list)
    return [entry["line"] for entry in entries]


# -- one run -----------------------------------------------------------------------------------


def test_invalid_lines_are_reported_with_their_number_and_skipped(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    bad = {2: "{not json", 4: json.dumps({"prompt": "x", "width×height": "999"}), 5: "[1, 2]"}
    inputs = write_lines(tmp_path / "in.jsonl", 6, bad)
    done = batch(emulator, inputs, tmp_path / "out", "--concurrency", "3")
    assert done.returncode == ExitCode.INCOMPLETE, done.stderr
    record = summary(done)
    assert lines_of(record, "skipped") == [2, 4, 5]
    assert lines_of(record, "succeeded") == [1, 3, 6]
    assert "must be one of" in json.dumps(record["skipped_lines"])
    assert emulator.stats().submits == 3
    assert sorted(p.parent.name for p in saved_files(tmp_path / "out")) == [
        "000001", "000003", "000006",
    ]  # fmt: skip


def test_a_finished_batch_run_again_sends_and_fetches_nothing(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 5)
    out = tmp_path / "out"
    first = batch(emulator, inputs, out)
    assert first.returncode == ExitCode.OK, first.stderr
    files, before = saved_files(out), emulator.stats()
    again = batch(emulator, inputs, out)
    assert again.returncode == ExitCode.OK, again.stderr
    assert lines_of(summary(again), "succeeded") == [1, 2, 3, 4, 5]
    after = emulator.stats()
    assert after.requests == before.requests  # no submit, no poll, no download
    assert saved_files(out) == files


def test_a_failed_job_is_reported_and_submitted_again_only_when_asked(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("job_failed", "submit", message="out of GPUs")
    inputs = write_lines(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out"
    done = batch(emulator, inputs, out, "--concurrency", "1")
    assert done.returncode == ExitCode.INCOMPLETE
    assert lines_of(summary(done), "failed") == [1]
    assert "out of GPUs" in json.dumps(summary(done)["failed_lines"])
    again = batch(emulator, inputs, out)
    assert lines_of(summary(again), "failed") == [1]
    assert emulator.stats().submits == 3
    retried = batch(emulator, inputs, out, "--retry-failed")
    assert retried.returncode == ExitCode.OK, retried.stderr
    assert emulator.stats().submits == 4


def test_a_lost_submit_answer_is_ambiguous_and_resubmitted_only_when_asked(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("drop_after", "submit")  # the job is created, its answer never arrives
    inputs = write_lines(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out"
    done = batch(emulator, inputs, out, "--concurrency", "1")
    assert done.returncode == ExitCode.INCOMPLETE
    assert lines_of(summary(done), "ambiguous") == [1]
    again = batch(emulator, inputs, out)
    assert lines_of(summary(again), "ambiguous") == [1]
    assert emulator.stats().submits == 3
    resent = batch(emulator, inputs, out, "--resubmit-ambiguous")
    assert resent.returncode == ExitCode.OK, resent.stderr
    assert emulator.stats().submits == 4
    assert emulator.stats().jobs_created == 4  # the lost job exists: the user was warned


def test_a_submit_answered_with_junk_is_ambiguous_and_never_resubmitted_unasked(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("garble_after", "submit", body="")  # 200, empty: the job exists
    inputs = write_lines(tmp_path / "in.jsonl", 2)
    out = tmp_path / "out"
    done = batch(emulator, inputs, out, "--concurrency", "1")
    assert done.returncode == ExitCode.INCOMPLETE
    assert lines_of(summary(done), "ambiguous") == [1]
    again = batch(emulator, inputs, out)
    assert lines_of(summary(again), "ambiguous") == [1]
    assert emulator.stats().submits == 2  # line 1 once, line 2 once: nothing paid twice
    assert emulator.stats().jobs_created == 2


def test_two_batches_on_one_folder_cannot_run_at_once(
    slow_emulator: EmulatorServer, tmp_path: Path
) -> None:
    lines = 30
    inputs = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out"
    first = start(slow_emulator, inputs, out)
    deadline = time.monotonic() + SUBPROCESS_LIMIT
    while not (out / ".runcomfy-batch.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    second = batch(slow_emulator, inputs, out)
    assert second.returncode != ExitCode.OK
    assert "another batch is running" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert first.wait(SUBPROCESS_LIMIT) == ExitCode.OK
    assert slow_emulator.stats().jobs_created == lines  # one job per line, none twice
    third = batch(slow_emulator, inputs, out)  # the lock went with its holder
    assert third.returncode == ExitCode.OK, third.stderr
    assert slow_emulator.stats().jobs_created == lines


def test_a_refused_token_stops_the_batch_with_the_auth_code(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 20)
    done = cli(
        emulator, "batch", MODEL, str(inputs), "--out", str(tmp_path / "out"), "--json",
        token="wrong",
    )  # fmt: skip
    assert done.returncode == ExitCode.AUTH
    assert emulator.stats().jobs_created == 0
    assert journal(tmp_path / "out") == {}  # refused submits leave no trace: a rerun sends them


def test_a_journal_of_another_model_is_refused(emulator: EmulatorServer, tmp_path: Path) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 1)
    assert batch(emulator, inputs, tmp_path / "out").returncode == ExitCode.OK
    other = cli(emulator, "batch", "bytedance/seedream-4-0/edit", str(inputs), "--out",
                str(tmp_path / "out"))  # fmt: skip
    assert other.returncode == ExitCode.USAGE
    assert "use another --out" in other.stderr


# -- killed and resumed -----------------------------------------------------------------------


@pytest.fixture
def slow_emulator() -> Iterator[EmulatorServer]:
    """Jobs of ~1 s with room for every worker, so a kill finds lines in every state."""
    with EmulatorServer(REGISTRY, queue_seconds=0.3, run_seconds=0.5, workers=16) as server:
        yield server


def start(server: EmulatorServer, inputs: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "YOUR_API"))}
    env.update(RUNCOMFY_BASE_URL=server.url, RUNCOMFY_API_TOKEN=server.token, NO_PROXY="127.0.0.1")
    argv = [str(RUNCOMFY), "batch", MODEL, str(inputs), "--out", str(out), "--concurrency", "8"]
    return subprocess.Popen(
        [*argv, *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


Rows = dict[int, tuple[str, str | None]]


def kill_when(process: subprocess.Popen[str], out: Path, ready: Callable[[Rows], bool]) -> Rows:
    """SIGKILL ``process`` once its journal satisfies ``ready``, preferably when no submit is
    in flight (none in ``submitting``); returns the journal as the kill left it."""
    deadline = time.monotonic() + SUBPROCESS_LIMIT
    ready_since: float | None = None
    while process.poll() is None and time.monotonic() < deadline:
        rows = journal(out)
        if ready(rows):
            ready_since = ready_since or time.monotonic()
            quiet = all(state != "submitting" for state, _ in rows.values())
            # With eight workers a moment with no submit in flight can be rare: after a short
            # wait the kill lands anyway, and the caller counts the line it leaves ambiguous.
            if quiet or time.monotonic() - ready_since > 0.3:
                process.send_signal(signal.SIGKILL)
                break
        time.sleep(0.01)
    process.wait(SUBPROCESS_LIMIT)
    return journal(out)


def count(rows: Rows, *states: str) -> int:
    return sum(1 for state, _ in rows.values() if state in states)


KILL_POINTS: list[tuple[str, Callable[[Rows], bool]]] = [
    ("first submits recorded", lambda rows: count(rows, "submitted") >= 4),
    # "finished" lasts one download; should the poll miss it, the kill comes a little later
    (
        "downloads under way",
        lambda rows: count(rows, "finished") >= 1 or count(rows, "downloaded") >= 12,
    ),
    ("a third downloaded", lambda rows: count(rows, "downloaded") >= 17),
    ("two thirds done", lambda rows: count(rows, "downloaded") >= 34),
]


def test_a_batch_killed_at_several_points_resumes_and_does_every_line_once(
    slow_emulator: EmulatorServer, tmp_path: Path
) -> None:
    lines = 50
    inputs = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out"
    ambiguous = 0  # kills that landed inside a submit (the one window no client can close)
    mid_download = 0  # lines whose download a kill interrupted (or had not yet started)
    files_seen: dict[Path, tuple[int, int]] = {}
    for name, ready in KILL_POINTS:
        process = start(slow_emulator, inputs, out)
        rows = kill_when(process, out, ready)
        assert process.returncode == -signal.SIGKILL, f"the run ended before: {name}"
        ambiguous += count(rows, "submitting")
        mid_download += count(rows, "finished")
        files = saved_files(out)  # a ``.part`` file may be left mid-write: the rerun replaces it
        for path, identity in files_seen.items():
            assert files.get(path) == identity, f"{path} was written again"
        files_seen = {p: i for p, i in files.items() if not p.name.startswith(".")}

    final = batch(slow_emulator, inputs, out, "--concurrency", "8", "--resubmit-ambiguous")
    assert final.returncode == ExitCode.OK, final.stderr
    assert lines_of(summary(final), "succeeded") == list(range(1, lines + 1))

    rows = journal(out)
    assert count(rows, "downloaded") == lines
    assert len({rid for _, rid in rows.values()}) == lines
    files = saved_files(out)
    assert not [p for p in files if p.name.startswith(".")], "a half-written file was left"
    assert sorted(p.parent.name for p in files) == [f"{n:06d}" for n in range(1, lines + 1)]
    for line, (_, request_id) in rows.items():
        assert (out / f"{line:06d}" / f"{request_id}.png") in files
    for path, identity in files_seen.items():
        assert files[path] == identity, f"{path} was written again"
    stats = slow_emulator.stats()
    print(
        f"\nkills inside a submit: {ambiguous}; lines killed between result and download: "
        f"{mid_download}; submits: {stats.submits}; output downloads: {stats.requests['files']}"
    )
    if ambiguous == 0:
        assert stats.submits == lines
    else:
        assert lines <= stats.submits <= lines + ambiguous
    assert stats.jobs_created == stats.submits


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_during_submits_lets_them_finish_and_records_their_ids(
    slow_emulator: EmulatorServer, tmp_path: Path, signum: signal.Signals
) -> None:
    slow_emulator.add_fault("delay", "submit", count=100, seconds=1.0)
    inputs = write_lines(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out"
    process = start(slow_emulator, inputs, out)
    deadline = time.monotonic() + SUBPROCESS_LIMIT
    while count(journal(out), "submitting") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signum)
    assert process.wait(SUBPROCESS_LIMIT) == ExitCode.INTERRUPTED
    rows = journal(out)
    assert count(rows, "submitting") == 0
    assert count(rows, "submitted") >= 1
    slow_emulator.clear_faults()
    final = batch(slow_emulator, inputs, out)
    assert final.returncode == ExitCode.OK, final.stderr
    assert slow_emulator.stats().submits == 10
