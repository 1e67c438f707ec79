"""A raw input schema (a doc page's, or the catalog's) -> fields, rules and a strict schema.

The documented quirks, normalised on purpose and in one place:

- ``"type": "float"`` is not JSON Schema: it means ``number``.
- ``validations`` is not JSON Schema: it leaves the schema and becomes rules
  (``validation_value`` strings such as ``"0.33"`` become numbers; ``≤``/``≥`` mean
  ``<=``/``>=``; see ``rules.py``).
- A media array says its kind by its ``format`` (``image_uris``) and often has no ``items``:
  the items get the single form (``image_uri``), so each one is checked.
- The accepted image formats are named only in prose ("Only JPEG and PNG ..."): they are read
  from an image field's description; video and audio take the containers of ``CONTAINERS``.
- The documented properties are all there is: unknown properties are rejected.

Anything else unknown (a type, a format, a keyword, a rule metric or operator) is a problem,
and every problem of the schema is reported at once. Text that is not text (a NUL, a lone
surrogate: ``text.py``) refuses the schema before anything else is read of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.errors import SchemaError, SchemaProblem
from runcomfy_runtime.schema.formats import CONTAINERS, FORMATS, Format, MediaKind
from runcomfy_runtime.schema.keywords import (
    ITEM_KEYWORDS,
    PROPERTY_KEYWORDS,
    SCHEMA_KEYWORDS,
    keyword_problems,
)
from runcomfy_runtime.schema.rules import parse_rule
from runcomfy_runtime.schema.text import text_problems
from runcomfy_runtime.spec import Rule

TYPE_ALIASES = {"float": "number"}
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
PROPERTY_TYPES = SCALAR_TYPES | {"array"}  # nested objects are not documented anywhere
IMAGE_FORMAT_WORDS = {"JPEG": "JPEG", "JPG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF"}
_FORMAT_WORD = re.compile(r"\b(" + "|".join(IMAGE_FORMAT_WORDS) + r")\b", re.IGNORECASE)
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


@dataclass(frozen=True)
class NormalField:
    """One property, normalised: its validating schema, media kind, list-ness and rules."""

    wire_name: str
    required: bool
    schema: dict[str, Any]  # JSON Schema, normalised, without ``validations``
    media: MediaKind | None
    many: bool
    rules: tuple[Rule, ...]
    accepted: tuple[str, ...]  # container formats a media field takes (empty: any of its kind)


@dataclass(frozen=True)
class NormalSchema:
    fields: tuple[NormalField, ...]  # in documented order
    schema: dict[str, Any]  # what the validator checks: the documented properties, nothing else


def copy(value: Any) -> Any:
    """A deep copy of plain JSON-like data, several times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy(v) for v in value]
    return value


def accepted_image_formats(description: str) -> tuple[str, ...]:
    """The image formats a description names ("Only JPEG and PNG ..."), in a fixed order."""
    named = {IMAGE_FORMAT_WORDS[w.upper()] for w in _FORMAT_WORD.findall(description)}
    return tuple(sorted(named))


class _Problems:
    def __init__(self) -> None:
        self.found: list[SchemaProblem] = []

    def add(self, where: str, reason: str) -> None:
        self.found.append(SchemaProblem(where, reason))


def _of_type(value: Any, kind: str, wanted: tuple[type, ...]) -> bool:
    return isinstance(value, wanted) and (isinstance(value, bool) == (kind == "boolean"))


def _type(schema: dict[str, Any], allowed: frozenset[str], where: str, out: _Problems) -> str:
    raw = schema.get("type")
    kind = TYPE_ALIASES.get(raw, raw) if isinstance(raw, str) else raw
    if kind not in allowed:
        out.add(where, f"unknown type {raw!r}; known: {', '.join(sorted(allowed))}")
        return "string"
    schema["type"] = kind
    enum = schema.get("enum")
    wanted = _PYTHON_TYPES.get(kind)
    if isinstance(enum, list) and wanted is not None:
        odd = [v for v in enum if not _of_type(v, kind, wanted)]
        if odd:
            out.add(where, f"enum values {odd!r} are not of type {kind}")
    return str(kind)


def _format(schema: Mapping[str, Any], where: str, out: _Problems) -> Format | None:
    name = schema.get("format")
    if name is None:
        return None
    found = FORMATS.get(name) if isinstance(name, str) else None
    if found is None:
        out.add(where, f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}")
    return found


def _array(schema: dict[str, Any], where: str, out: _Problems) -> MediaKind | None:
    """Normalise an array's ``items``; the media kind it holds, if any."""
    fmt = _format(schema, where, out)
    items = schema.get("items")
    if fmt is not None and not fmt.many:
        hint = f"; an array of them is {fmt.name}s" if fmt.kind else ""
        out.add(where, f"format {fmt.name!r} is for a single value{hint}")
        fmt = None
    if items is None:
        if fmt is None or fmt.kind is None:
            out.add(where, "an array must say what its items are (items, or a *_uris format)")
            return None
        schema["items"] = {"type": "string", "format": fmt.item}
        return fmt.kind
    if not isinstance(items, dict):
        return None  # reported by the keyword check
    for reason in keyword_problems(items, ITEM_KEYWORDS):
        out.add(f"{where}.items", reason)
    _type(items, SCALAR_TYPES, f"{where}.items", out)
    item_fmt = _format(items, f"{where}.items", out)
    if fmt is not None:
        if item_fmt is None:
            items["format"] = fmt.item
        elif item_fmt.name != fmt.item:
            out.add(where, f"items of format {item_fmt.name!r} in an array of {fmt.name!r}")
        return fmt.kind
    if item_fmt is not None and item_fmt.many:
        out.add(f"{where}.items", f"format {item_fmt.name!r} is for arrays")
        return None
    return item_fmt.kind if item_fmt is not None else None


def _field(wire: str, raw: Any, required: bool, out: _Problems) -> NormalField | None:
    where = f"input.properties.{wire}"
    if not isinstance(raw, Mapping):
        out.add(where, f"a property must be an object, got {raw!r}")
        return None
    schema = copy(dict(raw))
    for reason in keyword_problems(schema, PROPERTY_KEYWORDS):
        out.add(where, reason)
    entries = schema.pop("validations", [])
    kind = _type(schema, PROPERTY_TYPES, where, out)
    many = kind == "array"
    media: MediaKind | None
    if many:
        media = _array(schema, where, out)
    else:
        fmt = _format(schema, where, out)
        if fmt is not None and fmt.many:
            out.add(where, f"format {fmt.name!r} is for arrays; a single value is {fmt.item}")
        media = fmt.kind if fmt is not None and not fmt.many else None
    rules: list[Rule] = []
    if entries and media is None:
        out.add(where, "validations apply to media fields (image, video, audio); this is not one")
    elif isinstance(entries, list):
        for i, entry in enumerate(entries):
            at = f"{where}.validations[{i}]"
            parsed = parse_rule(entry, media, at) if isinstance(entry, Mapping) and media else None
            if isinstance(parsed, Rule):
                rules.append(parsed)
            elif parsed is not None:
                out.found.append(parsed)
            else:
                out.add(at, "a rule must be an object with validation_rule/value/error")
    accepted: tuple[str, ...] = ()
    if media == "image":
        accepted = accepted_image_formats(str(schema.get("description") or ""))
    elif media is not None:
        accepted = CONTAINERS[media]
    return NormalField(wire, required, schema, media, many, tuple(rules), accepted)


def normalise(raw: Any, source: str | None = None) -> NormalSchema:
    """Normalise an input schema; :class:`SchemaError` lists every problem of it at once."""
    out = _Problems()
    if not isinstance(raw, Mapping):
        raise SchemaError([SchemaProblem("input", "the input schema must be an object")], source)
    flawed = text_problems(raw, "input")
    if flawed:  # before anything quotes the text back in a message it could not print
        raise SchemaError(flawed, source)
    for reason in keyword_problems(raw, SCHEMA_KEYWORDS):
        out.add("input", reason)
    if raw.get("type", "object") != "object":
        out.add("input.type", f"must be 'object', got {raw.get('type')!r}")
    properties = raw.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        out.add("input.properties", "the input schema has no properties")
        properties = {}
    required = raw.get("required") or []
    if isinstance(required, list):
        for name in required:
            if name not in properties:
                out.add("input.required", f"{name!r} is not a property")
    else:
        required = []
    fields = [_field(str(wire), prop, wire in required, out) for wire, prop in properties.items()]
    if out.found:
        raise SchemaError(out.found, source)
    kept = [f for f in fields if f is not None]
    schema: dict[str, Any] = {"type": "object"}
    if required:
        schema["required"] = list(required)
    schema["properties"] = {f.wire_name: f.schema for f in kept}
    schema["additionalProperties"] = False
    return NormalSchema(tuple(kept), schema)
