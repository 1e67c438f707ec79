"""What an operation asks its driver to do: the only I/O a flow knows of.

An operation (validate, submit, wait, download...) is written once, as a generator that yields
these values and receives what each one produced; the sync and async clients drive it, each in
a few lines (:func:`drive` and :func:`adrive`). A failure of the I/O is thrown
into the flow at the ``yield``, so the flow decides what it means, and a unit test steps a flow
with canned answers and no server at all.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait ``seconds``; answers None."""

    seconds: float


class Sink(Protocol):
    """Where a streamed answer goes: its head decides whether its body is read."""

    def head(self, status: int, headers: Mapping[str, str], url: str) -> bool: ...
    def write(self, chunk: bytes) -> None: ...
    def end(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Fetch:
    """Send ``request`` (a file host's: ``filehost.file_request``), give its head to ``sink``
    and, when the sink wants it, every chunk of its body, then ``sink.end()``; answers None."""

    request: httpx.Request
    sink: Sink


Effect = Sleep | Fetch
Flow = Generator[Any, Any, T]
"""An operation: yields effects, receives their answers, returns its value."""


def step(flow: Flow[T], answer: Any, error: BaseException | None) -> tuple[bool, Any]:
    """Advance ``flow`` by one effect: (False, the next effect), or (True, its value)."""
    try:
        effect = flow.send(answer) if error is None else flow.throw(error)
    except StopIteration as stop:
        return True, stop.value
    return False, effect


def drive(flow: Flow[T], perform: Any) -> T:
    """Run ``flow`` to its end, ``perform(effect)`` doing each effect's I/O (sync)."""
    answer: Any = None
    error: BaseException | None = None
    while True:
        done, value = step(flow, answer, error)
        if done:
            return value  # type: ignore[no-any-return]
        answer, error = None, None
        try:
            answer = perform(value)
        except BaseException as exc:  # the flow decides what a failure means (and cleans up)
            error = exc


async def adrive(flow: Flow[T], perform: Any) -> T:
    """:func:`drive` for the async client: ``await perform(effect)``."""
    answer: Any = None
    error: BaseException | None = None
    while True:
        done, value = step(flow, answer, error)
        if done:
            return value  # type: ignore[no-any-return]
        answer, error = None, None
        try:
            answer = await perform(value)
        except BaseException as exc:
            error = exc


def sleep(seconds: float) -> None:
    time.sleep(seconds)
