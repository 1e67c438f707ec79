"""Fault injection: what can go wrong, on which route, how many times.

A client's retry and recovery code is only as good as the failures it has met, so the
emulator produces them on demand. A fault names its ``kind``, the ``route`` it hits and a
``count`` of how many times it fires; then it is spent. With ``every`` N it fires on one request
in N of those it would hit (the first, then the (N+1)th...), letting the others through:
``every: 2`` answers half the submits, whatever their rate. Faults fire in the order they were
added, at most one per request, before anything else is checked (authentication included), as
a gateway in front of the real service would.

Kinds (the one parameter each takes, and its default):

=============== =============================================================== ===============
kind            what happens                                                    parameter
=============== =============================================================== ===============
server_error    answers ``status`` with an ``error_message``                    status=500
rate_limit      answers 429 with ``Retry-After: retry_after``                   retry_after=1
quota           answers 429 with ``Retry-After: retry_after`` to a request       per_second=10,
                beyond ``per_second`` requests in the last second on its route  retry_after=1
                (a sliding window, as an API gateway counts); fires ``count``
                times, so a client sending too fast meets bursts of 429s
delay           waits ``seconds``, then answers normally                        seconds=1
drop_before     closes the connection with no answer; nothing was done          (none)
drop_after      does the work (a submit creates its job), then closes the       (none)
                connection with no answer
garble_after    does the work, then answers 200 with ``body`` as the whole      body=<html>...
                answer (not JSON, empty, or JSON without a ``request_id``)
permission_200  answers HTTP 200 with ``{"error_code": 403003,                  (none)
                "error_message": ...}``: a permission error in a 200, as
                RunComfy's clients say the real service can answer
job_failed      the next job created fails: status and result say ``failed``    message
result_failed   the next job created fails the documented odd way: status says  message
                ``completed`` while the result says ``failed``
=============== =============================================================== ===============

Routes: ``submit``, ``status``, ``result``, ``cancel`` (the API), ``catalog`` (the three
``GET /v1/models...`` routes), ``upload`` (``PUT /inputs/...``), ``inputs`` (input file
downloads, which the emulator's own probes make too), ``files`` (output downloads), or ``*``
for the four job routes of the API. The job kinds are taken when a job is created, so their
route is ``submit`` (``*`` is accepted and means the same).

Written as JSON, a fault is ``{"kind": "server_error", "route": "submit", "count": 2, "status":
503}``; a list of them is accepted too. The command line also takes a short form, items
separated by commas, each ``[route:]kind[=value][xCOUNT][%EVERY]`` (a kind of two parameters
takes both as ``value/value``)::

    submit:drop_after, status:server_error=503x2, *:rate_limit=0.5, result:delay=2x3,
    *:quota=50/1x100000, submit:rate_limit=1x100%2
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

FaultKind = Literal[
    "server_error",
    "rate_limit",
    "delay",
    "drop_before",
    "drop_after",
    "garble_after",
    "permission_200",
    "job_failed",
    "result_failed",
    "quota",
]
Route = Literal["submit", "status", "result", "cancel", "catalog", "upload", "inputs", "files"]

KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
ROUTES: tuple[Route, ...] = get_args(Route)
API_ROUTES: frozenset[str] = frozenset({"submit", "status", "result", "cancel"})
JOB_KINDS: frozenset[str] = frozenset({"job_failed", "result_failed"})
ANY_ROUTE = "*"

# The parameters each kind takes, in the order the short form gives them.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "server_error": ("status",),
    "rate_limit": ("retry_after",),
    "quota": ("per_second", "retry_after"),
    "delay": ("seconds",),
    "drop_before": (),
    "drop_after": (),
    "garble_after": ("body",),
    "permission_200": (),
    "job_failed": ("message",),
    "result_failed": ("message",),
}
DEFAULT_FAILURE_MESSAGE = "emulated failure: the model could not produce an output"
DEFAULT_GARBLED_BODY = "<html><body>502 Bad Gateway</body></html>"


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault to inject. Only the parameter of its kind matters; the others keep defaults."""

    kind: FaultKind
    route: str = ANY_ROUTE
    count: int = 1
    every: int = 1
    status: int = 500
    retry_after: float = 1.0
    per_second: float = 10.0
    seconds: float = 1.0
    message: str = DEFAULT_FAILURE_MESSAGE
    body: str = DEFAULT_GARBLED_BODY

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.route != ANY_ROUTE and self.route not in ROUTES:
            raise ValueError(
                f"unknown route {self.route!r}; known: {', '.join(ROUTES)} or {ANY_ROUTE!r}"
            )
        if self.kind in JOB_KINDS and self.route not in ("submit", ANY_ROUTE):
            raise ValueError(f"a {self.kind} fault is taken when a job is created: route submit")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError(f"count must be an integer >= 1, got {self.count!r}")
        if isinstance(self.every, bool) or not isinstance(self.every, int) or self.every < 1:
            raise ValueError(f"every must be an integer >= 1, got {self.every!r}")
        if not 500 <= self.status <= 599:
            raise ValueError(f"a server_error status must be 5xx, got {self.status}")
        if self.retry_after < 0 or self.seconds < 0:
            raise ValueError("retry_after and seconds must be >= 0")
        if self.per_second <= 0:
            raise ValueError(f"per_second must be > 0, got {self.per_second}")

    def hits(self, route: str) -> bool:
        if self.kind in JOB_KINDS:
            return False  # taken by the job store, never by a request
        return self.route == route or (self.route == ANY_ROUTE and route in API_ROUTES)

    @classmethod
    def from_dict(cls, data: Any) -> Fault:
        """A fault from its JSON form; an unknown key or a parameter of another kind is an error."""
        if not isinstance(data, dict):
            raise ValueError(f"a fault is a JSON object, got {data!r}")
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
        accepted = {"kind", "route", "count", "every", *PARAMETERS[kind]}
        unknown = sorted(set(data) - accepted)
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} not accepted for a {kind} fault; "
                f"accepted: {', '.join(sorted(accepted))}"
            )
        values = {k: v for k, v in data.items() if k != "kind"}
        _check_types(values)
        return cls(kind=cast(FaultKind, kind), **values)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "route": self.route, "count": self.count}
        if self.every != 1:
            out["every"] = self.every
        for parameter in PARAMETERS[self.kind]:
            out[parameter] = getattr(self, parameter)
        return out


_TYPES: dict[str, tuple[type, ...]] = {
    "route": (str,),
    "count": (int,),
    "every": (int,),
    "status": (int,),
    "retry_after": (int, float),
    "per_second": (int, float),
    "seconds": (int, float),
    "message": (str,),
    "body": (str,),
}


def _check_types(values: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, _TYPES[key]):
            raise ValueError(f"{key} has the wrong type: {value!r}")


_SHORT = re.compile(
    r"^(?:(?P<route>[\w*]+):)?(?P<kind>\w+?)(?:=(?P<value>.*?))?(?:x(?P<count>\d+))?"
    r"(?:%(?P<every>\d+))?$"
)


def _short_fault(item: str) -> Fault:
    match = _SHORT.match(item.strip())
    if match is None:
        raise ValueError(f"unreadable fault {item!r}; expected [route:]kind[=value][xCOUNT]")
    kind = match["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
    data: dict[str, Any] = {"kind": kind}
    if match["route"]:
        data["route"] = match["route"]
    if match["count"]:
        data["count"] = int(match["count"])
    if match["every"]:
        data["every"] = int(match["every"])
    if match["value"] is not None:
        parameters = PARAMETERS[kind]
        if not parameters:
            raise ValueError(f"a {kind} fault takes no value: {item!r}")
        texts = match["value"].split("/") if len(parameters) > 1 else [match["value"]]
        if len(texts) > len(parameters):
            raise ValueError(f"a {kind} fault takes at most {len(parameters)} values: {item!r}")
        for parameter, text in zip(parameters, texts, strict=False):
            data[parameter] = text if parameter in ("message", "body") else _number(text)
    return Fault.from_dict(data)


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None


def parse_faults(text: str) -> list[Fault]:
    """Faults from JSON (an object or a list) or from the short comma-separated form."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped[0] in "[{":
        data = json.loads(stripped)
        return faults_from_json(data)
    return [_short_fault(item) for item in stripped.split(",") if item.strip()]


def faults_from_json(data: Any) -> list[Fault]:
    """Faults from a decoded JSON object or list of objects."""
    items = data if isinstance(data, list) else [data]
    return [Fault.from_dict(item) for item in items]


@dataclass(slots=True)
class _Armed:
    fault: Fault
    remaining: int
    admitted: deque[float] = field(default_factory=deque)  # a quota's window
    hit: int = 0  # requests it matched, fired or let through (``every``)

    def fires(self, now: float) -> bool:
        """A quota fires only on a request beyond its rate; every other fault always does."""
        if self.fault.kind != "quota":
            return True
        while self.admitted and self.admitted[0] <= now - 1.0:
            self.admitted.popleft()
        if len(self.admitted) < self.fault.per_second:
            self.admitted.append(now)
            return False
        return True


class FaultBook:
    """The faults waiting to fire, and how many of each kind have fired. Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._armed: list[_Armed] = []
        self._fired: Counter[str] = Counter()

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._armed.extend(_Armed(f, f.count) for f in faults)

    def clear(self) -> None:
        """Disarm every fault and forget what fired."""
        with self._lock:
            self._armed.clear()
            self._fired.clear()

    def take(self, route: str) -> Fault | None:
        """The first armed fault for ``route``, counted as fired; None when there is none."""
        return self._take(lambda f: f.hits(route))

    def take_job_fault(self) -> Fault | None:
        """The first armed job fault (``job_failed``/``result_failed``), counted as fired."""
        return self._take(lambda f: f.kind in JOB_KINDS)

    def _take(self, wanted: Callable[[Fault], bool]) -> Fault | None:
        with self._lock:
            now = self._clock()
            for armed in self._armed:
                if wanted(armed.fault) and armed.fires(now):
                    armed.hit += 1
                    if (armed.hit - 1) % armed.fault.every:
                        continue  # one in ``every`` fires; this one passes
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._armed.remove(armed)
                    self._fired[armed.fault.kind] += 1
                    return armed.fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        """The armed faults in firing order, each with its ``remaining`` count."""
        with self._lock:
            return [{**a.fault.to_dict(), "remaining": a.remaining} for a in self._armed]

    def fired(self) -> dict[str, int]:
        with self._lock:
            return dict(self._fired)
