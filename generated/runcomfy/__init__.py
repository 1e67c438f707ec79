"""Typed client for RunComfy's Model API: 4 endpoints. Generated; do not edit.

    from runcomfy import RunComfy
    client = RunComfy()  # token from RUNCOMFY_API_TOKEN (or YOUR_API_TOKEN)
    result = client.bytedance.dreamina_3_0.pro.image_to_video.run(...)

Importing this package is cheap: the clients, the validator and each endpoint load on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runcomfy._client import AsyncRunComfy, RunComfy
    from runcomfy._registry import MODULES, REGISTRY
    from runcomfy_runtime.errors import (
        AmbiguousSubmitError,
        APIConnectionError,
        APIError,
        AuthenticationError,
        CancelRefused,
        ConfigurationError,
        InputRejectedError,
        InputValidationError,
        InsufficientBalanceError,
        JobCancelled,
        JobFailed,
        NotFoundError,
        PermissionDeniedError,
        Problem,
        RateLimitError,
        RunComfyError,
        ServerError,
        UnknownModelError,
        WaitTimeout,
    )
    from runcomfy_runtime.jobs import AsyncJob, Job, Output, Result, Status
    from runcomfy_runtime.rules import ImageFacts

_LAZY = {
    "RunComfy": "runcomfy._client",
    "AsyncRunComfy": "runcomfy._client",
    "MODULES": "runcomfy._registry",
    "REGISTRY": "runcomfy._registry",
    "AmbiguousSubmitError": "runcomfy_runtime.errors",
    "APIConnectionError": "runcomfy_runtime.errors",
    "APIError": "runcomfy_runtime.errors",
    "AuthenticationError": "runcomfy_runtime.errors",
    "CancelRefused": "runcomfy_runtime.errors",
    "ConfigurationError": "runcomfy_runtime.errors",
    "InputRejectedError": "runcomfy_runtime.errors",
    "InputValidationError": "runcomfy_runtime.errors",
    "InsufficientBalanceError": "runcomfy_runtime.errors",
    "JobCancelled": "runcomfy_runtime.errors",
    "JobFailed": "runcomfy_runtime.errors",
    "NotFoundError": "runcomfy_runtime.errors",
    "PermissionDeniedError": "runcomfy_runtime.errors",
    "Problem": "runcomfy_runtime.errors",
    "RateLimitError": "runcomfy_runtime.errors",
    "RunComfyError": "runcomfy_runtime.errors",
    "ServerError": "runcomfy_runtime.errors",
    "UnknownModelError": "runcomfy_runtime.errors",
    "WaitTimeout": "runcomfy_runtime.errors",
    "AsyncJob": "runcomfy_runtime.jobs",
    "Job": "runcomfy_runtime.jobs",
    "Output": "runcomfy_runtime.jobs",
    "Result": "runcomfy_runtime.jobs",
    "Status": "runcomfy_runtime.jobs",
    "ImageFacts": "runcomfy_runtime.rules",
}

__all__ = [
    "MODULES",
    "REGISTRY",
    "APIConnectionError",
    "APIError",
    "AmbiguousSubmitError",
    "AsyncJob",
    "AsyncRunComfy",
    "AuthenticationError",
    "CancelRefused",
    "ConfigurationError",
    "ImageFacts",
    "InputRejectedError",
    "InputValidationError",
    "InsufficientBalanceError",
    "Job",
    "JobCancelled",
    "JobFailed",
    "NotFoundError",
    "Output",
    "PermissionDeniedError",
    "Problem",
    "RateLimitError",
    "Result",
    "RunComfy",
    "RunComfyError",
    "ServerError",
    "Status",
    "UnknownModelError",
    "WaitTimeout",
    "validate",
]


def validate(model_id: str, payload: Mapping[str, Any]) -> None:
    """Check ``payload`` against ``model_id``'s documented schema, offline.

    Raises ``InputValidationError`` listing every problem, or ``UnknownModelError``. Image
    rules need the images themselves: ``RunComfy().validate(...)`` checks those too.
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
