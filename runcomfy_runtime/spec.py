"""What the generated code tells the runtime about an endpoint: plain, frozen data.

The generator emits one :class:`EndpointSpec` per endpoint; the runtime (validation, rule
checks, the client, the emulator) reads it and never imports the generated modules by name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

ImageInput: TypeAlias = str | os.PathLike[str]
"""An image argument: a URL (https, or http on loopback), a data URI, or a local file path."""

Operator = Literal["<", "<=", ">", ">="]
Metric = Literal["file_size_mb", "width_pixels", "height_pixels", "width/height"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One documented ``validation_rule``, already normalised: ``metric op value``."""

    metric: Metric
    op: Operator
    value: float
    message: str


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input property: its Python name, its name on the wire, and its media rules."""

    python_name: str
    wire_name: str
    required: bool
    image: bool = False
    many: bool = False
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    model_id: str
    endpoint: str
    input_schema: Mapping[str, Any]
    fields: tuple[FieldSpec, ...]
    example: Mapping[str, Any] | None = None
    summary: str | None = None
    title: str | None = None
    accepted_image_formats: tuple[str, ...] = ()
    _by_wire: dict[str, FieldSpec] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_wire.update({f.wire_name: f for f in self.fields})

    def field(self, wire_name: str) -> FieldSpec | None:
        return self._by_wire.get(wire_name)

    @property
    def image_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.image)
