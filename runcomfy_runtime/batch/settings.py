"""A batch's settings, checked once, passed whole; and the payloads it runs (:class:`Item`)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from runcomfy_runtime.batch.records import payload_digest

if TYPE_CHECKING:
    from runcomfy_runtime.endpoint import ValidationLevel

MAX_CONCURRENCY = 256
LEVELS = ("full", "schema", "off")


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """How a batch runs. ``concurrency``: jobs in flight at once (lowered under rate limits);
    ``out``: the folder of its journal and outputs (None: nothing touches the disk);
    ``max_cost``: USD the batch may spend, earlier runs of the folder included; ``validate``:
    the check before each submit (every payload is first checked offline, whatever it says,
    unless ``off``); ``timeout``: seconds to wait for each job; ``resubmit_ambiguous``/
    ``retry_failed``: send those payloads again; ``dry_run``: check and estimate, send nothing;
    ``option``: what messages call the folder (``out=``, ``--out``)."""

    concurrency: int = 8
    out: Path | None = None
    max_cost: float | None = None
    validate: ValidationLevel = "full"
    timeout: float | None = None
    resubmit_ambiguous: bool = False
    retry_failed: bool = False
    dry_run: bool = False
    option: str = "out="

    def __post_init__(self) -> None:
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int):
            raise TypeError(f"concurrency must be an int, got {self.concurrency!r}")
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ValueError(
                f"concurrency must be from 1 to {MAX_CONCURRENCY}, got {self.concurrency}"
            )
        cap = self.max_cost
        if cap is not None and (
            isinstance(cap, bool) or not isinstance(cap, int | float) or not 0 <= cap < math.inf
        ):
            raise ValueError(f"max_cost must be a number of USD >= 0, got {self.max_cost!r}")
        if self.timeout is not None and not (math.isfinite(self.timeout) and self.timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, got {self.timeout}")
        if self.validate not in LEVELS:
            raise ValueError(f"validate must be one of {', '.join(LEVELS)}, got {self.validate!r}")


class MapOptions(TypedDict, total=False):
    """The keyword arguments of ``map`` (each optional; the default in brackets): see
    :class:`BatchSettings`.

    ``concurrency`` (8), ``out`` (None: nothing on disk), ``max_cost`` (None: no cap, USD),
    ``validate`` ("full"), ``timeout`` (None: the client's wait timeout, per job),
    ``resubmit_ambiguous`` (False), ``retry_failed`` (False)."""

    concurrency: int
    out: str | os.PathLike[str] | None
    max_cost: float | None
    validate: ValidationLevel
    timeout: float | None
    resubmit_ambiguous: bool
    retry_failed: bool


def map_settings(options: MapOptions) -> BatchSettings:
    """The settings ``map``'s keyword arguments make; ``ValueError``/``TypeError`` at once for
    one that cannot be (before anything runs)."""
    given: dict[str, Any] = dict(options)
    unknown = sorted(set(given) - set(MapOptions.__annotations__))
    if unknown:
        raise TypeError(f"map() got unexpected keyword arguments: {', '.join(unknown)}")
    out = given.pop("out", None)
    folder = Path(os.fspath(out)).expanduser() if out is not None else None
    return BatchSettings(out=folder, **given)


@dataclass(frozen=True, slots=True)
class Item:
    """One payload of the batch: its position, the payload as given (None for a line that
    could not be read), why it cannot be sent as it is (``problem``), and the digests a journal
    may know it by (the first is the one recorded)."""

    index: int
    payload: Any
    problem: str | None = None
    digests: tuple[str, ...] = ()

    @property
    def line(self) -> int:
        return self.index + 1


class Source(Protocol):
    """Where a batch's payloads come from; read more than once (the check, then the run)."""

    def items(self) -> Iterator[Item]: ...


class Payloads:
    """Payloads given in Python: each a mapping of wire names to values."""

    def __init__(self, payloads: Sequence[Any]) -> None:
        self.payloads = payloads

    def items(self) -> Iterator[Item]:
        for index, payload in enumerate(self.payloads):
            if not isinstance(payload, Mapping):
                kind = type(payload).__name__
                yield Item(index, payload, f"a payload is a mapping (a dict), not {kind}")
                continue
            try:
                digest = payload_digest(payload)
            except (TypeError, ValueError) as exc:
                yield Item(index, payload, f"cannot be sent as JSON: {exc}")
                continue
            yield Item(index, payload, digests=(digest,))

    def __len__(self) -> int:
        return len(self.payloads)
