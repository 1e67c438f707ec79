"""Offline validation by model id: the schema stage only, no network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runcomfy_runtime.errors import UnknownModelError
from runcomfy_runtime.spec import EndpointSpec


def spec_for(registry: Mapping[str, EndpointSpec], model_id: str) -> EndpointSpec:
    """The spec of ``model_id``; ``UnknownModelError`` naming the closest known ids."""
    found = registry.get(model_id)
    if found is not None:
        return found
    import difflib

    close = difflib.get_close_matches(model_id, list(registry), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UnknownModelError(
        f"unknown model id {model_id!r}{hint} "
        f"({len(registry)} known: `runcomfy models` lists them)",
        error_code=400001,
    )


def validate_offline(
    registry: Mapping[str, EndpointSpec], model_id: str, payload: Mapping[str, Any]
) -> None:
    from runcomfy_runtime.validation import validator_for  # jsonschema loads when first needed

    validator_for(spec_for(registry, model_id)).validate(payload)
