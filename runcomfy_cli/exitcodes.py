"""The command's exit codes: RunComfy's CLI's (BSD sysexits) where it gives a meaning, ours
where it has none.

RunComfy's ``runcomfy`` exits 64 on a bad command line, 65 on bad input data, 69 on a server
error, 75 on a retryable failure (timeout, 408, 429), 77 on an authentication problem and 1
otherwise; a script written for it branches the same way on ours. The outcomes it does not
name (a job that failed or was cancelled, a submit whose answer was lost, a batch left
unfinished, Ctrl-C) keep codes of their own, below 64 so they never collide with sysexits.

:data:`TABLE` is the single source: ``main`` maps every error through :func:`exit_code_for`,
and the ``--help`` epilog and the README table are rendered from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # RunComfy's "anything else"
    JOB_FAILED = 5
    CANCELLED = 7
    AMBIGUOUS = 9
    INCOMPLETE = 10
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


RETRYABLE_STATUSES = frozenset({408, 429})


def not_the_api(error: BaseException) -> bool:
    """A 4xx answer that is not the API's (no JSON error body): another server answered (a web
    page, the wrong path or port), so the base URL is wrong: a configuration error."""
    from runcomfy_runtime import errors as e

    said = e.AuthenticationError | e.PermissionDeniedError | e.InsufficientBalanceError
    if not isinstance(error, e.APIError) or isinstance(error, said) or error.error_code:
        return False
    if isinstance(error.body, Mapping) or error.status_code is None:
        return False
    return 400 <= error.status_code < 500 and error.status_code not in RETRYABLE_STATUSES


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code an error means. A pure function of the error's type and HTTP status."""
    from runcomfy_cli.failures import CliFailure
    from runcomfy_runtime import errors as e

    if isinstance(error, CliFailure):
        return error.code
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(error, e.UnknownModelError | e.ConfigurationError) or not_the_api(error):
        return ExitCode.USAGE
    if isinstance(error, e.InputValidationError | e.InputRejectedError | e.NotFoundError):
        return ExitCode.INVALID_INPUT
    auth = e.AuthenticationError | e.PermissionDeniedError | e.InsufficientBalanceError
    if isinstance(error, auth):
        return ExitCode.AUTH
    if isinstance(error, e.JobFailed | e.NoOutputError):
        return ExitCode.JOB_FAILED
    if isinstance(error, e.JobCancelled):
        return ExitCode.CANCELLED
    if isinstance(error, e.AmbiguousSubmitError):
        server = error.status_code is not None and error.status_code >= 500
        return ExitCode.UNAVAILABLE if server else ExitCode.AMBIGUOUS
    if isinstance(error, e.ServerError | e.UploadError):
        return ExitCode.UNAVAILABLE
    if isinstance(error, e.WaitTimeout | e.RateLimitError | e.APIConnectionError):
        return ExitCode.RETRYABLE
    if isinstance(error, e.APIError) and error.status_code in RETRYABLE_STATUSES:
        return ExitCode.RETRYABLE
    return ExitCode.ERROR
