"""The JSON Schema keywords an input property may use, each with the check of its value.

RunComfy's schemas use a small part of JSON Schema plus ``validations``; anything else is
reported rather than guessed at (an unknown keyword could be a limit the validator would
silently not enforce). One small function per kind of value, wired in by a table, in the
manner of jsonschema's ``_keywords.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], str | None]
"""A keyword's value -> what is wrong with it, or None."""


def text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be a string, got {value!r}"


def number(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return None if ok else f"must be a number, got {value!r}"


def count(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else f"must be a whole number >= 0, got {value!r}"


def anything(value: Any) -> str | None:
    return None


def choices(value: Any) -> str | None:
    ok = isinstance(value, list) and len(value) > 0
    return None if ok else f"must be a non-empty list, got {value!r}"


def a_list(value: Any) -> str | None:
    return None if isinstance(value, list) else f"must be a list, got {value!r}"


def mapping(value: Any) -> str | None:
    return None if isinstance(value, Mapping) else f"must be an object, got {value!r}"


def pattern(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {value!r}"
    try:
        re.compile(value)
    except re.error as e:
        return f"is not a regular expression ({e})"
    return None


ITEM_KEYWORDS: dict[str, Check] = {
    "type": anything,  # checked by normalise, which knows the aliases
    "title": text,
    "description": text,
    "default": anything,
    "examples": a_list,
    "enum": choices,
    "format": text,
    "pattern": pattern,
    "minimum": number,
    "maximum": number,
    "exclusiveMinimum": number,
    "exclusiveMaximum": number,
    "minLength": count,
    "maxLength": count,
}
"""What an array's ``items`` may say."""

PROPERTY_KEYWORDS: dict[str, Check] = {
    **ITEM_KEYWORDS,
    "minItems": count,
    "maxItems": count,
    "items": mapping,
    "validations": a_list,
}
"""What a property may say: the item keywords, the array keywords and ``validations``."""

SCHEMA_KEYWORDS: dict[str, Check] = {
    "type": anything,
    "title": text,
    "description": text,
    "required": a_list,
    "properties": mapping,
    "additionalProperties": anything,  # the documented properties are all: always closed
    "$schema": text,
}
"""What the input schema itself may say."""


def keyword_problems(schema: Mapping[str, Any], table: Mapping[str, Check]) -> list[str]:
    """Every unknown keyword and every bad value in ``schema``, in its order."""
    found: list[str] = []
    for key, value in schema.items():
        check = table.get(key)
        if check is None:
            known = ", ".join(sorted(table))
            found.append(f"unknown keyword {key!r}; known: {known}")
            continue
        reason = check(value)
        if reason is not None:
            found.append(f"{key} {reason}")
    return found
