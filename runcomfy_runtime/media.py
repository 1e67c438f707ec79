"""The online validation stage: the documented media rules, checked on probed image facts.

Pure where it can be. :func:`media_problems` turns probe results into problems without touching
the network, so every bound is tested on hand-built facts; :func:`check_media` only gathers the
URLs of the image fields, probes them concurrently and hands the results over. Values the
offline stage rejects (not a string, not an image URI) are left to it, not probed.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.errors import Problem
from runcomfy_runtime.image_uri import is_image_uri, json_path
from runcomfy_runtime.probe import ProbeFailure, Prober
from runcomfy_runtime.rules import BYTES_PER_MB, METRICS, ImageFacts, rule_problems
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, Rule


@dataclass(frozen=True, slots=True)
class _ImageValue:
    """One image URL of the payload, where it sits and the field whose rules it must meet."""

    field: FieldSpec
    path: str
    url: str


def _image_values(spec: EndpointSpec, payload: Mapping[str, Any]) -> list[_ImageValue]:
    """Every probe-able image URL of ``payload``: fields in documented order, then list index.

    That is the order the schema stage sorts its problems in, so both stages read alike.
    """
    found: list[_ImageValue] = []
    for field in spec.image_fields:
        if field.wire_name not in payload:
            continue
        value = payload[field.wire_name]
        if field.many and isinstance(value, list):
            places = [(json_path([field.wire_name, i]), item) for i, item in enumerate(value)]
        elif not field.many:
            places = [(field.wire_name, value)]
        else:
            places = []  # not a list: the schema stage says so
        found.extend(
            _ImageValue(field, path, item)
            for path, item in places
            if isinstance(item, str) and is_image_uri(item)
        )
    return found


def count_limit(field: FieldSpec) -> int | None:
    """Bytes worth counting for ``field`` when a server hides the size: its largest size bound.

    Counting to this many bytes (plus one) decides every ``file_size_mb`` rule of the field,
    whatever its operator; None when the field has no size rule, so nothing is counted.
    """
    bounds = [rule.value for rule in field.rules if rule.metric == "file_size_mb"]
    return math.ceil(max(bounds) * BYTES_PER_MB) if bounds else None


def _format_problem(
    accepted: tuple[str, ...], facts: ImageFacts, path: str, url: str
) -> Problem | None:
    if not accepted or (facts.format or "").upper() in {name.upper() for name in accepted}:
        return None
    return Problem(
        path,
        "must be one of the formats: " + ", ".join(accepted),
        url,
        fact=f"format {facts.format or 'unknown'}",
    )


def _measurable(rules: Iterable[Rule], facts: ImageFacts) -> list[Rule]:
    """The rules whose fact was measured: past a rejected format, the rest would only be noise."""
    return [rule for rule in rules if METRICS[rule.metric][0](facts) is not None]


def media_problems(
    spec: EndpointSpec,
    payload: Mapping[str, Any],
    results: Mapping[str, ImageFacts | ProbeFailure],
) -> list[Problem]:
    """Every media problem of ``payload`` at once, each at its JSON path (``image_urls[2]``).

    ``results`` must hold a result for every image URL of the payload (``check_media`` does
    that); a missing one is a caller's bug and raises ``KeyError``.
    """
    found: list[Problem] = []
    for value in _image_values(spec, payload):
        if value.url not in results:
            raise KeyError(f"no probe result for the image at {value.path}")
        result = results[value.url]
        if isinstance(result, ProbeFailure):
            found.append(
                Problem(value.path, f"could not read the image: {result.reason}", value.url)
            )
            continue
        rules: Iterable[Rule] = value.field.rules
        wrong_format = _format_problem(spec.accepted_image_formats, result, value.path, value.url)
        if wrong_format is not None:
            found.append(wrong_format)
            rules = _measurable(rules, result)
        found.extend(rule_problems(rules, result, value.path, value.url))
    return found


async def check_media(spec: EndpointSpec, payload: Any, prober: Prober) -> list[Problem]:
    """Probe every image URL of ``payload`` concurrently and report what breaks the rules.

    A URL used by several fields is probed once, counting to the largest size bound among them.
    """
    if not isinstance(payload, Mapping):
        return []  # the schema stage reports a payload that is not an object
    limits: dict[str, int | None] = {}
    for value in _image_values(spec, payload):
        limits[value.url] = _larger(limits.get(value.url), count_limit(value.field))
    urls = list(limits)
    found = await asyncio.gather(
        *(prober.probe(url, count_limit_bytes=limits[url]) for url in urls)
    )
    return media_problems(spec, payload, dict(zip(urls, found, strict=True)))


def _larger(a: int | None, b: int | None) -> int | None:
    """The larger count limit; None stands for "no size rule", so it never wins over a number."""
    if a is None or b is None:
        return b if a is None else a
    return max(a, b)
