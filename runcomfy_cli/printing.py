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
    """The command's result on stdout: ``record`` as JSON, or ``text``."""
    if as_json:
        _print(json.dumps(record, ensure_ascii=False, indent=2, default=str), sys.stdout)
    elif text:
        _print(text, sys.stdout)


def _print(text: str, stream: Any) -> None:
    """Print even what the stream cannot encode (a lone surrogate from a broken input): as
    an escape, never as a crash."""
    try:
        print(text, file=stream, flush=True)
    except UnicodeEncodeError:
        print(text.encode("utf-8", "backslashreplace").decode("utf-8"), file=stream, flush=True)


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


def error_record(error: BaseException, code: int, message: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "error": type(error).__name__,
        "message": message if message is not None else str(error),
        "exit_code": code,
    }
    request_id = getattr(error, "request_id", None)
    if request_id:
        record["request_id"] = request_id
    problems = getattr(error, "problems", None)
    if problems:
        record["problems"] = [
            {"path": p.location, "message": p.message, "value": p.value, "fact": p.fact}
            for p in problems
        ]
    details = getattr(error, "body", None)
    if isinstance(details, Mapping):
        record["details"] = dict(details)
    return record


def report_error(
    as_json: bool, error: BaseException, code: int, message: str | None = None
) -> None:
    """``runcomfy: message`` on stderr; with ``--json`` also the error as JSON on stdout."""
    text = message if message is not None else str(error)
    _print(f"runcomfy: {text}", sys.stderr)
    if as_json:
        emit(True, error_record(error, code, text), None)
