"""Where the command's client settings come from: ``--base-url``, the environment, a token file.

The token is never a command-line value (it would land in shell history and ``ps``): it comes
from ``RUNCOMFY_API_TOKEN``/``YOUR_API_TOKEN``, or from the file ``--token-file`` names.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runcomfy_runtime.client import AsyncClient, Client


def token_from_file(path: str) -> str:
    """The first line of ``path``, stripped; ``ConfigurationError`` when unreadable or empty."""
    from runcomfy_runtime.errors import ConfigurationError

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read --token-file {path}: {exc.strerror}") from exc
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise ConfigurationError(f"--token-file {path} is empty")
    return token


def client_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if getattr(args, "base_url", None):
        options["base_url"] = args.base_url
    if getattr(args, "token_file", None):
        options["api_token"] = token_from_file(args.token_file)
    return options


def sync_client(args: argparse.Namespace) -> Client:
    from runcomfy_runtime.client import Client

    return Client(registry=args.registry, **client_options(args))


def async_client(args: argparse.Namespace, **extra: Any) -> AsyncClient:
    from runcomfy_runtime.client import AsyncClient

    return AsyncClient(registry=args.registry, **client_options(args), **extra)
