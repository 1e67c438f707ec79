"""The checks a keyword's value needs beyond JSON Schema's meta-schema, one function each.

Standard JSON Schema is jsonschema's to validate, and the meta-schema says what a keyword's
value may be (``normalise._meta_problems``); a keyword outside JSON Schema is an annotation,
as jsonschema treats it. What remains is what only we evaluate: a ``pattern`` (and the keys of
``patternProperties``) must compile in the engines that match it (``patterns.py``: RE2, else
``regex``), since Python's ``re`` is not the engine that will run it. Wired in by a table, in
the manner of jsonschema's ``_keywords.py``; ``validations`` is parsed by ``rules.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from runcomfy_runtime.schema.patterns import pattern_problem

Check = Callable[[Any], list[str]]
"""A keyword's value -> what is wrong with it (nothing: an empty list)."""


def pattern(value: Any) -> list[str]:
    reason = pattern_problem(value)
    return [f"pattern {reason}"] if reason else []


def pattern_keys(value: Any) -> list[str]:
    if not isinstance(value, Mapping):
        return []  # the meta-schema says so
    found = []
    for key in value:
        reason = pattern_problem(key)
        if reason:
            found.append(f"patternProperties key {key!r} {reason}")
    return found


CHECKS: dict[str, Check] = {
    "pattern": pattern,
    "patternProperties": pattern_keys,
}


def keyword_problems(schema: Mapping[str, Any]) -> list[str]:
    """Every problem of ``schema``'s own keywords (not its subschemas'), in its order."""
    return [
        reason for key, value in schema.items() if key in CHECKS for reason in CHECKS[key](value)
    ]
