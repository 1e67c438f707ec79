"""Offline validation: the schema stage and local files, no network; pure functions of the
spec and the payload, so the clients and a batch's check of every payload (in a thread of its
own, see ``batch``) share them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from runcomfy_runtime.errors import InputValidationError, Problem, UnknownModelError
from runcomfy_runtime.spec import EndpointSpec

if TYPE_CHECKING:
    from runcomfy_runtime.endpoint import ValidationLevel
    from runcomfy_runtime.local_files import Inlined


def offline_stage(
    spec: EndpointSpec,
    payload: Mapping[str, Any],
    level: ValidationLevel,
    *,
    can_upload: bool = False,
) -> Inlined:
    """Local files inlined (or, too large for that and ``can_upload``, checked and left for the
    submit to upload), then the schema: what needs no network."""
    from runcomfy_runtime.local_files import inline_local_files, local_file_hint
    from runcomfy_runtime.validation import schema_problems  # jsonschema, on first use

    inlined = inline_local_files(spec, payload, check=level != "off", can_upload=can_upload)
    if level != "off":
        inlined.problems.extend(
            local_file_hint(p)
            for p in schema_problems(spec, inlined.payload)
            if p.path not in inlined.local_paths  # a local file's problem is said once
        )
    return inlined


def verdict(spec: EndpointSpec, inlined: Inlined, online: list[Problem]) -> dict[str, Any]:
    """The payload to send, or every problem of both stages at once."""
    problems = inlined.problems + online
    if problems:
        from runcomfy_runtime.validation import sort_problems

        raise InputValidationError(spec.model_id, sort_problems(spec, problems))
    return inlined.payload


def check_offline(
    spec: EndpointSpec,
    payload: Mapping[str, Any],
    level: ValidationLevel,
    *,
    can_upload: bool = False,
) -> dict[str, Any]:
    """The payload as it would be sent, or ``InputValidationError`` with every problem the
    offline stage finds (``level="full"`` checks no more than ``"schema"`` here)."""
    return verdict(spec, offline_stage(spec, payload, level, can_upload=can_upload), [])


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
