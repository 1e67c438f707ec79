"""The offline stage of input validation: the documented JSON Schema, every problem at once.

jsonschema's Draft 2020-12 validator does the checking (built once per endpoint and reused);
this module only adds the media formats (``schema.formats``) and turns its errors into
:class:`Problem` values whose message a user can act on. The online stage is ``media.py``.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from runcomfy_runtime.errors import InputValidationError, Problem
from runcomfy_runtime.jsonpath import json_path
from runcomfy_runtime.schema.formats import FORMATS, MEDIA_KINDS, hint, media_check
from runcomfy_runtime.spec import EndpointSpec

CHECKER = FormatChecker(formats=())
for _kind in MEDIA_KINDS:
    CHECKER.checks(f"{_kind}_uri")(media_check(_kind))


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _type_message(wanted: Any, instance: Any) -> str:
    kinds = wanted if isinstance(wanted, list) else [wanted]
    return "must be " + " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in kinds)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _count(limit: Any, instance: Any, bound: str, word: str) -> str:
    return f"must have {bound} {_plural(limit, word)}"


def _enum_message(values: Any, instance: Any) -> str:
    text = "must be one of: " + ", ".join(repr(x) for x in values)
    near = nearest_value(instance, values)
    return f"{text}; did you mean {near!r}?" if near is not None else text


def nearest_value(given: Any, values: Any) -> str | None:
    """The one string enum value ``given`` is a near miss of (``2048x2048`` for
    ``2048x2048(1:1)``): the only value it starts, ignoring case, else the only close one."""
    if not isinstance(given, str) or not isinstance(values, list) or not given.strip():
        return None
    strings = [v for v in values if isinstance(v, str)]
    folded = given.strip().lower()
    starts = [v for v in strings if v.lower().startswith(folded)]
    if len(starts) == 1:
        return starts[0]
    close = difflib.get_close_matches(given, strings, n=2, cutoff=0.75)
    return close[0] if len(close) == 1 else None


# One small function per keyword: (the keyword's value, the offending value) -> the message.
_MESSAGES: dict[str, Callable[[Any, Any], str]] = {
    "type": _type_message,
    "enum": _enum_message,
    "const": lambda v, i: f"must be {v!r}",
    "maxLength": lambda v, i: _count(v, i, "at most", "character"),
    "minLength": lambda v, i: _count(v, i, "at least", "character"),
    "minimum": lambda v, i: f"must be >= {v}",
    "maximum": lambda v, i: f"must be <= {v}",
    "exclusiveMinimum": lambda v, i: f"must be > {v}",
    "exclusiveMaximum": lambda v, i: f"must be < {v}",
    "minItems": lambda v, i: _count(v, i, "at least", "item"),
    "maxItems": lambda v, i: _count(v, i, "at most", "item"),
    "pattern": lambda v, i: f"must match the pattern {v!r}",
    "format": lambda v, i: _format_message(v),
}


def _format_message(name: Any) -> str:
    found = FORMATS.get(name) if isinstance(name, str) else None
    return hint(found.kind) if found is not None and found.kind else f"must be a valid {name}"


def _problems_of(error: ValidationError) -> list[Problem]:
    path = list(error.absolute_path)
    keyword = str(error.validator)
    wanted: Any = error.validator_value
    instance: Any = error.instance
    if keyword == "required":
        missing = [name for name in wanted if name not in instance]
        return [Problem(json_path([*path, name]), "is required") for name in missing]
    if keyword == "additionalProperties":
        schema: Any = error.schema
        known = schema.get("properties", {})
        accepted = ", ".join(sorted(known))
        return [
            Problem(
                json_path([*path, name]),
                f"is not an accepted property; accepted: {accepted}",
                instance[name],
            )
            for name in sorted(instance)
            if name not in known
        ]
    describe = _MESSAGES.get(keyword)
    message = describe(wanted, instance) if describe else error.message
    fact = _SIZED.get(keyword)
    measured = f"{len(instance)} {fact}" if fact and hasattr(instance, "__len__") else None
    return [Problem(json_path(path), message, instance, fact=measured)]


_SIZED = {"minItems": "items", "maxItems": "items", "minLength": "chars", "maxLength": "chars"}


class SchemaValidator:
    """The compiled offline validator of one endpoint."""

    def __init__(self, spec: EndpointSpec) -> None:
        self.spec = spec
        Draft202012Validator.check_schema(spec.input_schema)
        self._validator = Draft202012Validator(spec.input_schema, format_checker=CHECKER)

    def problems(self, payload: Any) -> list[Problem]:
        if not isinstance(payload, Mapping):
            return [Problem("", "the input must be a JSON object", payload)]
        try:
            errors = list(self._validator.iter_errors(dict(payload)))
        except RecursionError:
            return [Problem("", "the input is nested too deeply to check")]
        # A value of the wrong type breaks its other keywords too ("must be one of" after
        # "must be a string"): the type problem alone says what to fix.
        mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
        found = [
            problem
            for e in errors
            if e.validator == "type" or tuple(e.absolute_path) not in mistyped
            for problem in _problems_of(e)
        ]
        found.extend(_non_finite(payload))
        return sort_problems(self.spec, found)

    def validate(self, payload: Any) -> None:
        found = self.problems(payload)
        if found:
            raise InputValidationError(self.spec.model_id, found)


def _non_finite(payload: Mapping[str, Any]) -> list[Problem]:
    """NaN and infinity pass every numeric bound (each comparison is false) and JSON cannot
    carry them: each is a problem at its place."""
    found: list[Problem] = []
    stack: list[tuple[list[str | int], Any]] = [([key], value) for key, value in payload.items()]
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            found.append(Problem(json_path(path), "must be a finite number", value))
        elif isinstance(value, Mapping):
            stack.extend(([*path, str(k)], v) for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend(([*path, i], v) for i, v in enumerate(value))
    return found


def sort_problems(spec: EndpointSpec, problems: Iterable[Problem]) -> list[Problem]:
    """In the documented order of properties, then by path (indices as numbers)."""
    return sorted(problems, key=_order(spec))


def _order(spec: EndpointSpec) -> Callable[[Problem], tuple[int, list[tuple[int, str]]]]:
    """Problems in the documented order of properties, then by path: stable for the reader."""
    rank = {f.wire_name: i for i, f in enumerate(spec.fields)}

    def key(p: Problem) -> tuple[int, list[tuple[int, str]]]:
        head = p.path.split("[", 1)[0].split(".", 1)[0]
        parts = re.split(r"\[([0-9]+)\]", p.path)  # "a[10]" after "a[2]": numbers compare
        natural = [(int(x), "") if x.isascii() and x.isdigit() else (-1, x) for x in parts]
        return (rank.get(head, len(rank)), natural)

    return key


_compiled: dict[int, SchemaValidator] = {}
_lock = threading.Lock()


def validator_for(spec: EndpointSpec) -> SchemaValidator:
    """The endpoint's validator, compiled on first use and reused afterwards."""
    found = _compiled.get(id(spec))
    if found is not None and found.spec is spec:
        return found
    with _lock:
        found = _compiled.get(id(spec))
        if found is None or found.spec is not spec:
            found = _compiled[id(spec)] = SchemaValidator(spec)
        return found


def schema_problems(spec: EndpointSpec, payload: Any) -> list[Problem]:
    return validator_for(spec).problems(payload)
