"""Documented examples, made runnable against the emulator.

The doc pages' curl bodies point at files on RunComfy's storage, which offline tests and
demos cannot reach; the emulator serves a stand-in under each URL's basename, and
:func:`example_payload` rewrites the URLs to it.
"""

from __future__ import annotations

import copy
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
    payload submits. Everything else is kept as
    documented, including an empty prompt where the schema allows one.
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
    return payload
