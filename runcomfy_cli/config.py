"""Where the command's client settings come from, and the first request of a command.

The token is never a command-line value (it would land in shell history and ``ps``). The
orders in which the token and the base URL are looked for are the runtime's tables
(``runcomfy_runtime.sources``), with ``--token-file PATH`` and ``--base-url`` first;
``runcomfy --help`` prints them. The runtime resolves the environment; this module adds the
two options and words the failures for a person at a shell.

A command's first request fails fast on a connection that cannot be made (refused, unknown
host): a wrong ``--base-url`` or an emulator that is not running is said in one line, at once,
instead of after the whole retry schedule. Later requests keep every retry.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
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


def base_url_precedence() -> str:
    """Where the base URL may come from, first found (``sources.BASE_URL_SOURCES``)."""
    from runcomfy_runtime.sources import BASE_URL_SOURCES, inline

    return inline(BASE_URL_SOURCES, "cli")


def token_from_file(path: str) -> str:
    """The token in ``path``: its first line, or the ``access_token`` of a JSON object (the
    ``token.json`` ``runcomfy login`` writes); ``UsageFailure`` when unusable. Read as the
    runtime reads token.json (never hanging, capped), but a pipe is taken: ``--token-file
    <(pass show runcomfy)`` is a pipe given on purpose."""
    from runcomfy_runtime.auth import TokenFileProblem, read_token_file, token_json

    try:
        read = read_token_file(path, pipes=True)
        text = read.data.decode("utf-8", "replace").strip()
        if text.startswith("{"):
            token = str(token_json(read.data)["access_token"]).strip()
        else:
            token = text.splitlines()[0].strip() if text else ""
    except FileNotFoundError:
        raise UsageFailure(f"cannot read --token-file {path}: no such file") from None
    except TokenFileProblem as problem:
        raise UsageFailure(f"--token-file {path} {problem}") from None
    if not token:
        raise UsageFailure(f"--token-file {path} is empty")
    read.warn_if_open(path)
    return token


def no_token_message(environ: Mapping[str, str] = os.environ, reason: str | None = None) -> str:
    """No token anywhere, worded for the shell; ``reason`` says why token.json was not used."""
    from runcomfy_runtime.sources import TOKEN_ENVS, token_file

    names = ", ".join(TOKEN_ENVS[:-1]) + f" or {TOKEN_ENVS[-1]}"
    path = token_file(environ)
    why = f"; {path} {reason}" if reason else ""
    return (
        f"no API token: run `runcomfy login` (it writes {path}, which is read too), set "
        f"{names}, or pass --token-file PATH{why}"
    )


def resolve_secret(args: argparse.Namespace) -> Secret:
    """The token and where it came from; ``AuthFailure`` (exit 77) when there is none or it
    cannot be sent. Never shows the token; a token file open to others is warned of, once."""
    import warnings

    from runcomfy_runtime.auth import Secret, checked, resolve_token
    from runcomfy_runtime.errors import ConfigurationError, MissingTokenError

    token_file = getattr(args, "token_file", None)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if token_file:
                return checked(Secret(token_from_file(token_file), f"--token-file {token_file}"))
            return resolve_token(None)
    except MissingTokenError as exc:
        raise AuthFailure(no_token_message(reason=exc.reason)) from None
    except ConfigurationError as exc:
        raise AuthFailure(str(exc)) from None
    finally:
        _warn_once(str(w.message) for w in caught)


_warned: set[str] = set()


def _warn_once(messages: Iterable[str]) -> None:
    """A warning (a token file open to others) on stderr once per command, however often the
    token is resolved."""
    for message in messages:
        if message not in _warned:
            _warned.add(message)
            print(f"runcomfy: warning: {message}", file=sys.stderr)


def base_url_source(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> str:
    """Where the base URL came from, for messages that say what to check."""
    from runcomfy_runtime.sources import base_url_from_env

    if getattr(args, "base_url", None):
        return "--base-url"
    return base_url_from_env(environ)[1]


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
            f"{exc} (from {context.base_url_source}; the base URL comes from, first found: "
            f"{base_url_precedence()})"
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
        f"cannot reach {url} ({why}): check the base URL (from {context.base_url_source}; "
        f"first found: {base_url_precedence()}); for the local emulator, is it running "
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
