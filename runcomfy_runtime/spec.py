"""What the runtime knows about an endpoint: plain, frozen data.

The generator emits one :class:`EndpointSpec` per endpoint; the catalog path builds the same
from a fetched schema (``schema.compile``). The runtime (validation, rule checks, the client)
and the command line and emulator read it, and never import generated modules by name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from runcomfy_runtime.schema.formats import MediaKind

MediaInput: TypeAlias = str | os.PathLike[str]
"""A media argument (image, video or audio): a URL (https, or http on loopback), a ``data:``
URI, or a local file path (checked, then sent inline)."""
ImageInput: TypeAlias = MediaInput
VideoInput: TypeAlias = MediaInput
AudioInput: TypeAlias = MediaInput


@dataclass(frozen=True, slots=True)
class Rule:
    """One documented ``validation_rule``, normalised: ``metric op value`` and its message.

    ``metric`` and ``op`` are names in the tables of ``schema.rules``, which made this rule.
    """

    metric: str
    op: str
    value: float
    message: str


@dataclass(frozen=True, slots=True)
class MediaSite:
    """A place in the input schema where one media value sits, wherever it nests: its JSON
    pointer into the validating schema (``/properties/elements/items/properties/image_url``),
    the kind of file, the rules it must meet and the container formats it accepts (empty: any
    of its kind). The media stage finds the payload's values at these places (``schema.sites``)."""

    pointer: str
    kind: MediaKind
    rules: tuple[Rule, ...] = ()
    accepted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input property: its Python name, its name on the wire, and, for a media field, its
    kind, whether it is a list, its rules and the container formats it accepts (empty: any)."""

    python_name: str
    wire_name: str
    required: bool
    media: MediaKind | None = None
    many: bool = False
    rules: tuple[Rule, ...] = ()
    accepted: tuple[str, ...] = ()

    def site(self) -> MediaSite:
        """The media site of a media field: the property, or its items for a list."""
        from runcomfy_runtime.schema.pointers import top_level

        assert self.media is not None, f"{self.wire_name} is not a media field"
        where = top_level(self.wire_name, self.many)
        return MediaSite(where, self.media, self.rules, self.accepted)


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    """One model: its id, the validating input schema, its fields, and what it produces.

    ``output_kind`` is the kind of file the model produces when its output schema or catalog
    entry says (None: unknown; results then expose every URL generically).
    """

    model_id: str
    endpoint: str
    input_schema: Mapping[str, Any]
    fields: tuple[FieldSpec, ...]
    example: Mapping[str, Any] | None = None
    summary: str | None = None
    title: str | None = None
    output_kind: MediaKind | None = None
    nested_media: tuple[MediaSite, ...] = ()
    """Media inside structured fields (objects, lists of them, unions); a top-level media
    field's site is on its :class:`FieldSpec`."""

    @property
    def media_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.media is not None)

    @property
    def media_sites(self) -> tuple[MediaSite, ...]:
        """Every place a media value sits: the top-level media fields', then the nested ones."""
        return (*(field.site() for field in self.media_fields), *self.nested_media)
