"""``runcomfy batch`` as the installed command: killed, interrupted, run twice at once, starved
of disk. The emulator runs in this process, so the test can SIGKILL the batch while reading its
journal (SQLite in WAL mode allows a reader beside the writer) and count on the server what
really happened.
"""

from __future__ import annotations

import json
import random
import resource
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.helpers import (
    SUBPROCESS_LIMIT,
    TEXT_TO_IMAGE,
    InProcess,
    Rows,
    count,
    journal,
    lines_of,
    run_installed,
    saved_files,
    start_installed,
    wait_for,
    write_lines,
)

MODEL = TEXT_TO_IMAGE
SUBMITTED = ("submitted", "finished", "downloaded")  # states past a submit: a job exists


@pytest.fixture
def slow_emulator() -> Iterator[EmulatorServer]:
    """Jobs of ~0.5 s with room for every worker, so a kill finds lines in every state."""
    with EmulatorServer(REGISTRY, queue_seconds=0.2, run_seconds=0.3, workers=16) as server:
        yield server


@pytest.fixture
def cli(
    slow_emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> InProcess:
    return InProcess(monkeypatch, capsys, tmp_path, slow_emulator)


def start(
    server: EmulatorServer, inputs: Path, out: Path, *extra: str, config_dir: Path
) -> subprocess.Popen[str]:
    argv = ["batch", MODEL, str(inputs), "--out", str(out), *extra]
    return start_installed(server, *argv, config_dir=config_dir)


def kill_when(process: subprocess.Popen[str], out: Path, lines_past_submit: int) -> Rows:
    """SIGKILL ``process`` as soon as its journal holds ``lines_past_submit`` lines with a
    job, whatever else is in flight; the journal as the kill left it."""
    wait_for(
        lambda: process.poll() is not None or count(journal(out), *SUBMITTED) >= lines_past_submit,
        f"{lines_past_submit} submitted lines",
    )
    process.send_signal(signal.SIGKILL)
    process.wait(SUBPROCESS_LIMIT)
    return journal(out)


def test_a_batch_killed_at_six_random_moments_resumes_with_one_job_per_line(
    slow_emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    lines = 60
    inputs = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out"
    rng = random.Random(1013)  # seeded: the same six moments on every run
    target = 0
    unsent = 0  # lines a kill left in "submitting": resubmitted by themselves, no job lost
    ambiguous: set[int] = set()  # lines a kill left "sent": their job may exist
    files_seen: dict[Path, tuple[int, int]] = {}
    for kill in range(6):
        target += rng.randint(3, 8)  # at most 48 of 60: every run is killed before its end
        process = start(slow_emulator, inputs, out, "--concurrency", "8", config_dir=cli.config_dir)
        rows = kill_when(process, out, target)
        assert process.returncode == -signal.SIGKILL, f"run {kill + 1} ended before its kill"
        unsent += count(rows, "submitting")
        ambiguous |= {line for line, (state, _) in rows.items() if state in ("sent", "ambiguous")}
        files = saved_files(out)  # a ``.part`` file may be left mid-write: the rerun replaces it
        for path, identity in files_seen.items():
            assert files.get(path) == identity, f"{path} was written again"
        files_seen = {p: i for p, i in files.items() if not p.name.startswith(".")}

    final = cli(
        "batch", MODEL, str(inputs), "--out", str(out), "--json",
        *(["--resubmit-ambiguous"] if ambiguous else []),
    )  # fmt: skip
    assert final.code == ExitCode.OK, final.stderr
    assert lines_of(final.json(), "succeeded") == list(range(1, lines + 1))

    rows = journal(out)
    assert count(rows, "downloaded") == lines
    assert len({rid for _, rid in rows.values()}) == lines  # one distinct job per line
    files = saved_files(out)
    assert not [p for p in files if p.name.startswith(".")], "a half-written file was left"
    for line, (_, request_id) in rows.items():
        assert (out / f"{line:06d}" / f"{request_id}.png") in files
    for path, identity in files_seen.items():
        assert files[path] == identity, f"{path} was written again"
    stats = slow_emulator.stats()
    print(
        f"\nlines left unsent by a kill (resubmitted by themselves): {unsent}; left sent "
        f"(ambiguous): {len(ambiguous)}; jobs: {stats.jobs_created}"
    )
    if not ambiguous:
        assert stats.jobs_created == lines
    else:  # a kill between "sent" and the id: at most one extra job per such line
        assert lines <= stats.jobs_created <= lines + len(ambiguous)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_during_submits_lets_them_finish_and_records_their_ids(
    slow_emulator: EmulatorServer, cli: InProcess, tmp_path: Path, signum: signal.Signals
) -> None:
    slow_emulator.add_fault("delay", "submit", count=100, seconds=1.0)
    inputs = write_lines(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out"
    process = start(slow_emulator, inputs, out, config_dir=cli.config_dir)
    wait_for(lambda: count(journal(out), "sent") > 0, "a submit on the wire")
    process.send_signal(signum)
    assert process.wait(SUBPROCESS_LIMIT) == ExitCode.INTERRUPTED
    rows = journal(out)
    assert count(rows, "submitting", "sent") == 0
    assert count(rows, "submitted") >= 1
    slow_emulator.clear_faults()
    final = cli("batch", MODEL, str(inputs), "--out", str(out))
    assert final.code == ExitCode.OK, final.stderr
    assert slow_emulator.stats().submits == 10


def test_ctrl_c_with_jobs_running_counts_them_pending(
    slow_emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    slow_emulator.reset(queue_seconds=600)  # no job ends while the test runs
    inputs = write_lines(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out"
    process = start(
        slow_emulator, inputs, out, "--concurrency", "4", "--json", config_dir=cli.config_dir
    )
    wait_for(lambda: count(journal(out), "submitted") == 4, "four jobs running")
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=SUBPROCESS_LIMIT)
    assert process.returncode == ExitCode.INTERRUPTED
    record = json.loads(stdout)
    assert (record["pending"], record["not_started"], record["lines"]) == (4, 6, 10)
    assert record["interrupted"] is True


def test_two_batches_on_one_folder_cannot_run_at_once(
    slow_emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    lines = 30
    inputs = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out"
    first = start(slow_emulator, inputs, out, config_dir=cli.config_dir)
    wait_for(lambda: count(journal(out), *SUBMITTED) > 0, "the first batch under way")
    second = cli("batch", MODEL, str(inputs), "--out", str(out))
    assert second.code == ExitCode.RETRYABLE
    assert "another batch is running" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert first.wait(SUBPROCESS_LIMIT) == ExitCode.OK
    assert slow_emulator.stats().jobs_created == lines  # one job per line, none twice
    third = cli("batch", MODEL, str(inputs), "--out", str(out))  # the lock went with its holder
    assert third.code == ExitCode.OK, third.stderr
    assert slow_emulator.stats().jobs_created == lines


def _limit_file_size() -> None:
    """In the child: files may grow to 2 KiB at most, as on a disk that is full. Past it a
    write fails with EFBIG (SIGXFSZ ignored, so the process is not killed)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


def test_a_journal_the_disk_refuses_is_one_line_not_a_traceback(
    slow_emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 3)
    ran = run_installed(
        slow_emulator, "batch", MODEL, str(inputs), "--out", str(tmp_path / "out"),
        config_dir=cli.config_dir, preexec_fn=_limit_file_size,
    )  # fmt: skip
    assert ran.code == ExitCode.ERROR, ran.stderr
    assert "cannot write the batch journal" in ran.stderr and "disk" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert slow_emulator.stats().submits == 0


_SLOW_CHECK = """
import sys, pathlib
import runcomfy_runtime.validation as validation

schema_problems = validation.schema_problems
started = pathlib.Path(sys.argv.pop(1))

def slow(spec, payload):
    if payload.get("prompt") == "slow to check":  # a check that runs long, in Python code
        started.touch()
        while True:
            pass
    return schema_problems(spec, payload)

validation.schema_problems = slow
from runcomfy.__main__ import main
sys.exit(main())
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_during_the_check_of_the_file_ends_the_run_at_once_with_nothing_sent(
    slow_emulator: EmulatorServer, cli: InProcess, tmp_path: Path, signum: signal.Signals
) -> None:
    """Issue 18, finding 4: one line's check that never returns (a catastrophic pattern did)
    must not keep the batch from seeing SIGINT/SIGTERM: the check runs off the event loop."""
    import sys

    from tests.helpers import isolated_env

    inputs = write_lines(tmp_path / "in.jsonl", 5, {3: json.dumps({"prompt": "slow to check"})})
    out, started = tmp_path / "out", tmp_path / "check-started"
    process = subprocess.Popen(
        [sys.executable, "-c", _SLOW_CHECK, str(started), "batch", MODEL, str(inputs),
         "--out", str(out), "--json"],
        env=isolated_env(slow_emulator, cli.config_dir),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for(lambda: started.exists() or process.poll() is not None, "the slow check")
    process.send_signal(signum)
    try:
        stdout, stderr = process.communicate(timeout=15)  # not a timing test: a hang's bound
    finally:
        process.kill()
    assert process.returncode == ExitCode.INTERRUPTED, stderr
    record = json.loads(stdout)
    assert record["interrupted"] is True
    assert (record["lines"], record["not_started"]) == (5, 5)
    assert slow_emulator.stats().submits == 0
    assert journal(out) == {}
