"""Stage 2: the documented quirks, normalised on purpose and in one place.

- ``"type": "float"`` is not JSON Schema: it means ``number``.
- ``validation_value`` may be a numeric string (``"0.33"``): it becomes a number.
- ``≤``/``≥`` in a ``validation_rule`` mean ``<=``/``>=``.
- ``validations`` is not JSON Schema: it leaves the schema and becomes rules.
- The documented properties are all there is: unknown properties are rejected.
- The accepted image formats are named only in prose ("Only JPEG and PNG ..."): they are read
  from an image field's description.

Anything else unknown (a type, a format, a rule metric or operator) stops generation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from codegen.errors import SchemaFileError

TYPE_ALIASES = {"float": "number"}
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
JSON_TYPES = SCALAR_TYPES | {"array"}  # what a property may be; nested objects are not documented
FORMATS = frozenset({"image_uri", "uri"})
METRICS = ("file_size_mb", "width_pixels", "height_pixels", "width/height")
OPERATOR_ALIASES = {"≤": "<=", "≥": ">=", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}
IMAGE_FORMAT_WORDS = {"JPEG": "JPEG", "JPG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF"}

_RULE = re.compile(r"^\s*(?P<metric>[A-Za-z_/]+?)\s*(?P<op><=|>=|≤|≥|<|>)\s*$")
_FORMAT_WORD = re.compile(r"\b(" + "|".join(IMAGE_FORMAT_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedRule:
    metric: str
    op: str
    value: float
    message: str


@dataclass(frozen=True)
class NormalProperty:
    wire_name: str
    schema: dict[str, Any]  # JSON Schema, normalised, without ``validations``
    rules: tuple[ParsedRule, ...]
    image: bool  # holds image URLs (format image_uri, alone or as array items)
    many: bool  # an array


def _normal_type(file: str, where: str, schema: dict[str, Any], *, item: bool = False) -> None:
    raw = schema.get("type")
    kind = TYPE_ALIASES.get(raw, raw) if isinstance(raw, str) else raw
    if kind not in (SCALAR_TYPES if item else JSON_TYPES):
        raise SchemaFileError(file, where, f"unknown type {raw!r}")
    schema["type"] = kind
    fmt = schema.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise SchemaFileError(file, where, f"unknown format {fmt!r}; known: {sorted(FORMATS)}")
    if kind == "array":
        if "items" not in schema:
            raise SchemaFileError(file, where, "an array must say what its items are")
        _normal_type(file, f"{where}.items", schema["items"], item=True)


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON-like data, several times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def parse_rule(file: str, where: str, entry: dict[str, Any]) -> ParsedRule:
    raw = str(entry["validation_rule"])
    match = _RULE.match(raw)
    if match is None or match["metric"] not in METRICS:
        metric = match["metric"] if match else raw
        raise SchemaFileError(
            file,
            where,
            f"rule {raw!r}: unknown metric {metric!r}; known: {', '.join(METRICS)}"
            if match
            else f"rule {raw!r}: not <metric><operator>; operators: < <= ≤ > >= ≥",
        )
    value = entry["validation_value"]
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SchemaFileError(
            file, where, f"rule {raw!r}: value {value!r} is not a number"
        ) from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise SchemaFileError(file, where, f"rule {raw!r}: value {value!r} is not a number")
    return ParsedRule(
        match["metric"], OPERATOR_ALIASES[match["op"]], number, entry["validation_error"]
    )


def normalise_property(file: str, wire: str, raw: dict[str, Any]) -> NormalProperty:
    where = f"input.properties.{wire}"
    schema = _copy(raw)
    entries = schema.pop("validations", [])
    _normal_type(file, where, schema)
    many = schema["type"] == "array"
    target = schema["items"] if many else schema
    image = target.get("format") == "image_uri"
    rules = tuple(
        parse_rule(file, f"{where}.validations[{i}]", entry) for i, entry in enumerate(entries)
    )
    if rules and not image:
        raise SchemaFileError(file, where, "validations apply to images; this is not one")
    return NormalProperty(wire, schema, rules, image, many)


def accepted_formats(description: str) -> tuple[str, ...]:
    """The image formats a description names ("Only JPEG and PNG ..."), in a fixed order."""
    named = {IMAGE_FORMAT_WORDS[w.upper()] for w in _FORMAT_WORD.findall(description)}
    return tuple(sorted(named))


def input_schema(properties: list[NormalProperty], required: list[str]) -> dict[str, Any]:
    """The JSON Schema the runtime validates against: documented properties, nothing else."""
    schema: dict[str, Any] = {"type": "object"}
    if required:
        schema["required"] = list(required)
    schema["properties"] = {p.wire_name: p.schema for p in properties}
    schema["additionalProperties"] = False
    return schema
