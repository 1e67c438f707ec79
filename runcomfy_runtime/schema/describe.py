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


def type_words(field: FieldSpec, schema: Mapping[str, Any]) -> str:
    """``string``, ``integer``, ``image``, ``list of video``, ``list of string``..."""
    if field.media is not None:
        return f"list of {field.media}" if field.many else field.media
    kind = str(schema.get("type", "any"))
    items = schema.get("items")
    if kind == "array" and isinstance(items, Mapping):
        return f"list of {items.get('type', 'any')}"
    return kind


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


def describe_field(field: FieldSpec, schema: Mapping[str, Any]) -> FieldWords:
    """``field`` in words, from its property ``schema`` (the validating one)."""
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
        type_words(field, schema),
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
    if display_name:
        return f"{display_name} ({model_id}): {task}{makes}."
    return f"RunComfy model {model_id}: {task}{makes}."
