"""Serve bytes held in memory the way file hosts do: ``Content-Length`` and one byte ``Range``.

The client's image probe asks for ``Range: bytes=0-65535`` and reads the file's size from
``Content-Range``; the emulator's file routes must answer that as a real host would, or the
probes the tests exercise would take a path no production host sends them down.

Only single ranges are honoured; a multi-range or unreadable ``Range`` is ignored and the whole
file sent with 200, which RFC 9110 allows.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    """The range starts past the end of the file: answered with 416."""


def parse_range(header: str | None, total: int) -> tuple[int, int] | None:
    """``bytes=a-b`` -> (first, last), clamped to the file; None means "send it all"."""
    if header is None:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # a suffix: the last N bytes
        suffix = int(last_text)
        if suffix == 0:
            raise Unsatisfiable
        return max(0, total - suffix), total - 1
    first = int(first_text)
    last = int(last_text) if last_text else total - 1
    if last_text and last < first:
        return None  # syntactically invalid: ignored
    if first >= total:
        raise Unsatisfiable
    return first, min(last, total - 1)


def bytes_response(request: Request, data: bytes, media_type: str) -> Response:
    """``data`` as a 200, or the part a ``Range`` asks for as a 206 (416 past the end)."""
    total = len(data)
    headers = {"Accept-Ranges": "bytes"}
    try:
        wanted = parse_range(request.headers.get("range"), total)
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{total}"
        return Response(b"", status_code=416, headers=headers)
    if wanted is None:
        return Response(data, media_type=media_type, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{total}"
    return Response(data[first : last + 1], status_code=206, media_type=media_type, headers=headers)
