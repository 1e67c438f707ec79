"""``runcomfy models`` and ``runcomfy schema``: the registry, readable by a person or a script.

A structured field (an object, a list of them) is shown with its nested shape: each key at its
depth, its type, whether it is required, its description and limits.

The text is built from the same :class:`EndpointSpec` the client validates with, and each field
is worded by ``runcomfy_runtime.schema.describe``, as in the generated docstrings and ``--help``:
what the command documents is what it enforces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from runcomfy_cli.options import option_name, structured
from runcomfy_runtime.schema import pointers
from runcomfy_runtime.schema.describe import Shape, describe_field
from runcomfy_runtime.spec import EndpointSpec

if TYPE_CHECKING:
    from runcomfy_runtime.catalog import CatalogEntry


def model_line(spec: EndpointSpec, entry: CatalogEntry | None = None) -> str:
    """``model-id  (required: prompt, image_urls)  $0.4 / second``: one endpoint, one line."""
    required = [f.wire_name for f in spec.fields if f.required]
    price = f"  {entry.price}" if entry is not None and entry.price else ""
    return f"{spec.model_id}  (required: {', '.join(required) or 'nothing'}){price}"


def model_record(spec: EndpointSpec) -> dict[str, Any]:
    return {
        "model_id": spec.model_id,
        "endpoint": spec.endpoint,
        "summary": spec.summary,
        "output_kind": spec.output_kind,
        "required": [f.wire_name for f in spec.fields if f.required],
        "fields": [f.wire_name for f in spec.fields],
    }


def generated_record(spec: EndpointSpec, entry: CatalogEntry | None = None) -> dict[str, Any]:
    """A generated model, with what the catalog says of it (price, categories) when known."""
    record = {**model_record(spec), "generated": True}
    if entry is not None:
        record.update({**entry.record(), "price": entry.price})
    return record


def catalog_record(entry: CatalogEntry) -> dict[str, Any]:
    return {**entry.record(), "price": entry.price, "generated": False}


def catalog_rows(entries: Sequence[CatalogEntry]) -> list[str]:
    """A table of catalog entries: id, name, kind, price; the columns as wide as their text."""
    rows = [("MODEL", "NAME", "KIND", "PRICE")]
    rows += [(e.model_id, e.display_name or "-", e.kind or "-", e.price or "-") for e in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    ]


def schema_text(spec: EndpointSpec) -> str:
    """Every field: name, type, option, then its description, enum, limits, default, rules."""
    lines = [spec.model_id]
    if spec.summary:
        lines.append(f"  {spec.summary}")
    lines.append(f"  endpoint: POST {spec.endpoint}")
    properties: Mapping[str, Any] = spec.input_schema.get("properties", {})
    shape = Shape(spec.input_schema, {s.pointer: s for s in spec.media_sites})
    for field in spec.fields:
        schema = properties.get(field.wire_name, {})
        words = describe_field(field, schema, spec.input_schema)
        flag = "required" if field.required else "optional"
        option = option_name(field) + (" JSON" if structured(schema, spec.input_schema) else "")
        lines.append("")
        lines.append(f"  {field.wire_name}  [{words.type}, {flag}]  {option}")
        lines.extend(
            f"      {sentence}" for sentence in words.sentences() if sentence != "Required."
        )
        lines.extend(shape.lines(schema, pointers.join("/properties", field.wire_name)))
    return "\n".join(lines)


def schema_record(spec: EndpointSpec) -> dict[str, Any]:
    """The raw input schema plus the rules, for ``schema --json``."""
    return {
        "model_id": spec.model_id,
        "endpoint": spec.endpoint,
        "summary": spec.summary,
        "input_schema": spec.input_schema,
        "rules": {
            f.wire_name: [
                {"metric": r.metric, "op": r.op, "value": r.value, "message": r.message}
                for r in f.rules
            ]
            for f in spec.fields
            if f.rules
        },
        "example": spec.example,
    }
