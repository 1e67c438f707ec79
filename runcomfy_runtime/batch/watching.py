"""What a face of the engine shows while it runs: the CLI's progress bar, ``map``'s log."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

log = logging.getLogger("runcomfy.batch")


class Watcher(Protocol):
    """What a face of the engine shows while it runs (the CLI's progress bar, a log)."""

    def checked(self, total: int, invalid: Mapping[int, str]) -> None:
        """The check is done: ``total`` payloads, the invalid ones' indexes and reasons."""

    def started(self, index: int) -> None:
        """A worker took payload ``index``."""

    def ended(self, index: int) -> None:
        """The worker's payload ``index`` has its outcome."""

    def note(self, text: str) -> None:
        """Something the user should know (the budget), once."""


class LogWatcher:
    """``map``'s watcher: notes go to the ``runcomfy.batch`` logger."""

    def checked(self, total: int, invalid: Mapping[int, str]) -> None:
        if invalid:
            log.info("%d of %d payloads are invalid: nothing is sent for them", len(invalid), total)

    def started(self, index: int) -> None:
        pass

    def ended(self, index: int) -> None:
        pass

    def note(self, text: str) -> None:
        log.warning("%s", text)
