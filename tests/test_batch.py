"""``runcomfy batch`` in this process: the check of the whole file, failures, ambiguity, journals.

What needs a process of its own (``kill -9``, signals, two batches at once, a disk that refuses
writes) is in ``test_batch_process.py``.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from runcomfy_emulator.inputs import DEFAULT_SAMPLE
from runcomfy_runtime.batch.journal import FILENAME
from tests.conftest import QUICK_JOBS
from tests.helpers import (
    SIZE,
    TEXT_TO_IMAGE,
    InProcess,
    Ran,
    journal,
    lines_of,
    saved_files,
    write_lines,
)

MODEL = TEXT_TO_IMAGE
EDIT = "bytedance/dreamina-4-0/edit"


EMULATOR_JOBS = QUICK_JOBS  # done by the client's first poll


def batch(cli: InProcess, inputs: Path, out: Path, *extra: str, model: str = MODEL) -> Ran:
    return cli("batch", model, str(inputs), "--out", str(out), "--json", *extra)


# -- the whole file first --------------------------------------------------------------------------


def test_invalid_lines_are_listed_first_with_their_numbers_and_skipped(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    bad = {
        2: "{not json",
        4: json.dumps({"prompt": "x", "width×height": "2048x2048"}),
        5: "[1, 2]",
        30: json.dumps({"width×height": SIZE}),
        7: json.dumps({"prompt": "x", "width_height": SIZE, "width×height": SIZE}),
        8: json.dumps({"prompt": "python name", "width_height": SIZE}),  # valid
    }
    inputs = write_lines(tmp_path / "in.jsonl", 30, bad)
    ran = batch(cli, inputs, tmp_path / "out", "--concurrency", "3")
    assert ran.code == ExitCode.INCOMPLETE, ran.stderr
    record = ran.json()
    invalid = [2, 4, 5, 7, 30]
    assert lines_of(record, "skipped") == invalid
    assert lines_of(record, "succeeded") == [n for n in range(1, 31) if n not in invalid]
    said = ran.stderr.splitlines()
    start = said.index("5 invalid lines, skipped (nothing was sent):")
    assert all("(base price" in line for line in said[:start])  # at most the price before
    listed = said[start : start + 6]
    assert [line.split(":")[0] for line in listed[1:]] == [f"  line {n}" for n in invalid]
    assert "did you mean '2048x2048(1:1)'?" in listed[2]
    assert "given twice" in listed[4]
    assert "prompt: is required" in listed[5]
    assert emulator.stats().submits == 25
    assert sorted(p.parent.name for p in saved_files(tmp_path / "out")) == [
        f"{n:06d}" for n in range(1, 31) if n not in invalid
    ]
    job = emulator.emulator.jobs.snapshot(journal(tmp_path / "out")[8][1] or "")
    assert job is not None and job.job.payload["width×height"] == SIZE


def test_a_line_fails_alone_whatever_it_holds(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    broken_png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\xff" * 40
    data_uri = "data:image/png;base64," + base64.b64encode(broken_png).decode()
    bad = {
        1: json.dumps({"prompt": "x", "image_urls": [data_uri]}),
        2: '{"prompt": ' + "[" * 100_000 + "]" * 100_000 + "}",
        3: json.dumps({"prompt": "x", "image_urls": ["/dev/zero"]}),
        5: json.dumps({"prompt": "x", "image_urls": ["\u0000"]}),
    }
    lines = [
        json.dumps({"prompt": f"p{n}", "image_urls": [emulator.input_url(DEFAULT_SAMPLE)]})
        for n in range(6)
    ]
    for number, text in bad.items():
        lines[number - 1] = text
    inputs = tmp_path / "in.jsonl"
    inputs.write_bytes("\n".join(lines).encode() + b"\n" + b'{"prompt": "\xff"}\n')
    ran = batch(cli, inputs, tmp_path / "out", model=EDIT)
    assert ran.code == ExitCode.INCOMPLETE, ran.stderr
    record = ran.json()
    reasons = {o["line"]: o["reason"] for o in record["skipped_lines"]}
    assert sorted(reasons) == [1, 2, 3, 5, 7]
    assert "not a readable image" in reasons[1] or "not an image" in reasons[1]
    assert "nested too deeply" in reasons[2]
    assert "too large" in reasons[3]
    assert "not UTF-8" in reasons[7]
    assert lines_of(record, "succeeded") == [4, 6]
    assert "Traceback" not in ran.stderr


def test_an_unexpected_error_of_one_line_leaves_the_others_alone(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runcomfy_runtime import validation

    schema_problems = validation.schema_problems

    def fragile(spec: Any, payload: Any) -> Any:
        if payload.get("prompt") == "prompt 3":
            raise RuntimeError("a bug only line 3 meets")
        return schema_problems(spec, payload)

    monkeypatch.setattr(validation, "schema_problems", fragile)
    ran = batch(cli, write_lines(tmp_path / "in.jsonl", 5), tmp_path / "out")
    assert ran.code == ExitCode.INCOMPLETE
    assert lines_of(ran.json(), "succeeded") == [1, 2, 4, 5]
    assert "a bug only line 3 meets" in json.dumps(ran.json()["skipped_lines"])


# -- runs and reruns -------------------------------------------------------------------------------


def test_a_finished_batch_run_again_sends_and_fetches_nothing(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 5)
    out = tmp_path / "out"
    first = batch(cli, inputs, out)
    assert first.code == ExitCode.OK, first.stderr
    files, before = saved_files(out), emulator.stats()
    again = batch(cli, inputs, out)
    assert again.code == ExitCode.OK, again.stderr
    assert lines_of(again.json(), "succeeded") == [1, 2, 3, 4, 5]
    after = emulator.stats()
    jobs_work = {k: v for k, v in after.requests.items() if k != "catalog"}  # price: a lookup
    assert jobs_work == {k: v for k, v in before.requests.items() if k != "catalog"}
    assert after.jobs_created == before.jobs_created  # no submit, no poll, no download
    assert saved_files(out) == files


def test_a_failed_job_is_reported_and_submitted_again_only_when_asked(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("job_failed", "submit", message="out of GPUs")
    inputs = write_lines(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out"
    done = batch(cli, inputs, out, "--concurrency", "1")
    assert done.code == ExitCode.INCOMPLETE
    assert lines_of(done.json(), "failed") == [1]
    assert "out of GPUs" in json.dumps(done.json()["failed_lines"])
    again = batch(cli, inputs, out)
    assert lines_of(again.json(), "failed") == [1]
    assert emulator.stats().submits == 3
    retried = batch(cli, inputs, out, "--retry-failed")
    assert retried.code == ExitCode.OK, retried.stderr
    assert emulator.stats().submits == 4


def test_a_lost_submit_answer_is_ambiguous_and_resubmitted_only_when_asked(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("drop_after", "submit")  # the job is created, its answer never arrives
    inputs = write_lines(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out"
    done = batch(cli, inputs, out, "--concurrency", "1")
    assert done.code == ExitCode.INCOMPLETE
    assert lines_of(done.json(), "ambiguous") == [1]
    again = batch(cli, inputs, out)
    assert lines_of(again.json(), "ambiguous") == [1]
    assert emulator.stats().submits == 3
    resent = batch(cli, inputs, out, "--resubmit-ambiguous")
    assert resent.code == ExitCode.OK, resent.stderr
    assert emulator.stats().submits == 4
    assert emulator.stats().jobs_created == 4  # the lost job exists: the user was warned


def test_a_submit_answered_with_junk_is_ambiguous_and_never_resubmitted_unasked(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("garble_after", "submit", body="")  # 200, empty: the job exists
    inputs = write_lines(tmp_path / "in.jsonl", 2)
    out = tmp_path / "out"
    done = batch(cli, inputs, out, "--concurrency", "1")
    assert done.code == ExitCode.INCOMPLETE
    assert lines_of(done.json(), "ambiguous") == [1]
    again = batch(cli, inputs, out)
    assert lines_of(again.json(), "ambiguous") == [1]
    assert emulator.stats().submits == 2  # line 1 once, line 2 once: nothing paid twice
    assert emulator.stats().jobs_created == 2


def test_a_line_edited_after_its_submit_is_reported_as_changed(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out"
    assert batch(cli, inputs, out).code == ExitCode.OK
    request_id = journal(out)[2][1]
    write_lines(inputs, 3, {2: json.dumps({"prompt": "edited", "width×height": SIZE})})
    ran = batch(cli, inputs, out)
    assert ran.code == ExitCode.INCOMPLETE
    changed = ran.json()["changed_lines"]
    assert [c["line"] for c in changed] == [2]
    assert changed[0]["reason"] == (
        f"changed since it was submitted (request id {request_id}); use a new --out for new input"
    )
    assert "nothing was sent" not in ran.stdout
    assert emulator.stats().submits == 3


def test_a_refused_token_stops_the_batch_and_is_said_once(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    cli.env(RUNCOMFY_API_TOKEN="wrong-token-for-the-batch")
    ran = batch(cli, write_lines(tmp_path / "in.jsonl", 20), tmp_path / "out")
    assert ran.code == ExitCode.AUTH
    assert ran.stderr.count("refused the token from $RUNCOMFY_API_TOKEN") == 1
    text = cli("batch", MODEL, str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out"))
    assert text.output.count("refused the token") <= 2  # stderr once, at most the summary once
    assert emulator.stats().jobs_created == 0
    assert journal(tmp_path / "out") == {}  # refused submits leave no trace: a rerun sends them
    record = ran.json()  # refused at the first request (the price lookup): nothing started
    assert record["exit_code"] == ExitCode.AUTH and "refused the token" in record["message"]


def test_quiet_prints_the_summary_only(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 4, {2: "{bad"})
    ran = cli("batch", MODEL, str(inputs), "--out", str(tmp_path / "out"), "-q")
    assert ran.code == ExitCode.INCOMPLETE
    assert ran.stderr == ""
    assert ran.stdout.startswith(f"{MODEL}: 4 lines: 3 succeeded, 1 skipped")


# -- what the command refuses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--concurrency", "1000000000"], ExitCode.USAGE, "at most 256"),
        (["--concurrency", "0"], ExitCode.USAGE, "at least 1"),
        (["--timeout", "nan"], ExitCode.USAGE, "positive number"),
    ],
)
def test_bad_options_are_refused_in_one_line(
    cli: InProcess, tmp_path: Path, argv: list[str], code: int, message: str
) -> None:
    ran = batch(cli, write_lines(tmp_path / "in.jsonl", 1), tmp_path / "out", *argv)
    assert ran.code == code
    assert message in ran.stderr


def test_an_unusable_input_file_or_out_folder_is_refused_before_anything(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 1)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for argv, code, message in (
        ([str(inputs), "--out", str(not_a_folder)], ExitCode.USAGE, "is a file, not a folder"),
        (["/dev/zero", "--out", str(tmp_path / "o")], ExitCode.INVALID_INPUT, "not a regular file"),
        ([str(tmp_path / "none"), "--out", str(tmp_path / "o")], ExitCode.INVALID_INPUT, "no such"),
    ):
        ran = cli("batch", MODEL, *argv)
        assert ran.code == code, ran.stderr
        assert message in ran.stderr and len(ran.stderr.splitlines()) == 1
    assert emulator.stats().requests == {}


def test_a_journal_of_another_model_is_refused(cli: InProcess, tmp_path: Path) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 1)
    assert batch(cli, inputs, tmp_path / "out").code == ExitCode.OK
    other = batch(cli, inputs, tmp_path / "out", model="bytedance/seedream-4-0/edit")
    assert other.code == ExitCode.USAGE
    assert "use another --out" in other.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database, just text " * 200, "is not a usable batch journal"),
        (b"SQLite format 3\x00" + b"\xff" * 4080, "is not a usable batch journal"),
    ],
)
def test_a_file_that_is_no_journal_is_refused_with_what_to_do(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path, content: bytes, message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / FILENAME).write_bytes(content)
    ran = batch(cli, write_lines(tmp_path / "in.jsonl", 2), out)
    assert ran.code == ExitCode.USAGE, ran.stderr
    assert message in ran.stderr and "use another --out" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert emulator.stats().submits == 0


def test_a_journal_held_by_another_program_is_said_and_retryable(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 2)
    out = tmp_path / "out"
    assert batch(cli, inputs, out).code == ExitCode.OK
    holder = sqlite3.connect(out / FILENAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        ran = batch(cli, inputs, out)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ran.code == ExitCode.RETRYABLE, ran.stderr
    assert "locked by another program" in ran.stderr


def test_a_journal_of_the_first_version_is_upgraded_and_its_unsure_lines_stay_ambiguous(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    from runcomfy_runtime.batch.records import text_digest as digest

    inputs = write_lines(tmp_path / "in.jsonl", 3)
    texts = inputs.read_text().splitlines()
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / FILENAME) as db:
        db.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE lines (
                line INTEGER PRIMARY KEY, digest TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('submitting', 'ambiguous', 'submitted',
                    'finished', 'downloaded', 'failed')),
                request_id TEXT, output TEXT, paths TEXT, error TEXT,
                submits INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL);
            """
        )
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", "1"), ("model_id", MODEL)])
        db.execute(
            "INSERT INTO lines (line, digest, state, submits, updated_at) "
            "VALUES (1, ?, 'submitting', 1, 0)",
            (digest(texts[0]),),
        )
    ran = batch(cli, inputs, out)
    assert ran.code == ExitCode.INCOMPLETE, ran.stderr
    assert lines_of(ran.json(), "ambiguous") == [1]  # version 1 could not tell: maybe sent
    assert lines_of(ran.json(), "succeeded") == [2, 3]
    assert emulator.stats().submits == 2
    with sqlite3.connect(out / FILENAME) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() == ("3",)
    newer = tmp_path / "newer"
    newer.mkdir()
    with sqlite3.connect(newer / FILENAME) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE lines (line INTEGER PRIMARY KEY)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", "9"), ("model_id", MODEL)])
    refused = batch(cli, inputs, newer)
    assert refused.code == ExitCode.USAGE
    assert "journal version 9" in refused.stderr


def test_a_line_left_unsent_is_submitted_again_by_itself(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    """``submitting`` without ``sent``: the body never left, so no job can exist."""
    from runcomfy_runtime.batch.journal import Journal
    from runcomfy_runtime.batch.records import text_digest as digest

    inputs = write_lines(tmp_path / "in.jsonl", 2)
    out = tmp_path / "out"
    out.mkdir()
    first = Journal.open(out, MODEL)
    first.submitting(1, digest(inputs.read_text().splitlines()[0]), None)
    first.submitting(2, digest(inputs.read_text().splitlines()[1]), None)
    first.sent(2)
    first.close()
    ran = batch(cli, inputs, out)
    assert lines_of(ran.json(), "succeeded") == [1]
    assert lines_of(ran.json(), "ambiguous") == [2]
    assert emulator.stats().submits == 1


# -- names planted in the folder (issue 18, finding 8) ---------------------------------------------


@pytest.mark.parametrize(
    ("link", "said"), [("symlink", "is a symbolic link"), ("hard", "hard link")]
)
def test_a_lock_file_planted_as_a_link_is_refused_and_its_target_left_whole(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path, link: str, said: str
) -> None:
    from runcomfy_runtime.batch.lock import FILENAME as LOCK

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    if link == "symlink":
        (out / LOCK).symlink_to(victim)
    else:
        (out / LOCK).hardlink_to(victim)
    ran = batch(cli, write_lines(tmp_path / "in.jsonl", 2), out)
    assert ran.code == ExitCode.USAGE, ran.stderr
    assert said in ran.stderr and "Traceback" not in ran.stderr
    assert victim.read_text() == "precious\n"
    assert emulator.stats().submits == 0


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_a_journal_planted_as_a_link_is_refused_and_its_target_left_whole(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path, suffix: str
) -> None:
    victim = tmp_path / "victim.db"
    victim.write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    (out / (FILENAME + suffix)).symlink_to(victim)
    ran = batch(cli, write_lines(tmp_path / "in.jsonl", 2), out)
    assert ran.code == ExitCode.USAGE, ran.stderr
    assert "is a symbolic link" in ran.stderr
    assert victim.read_bytes() == b""
    assert emulator.stats().submits == 0


def test_an_output_folder_planted_as_a_link_gets_no_output_and_its_line_stays_pending(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "000003").symlink_to(elsewhere, target_is_directory=True)
    inputs = write_lines(tmp_path / "in.jsonl", 4)
    ran = batch(cli, inputs, out)
    assert ran.code == ExitCode.INCOMPLETE, ran.stderr
    assert lines_of(ran.json(), "succeeded") == [1, 2, 4]
    assert lines_of(ran.json(), "pending") == [3]
    assert "symbolic link" in ran.json()["pending_lines"][0]["reason"]
    assert list(elsewhere.iterdir()) == []
    (out / "000003").unlink()  # the user removes the link: the rerun saves line 3, no new job
    again = batch(cli, inputs, out)
    assert again.code == ExitCode.OK, again.stderr
    assert emulator.stats().jobs_created == 4


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_a_journal_gone_beside_saved_outputs_is_refused_not_taken_as_a_new_batch(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path, how: str
) -> None:
    inputs = write_lines(tmp_path / "in.jsonl", 5)
    out = tmp_path / "out"
    assert batch(cli, inputs, out).code == ExitCode.OK
    for suffix in ("", "-wal", "-shm"):
        (out / (FILENAME + suffix)).unlink(missing_ok=True)
    if how == "emptied":
        (out / FILENAME).write_bytes(b"")
    files = saved_files(out)
    ran = batch(cli, inputs, out)
    assert ran.code == ExitCode.USAGE, ran.stderr
    assert "holds the outputs of an earlier batch" in ran.stderr
    assert "restore the journal, or use another --out" in ran.stderr
    assert emulator.stats().jobs_created == 5  # none again
    assert saved_files(out) == files  # each folder still holds its one file


def test_a_part_file_planted_as_a_link_is_not_written_through(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    from runcomfy import RunComfy
    from runcomfy_runtime.errors import DownloadError

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    folder = tmp_path / "000001"
    folder.mkdir()
    with RunComfy(api_token=emulator.token, base_url=emulator.url) as client:
        result = client.run(MODEL, {"prompt": "x", "width×height": SIZE})
        (folder / f".{result.request_id}.part").symlink_to(victim)
        with pytest.raises(DownloadError, match="a symbolic link is in its place"):
            client.download(result, folder)
    assert victim.read_text() == "precious\n"
    assert not (folder / f"{result.request_id}.png").exists()
