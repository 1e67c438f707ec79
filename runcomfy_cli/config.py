"""Where the command's client settings come from, and the first request of a command.

The token is never a command-line value (it would land in shell history and ``ps``). In order:
``--token-file PATH``, ``$RUNCOMFY_API_TOKEN``, ``$YOUR_API_TOKEN`` (the API docs' name),
``$RUNCOMFY_TOKEN`` (RunComfy's CLI's), then ``<config dir>/token.json``, the file RunComfy's
``runcomfy login`` writes (config dir: ``$RUNCOMFY_CONFIG_DIR``, else
``$XDG_CONFIG_HOME/runcomfy``, else ``~/.config/runcomfy``). The base URL: ``--base-url``,
``$RUNCOMFY_BASE_URL``, ``$RUNCOMFY_MODEL_API_BASE`` (RunComfy's CLI's, ending in ``/v1``),
then the service. The runtime resolves the environment; this module adds ``--token-file``
and words the failures for a person at a shell.

A command's first request fails fast on a connection that cannot be made (refused, unknown
host): a wrong ``--base-url`` or an emulator that is not running is said in one line, at once,
instead of after the whole retry schedule. Later requests keep every retry.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import AuthFailure, CliFailure, UsageFailure

if TYPE_CHECKING:
    from runcomfy_runtime.auth import Secret
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.client import AsyncClient, BaseClient, Client
    from runcomfy_runtime.errors import APIConnectionError
    from runcomfy_runtime.spec import EndpointSpec

T = TypeVar("T")
ClientT = TypeVar("ClientT", bound="BaseClient")
TOKEN_FILE_MAX_BYTES = 64 * 1024
BASE_URL_PRECEDENCE = (
    "--base-url, $RUNCOMFY_BASE_URL, $RUNCOMFY_MODEL_API_BASE (RunComfy's CLI's; its /v1 is "
    "dropped), then https://model-api.runcomfy.net"
)


def token_from_file(path: str) -> str:
    """The token in ``path``: its first line, or the ``access_token`` of a JSON object (the
    ``token.json`` RunComfy's ``runcomfy login`` writes); ``UsageFailure`` when unreadable."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(TOKEN_FILE_MAX_BYTES)
    except OSError as exc:
        raise UsageFailure(f"cannot read --token-file {path}: {exc.strerror or exc}") from None
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token.strip():
            raise UsageFailure(f'--token-file {path} is JSON without an "access_token"')
        return token.strip()
    token = text.splitlines()[0].strip() if text else ""
    if not token:
        raise UsageFailure(f"--token-file {path} is empty")
    return token


def no_token_message(environ: Mapping[str, str] = os.environ) -> str:
    from runcomfy_runtime.auth import config_dir

    token_json = config_dir(environ) / "token.json"
    return (
        "no API token: set RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN, as RunComfy's CLI reads), "
        f"pass --token-file PATH, or sign in with RunComfy's CLI (`runcomfy login` writes "
        f"{token_json}, which is read too)"
    )


def resolve_secret(args: argparse.Namespace) -> Secret:
    """The token and where it came from; ``AuthFailure`` (exit 77) when there is none or it
    cannot be sent. Never shows the token."""
    from runcomfy_runtime.auth import Secret, checked, resolve_token
    from runcomfy_runtime.errors import ConfigurationError

    token_file = getattr(args, "token_file", None)
    try:
        if token_file:
            return checked(Secret(token_from_file(token_file), f"--token-file {token_file}"))
        return resolve_token(None)
    except ConfigurationError as exc:
        if str(exc).startswith("no API token"):
            raise AuthFailure(no_token_message()) from None
        raise AuthFailure(str(exc)) from None


def base_url_source(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> str:
    """Where the base URL came from, for messages that say what to check."""
    if getattr(args, "base_url", None):
        return "--base-url"
    for name in ("RUNCOMFY_BASE_URL", "RUNCOMFY_MODEL_API_BASE"):
        if environ.get(name, "").strip():
            return f"${name}"
    return "the default"


@dataclass
class Context:
    """What messages may say about the settings in use: never the token, only its source."""

    token_source: str | None = None
    base_url: str | None = None
    base_url_source: str = "the default"


def _build(cls: type[ClientT], args: argparse.Namespace, context: Context, **extra: Any) -> ClientT:
    from runcomfy_runtime.errors import ConfigurationError

    secret = resolve_secret(args)
    options: dict[str, Any] = {"api_token": secret.reveal()}
    if getattr(args, "base_url", None):
        options["base_url"] = args.base_url
    context.token_source = secret.source
    context.base_url_source = base_url_source(args)
    try:
        client = cls(registry=args.registry, **options, **extra)
    except ConfigurationError as exc:
        raise UsageFailure(
            f"{exc} (from {context.base_url_source}; the base URL comes from {BASE_URL_PRECEDENCE})"
        ) from None
    client._token.source = secret.source  # ours: "--token-file PATH", not "api_token="
    context.base_url = client.base_url
    return client


def attach_uploader(client: BaseClient, args: argparse.Namespace) -> None:
    """``--upload`` (else ``$RUNCOMFY_UPLOAD``) on the client of a command that submits: local
    files too large to inline go there. The emulator's uploader gets the client's own token
    and base URL, so the token goes nowhere it does not already go."""
    from runcomfy_cli.uploading import build_uploader, target_of

    target = target_of(getattr(args, "upload", None))
    if target is not None:
        quiet = bool(getattr(args, "quiet", False))
        client.uploader = build_uploader(target, client.base_url, client._token, quiet=quiet)


@dataclass
class Session:
    """One command's settings and clients: built when first needed (``models`` and ``schema``
    of a generated model need no token), closed when the command ends."""

    args: argparse.Namespace
    context: Context = field(default_factory=Context)
    spec: EndpointSpec | None = None
    _client: Client | None = None

    def client(self) -> Client:
        if self._client is None:
            from runcomfy_runtime.client import Client

            self._client = _build(Client, self.args, self.context)
        return self._client

    def async_client(self, **extra: Any) -> AsyncClient:
        from runcomfy_runtime.client import AsyncClient

        return _build(AsyncClient, self.args, self.context, **extra)

    def has_token(self) -> bool:
        try:
            resolve_secret(self.args)
        except CliFailure:
            return False
        return True

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


# -- the first request ------------------------------------------------------------------------


class Unreachable(CliFailure):
    """The API's host cannot be reached at all (refused, unknown host): exit 75, at once."""

    code = ExitCode.RETRYABLE


CONNECT_FAILURES: tuple[tuple[type[OSError], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (socket.gaierror, "host name not found"),
)
"""What a connection that could not be made met, by the type of what the system raised."""


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error``'s causes, nearest first (``raise ... from``, else the error being handled)."""
    seen: set[int] = set()
    cause = error.__cause__ or error.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        yield cause
        cause = cause.__cause__ or cause.__context__


def unreachable(error: APIConnectionError, context: Context) -> Unreachable | None:
    """The one-line failure for a connection that could not even be made; None for others
    (a timeout, a dropped connection), which keep their retries."""
    import httpx

    if not isinstance(error.__cause__, httpx.ConnectError):
        return None
    why = next(
        (
            why
            for cause in _causes(error)
            for kind, why in CONNECT_FAILURES
            if isinstance(cause, kind)
        ),
        str(error.__cause__) or "cannot connect",
    )
    url = context.base_url or "the API"
    return Unreachable(
        f"cannot reach {url} ({why}): check the base URL (from {context.base_url_source}: "
        "--base-url, $RUNCOMFY_BASE_URL); for the local emulator, is it running "
        "(`runcomfy emulator`)?"
    )


def _no_retries() -> Any:
    from runcomfy_runtime.retry import RetryPolicy  # the CLI's start-up loads no client

    return RetryPolicy(max_retries=0)


def _retried(error: Exception, context: Context) -> bool:
    """Whether the first request's failure is worth every retry (a 5xx, a 429, a timeout);
    raises at once when its host cannot be reached at all."""
    from runcomfy_runtime import errors as e

    if isinstance(error, e.APIConnectionError):
        fast = unreachable(error, context)
        if fast is not None:
            raise fast from None
    return isinstance(error, e.APIConnectionError | e.RateLimitError | e.ServerError)


def first_request(client: Client, call: Callable[[Client], T], context: Context) -> T:
    """``call(client)`` (idempotent: a GET, or a cancel), made first through a view of the
    client without retries, failing fast when no connection can be made; anything else that
    would have been retried is tried again with every retry. The client is never changed, so
    nothing else using it is affected."""
    try:
        return call(client.with_options(retry=_no_retries()))
    except Exception as exc:
        if not _retried(exc, context):
            raise
    return call(client)


async def afirst_request(
    client: AsyncClient, call: Callable[[AsyncClient], Awaitable[T]], context: Context
) -> T:
    """:func:`first_request` for the async client (the batch's)."""
    try:
        return await call(client.with_options(retry=_no_retries()))
    except Exception as exc:
        if not _retried(exc, context):
            raise
    return await call(client)


def catalog_entry(session: Session, model_id: str) -> CatalogEntry | None:
    """The catalog's entry (price, name) as the command's first request; None when the
    catalog cannot say (no such entry, not served, an error): a price is never worth failing
    a command for. An unreachable host still fails fast."""
    from runcomfy_runtime.errors import APIError

    client = session.client()
    try:
        return first_request(client, lambda c: c.model(model_id), session.context)
    except APIError:
        return None


def out_dir(path: str, option: str = "--out", *, create: bool = True) -> Path:
    """``path`` as an output folder (created unless ``create`` is false); ``UsageFailure``
    when it cannot be one. Checked before any job is submitted, never after."""
    folder = Path(path).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageFailure(f"{option} {path} is a file, not a folder")
    if not create:
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageFailure(f"cannot create {option} {path}: {exc.strerror or exc}") from None
    return folder
