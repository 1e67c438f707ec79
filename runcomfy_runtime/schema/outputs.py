"""What a model produces: the keys of its output schema, and the kind of file it makes.

An output schema (the doc pages document one; the catalog does not) names keys such as
``image``, ``images``, ``video``, ``audio``: a string holds one URL, an array a list. They
become the typed fields of the endpoint's output class. Whatever a schema says, every URL
anywhere in an output is kept (``Output.urls``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.errors import SchemaProblem
from runcomfy_runtime.schema.formats import MEDIA_KINDS, MediaKind
from runcomfy_runtime.schema.names import NameTable, identifier

RESERVED = frozenset({"urls", "raw", "from_wire", "files"})  # OutputBase's own names
"""Attributes every output class has; a key with one of these names gets a trailing ``_``."""

KEY_KINDS: dict[str, MediaKind] = {
    "image": "image",
    "images": "image",
    "video": "video",
    "videos": "video",
    "audio": "audio",
    "audios": "audio",
}


@dataclass(frozen=True, slots=True)
class OutputKey:
    python_name: str
    wire_name: str
    many: bool


def output_keys(schema: Any, problems: list[SchemaProblem]) -> tuple[OutputKey, ...]:
    """The keys of an output schema (none without one); anything but a string or an array of
    strings is a problem, as is a name two keys would share."""
    if not isinstance(schema, Mapping):
        return ()
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return ()
    table = NameTable("output.properties", problems)
    keys = []
    for wire, prop in properties.items():
        where = f"output.properties.{wire}"
        kind = prop.get("type") if isinstance(prop, Mapping) else None
        items = prop.get("items") if isinstance(prop, Mapping) else None
        if kind == "array" and (
            items is None
            or (isinstance(items, Mapping) and items.get("type", "string") == "string")
        ):
            many = True
        elif kind == "string":
            many = False
        else:
            problems.append(
                SchemaProblem(where, f"an output is a string or a list of strings, got {kind!r}")
            )
            continue

        def name(w: str) -> str:
            made = identifier(w)
            return made + "_" if made in RESERVED else made

        keys.append(OutputKey(table.name_for(str(wire), name), str(wire), many))
    return tuple(keys)


def kind_keys(kind: MediaKind | None) -> tuple[OutputKey, ...]:
    """The keys a model of ``kind`` answers with when no output schema says (the catalog has
    none): ``audio`` and ``audios`` for an audio model, and so on."""
    if kind is None:
        return ()
    return (OutputKey(kind, kind, False), OutputKey(f"{kind}s", f"{kind}s", True))


def _kind_word(text: str) -> MediaKind | None:
    lowered = text.lower()
    return next((k for k in MEDIA_KINDS if k == lowered), None)


def _from_id(model_id: str) -> MediaKind | None:
    """From the last segment of the id: what follows ``to`` (``image-to-video``), else a
    kind-naming word (``text-to-speech`` is audio)."""
    words = model_id.rsplit("/", 1)[-1].lower().replace("_", "-").split("-")
    if "to" in words:
        after = words[len(words) - 1 - words[::-1].index("to") + 1 :]
        for word in after:
            found = _kind_word(word) or _TASK_WORDS.get(word)
            if found:
                return found
    for word in words:
        found = _kind_word(word) or _TASK_WORDS.get(word)
        if found:
            return found
    return None


_TASK_WORDS: dict[str, MediaKind] = {
    "speech": "audio",
    "music": "audio",
    "tts": "audio",
    "song": "audio",
    "sound": "audio",
    "edit": "image",  # "video-edit" would say "video" first: an edit alone edits images
    "inpaint": "image",
}
"""Words of a model id's last segment that name what it makes."""


def category_kind(category: str) -> MediaKind | None:
    """What a catalog category names: ``video``, ``text-to-video``, ``image-to-video``,
    ``video-to-video``, ``text-to-audio`` -> the kind it ends with; ``upscale`` -> None."""
    return _kind_word(category.lower().replace("_", "-").rsplit("-", 1)[-1])


def output_kind(
    model_id: str,
    kind: Any = None,
    categories: Any = None,
    outputs: Sequence[OutputKey] = (),
) -> MediaKind | None:
    """The kind of file a model produces, from the most to the least explicit: the catalog's
    ``kind`` when it names one (the catalog as served says ``"model"``, which names none), its
    categories (``text-to-video``), an output schema naming one kind, the model id; else None.
    Categories that disagree name no kind; the id decides."""
    if isinstance(kind, str) and _kind_word(kind):
        return _kind_word(kind)
    if isinstance(categories, list | tuple):
        named = {category_kind(c) for c in categories if isinstance(c, str)} - {None}
        if len(named) == 1:
            return named.pop()
    kinds = {KEY_KINDS[k.wire_name] for k in outputs if k.wire_name in KEY_KINDS}
    if len(kinds) == 1:
        return kinds.pop()
    return _from_id(model_id)
