"""What an operation asks its driver to do: the only I/O a flow knows of.

Every operation (validate, submit, wait, download...) is written once, in ``operations.py``, as
a generator that yields these values and receives what each produced. The sync and async
clients each drive it (:func:`drive`, :func:`adrive`) with a handful of I/O functions of their
own. A failure of the I/O is thrown into the flow at its ``yield``, so the flow decides what it
means and cleans up; a unit test steps a flow with canned answers and no server at all.

=========== ============================================ ============================
effect      the driver                                    answers
=========== ============================================ ============================
Exchange    sends one attempt of ``call`` and reads the   an :class:`Exchanged`
            whole answer (capped, by the call's deadline)
Sleep       waits ``seconds``                             None
Probe       measures the media of ``payload`` (the        the problems found
            second validation stage)
Upload      uploads the pending local files of ``body``   the body with their URLs
Fetch       streams a file host's answer into ``sink``    None
=========== ============================================ ============================
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    import httpx

    from runcomfy_runtime.calls import Call
    from runcomfy_runtime.spec import EndpointSpec

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Exchange:
    call: Call


@dataclass(frozen=True, slots=True)
class Exchanged:
    """One answer, read whole: what :class:`Exchange` gives back."""

    status: int
    content: bytes
    headers: Mapping[str, str]
    url: str


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Probe:
    spec: EndpointSpec
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Upload:
    body: dict[str, Any]


class Sink(Protocol):
    """Where a file host's answer goes: it builds each request, and its answer's head decides
    whether the body is read."""

    def request(self, *, asynchronous: bool) -> httpx.Request: ...
    def head(self, status: int, headers: Mapping[str, str], url: str) -> bool: ...
    def write(self, chunk: bytes) -> None: ...
    def end(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Fetch:
    sink: Sink


Effect = Exchange | Sleep | Probe | Upload | Fetch
Flow = Generator[Effect, Any, T]
"""An operation: yields effects, receives their answers, returns its value."""


class Stepper:
    """Advances a flow one effect at a time, feeding it each answer or failure."""

    def __init__(self, flow: Flow[Any]) -> None:
        self.flow = flow
        self.answer: Any = None
        self.error: BaseException | None = None
        self.value: Any = None

    def next(self) -> Effect | None:
        """The next effect, or None once the flow has returned (``value``)."""
        answer, error, self.answer, self.error = self.answer, self.error, None, None
        try:
            return self.flow.send(answer) if error is None else self.flow.throw(error)
        except StopIteration as stop:
            self.value = stop.value
            return None

    def failed(self, error: BaseException) -> None:
        self.error = error  # thrown into the flow at its yield: the flow decides


def drive(flow: Flow[T], perform: Callable[[Effect], Any]) -> T:
    """Run ``flow`` to its end, ``perform`` doing each effect's I/O (the sync client)."""
    stepper = Stepper(flow)
    while (effect := stepper.next()) is not None:
        try:
            stepper.answer = perform(effect)
        except BaseException as error:
            stepper.failed(error)
    result: T = stepper.value
    return result


async def adrive(flow: Flow[T], perform: Callable[[Effect], Awaitable[Any]]) -> T:
    """:func:`drive` for the async client: each effect's I/O is awaited."""
    stepper = Stepper(flow)
    while (effect := stepper.next()) is not None:
        try:
            stepper.answer = await perform(effect)
        except BaseException as error:
            stepper.failed(error)
    result: T = stepper.value
    return result
