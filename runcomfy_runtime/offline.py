"""Offline validation by model id: the schema stage only, no network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runcomfy_runtime.errors import UnknownModelError
from runcomfy_runtime.spec import EndpointSpec


def unknown_model(
    registry: Mapping[str, EndpointSpec], model_id: str, *, catalog_asked: bool = False
) -> UnknownModelError:
    """The error for an id nobody knows, naming the closest generated ids."""
    import difflib

    close = difflib.get_close_matches(model_id, list(registry), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    where = "not generated and not in RunComfy's catalog; " if catalog_asked else ""
    return UnknownModelError(
        f"unknown model id {model_id!r}{hint} ({where}{len(registry)} generated: "
        "`runcomfy models` lists them)",
        error_code=400001,
    )


def spec_for(registry: Mapping[str, EndpointSpec], model_id: str) -> EndpointSpec:
    """The spec of ``model_id``; ``UnknownModelError`` naming the closest known ids."""
    found = registry.get(model_id)
    if found is None:
        raise unknown_model(registry, model_id)
    return found


def validate_offline(
    registry: Mapping[str, EndpointSpec], model_id: str, payload: Mapping[str, Any]
) -> None:
    from runcomfy_runtime.validation import validator_for  # jsonschema loads when first needed

    validator_for(spec_for(registry, model_id)).validate(payload)
