"""What the value of each JSON Schema keyword may be, one small function per kind of value.

JSON Schema's meta-schema says it too, but evaluating it with jsonschema costs 17 ms a schema
(a catalog of 400 models: seven seconds); this table checks the same facts in the pass that
normalises the schema. A schema whose keywords hold values jsonschema cannot use (``"minLength":
-1``, ``"items": "string"``, ``"required": "prompt"``) is refused, each problem at its place:
no one could validate against it. A keyword outside JSON Schema is an annotation, as
jsonschema treats it, never a reason to refuse a model. A ``pattern`` (and the keys of
``patternProperties``) must compile in the engines that will match it (``patterns.py``: RE2,
else ``regex``), not in Python's ``re``. Wired in by a table, in the manner of jsonschema's
``_keywords.py``; ``type`` is checked by ``normalise`` (which knows the ``float`` alias) and
``validations`` by ``rules.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from runcomfy_runtime.schema.patterns import pattern_problem

Check = Callable[[Any], list[str]]
"""A keyword's value -> what is wrong with it (nothing: an empty list)."""


def _number(value: Any) -> list[str]:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return [] if ok else [f"must be a number, got {value!r}"]


def _positive(value: Any) -> list[str]:
    return _number(value) or ([] if value > 0 else [f"must be > 0, got {value!r}"])


def _count(value: Any) -> list[str]:
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole and isinstance(value, float) and value.is_integer():
        whole = True  # 2.0 is an integer to JSON Schema
    return [] if whole and value >= 0 else [f"must be a whole number >= 0, got {value!r}"]


def _text(value: Any) -> list[str]:
    return [] if isinstance(value, str) else [f"must be a string, got {value!r}"]


def _flag(value: Any) -> list[str]:
    return [] if isinstance(value, bool) else [f"must be true or false, got {value!r}"]


def _list(value: Any) -> list[str]:
    return [] if isinstance(value, list) else [f"must be a list, got {value!r}"]


def _names(value: Any) -> list[str]:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return [] if ok else [f"must be a list of property names, got {value!r}"]


def _mapping(value: Any) -> list[str]:
    return [] if isinstance(value, Mapping) else [f"must be an object, got {value!r}"]


def _schema(value: Any) -> list[str]:
    ok = isinstance(value, Mapping | bool)
    return [] if ok else [f"must be a schema (an object or a boolean), got {value!r}"]


def _schemas(value: Any) -> list[str]:
    ok = isinstance(value, list) and value and all(isinstance(v, Mapping | bool) for v in value)
    return [] if ok else [f"must be a non-empty list of schemas, got {value!r}"]


def _schema_map(value: Any) -> list[str]:
    ok = isinstance(value, Mapping) and all(isinstance(v, Mapping | bool) for v in value.values())
    return [] if ok else [f"must map names to schemas, got {value!r}"]


def _items(value: Any) -> list[str]:
    return [] if isinstance(value, list) else _schema(value)  # a list: draft 7's tuple form


def _dependent_required(value: Any) -> list[str]:
    ok = isinstance(value, Mapping) and all(not _names(v) for v in value.values())
    return [] if ok else [f"must map names to lists of names, got {value!r}"]


def _dependencies(value: Any) -> list[str]:
    ok = isinstance(value, Mapping) and all(
        not _names(v) or isinstance(v, Mapping | bool) for v in value.values()
    )
    return [] if ok else [f"must map names to lists of names or schemas, got {value!r}"]


def _pattern(value: Any) -> list[str]:
    reason = pattern_problem(value)
    return [reason] if reason else []


def _pattern_keys(value: Any) -> list[str]:
    if not isinstance(value, Mapping):
        return _schema_map(value)
    found = _schema_map(value)
    for key in value:
        reason = pattern_problem(key)
        if reason:
            found.append(f"key {key!r} {reason}")
    return found


CHECKS: dict[str, Check] = {
    # validation
    "enum": _list,
    "multipleOf": _positive,
    "maximum": _number,
    "exclusiveMaximum": _number,
    "minimum": _number,
    "exclusiveMinimum": _number,
    "maxLength": _count,
    "minLength": _count,
    "pattern": _pattern,
    "maxItems": _count,
    "minItems": _count,
    "uniqueItems": _flag,
    "maxContains": _count,
    "minContains": _count,
    "maxProperties": _count,
    "minProperties": _count,
    "required": _names,
    "dependentRequired": _dependent_required,
    # applicators
    "items": _items,
    "prefixItems": _schemas,
    "additionalItems": _schema,
    "contains": _schema,
    "properties": _schema_map,
    "patternProperties": _pattern_keys,
    "additionalProperties": _schema,
    "propertyNames": _schema,
    "dependentSchemas": _schema_map,
    "dependencies": _dependencies,
    "unevaluatedItems": _schema,
    "unevaluatedProperties": _schema,
    "allOf": _schemas,
    "anyOf": _schemas,
    "oneOf": _schemas,
    "not": _schema,
    "if": _schema,
    "then": _schema,
    "else": _schema,
    # core, meta-data, format, content
    "$ref": _text,
    "$defs": _schema_map,
    "definitions": _schema_map,
    "$anchor": _text,
    "$comment": _text,
    "title": _text,
    "description": _text,
    "examples": _list,
    "deprecated": _flag,
    "readOnly": _flag,
    "writeOnly": _flag,
    "format": _text,
    "contentEncoding": _text,
    "contentMediaType": _text,
    "contentSchema": _schema,
}


def keyword_problems(schema: Mapping[str, Any]) -> list[str]:
    """Every problem of ``schema``'s own keywords (not its subschemas'), in its order."""
    return [
        f"{key} {reason}"
        for key, value in schema.items()
        if key in CHECKS
        for reason in CHECKS[key](value)
    ]
