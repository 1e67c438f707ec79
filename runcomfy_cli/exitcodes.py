"""The command's exit codes: one per kind of outcome a script may want to branch on.

The table is the single source: ``main`` maps every error through :func:`exit_code_for`, and
the ``--help`` epilog is rendered from :data:`TABLE`, so the two cannot disagree.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INCOMPLETE = 1  # batch: some lines failed, were skipped, are ambiguous or still running
    USAGE = 2  # argparse's own code; also configuration (no token, bad base URL, bad file)
    INVALID_INPUT = 3
    AUTH = 4
    JOB_FAILED = 5
    TIMEOUT = 6
    CANCELLED = 7
    API_ERROR = 8
    NETWORK = 9
    INTERRUPTED = 130  # the shell's convention for Ctrl-C


TABLE: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "success"),
    (ExitCode.INCOMPLETE, "batch: some lines failed, were skipped, ambiguous or still running"),
    (ExitCode.USAGE, "bad command line or configuration (no token, bad base URL, bad file)"),
    (ExitCode.INVALID_INPUT, "input does not fit the schema or the server refused it; no job"),
    (ExitCode.AUTH, "the API refused the token (invalid, expired, no permission or no balance)"),
    (ExitCode.JOB_FAILED, "the job ran and failed"),
    (ExitCode.TIMEOUT, "the wait timed out; the job may still be running"),
    (ExitCode.CANCELLED, "the job was cancelled"),
    (ExitCode.API_ERROR, "another API error (not found, rate limit, server error, refused)"),
    (ExitCode.NETWORK, "network failure, or a submit whose outcome is unknown"),
    (ExitCode.INTERRUPTED, "interrupted (Ctrl-C)"),
)


def epilog() -> str:
    rows = "\n".join(f"  {code.value:>3}  {meaning}" for code, meaning in TABLE)
    return "exit codes:\n" + rows


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code an error means; unknown errors are not mapped here (they propagate)."""
    from runcomfy_runtime import errors as e

    if isinstance(error, e.ConfigurationError):
        return ExitCode.USAGE
    if isinstance(error, e.InputValidationError | e.InputRejectedError):
        return ExitCode.INVALID_INPUT
    auth = e.AuthenticationError | e.PermissionDeniedError | e.InsufficientBalanceError
    if isinstance(error, auth):
        return ExitCode.AUTH
    if isinstance(error, e.JobFailed):
        return ExitCode.JOB_FAILED
    if isinstance(error, e.WaitTimeout):
        return ExitCode.TIMEOUT
    if isinstance(error, e.JobCancelled):
        return ExitCode.CANCELLED
    if isinstance(error, e.APIConnectionError | e.AmbiguousSubmitError):
        return ExitCode.NETWORK
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.API_ERROR
