"""The bodies the emulator answers with, shaped as the wire contract says (DESIGN.md).

Pure functions of a job snapshot, the base URL and the dialect (``dialects.py``), so each
shape is written once, in the documented words, and the routes only choose which one to send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse

from runcomfy_emulator.dialects import DOCS, RESULT_NOT_READY, Dialect
from runcomfy_emulator.jobs import Job, Snapshot
from runcomfy_emulator.outputs import EXTENSIONS
from runcomfy_runtime.errors import Problem

UNKNOWN_MODEL = 400001
BAD_TOKEN = 400004
UNKNOWN_REQUEST = 404001
PERMISSION_DENIED_200 = 403003

WallTime = Callable[[float], float]


def error(status: int, message: str, code: int | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"error_code": code} if code is not None else {}
    body["error_message"] = message
    body.update(extra)
    return JSONResponse(body, status_code=status)


def problems_answer(model_id: str, problems: Iterable[Problem]) -> JSONResponse:
    """422 with every problem, each at its JSON path with the documented message."""
    detail = [
        {"path": p.location, "message": p.message, "value": p.value, "fact": p.fact}
        for p in problems
    ]
    noun = "problem" if len(detail) == 1 else "problems"
    summary = f"invalid input for {model_id} ({len(detail)} {noun})"
    return JSONResponse({"error_message": summary, "detail": detail}, status_code=422)


def request_url(base_url: str, request_id: str, action: str) -> str:
    return f"{base_url}/v1/requests/{request_id}/{action}"


def file_name(job: Job) -> str:
    return f"{job.request_id}.{EXTENSIONS[job.output.kind]}"


def submitted(base_url: str, job: Job) -> dict[str, Any]:
    rid = job.request_id
    return {
        "request_id": rid,
        "status_url": request_url(base_url, rid, "status"),
        "result_url": request_url(base_url, rid, "result"),
        "cancel_url": request_url(base_url, rid, "cancel"),
    }


def status_word(snapshot: Snapshot) -> str:
    """What the status call says, in the documented words: a failed job says ``failed``, or
    ``completed`` (the quirk)."""
    if snapshot.phase == "finished":
        return snapshot.job.failure or "completed"
    return snapshot.phase


def result_word(snapshot: Snapshot) -> str:
    """What the result call says: ``succeeded`` where status says ``completed``."""
    if snapshot.phase == "finished":
        return "failed" if snapshot.job.failure else "succeeded"
    return snapshot.phase


def succeeded(snapshot: Snapshot) -> bool:
    """Whether the job produced its output (its file may be downloaded)."""
    return result_word(snapshot) == "succeeded"


def status(base_url: str, snapshot: Snapshot, dialect: Dialect = DOCS) -> dict[str, Any]:
    rid = snapshot.job.request_id
    body: dict[str, Any] = {"request_id": rid, "status": dialect.say(status_word(snapshot))}
    if snapshot.queue_position is not None:
        body["queue_position"] = snapshot.queue_position
    body["status_url"] = request_url(base_url, rid, "status")
    body["result_url"] = request_url(base_url, rid, "result")
    return body


def result(
    base_url: str,
    snapshot: Snapshot,
    wall: WallTime,
    *,
    include_cost: bool,
    price: float = 0.0,
    dialect: Dialect = DOCS,
) -> dict[str, Any]:
    """The result body; ``price`` is what a success costs (``include_cost``)."""
    job = snapshot.job
    word = result_word(snapshot)
    body: dict[str, Any] = {"request_id": job.request_id, "status": dialect.say(word)}
    body["model_id"] = job.model_id  # as RunComfy's nodes see it, when the service names it
    if word == "succeeded":
        body["output"] = {job.output.kind: f"{base_url}/files/{file_name(job)}"}
    body["created_at"] = _iso(wall(job.created))
    body["finished_at"] = _iso(wall(snapshot.finished)) if snapshot.finished is not None else None
    body["error"] = job.failure_message if word == "failed" else None
    if include_cost:
        body["cost"] = price if word == "succeeded" else 0.0
    return body


def result_too_early(snapshot: Snapshot, dialect: Dialect) -> bool:
    """Whether the dialect refuses this result call: the job has not ended yet."""
    return dialect.early_result_refused and snapshot.phase in ("in_queue", "in_progress")


def not_ready() -> JSONResponse:
    """The variants' answer to a result asked for too early: keep polling."""
    return error(400, "result not ready", RESULT_NOT_READY)


def cancelled(snapshot: Snapshot, done: bool, dialect: Dialect = DOCS) -> dict[str, Any]:
    return {
        "request_id": snapshot.job.request_id,
        "status": dialect.say(status_word(snapshot)),
        "outcome": dialect.queued_cancel_outcome if done else "not_cancellable",
    }


def _iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat()
