"""A raw input schema -> the :class:`~runcomfy_runtime.spec.EndpointSpec` the runtime uses.

The run-time twin of what the generator emits: a model fetched from the catalog is understood
by the same ``normalise`` and named by the same ``names``, so it is validated exactly as a
generated endpoint would be.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runcomfy_runtime.schema.formats import MediaKind
from runcomfy_runtime.schema.names import NameTable, argument_name
from runcomfy_runtime.schema.normalise import NormalSchema, normalise
from runcomfy_runtime.spec import EndpointSpec, FieldSpec


def fields_of(normal: NormalSchema, names: NameTable) -> tuple[FieldSpec, ...]:
    """The fields, required first, then the rest, each in documented order: the order of a
    generated call's keyword arguments and of validation problems."""
    fields = [
        FieldSpec(
            python_name=names.name_for(f.wire_name, argument_name),
            wire_name=f.wire_name,
            required=f.required,
            media=f.media,
            many=f.many,
            rules=f.rules,
            accepted=f.accepted,
        )
        for f in normal.fields
    ]
    return tuple(sorted(fields, key=lambda f: not f.required))


def compile_spec(
    model_id: str,
    input_schema: Mapping[str, Any],
    *,
    title: str | None = None,
    summary: str | None = None,
    example: Mapping[str, Any] | None = None,
    output_kind: MediaKind | None = None,
) -> EndpointSpec:
    """The spec of ``model_id``; :class:`~runcomfy_runtime.errors.SchemaError` lists every
    problem of a schema the engine cannot understand."""
    normal = normalise(input_schema, source=model_id)
    names = NameTable("input.properties")
    fields = fields_of(normal, names)
    names.check(model_id)
    return EndpointSpec(
        model_id=model_id,
        endpoint=f"/v1/models/{model_id}",
        input_schema=normal.schema,
        fields=fields,
        example=example,
        summary=summary,
        title=title,
        output_kind=output_kind,
        nested_media=normal.nested_sites,
    )
