"""Offline validation by model id: the schema stage only, no network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runcomfy_runtime.errors import UnknownModelError
from runcomfy_runtime.spec import EndpointSpec


def spec_for(registry: Mapping[str, EndpointSpec], model_id: str) -> EndpointSpec:
    try:
        return registry[model_id]
    except KeyError:
        known = ", ".join(sorted(registry))
        raise UnknownModelError(
            f"unknown model id {model_id!r}; known: {known}", error_code=400001
        ) from None


def validate_offline(
    registry: Mapping[str, EndpointSpec], model_id: str, payload: Mapping[str, Any]
) -> None:
    from runcomfy_runtime.validation import validator_for  # jsonschema loads when first needed

    validator_for(spec_for(registry, model_id)).validate(payload)
