"""The API token: where it comes from, and how it is kept out of logs, reprs and other hosts."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

from runcomfy_runtime import constants
from runcomfy_runtime.errors import ConfigurationError

_BEARER = re.compile(r"(Bearer\s+)[^\s'\"]+", re.IGNORECASE)
REDACTED = "[redacted]"
MIN_SCRUBBED_LENGTH = 8


class Secret:
    """A string that never shows itself: ``repr``/``str`` print a placeholder."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('[redacted]')"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("an API token is not pickled")


def resolve_token(given: str | None, environ: Mapping[str, str] = os.environ) -> Secret:
    if given:
        return Secret(given)
    for name in constants.TOKEN_ENVS:
        value = environ.get(name, "").strip()
        if value:
            return Secret(value)
    names = " or ".join(constants.TOKEN_ENVS)
    raise ConfigurationError(
        f"no API token: pass api_token=... or set {names} (see your RunComfy profile)"
    )


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
