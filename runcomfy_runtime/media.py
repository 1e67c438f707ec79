"""The online validation stage: the documented media rules, checked on probed file facts.

Pure where it can be. :func:`media_problems` turns probe results into problems without touching
the network, so every bound is tested on hand-built facts; :func:`check_media` only gathers the
URLs of the media fields, probes them concurrently and hands the results over. Values the
offline stage rejects (not a string, not a media URI) are left to it, not probed.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.errors import Problem
from runcomfy_runtime.jsonpath import json_path
from runcomfy_runtime.probe import ProbeFailure, Prober, ProbeResult
from runcomfy_runtime.schema.formats import MediaKind, media_check
from runcomfy_runtime.schema.rules import BYTES_PER_MB, MediaFacts, measurable, rule_problems
from runcomfy_runtime.spec import EndpointSpec, FieldSpec


@dataclass(frozen=True, slots=True)
class MediaValue:
    """One media URL of the payload, where it sits and the field whose rules it must meet."""

    field: FieldSpec
    path: str
    url: str

    @property
    def kind(self) -> MediaKind:
        assert self.field.media is not None
        return self.field.media


def media_values(spec: EndpointSpec, payload: Mapping[str, Any]) -> list[MediaValue]:
    """Every probe-able media URL of ``payload``: fields in documented order, then list index.

    That is the order the schema stage sorts its problems in, so both stages read alike.
    """
    found: list[MediaValue] = []
    for field in spec.media_fields:
        if field.wire_name not in payload:
            continue
        value = payload[field.wire_name]
        if field.many and isinstance(value, list):
            places = [(json_path([field.wire_name, i]), item) for i, item in enumerate(value)]
        elif not field.many:
            places = [(field.wire_name, value)]
        else:
            places = []  # not a list: the schema stage says so
        is_media = media_check(field.media or "image")
        found.extend(
            MediaValue(field, path, item)
            for path, item in places
            if isinstance(item, str) and is_media(item)
        )
    return found


def count_limit(field: FieldSpec) -> int | None:
    """Bytes worth counting for ``field`` when a server hides the size: its largest size bound.

    Counting to this many bytes (plus one) decides every ``file_size_mb`` rule of the field,
    whatever its operator; None when the field has no size rule, so nothing is counted.
    """
    bounds = [rule.value for rule in field.rules if rule.metric == "file_size_mb"]
    return math.ceil(max(bounds) * BYTES_PER_MB) if bounds else None


def format_problem(field: FieldSpec, facts: MediaFacts, path: str, value: str) -> Problem | None:
    """A problem when the file's container is not one ``field`` accepts (empty: any)."""
    accepted = field.accepted
    if not accepted or (facts.format or "").upper() in {name.upper() for name in accepted}:
        return None
    return Problem(
        path,
        "must be one of the formats: " + ", ".join(accepted),
        value,
        fact=f"format {facts.format or 'unknown'}",
    )


def problems_of(field: FieldSpec, result: ProbeResult, path: str, shown: str) -> list[Problem]:
    """What one measured file breaks: its format, then the field's rules (``shown`` is the
    value as the user gave it: a URL, or a local path)."""
    if isinstance(result, ProbeFailure):
        return [Problem(path, f"could not read the {field.media}: {result.reason}", shown)]
    found: list[Problem] = []
    rules = list(field.rules)
    wrong_format = format_problem(field, result, path, shown)
    if wrong_format is not None:
        found.append(wrong_format)
        rules = measurable(rules, result)
    found.extend(rule_problems(rules, result, path, shown))
    return found


Results = Mapping[tuple[str, MediaKind], ProbeResult]
"""Probe results by (URL, the kind it was read as)."""


def media_problems(
    spec: EndpointSpec, payload: Mapping[str, Any], results: Results
) -> list[Problem]:
    """Every media problem of ``payload`` at once, each at its JSON path (``image_urls[2]``).

    ``results`` must hold a result for every media URL of the payload (``check_media`` does
    that); a missing one is a caller's bug and raises ``KeyError``.
    """
    found: list[Problem] = []
    for value in media_values(spec, payload):
        result = results.get((value.url, value.kind))
        if result is None:
            raise KeyError(f"no probe result for the file at {value.path}")
        found.extend(problems_of(value.field, result, value.path, value.url))
    return found


async def check_media(spec: EndpointSpec, payload: Any, prober: Prober) -> list[Problem]:
    """Probe every media URL of ``payload`` concurrently and report what breaks the rules.

    A URL used by several fields is probed once per kind, counting to the largest size bound.
    """
    if not isinstance(payload, Mapping):
        return []  # the schema stage reports a payload that is not an object
    limits: dict[tuple[str, MediaKind], int | None] = {}
    for value in media_values(spec, payload):
        key = (value.url, value.kind)
        limits[key] = _larger(limits.get(key), count_limit(value.field))
    keys = list(limits)
    found = await asyncio.gather(
        *(prober.probe(url, kind, count_limit_bytes=limits[url, kind]) for url, kind in keys)
    )
    return media_problems(spec, payload, dict(zip(keys, found, strict=True)))


def _larger(a: int | None, b: int | None) -> int | None:
    """The larger count limit; None stands for "no size rule", so it never wins over a number."""
    if a is None or b is None:
        return b if a is None else a
    return max(a, b)
