"""The command line's own failures: each carries its exit code and a message for a person.

The client's errors (``runcomfy_runtime.errors``) are worded for a Python caller; where the
command knows more (which option, which file, which command to run next) it raises one of
these instead, and ``main`` prints the message as it is. :func:`exit_code_for` says what any
error means as an exit code.
"""

from __future__ import annotations

from collections.abc import Mapping

from runcomfy_cli.exitcodes import ExitCode


class CliFailure(Exception):
    """A failure with its exit code; ``str()`` is the whole message."""

    code: ExitCode = ExitCode.ERROR

    def __init__(
        self, message: str, *, code: ExitCode | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.request_id = request_id  # set once a job exists: it is in --json errors too
        if code is not None:
            self.code = code


class UsageFailure(CliFailure):
    """A bad command line or configuration (exit 64)."""

    code = ExitCode.USAGE


class InputFailure(CliFailure, ValueError):
    """Input data the command cannot use: unreadable, not JSON, too large (exit 65)."""

    code = ExitCode.INVALID_INPUT


class AuthFailure(CliFailure):
    """No token, or a token the API refused (exit 77)."""

    code = ExitCode.AUTH


class Interrupted(CliFailure):
    """Ctrl-C, with what became of the job (exit 130)."""

    code = ExitCode.INTERRUPTED


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


FOLDER_CODES: dict[str, ExitCode] = {
    "locked": ExitCode.RETRYABLE,  # another batch runs there: try again when it is done
    "busy": ExitCode.RETRYABLE,  # another program holds the journal
    "unusable": ExitCode.USAGE,
    "lost": ExitCode.USAGE,
    "planted": ExitCode.USAGE,
    "unwritable": ExitCode.ERROR,  # a full disk
}
"""The exit code of each reason a batch folder cannot be used (``BatchFolderError``)."""


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code an error means. A pure function of the error's type and HTTP status."""
    from runcomfy_runtime import errors as e

    if isinstance(error, CliFailure):
        return error.code
    if isinstance(error, e.BatchFolderError):
        return FOLDER_CODES[error.reason]
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    usage = e.UnknownModelError | e.ConfigurationError | e.InvalidRequestIdError
    if isinstance(error, usage) or not_the_api(error):
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
