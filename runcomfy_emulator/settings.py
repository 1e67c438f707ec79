"""Everything an emulator is built with, as one frozen value checked once.

``__main__`` builds it from the command line, a test builds it (or has ``EmulatorServer`` build
it from keyword arguments); it is passed whole to ``create_app`` and ``Emulator``, so a new
setting is a field here and the code that reads it, not an argument threaded through four
signatures (httpx's ``Timeout`` and ``Limits`` are the model).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runcomfy_emulator.catalog import CatalogSource
from runcomfy_emulator.clock import Clock
from runcomfy_emulator.dialects import DIALECTS
from runcomfy_emulator.faults import Fault, parse_faults
from runcomfy_emulator.fetching import FetchPolicy
from runcomfy_emulator.jobs import Seconds, Timing
from runcomfy_emulator.limits import (
    DEFAULT_PROBE_TIMEOUT,
    MAX_UPLOAD_BYTES,
    MAX_UPLOADS_TOTAL_BYTES,
)

DEFAULT_TIMING = Timing()


@dataclass(frozen=True)
class EmulatorSettings:
    """How one emulator behaves. ``token`` None: the server picks a random one (a test never
    depends on a known secret)."""

    token: str | None = None
    queue_seconds: Seconds = DEFAULT_TIMING.queue_seconds
    run_seconds: Seconds = DEFAULT_TIMING.run_seconds
    workers: int = DEFAULT_TIMING.workers
    seed: int = DEFAULT_TIMING.seed
    clock: Clock = time.monotonic
    inputs_dir: Path | None = None
    faults: tuple[Fault, ...] = ()
    probe_timeout: float = DEFAULT_PROBE_TIMEOUT
    dialect: str = "docs"
    catalog: CatalogSource | None = field(default=None, repr=False)
    allow_remote_inputs: bool = False
    input_origins: tuple[str, ...] = ()
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_uploads_total_bytes: int = MAX_UPLOADS_TOTAL_BYTES

    def __post_init__(self) -> None:
        object.__setattr__(self, "faults", tuple(self.faults))
        object.__setattr__(self, "input_origins", tuple(self.input_origins))
        if self.token is not None and not self.token:
            raise ValueError("the emulator needs a non-empty token")
        if self.probe_timeout <= 0:
            raise ValueError(f"probe_timeout must be positive, got {self.probe_timeout}")
        if self.dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {self.dialect!r}; known: {', '.join(DIALECTS)}")
        if self.max_upload_bytes <= 0 or self.max_uploads_total_bytes <= 0:
            raise ValueError("the upload caps must be positive")
        self.timing  # noqa: B018 (Timing checks the lengths and workers)
        self.fetch_policy()  # checks the origins

    @property
    def timing(self) -> Timing:
        return Timing(self.queue_seconds, self.run_seconds, self.workers, self.seed)

    def fetch_policy(self) -> FetchPolicy:
        """A new fetch policy (it learns the server's own port later, so one per emulator)."""
        return FetchPolicy(allow_remote=self.allow_remote_inputs, origins=self.input_origins)

    def replace(self, **changes: Any) -> EmulatorSettings:
        """These settings with ``changes`` (field names; an unknown one is a ``TypeError``)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def of(cls, given: EmulatorSettings | None, changes: dict[str, Any]) -> EmulatorSettings:
        """``given`` (or the defaults) with ``changes``: the shorthand of ``EmulatorServer``'s
        keyword arguments (``faults`` may be the short form there too)."""
        if isinstance(changes.get("faults"), str):
            changes = {**changes, "faults": parse_faults(changes["faults"])}
        base = given if given is not None else cls()
        return base.replace(**changes) if changes else base
