"""Every error the client raises, one tree under :class:`RunComfyError`.

RunComfyError
├── ConfigurationError            a bad base URL, an unsendable token: nothing was sent
│   ├── MissingTokenError         no source gave a token; ``reason``: why token.json was not used
│   └── CredentialsRefused        the http_client given would add credentials to a request for
│                                 a file host (a request hook): nothing was sent
├── SchemaError                   a model's schema uses what the engine does not know
├── InputValidationError          input broke the documented schema or rules: nothing was sent
├── InvalidRequestIdError         a request id not of RunComfy's form: nothing was sent
├── APIError                      the API answered with an error (status, error_code, message)
│   ├── AuthenticationError       401, error_code 400004: missing, expired or revoked token
│   ├── PermissionDeniedError     403, error_code 403001
│   ├── InsufficientBalanceError  402, error_code 400002
│   ├── NotFoundError             404, error_code 404001: unknown or expired request id
│   │   └── UnknownModelError     error_code 400001
│   ├── InputRejectedError        400/422: the server refused the input; ``details`` has its words
│   ├── RateLimitError            429; ``retry_after`` in seconds when the server said
│   └── ServerError               5xx
├── APIConnectionError            the network failed; no answer was read
├── DownloadError                 an output could not be saved (HTTP error, too large, disk)
├── UploadError                   a local file could not be uploaded: nothing was submitted
├── AmbiguousSubmitError          a submit was sent but failed unclearly (lost answer, 5xx):
│                                 the job may exist, so it is not retried
├── JobError                      the job gave no result (catch every job outcome at once):
│   ├── WaitTimeout               ``wait()`` reached its deadline; ``cancelled`` says whether
│   │                             ``cancel_on_timeout`` cancelled it, else it may still run
│   ├── JobFailed                 the job ended in failure; ``error`` holds the server's message
│   ├── NoOutputError             the job succeeded but its result names no file; ``result``
│   └── JobCancelled              the job was cancelled
├── CancelRefused                 cancel answered ``not_cancellable`` (running or finished)
└── BatchFolderError              a batch's folder (``out=``) cannot be used; ``reason`` says why

Every error raised once a job exists carries its ``request_id``. No error ever holds the token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from runcomfy_runtime.jsonpath import json_path

InputPath = tuple[str | int, ...]
"""A place in the input as its parts: ``("multi_prompt", 1, "duration")``."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where, as the keys and indexes leading to it
    (``("elements", 0, "frontal_image_url")``; empty: the input as a whole), what, and the
    value. ``location`` is the place as a reader writes it: ``elements[0].frontal_image_url``."""

    path: InputPath
    message: str
    value: Any = None
    fact: str | None = None

    @property
    def location(self) -> str:
        """The path rendered once, for every reader: ``multi_prompt[1].duration``."""
        return json_path(self.path)

    def __str__(self) -> str:
        where = self.location or "(input)"
        shown = f" (got {_short(self.value)})" if self.value is not None else ""
        measured = f" [{self.fact}]" if self.fact else ""
        return f"{where}: {self.message}{shown}{measured}"


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class RunComfyError(Exception):
    """Base class of every error this package raises."""

    request_id: str | None = None


class ConfigurationError(RunComfyError):
    """The client cannot be built as asked (no token, a bad base URL). Nothing was sent."""


class MissingTokenError(ConfigurationError):
    """No source of the token gave one (``sources.TOKEN_SOURCES``). ``reason`` says why the
    token file was not used when one is there but unusable (a FIFO, too large, not JSON)."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class CredentialsRefused(ConfigurationError):
    """A request hook of the ``http_client`` given added credentials (``Authorization``,
    ``Cookie``) to a request for a file host, which never receives any: nothing was sent."""

    def __init__(self, headers: Sequence[str], host: str) -> None:
        self.headers = tuple(headers)
        self.host = host
        super().__init__(
            f"a request hook of the httpx client given as http_client= added "
            f"{', '.join(self.headers)} to a request for the file host {host}: file hosts never "
            "receive credentials, so nothing was sent; add credentials only for the API's host"
        )


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One thing in a schema the engine does not understand, and where it is."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


class SchemaError(RunComfyError, ValueError):
    """A model's input schema uses something unknown (a type, format, keyword, rule metric or
    operator). Every problem is listed; nothing was sent. Unknown is never guessed at: a rule
    silently dropped would let bad input through to a paid job."""

    def __init__(self, problems: Sequence[SchemaProblem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            super().__init__(f"{head}{self.problems[0]}")
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            super().__init__(f"{head}{len(self.problems)} problems:\n{lines}")


class InvalidRequestIdError(RunComfyError, ValueError):
    """A request id that is not RunComfy's (``[A-Za-z0-9_-]{1,128}``): refused before it is put
    in a path. Nothing was sent."""

    def __init__(self, request_id: object) -> None:
        self.request_id = None
        self.given = request_id
        super().__init__(
            f"{_short(request_id)} is not a RunComfy request id (1 to 128 letters, digits, "
            "'-' or '_')"
        )


class InputValidationError(RunComfyError, ValueError):
    """The input does not fit the endpoint's documented schema or rules. Nothing was sent."""

    def __init__(self, model_id: str, problems: Sequence[Problem]) -> None:
        self.model_id = model_id
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"invalid input for {model_id} ({count} {noun}):\n{lines}")


class APIError(RunComfyError):
    """The API answered with an error."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error_code: int | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.error_code = error_code
        self.request_id = request_id
        self.body = body
        super().__init__(self._describe())

    def _describe(self) -> str:
        facts = [f"HTTP {self.status_code}" if self.status_code is not None else None]
        facts.append(f"error_code {self.error_code}" if self.error_code is not None else None)
        facts.append(f"request_id {self.request_id}" if self.request_id else None)
        shown = ", ".join(f for f in facts if f)
        return f"{self.message} ({shown})" if shown else self.message


class AuthenticationError(APIError):
    """401 or ``400004``: the token is missing, expired or revoked."""


class PermissionDeniedError(APIError):
    """403, ``403001`` or ``403003`` (even in an HTTP 200): the token may not do this."""


class InsufficientBalanceError(APIError):
    """402 or ``400002``: the account's balance does not cover the job."""


class NotFoundError(APIError):
    """404 or ``404001``: no such request id (unknown, or expired)."""


class UnknownModelError(NotFoundError):
    """``400001``, or an id neither generated nor in the catalog: no such model."""


class InputRejectedError(APIError):
    """The server refused the input. ``details`` holds what it said, as it said it."""

    @property
    def details(self) -> Any:
        return self.body


class RateLimitError(APIError):
    """429, after the client waited as long as it may; ``retry_after`` is the server's word
    (or the wait left), in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class ServerError(APIError):
    """5xx, after the retries where a retry was safe."""


class APIConnectionError(RunComfyError):
    """No answer was read: the connection failed or timed out."""

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        self.request_id = request_id
        super().__init__(message)


class DownloadError(RunComfyError):
    """An output file could not be saved: its host failed or refused, it is larger than
    ``max_bytes``, or the disk would not take it. Nothing is left under the final name."""

    def __init__(self, url: str, reason: str, request_id: str | None = None) -> None:
        self.url = url
        self.reason = reason
        self.request_id = request_id
        super().__init__(f"download of {url} failed: {reason}")


class UploadError(RunComfyError):
    """A local file could not be uploaded to the client's storage (``uploader=``). Nothing
    was submitted: no job was created. ``path`` is where the file stood in the input (every
    place, comma-separated, when it stood in several), ``file`` the local path."""

    def __init__(self, path: str, file: str, reason: str) -> None:
        self.path = path
        self.file = file
        self.reason = reason
        super().__init__(
            f"upload of the local file {file} ({path}) failed: {reason}; nothing was "
            "submitted, no job was created"
        )


class AmbiguousSubmitError(RunComfyError):
    """A submit was sent but its outcome is unknown (answer lost, read timeout, 5xx).

    A job may have been created. The client does not retry it, so a flaky network never buys
    two jobs: look for the job in your RunComfy dashboard before submitting again.
    """

    def __init__(self, model_id: str, cause: str, *, status_code: int | None = None) -> None:
        self.model_id = model_id
        self.cause = cause
        self.status_code = status_code
        super().__init__(
            f"submit to {model_id} failed after the request was sent ({cause}): a job may "
            "have been created; it was not retried, to avoid a second paid job"
        )


class JobError(RunComfyError):
    """The job exists and did not give a result: it failed, was cancelled, produced no file, or
    outlived the wait. ``except JobError`` catches every such outcome at once."""


class WaitTimeout(JobError, TimeoutError):
    """``wait()`` reached its deadline. ``cancelled`` says what ``cancel_on_timeout`` did:
    True (the job was cancelled), False (it was not: ``cancel_note`` says why), None (not
    asked: the job may still run)."""

    def __init__(
        self,
        request_id: str,
        waited: float,
        last_status: str | None,
        *,
        cancelled: bool | None = None,
        cancel_note: str | None = None,
    ) -> None:
        self.request_id = request_id
        self.waited = waited
        self.last_status = last_status
        self.cancelled = cancelled
        self.cancel_note = cancel_note
        if cancelled is None:
            after = "; it may still run"
        elif cancelled:
            after = "; it was cancelled (cancel_on_timeout)"
        else:
            after = f"; cancel_on_timeout did not cancel it ({cancel_note})"
        super().__init__(
            f"job {request_id} did not finish within {waited:.1f}s (last status: {last_status})"
            + after
        )


class JobFailed(JobError):
    """The job ended in failure (or a status nobody documented); ``error`` holds the server's
    message as it sent it."""

    def __init__(self, request_id: str, status: str, error: Any = None) -> None:
        self.request_id = request_id
        self.status = status
        self.error = error
        reason = f": {error}" if error not in (None, "", {}) else ""
        super().__init__(f"job {request_id} ended with status {status!r}{reason}")


class NoOutputError(JobError):
    """The job succeeded but its result names no output file: nothing can be downloaded.
    ``result`` holds the result as the server sent it (``result.raw``)."""

    def __init__(self, request_id: str, result: Any) -> None:
        self.request_id = request_id
        self.result = result
        super().__init__(
            f"job {request_id} succeeded but its result names no output file "
            f"(output: {_short(getattr(result, 'raw', {}).get('output'))})"
        )


class JobCancelled(JobError):
    """The job was cancelled (by this client or anyone else)."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        super().__init__(f"job {request_id} was cancelled")


class CancelRefused(RunComfyError):
    """A cancel answered ``not_cancellable``: the job runs or has finished; it goes on."""

    def __init__(self, request_id: str, status: str | None) -> None:
        self.request_id = request_id
        self.status = status
        super().__init__(
            f"job {request_id} cannot be cancelled (status {status}): only queued jobs can"
        )


BatchFolderReason = Literal["locked", "busy", "unusable", "lost", "planted", "unwritable"]
"""Why a batch's folder cannot be used: another batch holds it (``locked``), another program
holds its journal (``busy``), the journal is not one or is another model's or version's
(``unusable``), the journal is gone beside saved outputs (``lost``), a name the batch writes
is a link (``planted``), or a journal write failed (``unwritable``: a full disk)."""


class BatchFolderError(RunComfyError):
    """A batch's folder cannot be used. Raised before any line is taken, except
    ``unwritable``: a journal write failed mid-run; what was recorded before is kept, and jobs
    already submitted are still waited on."""

    def __init__(self, message: str, reason: BatchFolderReason) -> None:
        self.reason: BatchFolderReason = reason
        super().__init__(message)
