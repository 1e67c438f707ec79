"""The API token: where it comes from (the order is ``sources.TOKEN_SOURCES``), how its file is
read safely, and how it is kept out of logs, reprs and other hosts."""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runcomfy_runtime.errors import ConfigurationError, MissingTokenError
from runcomfy_runtime.sources import TOKEN_ENVS, TOKEN_SOURCES, inline, paragraph, token_file

_BEARER = re.compile(r"(Bearer\s+)[^\s'\"]+", re.IGNORECASE)
REDACTED = "[redacted]"
MIN_SCRUBBED_LENGTH = 8


class Secret:
    """A string that never shows itself: ``repr``/``str`` print a placeholder. ``source`` says
    where it came from (``$RUNCOMFY_API_TOKEN``), which is safe to show."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str = "api_token=") -> None:
        self._value = value
        self.source = source

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('[redacted]')"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("an API token is not pickled")


TOKEN_FILE_MAX_BYTES = 64 * 1024
"""A token file holds a few hundred bytes; anything past this is not one, and is not read."""

_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (a named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
"""What a file that is not a regular file is, in words, by its ``st_mode`` test."""


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; elsewhere there are no FIFOs to block on
_MODE_BITS_MEAN_ACCESS = os.name == "posix"  # Windows reports made-up permission bits


class InsecureTokenFileWarning(UserWarning):
    """A token file others may read or change (any group or other permission bit), as ssh
    warns of a private key: it is still used, and ``chmod 600`` silences this. A warning, not
    an error of ``errors.py``'s tree: nothing failed."""


class TokenFileProblem(Exception):
    """Why a token file cannot be used, in words that follow its path (``is a directory``)."""


def _kind(mode: int) -> str | None:
    """None for a regular file, else what the file is."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _NOT_REGULAR if test(mode)), "not a regular file")


@dataclass(frozen=True, slots=True)
class TokenFileBytes:
    """What a token file held, and its permission bits (None for a pipe)."""

    data: bytes
    mode: int | None

    def warn_if_open(self, path: str | Path) -> None:
        """An :class:`InsecureTokenFileWarning` when others may read or change the file: said
        once the token in it is taken, never for a file that is refused anyway."""
        if self.mode is not None and self.mode & 0o077:
            warnings.warn(
                f"the token file {path} is open to others (mode {self.mode:04o}): anyone on "
                f"this machine who can read it has your API token; chmod 600 {path}",
                InsecureTokenFileWarning,
                stacklevel=5,  # the caller of RunComfy(...)
            )


def read_token_file(path: str | Path, *, pipes: bool = False) -> TokenFileBytes:
    """The bytes of a token file, read so that no file can hang or flood the caller.

    Opened with ``O_NONBLOCK`` (opening a FIFO that has no writer would otherwise block
    forever), checked with ``fstat`` before a byte is read (a directory, a device, a socket or
    a FIFO is refused, unless ``pipes`` allows a pipe given on purpose, ``--token-file
    <(pass show runcomfy)``), refused past :data:`TOKEN_FILE_MAX_BYTES`, and read capped even
    so. ``FileNotFoundError`` when there is none; :class:`TokenFileProblem` otherwise.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as e:
        raise TokenFileProblem(f"cannot be opened ({e.strerror or e})") from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None and not (pipes and stat.S_ISFIFO(info.st_mode)):
            raise TokenFileProblem(f"is {kind}, not a regular file: it was not read")
        if kind is None and info.st_size > TOKEN_FILE_MAX_BYTES:
            raise TokenFileProblem(_too_large(info.st_size))
        if kind is not None:  # a pipe the user gave: wait for its writer, as `cat` would
            os.set_blocking(fd, True)
        mode = stat.S_IMODE(info.st_mode) if kind is None and _MODE_BITS_MEAN_ACCESS else None
        return TokenFileBytes(_read_capped(fd), mode)
    except OSError as e:
        raise TokenFileProblem(f"cannot be read ({e.strerror or e})") from None
    finally:
        os.close(fd)


def _too_large(size: int) -> str:
    return (
        f"is {size} bytes, not a token file (one holds a few hundred; at most "
        f"{TOKEN_FILE_MAX_BYTES}): it was not read"
    )


def _read_capped(fd: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= TOKEN_FILE_MAX_BYTES:
        chunk = os.read(fd, TOKEN_FILE_MAX_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > TOKEN_FILE_MAX_BYTES:
        raise TokenFileProblem(_too_large(size))
    return b"".join(chunks)


def token_json(raw: bytes) -> dict[str, Any]:
    """The object of a ``token.json`` (RunComfy's CLI's ``Token``: ``access_token``, and
    optional ``refresh_token``, ``expires_at`` in Unix seconds, ``user_email``) whose
    ``access_token`` is a non-empty string; :class:`TokenFileProblem` otherwise."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise TokenFileProblem("is not JSON: not a token.json") from None
    if not isinstance(data, dict):
        raise TokenFileProblem("is JSON but not an object: not a token.json")
    token = data.get("access_token")
    if not isinstance(token, str) or not token.strip():
        raise TokenFileProblem('has no "access_token": not a token.json')
    return data


def _token_file(environ: Mapping[str, str]) -> Secret | None:
    """The ``access_token`` of ``token.json``, as ``runcomfy login`` (ours or RunComfy's CLI)
    writes it; None when there is no such file."""
    path = token_file(environ)
    try:
        read = read_token_file(path)
        data = token_json(read.data)
    except FileNotFoundError:
        return None
    except TokenFileProblem as problem:
        raise MissingTokenError(_no_token(environ, f"; {path} {problem}"), str(problem)) from None
    read.warn_if_open(path)
    return Secret(str(data["access_token"]).strip(), str(path))


def checked(secret: Secret) -> Secret:
    """A token that can be sent in a header, or ``ConfigurationError`` that does not show it."""
    value = secret.reveal()
    if not value or not value.isascii() or any(c.isspace() or not c.isprintable() for c in value):
        raise ConfigurationError(
            f"the API token from {secret.source} cannot be sent in an HTTP header (it holds a "
            "space, a line break, a control or non-ASCII character): check how it was set"
        )
    return secret


def _no_token(environ: Mapping[str, str], why: str = "") -> str:
    names = ", ".join(f"${n}" for n in TOKEN_ENVS)
    return (
        f"no API token: pass api_token=..., set {names}, or run `runcomfy login` (it writes "
        f"{token_file(environ)}, which is read too){why}"
    )


def resolve_token(given: str | None, environ: Mapping[str, str] = os.environ) -> Secret:
    """The token, first found: the sources of :data:`sources.TOKEN_SOURCES`, in order;
    :class:`MissingTokenError` when none gives one (saying why token.json was not used, when
    it is there)."""
    if given:
        return checked(Secret(given.strip() or given))
    for name in TOKEN_ENVS:
        value = environ.get(name, "").strip()
        if value:
            return checked(Secret(value, f"${name}"))
    found = _token_file(environ)
    if found is not None:
        return checked(found)
    raise MissingTokenError(_no_token(environ))


if resolve_token.__doc__:  # the order itself, rendered from the table (absent under -OO)
    resolve_token.__doc__ += "\n\n" + paragraph(inline(TOKEN_SOURCES, quote="``") + ".")


def scrubbed(value: object, secret: Secret) -> object:
    """``value`` (an answer's decoded body) with every occurrence of the token replaced: a
    server that echoes the token must not get it into an error message. Iterative, so no
    nesting the JSON decoder accepts is too deep for it."""
    token = secret.reveal()
    if not token:
        return value

    def clean(item: object) -> object:
        if isinstance(item, str):
            return item.replace(token, REDACTED) if token in item else item
        if isinstance(item, dict):
            return {}
        return [] if isinstance(item, list) else item

    top = clean(value)
    # (the copy being filled, the original it copies): children are copied as they are met
    stack: list[tuple[object, object]] = [(top, value)]
    while stack:
        copy, original = stack.pop()
        if isinstance(original, dict) and isinstance(copy, dict):
            for key, child in original.items():
                copy[clean(key) if isinstance(key, str) else key] = child_copy = clean(child)
                stack.append((child_copy, child))
        elif isinstance(original, list) and isinstance(copy, list):
            for child in original:
                copy.append(child_copy := clean(child))
                stack.append((child_copy, child))
    return top


class RedactingFilter(logging.Filter):
    """Removes known tokens, and anything after ``Bearer``, from every record it sees."""

    def __init__(self) -> None:
        super().__init__("runcomfy-redact")
        self._secrets: set[str] = set()

    def add(self, secret: Secret) -> None:
        value = secret.reveal()
        # A value this short is no real token, and scrubbing it would shred every message
        # ("t" everywhere); such a one still never follows "Bearer " into a record.
        if len(value) >= MIN_SCRUBBED_LENGTH:
            self._secrets.add(value)

    def scrub(self, text: str) -> str:
        for value in self._secrets:
            text = text.replace(value, REDACTED)
        return _BEARER.sub(r"\1" + REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


REDACTOR = RedactingFilter()
_GUARDED = ("runcomfy", "runcomfy_runtime", "httpx", "httpcore")


def guard_logs(secret: Secret) -> None:
    """Register the token with the filter on every logger that could see a request."""
    REDACTOR.add(secret)
    # A logger's filter misses its children's records (httpcore.http11, ...); a record
    # factory sees every record where it is made.
    _install_factory()


_factory_installed = False


def _install_factory() -> None:
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.name.startswith(_GUARDED):
            REDACTOR.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True
