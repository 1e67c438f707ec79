"""The client's errors, worded for the person at the shell.

The runtime's messages are written for a Python caller and know nothing of the command line;
here they gain what the command knows: which token source the API refused, which base URL
answered with something that is not the API, which command to run next. The server's own
words are kept, after ours, never alone.
"""

from __future__ import annotations

import time

from runcomfy_cli.config import Context, unreachable
from runcomfy_cli.failures import not_the_api
from runcomfy_runtime import errors as e


def explain(error: BaseException, context: Context) -> str:
    """One message for ``error``; multi-line only for a list of input problems."""
    if isinstance(error, e.AuthenticationError):
        return _refused_token(error, context)
    if isinstance(error, e.PermissionDeniedError):
        return (
            f"the API refused the request: the token from {context.token_source or '?'} has no "
            f"permission for it ({_facts(error)}; the server said: {error.message})"
        )
    if isinstance(error, e.InsufficientBalanceError):
        return (
            "the API refused the job: the account's balance is too low; top it up on "
            f"runcomfy.com ({_facts(error)}; the server said: {error.message})"
        )
    if isinstance(error, e.APIConnectionError):
        fast = unreachable(error, context)
        return str(fast) if fast is not None else str(error)
    if isinstance(error, e.AmbiguousSubmitError):
        return (
            f"{error}. Look for the job in your RunComfy dashboard before running the command "
            "again."
        )
    if isinstance(error, e.UnknownModelError):
        return str(error)
    if isinstance(error, e.APIError) and not_the_api(error):
        return _wrong_base_url(error, context)
    if isinstance(error, e.NotFoundError) and error.request_id:
        return f"{error}: check the request id (ids expire some time after the job ends)"
    return str(error)


def _facts(error: e.APIError) -> str:
    facts = [f"HTTP {error.status_code}" if error.status_code is not None else None]
    facts.append(f"error_code {error.error_code}" if error.error_code is not None else None)
    return ", ".join(f for f in facts if f) or "no status"


def _refused_token(error: e.APIError, context: Context) -> str:
    source = context.token_source or "the environment"
    hint = _expired_hint(source)
    where = f" at {context.base_url}" if context.base_url else ""
    return (
        f"the API{where} refused the token from {source} ({_facts(error)}): it is wrong, "
        f"expired or revoked{hint}; the server said: {error.message}"
    )


def _expired_hint(source: str) -> str:
    """RunComfy's ``token.json`` records when its token expires: say so when it has."""
    from runcomfy_runtime.auth import TokenFileProblem, read_token_file, token_json

    if not source.endswith("token.json"):
        return ""
    try:
        data = token_json(read_token_file(source).data)
    except (OSError, TokenFileProblem):
        return ""
    expires = data.get("expires_at")
    if isinstance(expires, int | float) and expires < time.time():
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(expires))
        return f" (it expired at {when}: sign in again with `runcomfy login`)"
    return ""


def _wrong_base_url(error: e.APIError, context: Context) -> str:
    shown = str(error.body).strip().replace("\n", " ")[:80] if error.body else "an empty body"
    return (
        f"{context.base_url or 'the base URL'} answered HTTP {error.status_code} with "
        f"{shown!r}, not an API answer: check the base URL (from {context.base_url_source}; "
        "`runcomfy --help` lists where it may come from)"
    )
