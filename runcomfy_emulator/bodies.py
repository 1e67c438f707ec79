"""Request bodies read safely: bounded as they arrive, and decoded as strict JSON.

A body is counted chunk by chunk, so one sent without ``Content-Length`` (chunked) is refused
as soon as it passes its cap, never held whole in memory first. JSON is decoded as the wire
contract means it, and anything Python's ``json`` would let through that is not JSON, or that
would crash a later step, is refused with a reason (answered 400, never 500):

* bytes that are not UTF-8;
* ``NaN``, ``Infinity`` and numbers too large for a float (``1e400``);
* nesting deeper than :data:`~runcomfy_emulator.limits.MAX_JSON_DEPTH`, checked without
  recursion, and the parser's own ``RecursionError`` on deeper still.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from typing import Any

from runcomfy_emulator.limits import MAX_JSON_DEPTH


class TooLarge(Exception):
    """The body passed ``cap`` bytes; reading stopped there."""

    def __init__(self, cap: int) -> None:
        super().__init__(f"the body is larger than {cap} bytes")
        self.cap = cap


class BadJson(ValueError):
    """The body is not the strict JSON the API takes; the message says why."""


async def read_capped(chunks: AsyncIterator[bytes], cap: int) -> bytes:
    """The whole body, read chunk by chunk; :class:`TooLarge` as soon as it passes ``cap``."""
    parts: list[bytes] = []
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > cap:
            raise TooLarge(cap)
        parts.append(chunk)
    return b"".join(parts)


def _no_constant(name: str) -> Any:
    raise BadJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJson(f"the number {text[:40]} is too large")
    return value


def parse_json(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The JSON value of ``raw``; :class:`BadJson` with the reason when it is none."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadJson(f"the body is not UTF-8 ({e.reason} at byte {e.start})") from None
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise BadJson(f"the JSON is nested too deeply (at most {max_depth} levels)") from None
    except BadJson:
        raise
    except ValueError as e:  # JSONDecodeError, and int() of a number with too many digits
        raise BadJson(f"the body is not JSON ({e})") from None
    if depth(value) > max_depth:
        raise BadJson(f"the JSON is nested too deeply (at most {max_depth} levels)")
    return value


def depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0); no recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest
