"""Documented examples, made runnable against the emulator.

The doc pages' curl bodies point at files on RunComfy's storage, which offline tests and
demos cannot reach; the emulator serves a stand-in under each URL's basename, and
:func:`example_payload` rewrites the URLs to it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from runcomfy_emulator.inputs import basename_of
from runcomfy_emulator.samples import sample_for
from runcomfy_runtime.spec import EndpointSpec


def input_url(base_url: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/inputs/{name}"


def example_payload(spec: EndpointSpec, base_url: str) -> dict[str, Any]:
    """The endpoint's documented example, its media URLs pointed at the emulator's ``/inputs``.

    Where the documented example breaks its own schema by leaving a required media field empty
    or out (seedream-4-0/edit documents ``"images": []`` against ``minItems: 1``), the field is
    filled with a sample of its kind in a format it accepts (``samples.sample_for``: the
    landscape JPEG, the MP4 clip, the WAV tone), as many times as ``minItems`` asks, so the
    payload submits. A model with no example (a catalog model, say) gets every other required
    field filled the same way (:func:`stand_in_value`). Everything else is kept as documented,
    including an empty prompt where the schema allows one.
    """
    payload: dict[str, Any] = copy.deepcopy(dict(spec.example or {}))
    properties = spec.input_schema.get("properties", {})
    for field in spec.media_fields:
        value = payload.get(field.wire_name)
        if isinstance(value, str):
            payload[field.wire_name] = input_url(base_url, basename_of(value))
        elif isinstance(value, list) and value:
            payload[field.wire_name] = [
                input_url(base_url, basename_of(v)) if isinstance(v, str) else v for v in value
            ]
        elif field.required:
            sample = input_url(base_url, sample_for(field.media or "image", field.accepted))
            least = int(properties.get(field.wire_name, {}).get("minItems", 1))
            payload[field.wire_name] = [sample] * max(least, 1) if field.many else sample
    for field in spec.fields:
        if field.required and field.media is None and field.wire_name not in payload:
            payload[field.wire_name] = stand_in_value(properties.get(field.wire_name, {}))
    return payload


Maker = Callable[[Mapping[str, Any]], Any]


def stand_in_value(schema: Mapping[str, Any]) -> Any:
    """A value a required property accepts: its default, its first choice, else the least its
    type and bounds allow (a string of ``minLength`` letters, the ``minimum``...)."""
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    make: Maker = _BY_TYPE.get(str(schema.get("type")), _nothing)
    return make(schema)


def _text(schema: Mapping[str, Any]) -> str:
    size = max(int(schema.get("minLength", 0)), min(20, int(schema.get("maxLength", 20))))
    return ("a lighthouse at dawn " * (size // 20 + 1))[:size]


def _number(schema: Mapping[str, Any]) -> float:
    low = float(schema.get("minimum", schema.get("exclusiveMinimum", 0)))
    high = float(schema.get("maximum", schema.get("exclusiveMaximum", low + 2)))
    return (low + high) / 2


def _integer(schema: Mapping[str, Any]) -> int:
    if "minimum" in schema:
        return int(schema["minimum"])
    if "exclusiveMinimum" in schema:
        return int(schema["exclusiveMinimum"]) + 1
    return min(0, int(schema.get("maximum", 0)))


def _array(schema: Mapping[str, Any]) -> list[Any]:
    items = schema.get("items")
    item = stand_in_value(items if isinstance(items, Mapping) else {})
    return [item] * int(schema.get("minItems", 0))


def _false(schema: Mapping[str, Any]) -> bool:
    return False


def _nothing(schema: Mapping[str, Any]) -> None:
    return None


_BY_TYPE: dict[str, Maker] = {
    "string": _text,
    "number": _number,
    "integer": _integer,
    "boolean": _false,
    "array": _array,
}
