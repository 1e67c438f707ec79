"""Local image files as inputs: checked against the documented rules, then sent inline.

The API fetches images by URL, but it also accepts ``data:image/...;base64,`` URIs; a
``pathlib.Path`` in an image field becomes one, after its bytes pass the same rules a URL would.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runcomfy_runtime import constants
from runcomfy_runtime.errors import Problem
from runcomfy_runtime.media import media_problems
from runcomfy_runtime.probe import ProbeFailure, ProbeResult, facts_of_bytes
from runcomfy_runtime.spec import EndpointSpec

MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass
class Inlined:
    """The payload to send, what the local files broke, and the payload left for probing."""

    payload: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    to_probe: dict[str, Any] = field(default_factory=dict)  # local files masked out


def _read(path: os.PathLike[str]) -> bytes | str:
    try:
        size = os.stat(path).st_size
        if size > constants.LOCAL_IMAGE_MAX_BYTES:
            cap = constants.LOCAL_IMAGE_MAX_BYTES / (1024 * 1024)
            return f"is {size / (1024 * 1024):.1f} MB; at most {cap:g} MB can be sent inline"
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as e:
        return f"cannot read the file: {e.strerror or e}"


def _data_uri(data: bytes, facts: ProbeResult) -> str | None:
    mime = None if isinstance(facts, ProbeFailure) else MIME_TYPES.get(facts.format or "")
    return f"data:{mime};base64,{base64.b64encode(data).decode()}" if mime else None


@dataclass(frozen=True)
class _Local:
    sent: str  # the data URI, or the path when the file cannot be sent
    facts: ProbeResult | None  # None when it could not be read
    problem: Problem | None


def _inline(path: os.PathLike[str], where: str) -> _Local:
    name = os.fspath(path)
    data = _read(path)
    if isinstance(data, str):
        return _Local(name, None, Problem(where, data, name))
    facts = facts_of_bytes(data, source=name)
    uri = _data_uri(data, facts)
    if uri is None:
        reason = facts.reason if isinstance(facts, ProbeFailure) else facts.format
        return _Local(
            name, None, Problem(where, f"is not an image that can be sent ({reason})", name)
        )
    return _Local(uri, facts, None)


def inline_local_images(spec: EndpointSpec, payload: Mapping[str, Any], *, check: bool) -> Inlined:
    """Turn every path in an image field into a data URI; with ``check``, apply the rules.

    ``to_probe`` is the payload with those files masked, so the online stage neither probes
    nor reports them twice.
    """
    out = Inlined(dict(payload), to_probe=dict(payload))
    shadow: dict[str, Any] = {}  # only the inlined files, at their positions, for the rules
    facts: dict[str, ProbeResult] = {}
    shown: dict[str, str] = {}
    for fld in spec.image_fields:
        value = payload.get(fld.wire_name)
        items = list(value) if fld.many and isinstance(value, list | tuple) else [value]
        if not any(isinstance(v, os.PathLike) for v in items):
            continue
        sent: list[Any] = []
        masked: list[Any] = []
        checked: list[str | None] = []
        for index, item in enumerate(items):
            if not isinstance(item, os.PathLike):
                sent.append(item)
                masked.append(item)
                checked.append(None)
                continue
            local = _inline(item, f"{fld.wire_name}[{index}]" if fld.many else fld.wire_name)
            sent.append(local.sent)
            masked.append(None)
            checked.append(local.sent if local.facts is not None else None)
            if local.problem is not None:
                out.problems.append(local.problem)
            if local.facts is not None:
                facts[local.sent], shown[local.sent] = local.facts, os.fspath(item)
        out.payload[fld.wire_name] = sent if fld.many else sent[0]
        out.to_probe[fld.wire_name] = masked if fld.many else masked[0]
        shadow[fld.wire_name] = checked if fld.many else checked[0]
    if check and facts:
        for problem in media_problems(spec, shadow, facts):
            value = shown.get(problem.value, problem.value)
            out.problems.append(Problem(problem.path, problem.message, value, problem.fact))
    return out
