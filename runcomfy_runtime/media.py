"""The online validation stage: the documented media rules, checked on probed file facts.

Pure where it can be. :func:`media_problems` turns probe results into problems without touching
the network, so every bound is tested on hand-built facts; :func:`check_media` only gathers the
payload's media URLs, wherever they nest, probes them concurrently and hands the results
over. Values the offline stage rejects (not a string, not a media URI) are left to it.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.errors import InputPath, Problem
from runcomfy_runtime.jsonpath import json_path
from runcomfy_runtime.probe import ProbeFailure, Prober, ProbeResult
from runcomfy_runtime.schema.formats import LocalPath, MediaKind, media_check
from runcomfy_runtime.schema.rules import BYTES_PER_MB, MediaFacts, measurable, rule_problems
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, MediaSite


@dataclass(frozen=True, slots=True)
class MediaValue:
    """One media URL of the payload, where it sits and the site whose rules it must meet."""

    site: MediaSite
    path: InputPath
    url: str

    @property
    def kind(self) -> MediaKind:
        return self.site.kind


def media_values(spec: EndpointSpec, payload: Mapping[str, Any]) -> list[MediaValue]:
    """Every probe-able media URL of ``payload``, wherever it nests (``elements[0].image_url``),
    in the order problems are sorted in (documented fields, then by path). A local file (read
    apart) and a value the offline stage rejects (not a media URI) are left out."""
    from runcomfy_runtime.validation import path_order, validator_for  # jsonschema: loaded

    found = [
        MediaValue(found.site, found.path, found.value)
        for found in validator_for(spec).media(payload)
        if not isinstance(found.value, LocalPath) and media_check(found.site.kind)(found.value)
    ]
    key = path_order(spec)
    return sorted(found, key=lambda value: key(value.path))


def count_limit(site: MediaSite | FieldSpec) -> int | None:
    """Bytes worth counting for ``site`` when a server hides the size: its largest size bound.

    Counting to this many bytes (plus one) decides every ``file_size_mb`` rule of the site,
    whatever its operator; None when it has no size rule, so nothing is counted.
    """
    bounds = [rule.value for rule in site.rules if rule.metric == "file_size_mb"]
    return math.ceil(max(bounds) * BYTES_PER_MB) if bounds else None


def format_problem(
    site: MediaSite, facts: MediaFacts, path: InputPath, value: str
) -> Problem | None:
    """A problem when the file's container is not one ``site`` accepts (empty: any)."""
    accepted = site.accepted
    if not accepted or (facts.format or "").upper() in {name.upper() for name in accepted}:
        return None
    return Problem(
        path,
        "must be one of the formats: " + ", ".join(accepted),
        value,
        fact=f"format {facts.format or 'unknown'}",
    )


def problems_of(site: MediaSite, result: ProbeResult, path: InputPath, shown: str) -> list[Problem]:
    """What one measured file breaks: its format, then the site's rules (``shown`` is the
    value as the user gave it: a URL, or a local path)."""
    if isinstance(result, ProbeFailure):
        return [Problem(path, f"could not read the {site.kind}: {result.reason}", shown)]
    found: list[Problem] = []
    rules = list(site.rules)
    wrong_format = format_problem(site, result, path, shown)
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
    """Every media problem of ``payload`` at once, each at its path (``elements[0].image_url``).

    ``results`` must hold a result for every media URL of the payload (``check_media`` does
    that); a missing one is a caller's bug and raises ``KeyError``.
    """
    found: list[Problem] = []
    for value in media_values(spec, payload):
        result = results.get((value.url, value.kind))
        if result is None:
            raise KeyError(f"no probe result for the file at {json_path(value.path)}")
        found.extend(problems_of(value.site, result, value.path, value.url))
    return found


async def check_media(spec: EndpointSpec, payload: Any, prober: Prober) -> list[Problem]:
    """Probe every media URL of ``payload`` concurrently and report what breaks the rules.

    A URL used at several places is probed once per kind, counting to the largest size bound.
    """
    if not isinstance(payload, Mapping):
        return []  # the schema stage reports a payload that is not an object
    limits: dict[tuple[str, MediaKind], int | None] = {}
    for value in media_values(spec, payload):
        key = (value.url, value.kind)
        limits[key] = _larger(limits.get(key), count_limit(value.site))
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
