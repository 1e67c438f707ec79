"""The API token: where it comes from, and how it is kept out of logs, reprs and other hosts."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path

from runcomfy_runtime import constants
from runcomfy_runtime.errors import ConfigurationError

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


def config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """RunComfy's CLI's config folder: ``$RUNCOMFY_CONFIG_DIR``, else
    ``$XDG_CONFIG_HOME/runcomfy``, else ``~/.config/runcomfy``."""
    if environ.get("RUNCOMFY_CONFIG_DIR"):
        return Path(environ["RUNCOMFY_CONFIG_DIR"]).expanduser()
    if environ.get("XDG_CONFIG_HOME"):
        return Path(environ["XDG_CONFIG_HOME"]).expanduser() / "runcomfy"
    return Path.home() / ".config" / "runcomfy"


def _token_file(environ: Mapping[str, str]) -> Secret | None:
    """The ``access_token`` of ``token.json``, as ``runcomfy login`` (RunComfy's CLI) writes it."""
    path = config_dir(environ) / constants.TOKEN_FILE_NAME
    try:
        with path.open("rb") as handle:
            data = json.loads(handle.read(64 * 1024))
    except (OSError, ValueError, RecursionError):
        return None
    token = data.get("access_token") if isinstance(data, dict) else None
    return Secret(token.strip(), str(path)) if isinstance(token, str) and token.strip() else None


def checked(secret: Secret) -> Secret:
    """A token that can be sent in a header, or ``ConfigurationError`` that does not show it."""
    value = secret.reveal()
    if not value or not value.isascii() or any(c.isspace() or not c.isprintable() for c in value):
        raise ConfigurationError(
            f"the API token from {secret.source} cannot be sent in an HTTP header (it holds a "
            "space, a line break, a control or non-ASCII character): check how it was set"
        )
    return secret


def resolve_token(given: str | None, environ: Mapping[str, str] = os.environ) -> Secret:
    """The token, in this order: ``api_token=``, ``$RUNCOMFY_API_TOKEN``, ``$YOUR_API_TOKEN``
    (the docs' name), ``$RUNCOMFY_TOKEN`` and ``<config dir>/token.json`` (RunComfy's CLI)."""
    if given:
        return checked(Secret(given.strip() or given))
    for name in constants.TOKEN_ENVS:
        value = environ.get(name, "").strip()
        if value:
            return checked(Secret(value, f"${name}"))
    found = _token_file(environ)
    if found is not None:
        return checked(found)
    names = ", ".join(f"${n}" for n in constants.TOKEN_ENVS)
    raise ConfigurationError(
        f"no API token: pass api_token=..., set {names}, or log in with RunComfy's CLI "
        f"(its {config_dir(environ) / constants.TOKEN_FILE_NAME} is read)"
    )


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
