"""JSON pointers into one schema document (RFC 6901), and the only ``$ref`` the engine follows.

A ``$ref`` is resolved inside the schema it sits in, and nowhere else: ``#/$defs/Keyframe`` (a
pointer) or ``#Keyframe`` (an ``$anchor`` of the same document). Nothing is ever fetched or
read from a file because a schema names it; a reference anywhere else is a problem of the
schema, said when it is normalised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote


def escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def join(pointer: str, *parts: str | int) -> str:
    """``join("/properties", "a/b")`` -> ``/properties/a~1b``."""
    return pointer + "".join("/" + escape(p) for p in parts)


def top_level(wire_name: str, many: bool) -> str:
    """Where a top-level media field's value sits: ``/properties/image``, or its items for a
    list (``/properties/image_urls/items``)."""
    base = join("/properties", wire_name)
    return join(base, "items") if many else base


def parts_of(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def node_at(document: Any, pointer: str) -> Any:
    """The value at ``pointer``; ``KeyError`` when there is none."""
    node = document
    for part in parts_of(pointer):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(pointer)
    return node


def anchors(document: Any) -> dict[str, str]:
    """Every ``$anchor`` of the document -> the pointer of the schema that declares it."""
    found: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, Mapping):
            anchor = node.get("$anchor")
            if isinstance(anchor, str):
                found.setdefault(anchor, pointer)
            stack.extend((join(pointer, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((join(pointer, i), v) for i, v in enumerate(node))
    return found


def local_target(ref: Any, document: Any, named: Mapping[str, str]) -> str | None:
    """The pointer a ``$ref`` names inside ``document`` (``named``: its anchors), or None when
    it names anything else (another document, a URL, a file, nothing that exists)."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    fragment = unquote(ref[1:])
    if fragment and not fragment.startswith("/"):
        return named.get(fragment)
    try:
        node_at(document, fragment)
    except KeyError:
        return None
    return fragment


def render(parts: Iterable[str | int]) -> str:
    """A pointer as a schema file's place is shown: ``input.properties.a.items``."""
    return ".".join(str(p) for p in parts)
