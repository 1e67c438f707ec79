"""The hand-written runtime behind the generated ``runcomfy`` package.

Every public name is listed once, here, with the module that defines it; the generated package
re-exports exactly these (its template reads :data:`PUBLIC`). Importing this package loads
nothing else: each name's module loads when the name is first used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_ERRORS = (
    "APIConnectionError",
    "APIError",
    "AmbiguousSubmitError",
    "AuthenticationError",
    "BatchFolderError",
    "CancelRefused",
    "ConfigurationError",
    "CredentialsRefused",
    "DownloadError",
    "InputRejectedError",
    "InputValidationError",
    "InsufficientBalanceError",
    "InvalidRequestIdError",
    "JobCancelled",
    "JobError",
    "JobFailed",
    "MissingTokenError",
    "NoOutputError",
    "NotFoundError",
    "PermissionDeniedError",
    "Problem",
    "RateLimitError",
    "RunComfyError",
    "SchemaError",
    "SchemaProblem",
    "ServerError",
    "UnknownModelError",
    "UploadError",
    "WaitTimeout",
)

PUBLIC: dict[str, str] = {
    **{name: "runcomfy_runtime.errors" for name in _ERRORS},
    "Client": "runcomfy_runtime.client",
    "AsyncClient": "runcomfy_runtime.client",
    "Job": "runcomfy_runtime.jobs",
    "AsyncJob": "runcomfy_runtime.jobs",
    "Result": "runcomfy_runtime.results",
    "Output": "runcomfy_runtime.outputs",
    "OutputBase": "runcomfy_runtime.outputs",
    "Status": "runcomfy_runtime.results",
    "Cancellation": "runcomfy_runtime.results",
    "InsecureTokenFileWarning": "runcomfy_runtime.auth",
    "StatusWord": "runcomfy_runtime.statuses",
    "UnknownStatus": "runcomfy_runtime.statuses",
    "MediaFacts": "runcomfy_runtime.schema.rules",
    "PollPolicy": "runcomfy_runtime.polling",
    "RetryPolicy": "runcomfy_runtime.retry",
    "RateLimiter": "runcomfy_runtime.throttle",
    "Throttle": "runcomfy_runtime.throttle",
    "ValidationLevel": "runcomfy_runtime.endpoint",
    "MediaInput": "runcomfy_runtime.spec",
    "ImageInput": "runcomfy_runtime.spec",
    "VideoInput": "runcomfy_runtime.spec",
    "AudioInput": "runcomfy_runtime.spec",
    "EndpointSpec": "runcomfy_runtime.spec",
    "Uploader": "runcomfy_runtime.uploads",
    "LocalFile": "runcomfy_runtime.uploads",
    "Uploaded": "runcomfy_runtime.uploads",
    "PendingUpload": "runcomfy_runtime.uploads",
    "S3Uploader": "runcomfy_runtime.uploaders",
    "EmulatorUploader": "runcomfy_runtime.uploaders",
    "Outcome": "runcomfy_runtime.batch.outcomes",
    "Totals": "runcomfy_runtime.batch.outcomes",
    "MapRun": "runcomfy_runtime.batch.runs",
    "AsyncMapRun": "runcomfy_runtime.batch.runs",
    "MapOptions": "runcomfy_runtime.batch.settings",
    "Estimate": "runcomfy_runtime.pricing",
}
"""Public name -> the module that defines it: the package's whole surface, in one place."""

__all__ = sorted(PUBLIC)  # noqa: PLE0605  (the table above is the one list)


def __getattr__(name: str) -> Any:
    module = PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*__all__, "__version__", "PUBLIC"]
