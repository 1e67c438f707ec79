"""A raw input schema (a doc page's, or the catalog's) -> fields, media sites and a strict schema.

Inputs nest: a property may be an object, a list of objects, a list of lists, a union
(``oneOf``/``anyOf``, a type list with ``null``), a ``$ref`` to ``$defs``; media URLs and
their ``validations`` may sit anywhere in that tree. Standard JSON Schema is jsonschema's to
validate and never a reason to refuse a model. What is ours to evaluate fails closed when
unknown: a rule metric or operator, a media format (``*_uri``/``*_uris``), a media field where
the media stage could not find it (under ``not``, ``if``...), a ``$ref`` leaving the schema.

The documented quirks, normalised on purpose and in one place:

- ``"type": "float"`` is not JSON Schema: it means ``number`` (in type lists too).
- ``validations`` is not JSON Schema: it leaves the schema and becomes the rules of a
  :class:`~runcomfy_runtime.spec.MediaSite` (``validation_value`` strings such as ``"0.33"``
  become numbers; ``≤``/``≥`` mean ``<=``/``>=``; see ``rules.py``).
- A media array says its kind by its ``format`` (``image_uris``) and often has no ``items``:
  the items get the single form (``image_uri``), so each one is checked, with the array's rules.
- The accepted image formats are named only in prose ("Only JPEG and PNG ..."): they are read
  from an image field's description; video and audio take the containers of ``CONTAINERS``.
- ``items`` given as a list (draft 7's tuples) is ``prefixItems``.
- The documented properties are all there is: the input object is closed, and so is every
  object inside it that lists ``properties`` and says nothing of others (a typo in a shot's
  ``duraton`` is refused before a paid job, as the typed path's ``TypedDict`` refuses it).
  An object that declares ``additionalProperties``/``patternProperties`` keeps what it says,
  and the parts an ``allOf`` merges are closed as a whole (``unevaluatedProperties``).

Every problem of the schema is reported at once, each with its place.
Text that is not text (a NUL, a lone surrogate: ``text.py``) refuses the schema before
anything else is read of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runcomfy_runtime.errors import SchemaError, SchemaProblem
from runcomfy_runtime.jsonpath import json_path
from runcomfy_runtime.schema import pointers
from runcomfy_runtime.schema.formats import CONTAINERS, FORMATS, Format, MediaKind
from runcomfy_runtime.schema.keywords import keyword_problems
from runcomfy_runtime.schema.rules import parse_rule
from runcomfy_runtime.schema.text import text_problems
from runcomfy_runtime.spec import MediaSite, Rule

TYPE_ALIASES = {"float": "number"}
JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
IMAGE_FORMAT_WORDS = {"JPEG": "JPEG", "JPG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF"}
_FORMAT_WORD = re.compile(r"\b(" + "|".join(IMAGE_FORMAT_WORDS) + r")\b", re.IGNORECASE)
_OURS = re.compile(r"_ur[il]s?$")
"""A format shaped like ours (``pdf_uri``, ``mask_urls``): one we do not know is refused,
since it names a file the service fetches and we could not check."""

# Where subschemas sit, by keyword. "Carrying" places are those the media stage walks into
# (``sites.py``): a media field anywhere else would go unchecked, so it is refused.
ONE_SCHEMA = (
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "additionalItems",
    "contentSchema",
)
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
SCHEMA_LISTS = ("prefixItems", "allOf", "anyOf", "oneOf")
CARRYING = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "items",
        "prefixItems",
        "allOf",
        "anyOf",
        "oneOf",
        "$defs",
        "definitions",
    }
)
_OPENERS = ("additionalProperties", "patternProperties", "unevaluatedProperties")
_ROOT_ANNOTATIONS = frozenset({"title", "description", "$schema", "$id", "$comment", "examples"})


@dataclass(frozen=True)
class NormalField:
    """One top-level property, normalised: its validating schema and, when the property is a
    media value or a list of them, its kind, list-ness, rules and accepted formats."""

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
    sites: tuple[MediaSite, ...] = ()  # every media site, by pointer into ``schema``

    @property
    def nested_sites(self) -> tuple[MediaSite, ...]:
        """The sites not described by a top-level field (inside objects, lists, unions)."""
        direct = {pointers.top_level(f.wire_name, f.many) for f in self.fields if f.media}
        return tuple(s for s in self.sites if s.pointer not in direct)


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


def types_of(schema: Mapping[str, Any]) -> frozenset[str]:
    """The node's own ``type`` as a set (empty: unconstrained)."""
    raw = schema.get("type")
    if isinstance(raw, str):
        return frozenset({raw})
    if isinstance(raw, list):
        return frozenset(t for t in raw if isinstance(t, str))
    return frozenset()


@dataclass
class _Site:
    kind: MediaKind
    rules: list[Rule] = field(default_factory=list)
    accepted: tuple[str, ...] = ()


class _Normaliser:
    """One pass over the schema tree: quirks normalised in place, sites and problems found."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.anchors = pointers.anchors(document)
        self.problems: list[SchemaProblem] = []
        self.sites: dict[str, _Site] = {}
        self.merged: list[str] = []  # pointers of allOf nodes with several parts
        self.parts: set[str] = set()  # pointers of the parts those merge: left open
        self.objects: list[str] = []  # pointers of nodes that list properties

    def add(self, parts: tuple[str | int, ...], reason: str) -> None:
        self.problems.append(SchemaProblem(json_path(("input", *parts)), reason))

    # -- one node ----------------------------------------------------------------------------

    def visit(self, node: Any, parts: tuple[str | int, ...], carried_by: str | None) -> None:
        """``carried_by`` is None where the media stage reaches, else the keyword that took
        the walk somewhere it does not (``not``, ``if``...)."""
        if isinstance(node, bool):
            return
        if not isinstance(node, dict):
            self.add(parts, f"a schema must be an object or a boolean, got {node!r}")
            return
        pointer = pointers.join("", *parts)
        for reason in keyword_problems(node):
            self.add(parts, reason)
        self._reference(node, parts)
        self._type(node, parts)
        if isinstance(node.get("items"), list):  # draft 7's tuple form
            node["prefixItems"] = node.pop("items")
            if "additionalItems" in node:
                node["items"] = node.pop("additionalItems")
        self._media(node, parts, pointer, carried_by)
        if isinstance(node.get("properties"), dict):
            self.objects.append(pointer)
        merged = node.get("allOf")
        if isinstance(merged, list) and len(merged) > 1:
            self.merged.append(pointer)
            self.parts.update(pointers.join(pointer, "allOf", i) for i in range(len(merged)))
        for keyword, child, child_parts in _children(node, parts):
            inner = carried_by if keyword in CARRYING else (carried_by or keyword)
            self.visit(child, child_parts, inner)

    def _reference(self, node: dict[str, Any], parts: tuple[str | int, ...]) -> None:
        for keyword in ("$dynamicRef", "$recursiveRef"):
            if keyword in node:
                self.add(parts, f"{keyword} is not followed; use $ref to #/$defs/...")
        if "$id" in node and parts:
            self.add(parts, "$id below the top changes where references resolve: not supported")
        if "$ref" in node:
            target = pointers.local_target(node["$ref"], self.document, self.anchors)
            if target is None:
                self.add(
                    parts,
                    f"$ref {node['$ref']!r} does not name a place in this schema: only "
                    "references inside it (#/$defs/...) are followed; nothing is fetched",
                )

    def _type(self, node: dict[str, Any], parts: tuple[str | int, ...]) -> None:
        raw = node.get("type")
        if raw is None:
            return
        listed = raw if isinstance(raw, list) else [raw]
        normal = [TYPE_ALIASES.get(t, t) if isinstance(t, str) else t for t in listed]
        unknown = [t for t, n in zip(listed, normal, strict=True) if n not in JSON_TYPES]
        if unknown or not normal:
            shown = unknown[0] if len(unknown) == 1 and not isinstance(raw, list) else raw
            known = ", ".join(sorted(JSON_TYPES | set(TYPE_ALIASES)))
            self.add(parts, f"unknown type {shown!r}; known: {known}")
            return
        node["type"] = normal if isinstance(raw, list) else normal[0]

    # -- media -------------------------------------------------------------------------------

    def _media(
        self,
        node: dict[str, Any],
        parts: tuple[str | int, ...],
        pointer: str,
        carried_by: str | None,
    ) -> None:
        entries = node.pop("validations", None)
        name = node.get("format")
        fmt = FORMATS.get(name) if isinstance(name, str) else None
        if isinstance(name, str) and fmt is None and _OURS.search(name):
            known = ", ".join(sorted(FORMATS))
            self.add(parts, f"unknown format {name!r}; known: {known}")
        site_pointer, kind = self._site_of(node, parts, pointer, fmt)
        if entries is not None:
            self._rules(entries, parts, kind if site_pointer else None, site_pointer)
        if site_pointer is None or kind is None:
            return
        if carried_by is not None:
            self.add(parts, f"a media field under {carried_by!r} would go unchecked: not supported")
            return
        site = self.sites.setdefault(site_pointer, _Site(kind))
        if kind == "image":
            described = str(node.get("description") or "")
            site.accepted = site.accepted or accepted_image_formats(described)
        else:
            site.accepted = CONTAINERS[kind]

    def _site_of(
        self,
        node: dict[str, Any],
        parts: tuple[str | int, ...],
        pointer: str,
        fmt: Format | None,
    ) -> tuple[str | None, MediaKind | None]:
        """Where the node's media value sits (itself, or its items) and its kind, if any."""
        kinds = types_of(node)
        if fmt is not None and fmt.kind is not None:
            if fmt.many:
                return self._media_list(node, parts, pointer, fmt.name, fmt.item), fmt.kind
            if "array" in kinds and "string" not in kinds:
                hint = f"an array of them is {fmt.name}s"
                self.add(parts, f"format {fmt.name!r} is for a single value; {hint}")
            elif kinds and "string" not in kinds:
                self.add(parts, f"format {fmt.name!r} is for strings, and this is not one")
            else:
                return pointer, fmt.kind
            return None, None
        items = node.get("items")
        if fmt is None and isinstance(items, dict) and ("array" in kinds or not kinds):
            given = items.get("format")
            inner = FORMATS.get(given) if isinstance(given, str) else None
            if inner is not None and inner.kind is not None and not inner.many:
                return pointers.join(pointer, "items"), inner.kind  # the array's rules: each item's
        return None, None

    def _media_list(
        self, node: dict[str, Any], parts: tuple[str | int, ...], pointer: str, name: str, item: str
    ) -> str | None:
        """A ``*_uris`` array: its items get the single form; the site is the items."""
        kinds = types_of(node)
        if kinds and "array" not in kinds:
            self.add(parts, f"format {name!r} is for arrays; a single value is {item}")
            return None
        items = node.get("items")
        if items is None:
            node["items"] = {"type": "string", "format": item}
        elif isinstance(items, dict):
            given = items.get("format")
            if given is None:
                items["format"] = item
            elif given != item:
                self.add(parts, f"items of format {given!r} in an array of {name!r}")
                return None
        else:
            return None  # a tuple form or a boolean: reported or meaningless
        return pointers.join(pointer, "items")

    def _rules(
        self,
        entries: Any,
        parts: tuple[str | int, ...],
        kind: MediaKind | None,
        site_pointer: str | None,
    ) -> None:
        if not isinstance(entries, list):
            self.add(parts, f"validations must be a list, got {entries!r}")
            return
        if not entries:
            return
        if kind is None or site_pointer is None:
            self.add(
                parts, "validations apply to media fields (image, video, audio); this is not one"
            )
            return
        site = self.sites.setdefault(site_pointer, _Site(kind))
        for i, entry in enumerate(entries):
            at = (*parts, "validations", i)
            if not isinstance(entry, Mapping):
                self.add(at, "a rule must be an object with validation_rule/value/error")
                continue
            parsed = parse_rule(entry, kind, json_path(("input", *at)))
            if isinstance(parsed, Rule):
                site.rules.append(parsed)
            else:
                self.problems.append(parsed)

    # -- closing objects -----------------------------------------------------------------------

    def close_objects(self) -> None:
        """The documented properties are all an object takes (see the module docstring)."""
        open_parts = self._through_refs(self.parts)
        for pointer in self.objects:
            if pointer and pointer not in open_parts:
                node = pointers.node_at(self.document, pointer)
                if _closable(node):
                    node["additionalProperties"] = False
        for pointer in self.merged:
            node = pointers.node_at(self.document, pointer)
            if not any(k in node for k in _OPENERS) and self._merges_properties(node):
                node["unevaluatedProperties"] = False

    def _through_refs(self, start: Iterable[str]) -> set[str]:
        """``start`` and every schema a ``$ref`` there names, followed transitively."""
        seen: set[str] = set()
        todo = list(start)
        while todo:
            pointer = todo.pop()
            if pointer in seen:
                continue
            seen.add(pointer)
            node = _maybe(self.document, pointer)
            if isinstance(node, dict) and "$ref" in node:
                target = pointers.local_target(node["$ref"], self.document, self.anchors)
                if target is not None:
                    todo.append(target)
        return seen

    def _merges_properties(self, node: Mapping[str, Any]) -> bool:
        parts = node.get("allOf") or []
        for part in self._through_refs(_part_pointers(self.document, node, parts)):
            found = _maybe(self.document, part)
            if isinstance(found, dict):
                if any(k in found for k in _OPENERS):
                    return False
                if isinstance(found.get("properties"), dict):
                    return True
        return False

    def media_sites(self) -> tuple[MediaSite, ...]:
        return tuple(
            MediaSite(pointer, site.kind, tuple(site.rules), site.accepted)
            for pointer, site in self.sites.items()
        )


def _closable(node: Mapping[str, Any]) -> bool:
    if any(k in node for k in _OPENERS):
        return False
    required = node.get("required")
    properties = node.get("properties") or {}
    return not isinstance(required, list) or all(name in properties for name in required)


def _part_pointers(document: Any, node: Mapping[str, Any], parts: list[Any]) -> list[str]:
    """Pointers of an ``allOf``'s parts (found by identity: the node knows no pointer)."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, current = stack.pop()
        if current is node:
            return [pointers.join(pointer, "allOf", i) for i in range(len(parts))]
        if isinstance(current, dict):
            stack.extend((pointers.join(pointer, k), v) for k, v in current.items())
        elif isinstance(current, list):
            stack.extend((pointers.join(pointer, i), v) for i, v in enumerate(current))
    return found


def _maybe(document: Any, pointer: str) -> Any:
    try:
        return pointers.node_at(document, pointer)
    except KeyError:
        return None


def _children(
    node: Mapping[str, Any], parts: tuple[str | int, ...]
) -> Iterable[tuple[str, Any, tuple[str | int, ...]]]:
    """(keyword, subschema, its place) for every subschema of ``node``."""
    for keyword in ONE_SCHEMA:
        if keyword in node and isinstance(node[keyword], dict | bool):
            yield keyword, node[keyword], (*parts, keyword)
    for keyword in SCHEMA_MAPS:
        value = node.get(keyword)
        if isinstance(value, dict):
            for name, child in value.items():
                yield keyword, child, (*parts, keyword, str(name))
    for keyword in SCHEMA_LISTS:
        value = node.get(keyword)
        if isinstance(value, list):
            for i, child in enumerate(value):
                yield keyword, child, (*parts, keyword, i)
    dependencies = node.get("dependencies")  # draft 7: a list of names or a schema
    if isinstance(dependencies, dict):
        for name, child in dependencies.items():
            if isinstance(child, dict | bool):
                yield "dependencies", child, (*parts, "dependencies", str(name))


def normalise(raw: Any, source: str | None = None) -> NormalSchema:
    """Normalise an input schema; :class:`SchemaError` lists every problem of it at once."""
    if not isinstance(raw, Mapping):
        raise SchemaError([SchemaProblem("input", "the input schema must be an object")], source)
    flawed = text_problems(raw, "input")
    if flawed:  # before anything quotes the text back in a message it could not print
        raise SchemaError(flawed, source)
    document: dict[str, Any] = {
        k: copy(v) for k, v in raw.items() if k not in _ROOT_ANNOTATIONS
    }  # fmt: skip
    work = _Normaliser(document)
    if document.get("type", "object") != "object":
        work.add(("type",), f"must be 'object', got {document.get('type')!r}")
    properties = document.get("properties")
    if not isinstance(properties, dict) or not properties:
        work.add(("properties",), "the input schema has no properties")
        properties = {}
    required = document.get("required") or []
    if isinstance(required, list):
        for name in required:
            if name not in properties:
                work.add(("required",), f"{name!r} is not a property")
    else:
        required = []
    document.pop("additionalProperties", None)  # the documented properties are all: closed
    document.pop("unevaluatedProperties", None)
    for reason in keyword_problems({k: v for k, v in document.items() if k != "properties"}):
        work.add((), reason)
    for wire, prop in properties.items():
        if not isinstance(prop, dict | bool):
            work.add(("properties", str(wire)), f"a property must be an object, got {prop!r}")
            continue
        work.visit(prop, ("properties", str(wire)), None)
    for keyword, child, parts in _children(document, ()):
        if keyword != "properties":
            work.visit(child, parts, None if keyword in CARRYING else keyword)
    if work.problems:
        raise SchemaError(work.problems, source)
    work.close_objects()
    schema = _root(document, required, properties)
    sites = work.media_sites()
    by_pointer = {s.pointer: s for s in sites}
    fields = tuple(
        _field(str(wire), properties[wire], wire in required, by_pointer)
        for wire in properties
        if isinstance(properties[wire], dict | bool)
    )
    return NormalSchema(fields, schema, sites)


def _root(document: dict[str, Any], required: list[Any], properties: Any) -> dict[str, Any]:
    """The validating schema: its key order fixed (``type``, ``required``, ``properties``,
    ``additionalProperties``, then anything else as documented), so generation is stable."""
    schema: dict[str, Any] = {"type": "object"}
    if required:
        schema["required"] = list(required)
    schema["properties"] = properties
    schema["additionalProperties"] = False
    for key, value in document.items():
        if key not in ("type", "required", "properties"):
            schema[key] = value
    return schema


def _field(wire: str, schema: Any, required: bool, sites: Mapping[str, MediaSite]) -> NormalField:
    for many in (False, True):
        site = sites.get(pointers.top_level(wire, many))
        if site is not None and isinstance(schema, dict):
            return NormalField(wire, required, schema, site.kind, many, site.rules, site.accepted)
    body = schema if isinstance(schema, dict) else {}
    return NormalField(wire, required, body, None, False, (), ())
