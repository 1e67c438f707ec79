"""The exit-code table: each code comes from a real situation against the emulator, and the
mapping from errors to codes is a pure function, tested as a table."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from runcomfy_cli.exitcodes import TABLE, ExitCode, markdown_table
from runcomfy_cli.failures import exit_code_for
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime import errors as e
from tests.conftest import QUICK_JOBS
from tests.helpers import (
    RUNCOMFY,
    SUBPROCESS_LIMIT,
    TEXT_TO_IMAGE,
    InProcess,
    isolated_env,
    wait_line,
    write_lines,
)

EMULATOR_JOBS = QUICK_JOBS  # done by the client's first poll


@pytest.fixture
def cli(
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> InProcess:
    return InProcess(monkeypatch, capsys, tmp_path, emulator)


Situation = Callable[[InProcess, EmulatorServer, Path], int]


def run(cli: InProcess, *argv: str) -> int:
    return cli("run", TEXT_TO_IMAGE, "--prompt", "x", *argv).code


def with_fault(fault: str, then: Callable[[InProcess], int]) -> Situation:
    def situation(cli: InProcess, emulator: EmulatorServer, _: Path) -> int:
        emulator.add_faults(fault)
        return then(cli)

    return situation


def cancel_finished(cli: InProcess, emulator: EmulatorServer, _: Path) -> int:
    done = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-download", "--json")
    return cli("cancel", done.json()["request_id"]).code


def queued_then_cancelled(cli: InProcess, emulator: EmulatorServer, _: Path) -> int:
    emulator.reset(queue_seconds=600)
    request_id = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait").stdout.strip()
    cli("cancel", request_id)
    return cli("wait", request_id).code


def batch_with_an_invalid_line(cli: InProcess, emulator: EmulatorServer, tmp_path: Path) -> int:
    inputs = write_lines(tmp_path / "in.jsonl", 2, {1: "{"})
    return cli("batch", TEXT_TO_IMAGE, str(inputs), "--out", str(tmp_path / "out")).code


def wrong_token(cli: InProcess, emulator: EmulatorServer, _: Path) -> int:
    cli.env(RUNCOMFY_API_TOKEN="wrong-token-123")
    return run(cli)


def interrupted(cli: InProcess, emulator: EmulatorServer, tmp_path: Path) -> int:
    emulator.reset(queue_seconds=600)
    process = subprocess.Popen(
        [str(RUNCOMFY), "run", TEXT_TO_IMAGE, "--prompt", "x"],
        env=isolated_env(emulator, tmp_path),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    wait_line(process.stderr, ": submitted", [])
    process.send_signal(signal.SIGINT)
    return process.wait(SUBPROCESS_LIMIT)


SITUATIONS: dict[ExitCode, tuple[str, Situation]] = {
    ExitCode.OK: ("a job submitted", lambda c, s, p: run(c, "--no-wait")),
    ExitCode.ERROR: ("a cancel of a finished job", cancel_finished),
    ExitCode.JOB_FAILED: ("a job that failed", with_fault("submit:job_failed", run)),
    ExitCode.CANCELLED: ("a wait on a cancelled job", queued_then_cancelled),
    ExitCode.AMBIGUOUS: ("a submit's answer lost", with_fault("submit:drop_after", run)),
    ExitCode.INCOMPLETE: ("a batch with an invalid line", batch_with_an_invalid_line),
    ExitCode.OVER_BUDGET: ("a job above --max-cost", lambda c, s, p: run(c, "--max-cost", "0.01")),
    ExitCode.USAGE: ("an unknown option", lambda c, s, p: run(c, "--no-such-option")),
    ExitCode.INVALID_INPUT: ("a value the schema refuses", lambda c, s, p: run(c, "--scale", "9")),
    ExitCode.UNAVAILABLE: ("a submit answered 503", with_fault("submit:server_error=503", run)),
    ExitCode.RETRYABLE: (
        "a 429 asking to wait longer than a retry waits",
        with_fault("status:rate_limit=120x2", lambda c: c("status", "some-id").code),
    ),
    ExitCode.AUTH: ("a token the API refuses", wrong_token),
    ExitCode.INTERRUPTED: ("Ctrl-C during the wait", interrupted),
}


def test_every_code_of_the_table_has_a_situation_here() -> None:
    assert set(SITUATIONS) == set(ExitCode) == {code for code, _ in TABLE}


@pytest.mark.parametrize("code", list(SITUATIONS), ids=lambda c: f"{c.value}-{c.name}")
def test_each_exit_code_comes_from_a_real_situation(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path, code: ExitCode
) -> None:
    _, situation = SITUATIONS[code]
    assert situation(cli, emulator, tmp_path) == code


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (e.ConfigurationError("bad base url"), ExitCode.USAGE),
        (e.UnknownModelError("no such model", error_code=400001), ExitCode.USAGE),
        (e.APIError("Not Found", status_code=404, body="<html>"), ExitCode.USAGE),
        (e.InputValidationError("m", []), ExitCode.INVALID_INPUT),
        (e.InputRejectedError("refused", status_code=422, body={}), ExitCode.INVALID_INPUT),
        (e.NotFoundError("unknown id", status_code=404, body={}), ExitCode.INVALID_INPUT),
        (e.AuthenticationError("401", status_code=401), ExitCode.AUTH),
        (e.PermissionDeniedError("403", status_code=403), ExitCode.AUTH),
        (e.InsufficientBalanceError("402", status_code=402), ExitCode.AUTH),
        (e.ServerError("500", status_code=500, body={}), ExitCode.UNAVAILABLE),
        (e.AmbiguousSubmitError("m", "HTTP 503", status_code=503), ExitCode.UNAVAILABLE),
        (e.AmbiguousSubmitError("m", "connection lost"), ExitCode.AMBIGUOUS),
        (e.RateLimitError("429", status_code=429), ExitCode.RETRYABLE),
        (e.APIError("timeout", status_code=408, body={}), ExitCode.RETRYABLE),
        (e.APIConnectionError("refused"), ExitCode.RETRYABLE),
        (e.WaitTimeout("r", 2.0, "in_queue"), ExitCode.RETRYABLE),
        (e.JobFailed("r", "failed"), ExitCode.JOB_FAILED),
        (e.JobCancelled("r"), ExitCode.CANCELLED),
        (e.CancelRefused("r", "in_progress"), ExitCode.ERROR),
        (e.DownloadError("u", "disk full"), ExitCode.ERROR),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v),
)
def test_errors_map_to_codes(error: BaseException, code: ExitCode) -> None:
    assert exit_code_for(error) == code


def test_the_markdown_table_has_a_row_per_code() -> None:
    rows = markdown_table().splitlines()
    assert rows[:2] == ["| code | meaning |", "|---:|---|"]
    assert [int(row.split("|")[1]) for row in rows[2:]] == [code.value for code, _ in TABLE]
