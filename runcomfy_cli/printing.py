"""How results and errors reach the user: text for people, one JSON document with ``--json``.

Results go to stdout (a script reads them); errors and progress go to stderr. With ``--json``
an error is also a JSON document on stdout, so a script never parses prose.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from runcomfy_runtime.results import Result


def emit(as_json: bool, record: Any, text: str | None) -> None:
    if as_json:
        print(json.dumps(record, ensure_ascii=False, indent=2, default=str), flush=True)
    elif text:
        print(text, flush=True)


def result_record(result: Result[Any], paths: list[Path] | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "request_id": result.request_id,
        "status": result.status,
        "outputs": list(result.urls),
        "created_at": result.created_at.isoformat() if result.created_at else None,
        "finished_at": result.finished_at.isoformat() if result.finished_at else None,
    }
    if result.cost is not None:
        record["cost"] = result.cost
    if result.error not in (None, "", {}):
        record["error"] = result.error
    if paths is not None:
        record["paths"] = [str(p) for p in paths]
    return record


def error_record(error: BaseException, code: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "error": type(error).__name__,
        "message": str(error),
        "exit_code": code,
    }
    request_id = getattr(error, "request_id", None)
    if request_id:
        record["request_id"] = request_id
    problems = getattr(error, "problems", None)
    if problems:
        record["problems"] = [
            {"path": p.path, "message": p.message, "value": p.value, "fact": p.fact}
            for p in problems
        ]
    details = getattr(error, "body", None)
    if isinstance(details, Mapping):
        record["details"] = dict(details)
    return record


def report_error(as_json: bool, error: BaseException, code: int) -> None:
    print(f"runcomfy: {error}", file=sys.stderr, flush=True)
    if as_json:
        emit(True, error_record(error, code), None)
