"""A field in words: one wording for generated docstrings, ``--help`` and ``runcomfy schema``.

Built from the same :class:`~runcomfy_runtime.spec.FieldSpec` and property schema the validator
enforces, so what is documented is what is checked. The schema's own ``title`` and
``description`` are RunComfy's English; nothing here is translated or invented.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.spec import FieldSpec

_LIMITS = (
    ("minimum", ">= {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "<= {}"),
    ("exclusiveMaximum", "< {}"),
    ("minLength", "at least {} character(s)"),
    ("maxLength", "at most {} character(s)"),
    ("minItems", "at least {} item(s)"),
    ("maxItems", "at most {} item(s)"),
    ("pattern", "matching {}"),
)


def shown(value: Any) -> str:
    """A value as a user would type it: strings bare, everything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def limits(schema: Mapping[str, Any]) -> list[str]:
    """The documented limits in words: ``at most 800 character(s)``, ``>= 0``."""
    return [text.format(shown(schema[key])) for key, text in _LIMITS if key in schema]


def type_words(
    field: FieldSpec, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None
) -> str:
    """``string``, ``integer``, ``image``, ``list of video``, ``list of object``... (``root``,
    the whole input schema, resolves references)."""
    if field.media is not None:
        return f"list of {field.media}" if field.many else field.media
    return Shape(root or {}, {}).words(schema, "")


class Shape:
    """A nested input in words, for ``runcomfy schema``: each key of each object, at its
    depth, with its type (``list of object``, ``image``, ``string or null``), whether it is
    required, and its description and limits. References are followed inside the schema
    (once: a recursive one is named, not unrolled)."""

    def __init__(self, root: Mapping[str, Any], sites: Mapping[str, Any]) -> None:
        self.root = root
        self.sites = sites  # pointer -> MediaSite: where media values sit

    def _resolved(self, node: Any, pointer: str) -> tuple[Any, str]:
        from runcomfy_runtime.schema import pointers

        for _ in range(16):  # a chain of references, never a loop
            ref = node.get("$ref") if isinstance(node, Mapping) else None
            target = pointers.local_target(ref, self.root, {}) if ref else None
            if target is None:
                return node, pointer
            node, pointer = pointers.node_at(self.root, target), target
        return node, pointer

    def words(self, node: Any, pointer: str) -> str:
        from runcomfy_runtime.schema import pointers

        node, pointer = self._resolved(node, pointer)
        if pointer in self.sites:
            return str(self.sites[pointer].kind)
        if not isinstance(node, Mapping):
            return "any"
        for keyword in ("anyOf", "oneOf"):
            branches = node.get(keyword)
            if isinstance(branches, list) and branches:
                found = [self.words(b, pointers.join(pointer, keyword, i))
                         for i, b in enumerate(branches)]  # fmt: skip
                return " or ".join(dict.fromkeys(found))
        raw = node.get("type")
        kinds = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
        if not kinds:
            kinds = ["object"] if "properties" in node else ["array"] if "items" in node else []
        shown = [self._kind(str(k), node, pointer) for k in kinds]
        return " or ".join(shown) if shown else "any"

    def _kind(self, kind: str, node: Mapping[str, Any], pointer: str) -> str:
        from runcomfy_runtime.schema import pointers

        if kind == "array":
            items = node.get("items")
            inner = self.words(items, pointers.join(pointer, "items")) if items else "any"
            return f"list of {inner}"
        return kind

    def lines(self, node: Any, pointer: str, indent: str = "      ", depth: int = 0) -> list[str]:
        """The keys of the object(s) ``node`` holds, each described, nested deeper by two."""
        from runcomfy_runtime.schema import pointers

        node, pointer = self._resolved(node, pointer)
        if not isinstance(node, Mapping) or depth > 6:
            return []
        out: list[str] = []
        for keyword in ("items", "additionalProperties"):
            inner = node.get(keyword)
            if isinstance(inner, Mapping):
                out += self.lines(inner, pointers.join(pointer, keyword), indent, depth)
        for keyword in ("anyOf", "oneOf", "allOf"):
            for i, branch in enumerate(node.get(keyword) or []):
                out += self.lines(branch, pointers.join(pointer, keyword, i), indent, depth)
        properties = node.get("properties")
        if not isinstance(properties, Mapping):
            return out
        required = set(node.get("required") or [])
        for key, value in properties.items():
            where = pointers.join(pointer, "properties", str(key))
            flag = "required" if key in required else "optional"
            out.append(f"{indent}{key}  [{self.words(value, where)}, {flag}]")
            resolved, _ = self._resolved(value, where)
            text = _text_of(resolved) if isinstance(resolved, Mapping) else ""
            spoken = limits(resolved) if isinstance(resolved, Mapping) else []
            facts = [text] if text else []
            facts += ["Limits: " + "; ".join(spoken) + "."] if spoken else []
            out += [f"{indent}    {fact}" for fact in facts]
            out += self.lines(value, where, indent + "    ", depth + 1)
        return out


def _text_of(schema: Mapping[str, Any]) -> str:
    text = str(schema.get("description") or schema.get("title") or "").strip()
    enum = schema.get("enum")
    if enum:
        text = (text + " " if text else "") + "One of: " + ", ".join(repr(v) for v in enum) + "."
    return text


_ARTICLE = {"image": "an image", "audio": "an audio file", "video": "a video"}


def _media_words(field: FieldSpec) -> str:
    kind = str(field.media)
    if field.many:
        head = f"A list of {kind}s, each an https URL"
    else:
        head = f"{_ARTICLE[kind][0].upper()}{_ARTICLE[kind][1:]}: an https URL"
    formats = f" Formats: {', '.join(field.accepted)}." if field.accepted else ""
    return f"{head}, a data: URI or a local file (pathlib.Path, sent inline).{formats}"


@dataclass(frozen=True)
class FieldWords:
    """A field described: the schema's own text, then facts, each a sentence."""

    python_name: str
    wire_name: str
    type: str
    required: bool
    text: str  # the description, else the title; "" when the schema says nothing
    facts: tuple[str, ...]  # sent-as, kind, enum, limits, default, rules: sentences

    def sentences(self) -> list[str]:
        return [s for s in (self.text, *self.facts) if s]

    def paragraph(self) -> str:
        return " ".join(self.sentences()) or "(undocumented)"


def describe_field(
    field: FieldSpec, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None
) -> FieldWords:
    """``field`` in words, from its property ``schema`` (the validating one; ``root``, the
    whole input schema, resolves references)."""
    description = str(schema.get("description") or "").strip()
    title = str(schema.get("title") or "").strip()
    text = description or title
    if text and text[-1] not in ".!?":
        text += "."
    facts: list[str] = []
    if field.wire_name != field.python_name:
        facts.append(f"Sent as {field.wire_name!r}.")
    if field.media is not None:
        facts.append(_media_words(field))
    items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
    enum = schema.get("enum") or (items or {}).get("enum")
    if enum:
        facts.append("One of: " + ", ".join(repr(v) for v in enum) + ".")
    spoken = limits(schema)
    if spoken:
        facts.append("Limits: " + "; ".join(spoken) + ".")
    if "default" in schema and not field.required:  # a required field's is only an example
        facts.append(f"Default: {shown(schema['default'])}.")
    for rule in field.rules:
        facts.append(f"Rule {rule.metric} {rule.op} {rule.value:g}: {rule.message}")
    if field.required:
        facts.append("Required.")
    return FieldWords(
        field.python_name,
        field.wire_name,
        type_words(field, schema, root),
        field.required,
        text,
        tuple(facts),
    )


_KIND_PHRASE = {"image": "images", "video": "videos", "audio": "audio"}


def english_summary(model_id: str, kind: str | None, display_name: str | None = None) -> str:
    """One English line about a model, from facts alone: its name, task and output kind.

    The doc pages' prose is Spanish, Portuguese or Italian boilerplate; it stays in the schema
    file as its source, and this line is what docstrings, ``runcomfy models`` and ``schema``
    show.
    """
    task = model_id.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
    makes = f"; makes {_KIND_PHRASE[kind]}" if kind in _KIND_PHRASE else ""
    name = " ".join((display_name or "").split())  # one line: a docstring keeps no edge spaces
    if name:
        return f"{name} ({model_id}): {task}{makes}."
    return f"RunComfy model {model_id}: {task}{makes}."
