"""``runcomfy models`` and ``runcomfy schema``: the registry, readable by a person or a script.

The text is built from the same :class:`EndpointSpec` the client validates with, so what the
command documents is what it enforces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from runcomfy_cli.options import describe_limits, option_name
from runcomfy_runtime.spec import EndpointSpec


def model_line(spec: EndpointSpec) -> str:
    """``model-id  (required: prompt, image_urls)``: one endpoint, one line."""
    required = [f.wire_name for f in spec.fields if f.required]
    return f"{spec.model_id}  (required: {', '.join(required) or 'nothing'})"


def model_record(spec: EndpointSpec) -> dict[str, Any]:
    return {
        "model_id": spec.model_id,
        "endpoint": spec.endpoint,
        "title": spec.title,
        "summary": spec.summary,
        "required": [f.wire_name for f in spec.fields if f.required],
        "fields": [f.wire_name for f in spec.fields],
    }


def _type_of(schema: Mapping[str, Any]) -> str:
    kind = str(schema.get("type", "any"))
    items = schema.get("items")
    if kind == "array" and isinstance(items, Mapping):
        inner = str(items.get("type", "any"))
        fmt = items.get("format")
        return f"array of {inner}" + (f" ({fmt})" if fmt else "")
    fmt = schema.get("format")
    return kind + (f" ({fmt})" if fmt else "")


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def schema_text(spec: EndpointSpec) -> str:
    """Every field: name, option, type, enum, default, limits and the documented media rules."""
    lines = [spec.model_id]
    if spec.summary:
        lines.append(f"  {spec.summary}")
    lines.append(f"  endpoint: POST {spec.endpoint}")
    properties: Mapping[str, Any] = spec.input_schema.get("properties", {})
    for field in spec.fields:
        schema = properties.get(field.wire_name, {})
        flag = "required" if field.required else "optional"
        lines.append("")
        lines.append(f"  {field.wire_name}  [{_type_of(schema)}, {flag}]  {option_name(field)}")
        description = str(schema.get("description") or "").strip()
        if description:
            lines.append(f"      {description}")
        enum = schema.get("enum")
        if enum:
            lines.append("      one of: " + ", ".join(_value(v) for v in enum))
        limits = describe_limits(schema)
        if limits:
            lines.append("      limits: " + ", ".join(limits))
        if "default" in schema:
            lines.append(f"      default: {_value(schema['default'])}")
        for rule in field.rules:
            lines.append(f"      rule: {rule.metric} {rule.op} {rule.value:g}  ({rule.message})")
    return "\n".join(lines)


def schema_record(spec: EndpointSpec) -> dict[str, Any]:
    """The raw input schema plus the rules, for ``schema --json``."""
    return {
        "model_id": spec.model_id,
        "endpoint": spec.endpoint,
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
