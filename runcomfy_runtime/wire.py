"""The API's wire contract: URLs, and decoding answers into values or typed errors.

Shared by the sync and async clients; nothing here does I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from runcomfy_runtime import errors
from runcomfy_runtime.retry import parse_retry_after

# RunComfy's numeric error codes, then HTTP statuses, to the error they mean.
ERROR_CODES: dict[int, type[errors.APIError]] = {
    400001: errors.UnknownModelError,
    400002: errors.InsufficientBalanceError,
    400004: errors.AuthenticationError,
    403001: errors.PermissionDeniedError,
    403003: errors.PermissionDeniedError,  # seen with HTTP 200 by RunComfy's own clients
    404001: errors.NotFoundError,
}
STATUS_CODES: dict[int, type[errors.APIError]] = {
    400: errors.InputRejectedError,
    401: errors.AuthenticationError,
    402: errors.InsufficientBalanceError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    422: errors.InputRejectedError,
    429: errors.RateLimitError,
}
MESSAGE_KEYS = ("error_message", "message", "error", "detail")


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port); a URL that cannot be read has an origin nothing else has."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return ("", "", None)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def submit_url(base_url: str, model_id: str) -> str:
    return f"{base_url}/v1/models/{quote(model_id, safe='/')}"


REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""RunComfy's request ids, as RunComfy's own ComfyUI nodes check them before use."""


def checked_request_id(request_id: Any) -> str:
    """``request_id`` when it has RunComfy's form; ``InvalidRequestIdError`` otherwise, before
    it is put in a path (``..``, ``.`` or an empty id would name another route)."""
    if isinstance(request_id, str) and REQUEST_ID.fullmatch(request_id):
        return request_id
    raise errors.InvalidRequestIdError(request_id)


def request_url(base_url: str, request_id: str, action: str) -> str:
    return f"{base_url}/v1/requests/{quote(checked_request_id(request_id), safe='')}/{action}"


def trusted_url(base_url: str, given: Any, request_id: str, action: str) -> str:
    """The server's URL when it is the documented one, ``/v1/requests/<this id>/<action>`` on
    the API's own origin (a query of its own allowed); else the documented URL.

    The token goes with these requests, so a URL elsewhere is never used; and a same-origin
    URL naming another route is not either: a ``cancel_url`` pointing at a model's route would
    turn ``job.cancel()`` into a submit (a paid job).
    """
    documented = request_url(base_url, request_id, action)
    same_origin = isinstance(given, str) and origin(given) == origin(base_url)
    if same_origin and urlsplit(given).path == urlsplit(documented).path:
        return str(given)
    return documented


def decode_json(content: bytes) -> Any:
    """The answer's JSON; its text (cut to 500 characters) when it is not JSON or is nested
    too deeply to decode."""
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return content.decode("utf-8", "replace")[:500]


def excerpt(body: Any, limit: int = 200) -> str:
    """A short, printable view of an answer's body for an error message."""
    if body is None:
        return "an empty body"
    try:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        text = f"an answer nested too deeply to show ({type(body).__name__})"
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _dumped(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        return excerpt(value)


def _message(body: Any, fallback: str) -> str:
    if isinstance(body, Mapping):
        for key in MESSAGE_KEYS:
            value = body.get(key)
            if value:
                return value if isinstance(value, str) else _dumped(value)
    if isinstance(body, str) and body.strip():
        return body.strip()
    return fallback


def _error_code(body: Any) -> int | None:
    if isinstance(body, Mapping):
        code = body.get("error_code")
        if isinstance(code, int) and not isinstance(code, bool):
            return code
        if isinstance(code, str) and code.isdigit():
            return int(code)
    return None


def error_for(
    status_code: int,
    body: Any,
    headers: Mapping[str, str],
    *,
    request_id: str | None = None,
) -> errors.APIError | None:
    """The typed error an answer means, or None when it is a success.

    A 200 whose body carries an ``error_code`` is an error too.
    """
    code = _error_code(body)
    if status_code < 400 and code is None:
        return None
    cls = ERROR_CODES.get(code) if code is not None else None
    if cls is None:
        cls = STATUS_CODES.get(status_code)
    if cls is None:
        cls = errors.ServerError if status_code >= 500 else errors.APIError
    if isinstance(body, Mapping) and request_id is None:
        rid = body.get("request_id")
        request_id = rid if isinstance(rid, str) else None
    message = _message(body, f"HTTP {status_code}")
    kw: dict[str, Any] = {
        "status_code": status_code,
        "error_code": code,
        "request_id": request_id,
        "body": body,
    }
    if cls is errors.RateLimitError:
        return errors.RateLimitError(
            message, retry_after=parse_retry_after(headers.get("retry-after")), **kw
        )
    return cls(message, **kw)
