"""Documented examples, made runnable against the emulator; stand-in payloads for the rest.

The doc pages' curl bodies point at files on RunComfy's storage, which offline tests and
demos cannot reach; the emulator serves a stand-in under each URL's basename, and
:func:`example_payload` rewrites the URLs to it, wherever they nest. A model with no example
(a catalog model) gets every required field made up from its schema, nested objects and
lists included (a required list of two keyframes gets two keyframes, each with its image).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from runcomfy_emulator.inputs import basename_of
from runcomfy_emulator.samples import sample_for
from runcomfy_runtime.schema import pointers
from runcomfy_runtime.schema.patterns import matches
from runcomfy_runtime.spec import EndpointSpec, MediaSite


def input_url(base_url: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/inputs/{name}"


def _put(payload: Any, path: tuple[str | int, ...], value: Any) -> None:
    node = payload
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def example_payload(spec: EndpointSpec, base_url: str) -> dict[str, Any]:
    """The endpoint's documented example, its media URLs pointed at the emulator's ``/inputs``.

    Where the documented example breaks its own schema by leaving a required media field empty
    or out (seedream-4-0/edit documents ``"images": []`` against ``minItems: 1``), the field is
    filled with a sample of its kind in a format it accepts (``samples.sample_for``: the
    landscape JPEG, the MP4 clip, the WAV tone), as many times as ``minItems`` asks, so the
    payload submits. A model with no example (a catalog model, say) gets every other required
    field filled the same way (:class:`StandIn`). Everything else is kept as documented,
    including an empty prompt where the schema allows one.
    """
    from runcomfy_runtime.validation import validator_for

    payload: dict[str, Any] = copy.deepcopy(dict(spec.example or {}))
    for found in validator_for(spec).media(payload):
        _put(payload, found.path, input_url(base_url, basename_of(found.value)))
    properties = spec.input_schema.get("properties", {})
    make = StandIn(spec, base_url)
    for field in spec.fields:
        given = payload.get(field.wire_name)
        empty_media = field.media is not None and given in (None, [], "")
        if field.required and (field.wire_name not in payload or empty_media):
            where = pointers.join("/properties", field.wire_name)
            payload[field.wire_name] = make.value(properties.get(field.wire_name, {}), where)
    return payload


class StandIn:
    """A value each part of a schema accepts: its default, its first choice, else the least
    its type and bounds allow (a string of ``minLength`` letters, the ``minimum``, a list of
    ``minItems`` items, an object of its required keys), and a sample file the emulator
    serves wherever a media value goes."""

    def __init__(self, spec: EndpointSpec, base_url: str) -> None:
        self.schema = spec.input_schema
        self.sites: dict[str, MediaSite] = {s.pointer: s for s in spec.media_sites}
        self.base_url = base_url
        self._anchors = pointers.anchors(self.schema)

    def value(self, node: Any, pointer: str) -> Any:
        if not isinstance(node, Mapping):
            return None
        site = self.sites.get(pointer)
        if site is not None:
            return input_url(self.base_url, sample_for(site.kind, site.accepted))
        if "default" in node:
            return copy.deepcopy(node["default"])
        if "const" in node:
            return copy.deepcopy(node["const"])
        if node.get("enum"):
            return copy.deepcopy(node["enum"][0])
        ref = node.get("$ref")
        target = pointers.local_target(ref, self.schema, self._anchors) if ref else None
        if target is not None:
            return self.value(pointers.node_at(self.schema, target), target)
        for keyword in ("anyOf", "oneOf", "allOf"):
            branches = node.get(keyword)
            if isinstance(branches, list):
                for i, branch in enumerate(branches):
                    if isinstance(branch, Mapping) and branch.get("type") != "null":
                        return self.value(branch, pointers.join(pointer, keyword, i))
        kind = node.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None and isinstance(node.get("properties"), Mapping):
            kind = "object"
        make: Maker = _BY_TYPE.get(str(kind), _nothing)
        return make(self, node, pointer)


Maker = Callable[[StandIn, Mapping[str, Any], str], Any]


def _text(make: StandIn, schema: Mapping[str, Any], pointer: str) -> str:
    size = max(int(schema.get("minLength", 0)), min(20, int(schema.get("maxLength", 20))))
    text = ("a lighthouse at dawn " * (size // 20 + 1))[:size]
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not matches(pattern, text):
        for candidate in ("my-style.safetensors", "a", "a1", "0", "abc-123"):
            if matches(pattern, candidate):
                return candidate
    return text


def _number(make: StandIn, schema: Mapping[str, Any], pointer: str) -> float:
    low = float(schema.get("minimum", schema.get("exclusiveMinimum", 0)))
    high = float(schema.get("maximum", schema.get("exclusiveMaximum", low + 2)))
    return (low + high) / 2


def _integer(make: StandIn, schema: Mapping[str, Any], pointer: str) -> int:
    if "minimum" in schema:
        return int(schema["minimum"])
    if "exclusiveMinimum" in schema:
        return int(schema["exclusiveMinimum"]) + 1
    return min(0, int(schema.get("maximum", 0)))


def _array(make: StandIn, schema: Mapping[str, Any], pointer: str) -> list[Any]:
    where = pointers.join(pointer, "items")
    least = max(int(schema.get("minItems", 0)), 1 if where in make.sites else 0)
    prefix = schema.get("prefixItems")
    out: list[Any] = []
    if isinstance(prefix, list):
        out = [
            make.value(p, pointers.join(pointer, "prefixItems", i)) for i, p in enumerate(prefix)
        ]
    items = schema.get("items")
    item = make.value(items, where) if isinstance(items, Mapping) else None
    return out + [copy.deepcopy(item) for _ in range(max(least - len(out), 0))]


def _object(make: StandIn, schema: Mapping[str, Any], pointer: str) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    required = [r for r in schema.get("required") or [] if isinstance(r, str)]
    return {
        name: make.value(properties.get(name, {}), pointers.join(pointer, "properties", name))
        for name in required
    }


def _false(make: StandIn, schema: Mapping[str, Any], pointer: str) -> bool:
    return False


def _nothing(make: StandIn, schema: Mapping[str, Any], pointer: str) -> None:
    return None


_BY_TYPE: dict[str, Maker] = {
    "string": _text,
    "number": _number,
    "integer": _integer,
    "boolean": _false,
    "array": _array,
    "object": _object,
}
