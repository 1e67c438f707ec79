"""The command line's own failures: each carries its exit code and a message for a person.

The client's errors (``runcomfy_runtime.errors``) are worded for a Python caller; where the
command knows more (which option, which file, which command to run next) it raises one of
these instead, and ``main`` prints the message as it is.
"""

from __future__ import annotations

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
