"""``runcomfy login`` and ``runcomfy logout``: the token file, written as RunComfy's CLI writes it.

RunComfy's own CLI (``runcomfy-com/runcomfy-cli``, ``src/config.rs``) keeps the token in
``<config dir>/token.json``, an object with ``access_token`` and the optional
``refresh_token``, ``expires_at`` (Unix seconds) and ``user_email`` (``null`` when unknown),
written to a temporary file beside it with mode 0600, synced, then renamed into place. This
one writes the same file the same way, so either CLI reads the other's login; its login takes
the token itself (from standard input, or a prompt that does not echo) where RunComfy's runs a
browser sign-in. The token is not checked here: the next command that calls the API uses it,
and a refused token is reported there with where it came from.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import UsageFailure
from runcomfy_cli.printing import emit

MAX_TOKEN_INPUT = 64 * 1024
"""Standard input read for a token, at most: a token is a line; a file piped by mistake is not."""
PROMPT = "RunComfy API token (not shown): "
FILE_MODE = 0o600
DIR_MODE = 0o700  # a config folder made here is the user's alone


def token_record(token: str) -> dict[str, object]:
    """The token file's object, with every field RunComfy's CLI's ``Token`` has."""
    return {"access_token": token, "refresh_token": None, "expires_at": None, "user_email": None}


def read_token(stdin: TextIO) -> str:
    """The token from a prompt that does not echo (a terminal), else the first line of
    standard input; ``UsageFailure`` when there is none."""
    if stdin.isatty():
        text = getpass.getpass(PROMPT)
    else:
        text = stdin.read(MAX_TOKEN_INPUT + 1)
        if len(text) > MAX_TOKEN_INPUT:
            raise UsageFailure(
                f"standard input holds more than {MAX_TOKEN_INPUT} characters: not a token "
                '(pipe the token alone: `printf %s "$TOKEN" | runcomfy login`)'
            )
    lines = text.strip().splitlines()
    token = lines[0].strip() if lines else ""
    if not token:
        raise UsageFailure("no token given: type it at the prompt, or pipe it on standard input")
    return token


def write_token_file(path: Path, token: str) -> None:
    """Write ``path`` atomically with mode 0600: a temporary file in the same folder (created
    0600, so the token is never readable by others, not even for a moment), synced, renamed
    over the old one. A crash leaves the old file or the new one, never half of either."""
    path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    body = json.dumps(token_record(token), indent=2) + "\n"
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if hasattr(os, "fchmod"):  # mkstemp makes it 0600; say so anyway
                os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _shadowing(environ: Mapping[str, str]) -> list[str]:
    """The environment variables that come before the token file and are set."""
    from runcomfy_runtime.sources import TOKEN_ENVS

    return [f"${name}" for name in TOKEN_ENVS if environ.get(name, "").strip()]


def _hint(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(f"runcomfy: {text}", file=sys.stderr)


def login(args: argparse.Namespace) -> ExitCode:
    """Save the token (from ``--token-file``, a silent prompt or standard input) to the
    token file, 0600."""
    from runcomfy_runtime.auth import Secret, checked
    from runcomfy_runtime.errors import ConfigurationError
    from runcomfy_runtime.sources import token_file

    given = getattr(args, "token_file", None)
    if given:
        from runcomfy_cli.config import token_from_file

        token = token_from_file(given)
    else:
        token = read_token(sys.stdin)
    try:
        checked(Secret(token, "the token given"))
    except ConfigurationError as exc:
        raise UsageFailure(str(exc)) from None
    path = token_file()
    try:
        write_token_file(path, token)
    except OSError as exc:
        raise UsageFailure(f"cannot write {path}: {exc.strerror or exc}") from None
    _hint(args, f"token saved to {path} (mode 0600)")
    ahead = _shadowing(os.environ)
    if ahead:
        _hint(args, f"{' and '.join(ahead)} is set and comes first: unset it to use this login")
    emit(args.json, {"token_file": str(path)}, str(path))
    return ExitCode.OK


def logout(args: argparse.Namespace) -> ExitCode:
    """Remove the token file (nothing else: a token in the environment stays where it is)."""
    from runcomfy_runtime.sources import token_file

    path = token_file()
    try:
        path.unlink()
        removed = True
    except FileNotFoundError:
        removed = False
    except OSError as exc:
        raise UsageFailure(f"cannot remove {path}: {exc.strerror or exc}") from None
    _hint(args, f"removed {path}" if removed else f"no token file at {path}: nothing to remove")
    ahead = _shadowing(os.environ)
    if ahead:
        _hint(args, f"{' and '.join(ahead)} is still set: commands still use it")
    emit(args.json, {"token_file": str(path), "removed": removed}, str(path) if removed else "")
    return ExitCode.OK
