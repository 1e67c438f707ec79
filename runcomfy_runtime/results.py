"""What the API tells about a job, as small frozen values: no client inside, no I/O.

``Status`` (one status answer), ``Result`` (one result answer, generic in its typed output),
``Output`` (the files a job produced) and ``Cancellation``. Generated endpoints subclass
:class:`OutputBase` with the fields of their output schema, so ``result.output.audio`` is a
typed ``str`` where the endpoint documents one; every URL anywhere in ``output`` is in
``urls`` whatever the schema says, so nothing a job produced is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from runcomfy_runtime.outputs import Output, OutputBase, urls_in
from runcomfy_runtime.statuses import (
    NOT_DONE,
    Meaning,
    StatusWord,
    UnknownStatus,
    meaning,
    status_word,
)

__all__ = [
    "Cancellation",
    "JobRef",
    "Output",
    "OutputBase",
    "ProgressCallback",
    "Result",
    "Status",
    "StatusCallback",
    "urls_in",
]

ProgressCallback = Callable[[str, int, int | None], None]  # (url, bytes so far, total or None)


@dataclass(frozen=True, slots=True)
class Status:
    """A status answer: ``state`` is the server's word (``in_queue``, ``in_progress``,
    ``completed``, ``cancelled``, or a variant such as ``pending``)."""

    request_id: str
    state: str
    queue_position: int | None = None

    @property
    def meaning(self) -> Meaning:
        return meaning(self.state)

    @property
    def running(self) -> bool:
        """Not done yet: queued or running."""
        return self.meaning in NOT_DONE

    @classmethod
    def from_wire(cls, request_id: str, body: Any) -> Status:
        body = body if isinstance(body, Mapping) else {}
        position = body.get("queue_position")
        rid = body.get("request_id")
        return cls(
            request_id=rid if isinstance(rid, str) and rid else request_id,
            state=str(body.get("status") or "unknown"),
            queue_position=position if type(position) is int else None,
        )

    def __str__(self) -> str:
        where = f" (position {self.queue_position})" if self.queue_position is not None else ""
        return f"{self.state}{where}"


StatusCallback = Callable[[Status], None]


OutputT = TypeVar("OutputT", bound=OutputBase)


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value).astimezone()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Result(Generic[OutputT]):
    """A result answer. ``status`` is ``succeeded`` (or ``completed``), ``failed``,
    ``cancelled`` or, while the job runs, a running state: one of the words the runtime knows
    (``StatusWord``), lower-cased, or a word it does not know carried whole as an
    ``UnknownStatus`` (which means failure). ``output`` is filled on success; ``model_id`` is
    the model's when the server names it."""

    request_id: str
    status: StatusWord | UnknownStatus
    output: OutputT
    created_at: datetime | None = None
    finished_at: datetime | None = None
    cost: float | None = None
    error: Any = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    model_id: str | None = None

    @property
    def meaning(self) -> Meaning:
        return meaning(self.status)

    @property
    def urls(self) -> tuple[str, ...]:
        """Every URL of the output, declared by the schema or not, in order."""
        return self.output.urls

    def _repr_html_(self) -> str:
        """The result in a notebook: its request id, model, status and cost (when known), then
        each output file as an image, a video or an audio player (``display.py``)."""
        from runcomfy_runtime.display import result_html

        return result_html(self)

    @classmethod
    def from_wire(cls, request_id: str, body: Any, output: type[OutputT]) -> Result[OutputT]:
        body = body if isinstance(body, Mapping) else {}
        cost = body.get("cost")
        rid = body.get("request_id")
        model = body.get("model_id")
        return cls(
            request_id=rid if isinstance(rid, str) and rid else request_id,
            status=status_word(str(body.get("status") or "unknown")),
            output=output.from_wire(body.get("output")),
            created_at=_timestamp(body.get("created_at")),
            finished_at=_timestamp(body.get("finished_at")),
            cost=float(cost) if type(cost) in (int, float) else None,
            error=body.get("error"),
            raw=dict(body),
            model_id=model if isinstance(model, str) and model else None,
        )


@dataclass(frozen=True, slots=True)
class JobRef:
    """What identifies a job: its id and the URLs the server gave for it."""

    request_id: str
    status_url: str
    result_url: str
    cancel_url: str


@dataclass(frozen=True, slots=True)
class Cancellation:
    """What a cancel achieved: ``cancelled``, or ``requested`` (the server took the request
    but the job is not cancelled yet: watch its status)."""

    request_id: str
    outcome: Literal["cancelled", "requested"]
    state: str  # the job's status word after the cancel, as the server said it

    def __str__(self) -> str:
        if self.outcome == "cancelled":
            return "cancelled"
        return f"cancellation requested (status {self.state}): the job is not cancelled yet"
