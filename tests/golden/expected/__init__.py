"""Typed client for RunComfy's Model API: 1 endpoints. Generated; do not edit.

    from runcomfy import RunComfy
    client = RunComfy()  # the token and base URL: see help(RunComfy)
    result = client.acme.widget_2_0.make.run(...)

Importing this package is cheap: the clients, the validator and each endpoint load on first use.
Every name of ``runcomfy_runtime.PUBLIC`` is re-exported here.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runcomfy._client import AsyncRunComfy, RunComfy
    from runcomfy._registry import MODULES, REGISTRY
    from runcomfy_runtime.auth import (
        InsecureTokenFileWarning,
    )
    from runcomfy_runtime.client import (
        AsyncClient,
        Client,
    )
    from runcomfy_runtime.endpoint import (
        ValidationLevel,
    )
    from runcomfy_runtime.errors import (
        AmbiguousSubmitError,
        APIConnectionError,
        APIError,
        AuthenticationError,
        CancelRefused,
        ConfigurationError,
        CredentialsRefused,
        DownloadError,
        InputRejectedError,
        InputValidationError,
        InsufficientBalanceError,
        InvalidRequestIdError,
        JobCancelled,
        JobError,
        JobFailed,
        MissingTokenError,
        NoOutputError,
        NotFoundError,
        PermissionDeniedError,
        Problem,
        RateLimitError,
        RunComfyError,
        SchemaError,
        SchemaProblem,
        ServerError,
        UnknownModelError,
        UploadError,
        WaitTimeout,
    )
    from runcomfy_runtime.jobs import (
        AsyncJob,
        Job,
    )
    from runcomfy_runtime.outputs import (
        Output,
        OutputBase,
    )
    from runcomfy_runtime.polling import (
        PollPolicy,
    )
    from runcomfy_runtime.results import (
        Cancellation,
        Result,
        Status,
    )
    from runcomfy_runtime.retry import (
        RetryPolicy,
    )
    from runcomfy_runtime.schema.rules import (
        MediaFacts,
    )
    from runcomfy_runtime.spec import (
        AudioInput,
        EndpointSpec,
        ImageInput,
        MediaInput,
        VideoInput,
    )
    from runcomfy_runtime.statuses import (
        StatusWord,
        UnknownStatus,
    )
    from runcomfy_runtime.throttle import (
        RateLimiter,
        Throttle,
    )
    from runcomfy_runtime.uploaders import (
        EmulatorUploader,
        S3Uploader,
    )
    from runcomfy_runtime.uploads import (
        LocalFile,
        PendingUpload,
        Uploaded,
        Uploader,
    )

_LAZY = {
    "RunComfy": "runcomfy._client",
    "AsyncRunComfy": "runcomfy._client",
    "MODULES": "runcomfy._registry",
    "REGISTRY": "runcomfy._registry",
    "InsecureTokenFileWarning": "runcomfy_runtime.auth",
    "AsyncClient": "runcomfy_runtime.client",
    "Client": "runcomfy_runtime.client",
    "ValidationLevel": "runcomfy_runtime.endpoint",
    "AmbiguousSubmitError": "runcomfy_runtime.errors",
    "APIConnectionError": "runcomfy_runtime.errors",
    "APIError": "runcomfy_runtime.errors",
    "AuthenticationError": "runcomfy_runtime.errors",
    "CancelRefused": "runcomfy_runtime.errors",
    "ConfigurationError": "runcomfy_runtime.errors",
    "CredentialsRefused": "runcomfy_runtime.errors",
    "DownloadError": "runcomfy_runtime.errors",
    "InputRejectedError": "runcomfy_runtime.errors",
    "InputValidationError": "runcomfy_runtime.errors",
    "InsufficientBalanceError": "runcomfy_runtime.errors",
    "InvalidRequestIdError": "runcomfy_runtime.errors",
    "JobCancelled": "runcomfy_runtime.errors",
    "JobError": "runcomfy_runtime.errors",
    "JobFailed": "runcomfy_runtime.errors",
    "MissingTokenError": "runcomfy_runtime.errors",
    "NoOutputError": "runcomfy_runtime.errors",
    "NotFoundError": "runcomfy_runtime.errors",
    "PermissionDeniedError": "runcomfy_runtime.errors",
    "Problem": "runcomfy_runtime.errors",
    "RateLimitError": "runcomfy_runtime.errors",
    "RunComfyError": "runcomfy_runtime.errors",
    "SchemaError": "runcomfy_runtime.errors",
    "SchemaProblem": "runcomfy_runtime.errors",
    "ServerError": "runcomfy_runtime.errors",
    "UnknownModelError": "runcomfy_runtime.errors",
    "UploadError": "runcomfy_runtime.errors",
    "WaitTimeout": "runcomfy_runtime.errors",
    "AsyncJob": "runcomfy_runtime.jobs",
    "Job": "runcomfy_runtime.jobs",
    "Output": "runcomfy_runtime.outputs",
    "OutputBase": "runcomfy_runtime.outputs",
    "PollPolicy": "runcomfy_runtime.polling",
    "Cancellation": "runcomfy_runtime.results",
    "Result": "runcomfy_runtime.results",
    "Status": "runcomfy_runtime.results",
    "RetryPolicy": "runcomfy_runtime.retry",
    "MediaFacts": "runcomfy_runtime.schema.rules",
    "AudioInput": "runcomfy_runtime.spec",
    "EndpointSpec": "runcomfy_runtime.spec",
    "ImageInput": "runcomfy_runtime.spec",
    "MediaInput": "runcomfy_runtime.spec",
    "VideoInput": "runcomfy_runtime.spec",
    "StatusWord": "runcomfy_runtime.statuses",
    "UnknownStatus": "runcomfy_runtime.statuses",
    "RateLimiter": "runcomfy_runtime.throttle",
    "Throttle": "runcomfy_runtime.throttle",
    "EmulatorUploader": "runcomfy_runtime.uploaders",
    "S3Uploader": "runcomfy_runtime.uploaders",
    "LocalFile": "runcomfy_runtime.uploads",
    "PendingUpload": "runcomfy_runtime.uploads",
    "Uploaded": "runcomfy_runtime.uploads",
    "Uploader": "runcomfy_runtime.uploads",
}

__all__ = [
    "MODULES",
    "REGISTRY",
    "APIConnectionError",
    "APIError",
    "AmbiguousSubmitError",
    "AsyncClient",
    "AsyncJob",
    "AsyncRunComfy",
    "AudioInput",
    "AuthenticationError",
    "CancelRefused",
    "Cancellation",
    "Client",
    "ConfigurationError",
    "CredentialsRefused",
    "DownloadError",
    "EmulatorUploader",
    "EndpointSpec",
    "ImageInput",
    "InputRejectedError",
    "InputValidationError",
    "InsecureTokenFileWarning",
    "InsufficientBalanceError",
    "InvalidRequestIdError",
    "Job",
    "JobCancelled",
    "JobError",
    "JobFailed",
    "LocalFile",
    "MediaFacts",
    "MediaInput",
    "MissingTokenError",
    "NoOutputError",
    "NotFoundError",
    "Output",
    "OutputBase",
    "PendingUpload",
    "PermissionDeniedError",
    "PollPolicy",
    "Problem",
    "RateLimitError",
    "RateLimiter",
    "Result",
    "RetryPolicy",
    "RunComfy",
    "RunComfyError",
    "S3Uploader",
    "SchemaError",
    "SchemaProblem",
    "ServerError",
    "Status",
    "StatusWord",
    "Throttle",
    "UnknownModelError",
    "UnknownStatus",
    "UploadError",
    "Uploaded",
    "Uploader",
    "ValidationLevel",
    "VideoInput",
    "WaitTimeout",
    "validate",
]


def validate(model_id: str, payload: Mapping[str, Any]) -> None:
    """Check ``payload`` against ``model_id``'s documented schema, offline.

    Raises ``InputValidationError`` listing every problem, or ``UnknownModelError``. Media
    rules need the files themselves: ``RunComfy().validate(...)`` checks those too.
    """
    from runcomfy._registry import REGISTRY
    from runcomfy_runtime.offline import validate_offline

    validate_offline(REGISTRY, model_id, payload)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'runcomfy' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
