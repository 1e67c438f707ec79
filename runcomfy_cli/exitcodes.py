"""The command's exit codes: RunComfy's CLI's (BSD sysexits) where it gives a meaning, ours
where it has none.

RunComfy's ``runcomfy`` exits 64 on a bad command line, 65 on bad input data, 69 on a server
error, 75 on a retryable failure (timeout, 408, 429), 77 on an authentication problem and 1
otherwise; a script written for it branches the same way on ours. The outcomes it does not
name (a job that failed or was cancelled, a submit whose answer was lost, a batch left
unfinished, Ctrl-C) keep codes of their own, below 64 so they never collide with sysexits.

:data:`TABLE` is the single source: ``main`` maps every error through
``failures.exit_code_for``, and the ``--help`` epilog and the README table are rendered from it.
A leaf: it imports nothing of the command line.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # RunComfy's "anything else"
    JOB_FAILED = 5
    CANCELLED = 7
    AMBIGUOUS = 9
    INCOMPLETE = 10
    OVER_BUDGET = 11
    USAGE = 64  # EX_USAGE
    INVALID_INPUT = 65  # EX_DATAERR
    UNAVAILABLE = 69  # EX_UNAVAILABLE
    RETRYABLE = 75  # EX_TEMPFAIL
    AUTH = 77  # EX_NOPERM
    INTERRUPTED = 130  # the shell's convention for Ctrl-C


TABLE: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "success"),
    (
        ExitCode.ERROR,
        "any other error: a cancel refused (the job runs), outputs that could not be saved, "
        "an answer that is not the API's",
    ),
    (ExitCode.JOB_FAILED, "the job ran and failed (or produced no output)"),
    (ExitCode.CANCELLED, "the job was cancelled (also: cancelled by --cancel-on-timeout)"),
    (
        ExitCode.AMBIGUOUS,
        "a submit was sent but its answer was lost: a job may exist; it was not resent",
    ),
    (
        ExitCode.INCOMPLETE,
        "batch: some lines did not succeed (invalid, failed, ambiguous or not finished)",
    ),
    (
        ExitCode.OVER_BUDGET,
        "run --max-cost: the job's estimate is above the cap; nothing was sent",
    ),
    (
        ExitCode.USAGE,
        "bad command line or configuration: unknown command, option or model id, a bad "
        "--base-url, an unusable --out or batch journal",
    ),
    (
        ExitCode.INVALID_INPUT,
        "bad input data: unreadable, not JSON, too large, or not fitting the schema; or the "
        "server refused it (400/422, unknown request id); no job was created",
    ),
    (
        ExitCode.UNAVAILABLE,
        "the service failed: HTTP 5xx (after retries where safe); or an upload of a local "
        "file to --upload's storage failed (no job was created)",
    ),
    (
        ExitCode.RETRYABLE,
        "try again later: the wait timed out (the job goes on), HTTP 408/429, the network "
        "failed (connection refused, timeout), the batch folder is busy",
    ),
    (
        ExitCode.AUTH,
        "authentication: no token, or the API refused it (401), no permission (403), "
        "insufficient balance (402)",
    ),
    (ExitCode.INTERRUPTED, "interrupted (Ctrl-C)"),
)

RUNCOMFY_CODES = frozenset(
    {
        ExitCode.OK,
        ExitCode.ERROR,
        ExitCode.USAGE,
        ExitCode.INVALID_INPUT,
        ExitCode.UNAVAILABLE,
        ExitCode.RETRYABLE,
        ExitCode.AUTH,
    }
)
"""The codes RunComfy's own CLI uses, with the same meaning."""


def epilog() -> str:
    rows = "\n".join(f"  {code.value:>3}  {meaning}" for code, meaning in TABLE)
    return "exit codes (64-77: BSD sysexits, as RunComfy's own CLI):\n" + rows


def markdown_table() -> str:
    """The table as Markdown, for the README."""
    rows = [
        f"| {code.value} | {'' if code in RUNCOMFY_CODES else 'ours: '}{meaning} |"
        for code, meaning in TABLE
    ]
    return "\n".join(["| code | meaning |", "|---:|---|", *rows])
