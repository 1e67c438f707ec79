"""The ``validation_rule`` vocabulary, defined once: metrics, operators, and their evaluation.

A rule is ``<metric><op>`` with a value and a message (``file_size_mb<=``, 15, "Each image file
must be ≤ 15 MB."). Each metric is one small function of the measured :class:`MediaFacts`,
with the media kinds it applies to; each operator a function of two numbers. Both are tables:
parsing (build time, or run time for catalog schemas) and checking (before a submit) read the
same ones, so a metric cannot be known to one and not the other.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.errors import InputPath, Problem, SchemaProblem
from runcomfy_runtime.schema.formats import MEDIA_KINDS, MediaKind
from runcomfy_runtime.spec import Rule

BYTES_PER_MB = 1024 * 1024
"""``file_size_mb`` counts mebibytes, the way file managers and most servers count."""


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """What a probe measured about one input file: byte size, pixel size (images) and format.

    ``format`` is the container's name (Pillow's for images: ``JPEG``, ``PNG``; ``MP4``,
    ``WEBM``, ``MP3``, ``WAV`` for video and audio).
    """

    size_bytes: int | None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    size_is_lower_bound: bool = False  # counted only up to a limit: the file is at least this
    kind: MediaKind = "image"

    @property
    def size_mb(self) -> float | None:
        return None if self.size_bytes is None else self.size_bytes / BYTES_PER_MB


# -- metrics: one small function each -----------------------------------------------------------


def file_size_mb(f: MediaFacts) -> float | None:
    return f.size_mb


def width_pixels(f: MediaFacts) -> float | None:
    return f.width


def height_pixels(f: MediaFacts) -> float | None:
    return f.height


def aspect_ratio(f: MediaFacts) -> float | None:
    return f.width / f.height if f.width and f.height else None


def _show_size(f: MediaFacts, mb: float) -> str:
    return f"file size {'> ' if f.size_is_lower_bound else ''}{mb:.2f} MB"


@dataclass(frozen=True, slots=True)
class Metric:
    """What a metric reads, how the measured value is shown, and which kinds it applies to."""

    read: Callable[[MediaFacts], float | None]
    show: Callable[[MediaFacts, float], str]
    kinds: frozenset[MediaKind]


IMAGES_ONLY: frozenset[MediaKind] = frozenset({"image"})

METRICS: dict[str, Metric] = {
    "file_size_mb": Metric(file_size_mb, _show_size, frozenset(MEDIA_KINDS)),
    "width_pixels": Metric(width_pixels, lambda f, v: f"width {v:g} px", IMAGES_ONLY),
    "height_pixels": Metric(height_pixels, lambda f, v: f"height {v:g} px", IMAGES_ONLY),
    "width/height": Metric(aspect_ratio, lambda f, v: f"width/height {v:.4g}", IMAGES_ONLY),
}

# -- operators: canonical symbol -> test; the documented spellings -> canonical -------------------

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
SPELLINGS: dict[str, str] = {"<": "<", "<=": "<=", "≤": "<=", ">": ">", ">=": ">=", "≥": ">="}

_RULE = re.compile(
    r"^\s*(?P<metric>[A-Za-z_/]+?)\s*(?P<op>"
    + "|".join(re.escape(s) for s in sorted(SPELLINGS, key=len, reverse=True))
    + r")\s*$"
)


def parse_rule(entry: Mapping[str, Any], kind: MediaKind, where: str) -> Rule | SchemaProblem:
    """One ``validations`` entry -> a :class:`Rule`, or the problem that stops it.

    ``validation_value`` may be a number or a numeric string (``"0.33"``); ``≤``/``≥`` mean
    ``<=``/``>=``; a metric must apply to the field's media ``kind``.
    """
    raw = entry.get("validation_rule")
    message = entry.get("validation_error")
    value = entry.get("validation_value")
    if not isinstance(raw, str):
        return SchemaProblem(where, f"validation_rule must be a string, got {raw!r}")
    if not isinstance(message, str):
        return SchemaProblem(where, f"rule {raw!r}: validation_error must be a string")
    match = _RULE.match(raw)
    if match is None:
        operators = " ".join(SPELLINGS)
        return SchemaProblem(where, f"rule {raw!r}: not <metric><operator>; operators: {operators}")
    metric = METRICS.get(match["metric"])
    if metric is None:
        known = ", ".join(METRICS)
        return SchemaProblem(
            where, f"rule {raw!r}: unknown metric {match['metric']!r}; known: {known}"
        )
    if kind not in metric.kinds:
        return SchemaProblem(
            where, f"rule {raw!r}: {match['metric']} applies to images, and this is {kind}"
        )
    number = _number(value)
    if number is None:
        return SchemaProblem(where, f"rule {raw!r}: value {value!r} is not a number")
    return Rule(match["metric"], SPELLINGS[match["op"]], number, message)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def rule_problems(
    rules: Iterable[Rule], facts: MediaFacts, path: InputPath, value: str
) -> list[Problem]:
    """Every rule ``facts`` break, each with the documented message and the measured fact.

    A rule whose fact could not be measured is reported, not passed: unknown is not valid.
    """
    found: list[Problem] = []
    for rule in rules:
        metric = METRICS[rule.metric]
        measured = metric.read(facts)
        if measured is None:
            found.append(Problem(path, f"{rule.message} (could not measure {rule.metric})", value))
        elif not OPERATORS[rule.op](measured, rule.value):
            found.append(Problem(path, rule.message, value, fact=metric.show(facts, measured)))
    return found


def measurable(rules: Iterable[Rule], facts: MediaFacts) -> list[Rule]:
    """The rules whose fact was measured: past a rejected format, the rest would be noise."""
    return [rule for rule in rules if METRICS[rule.metric].read(facts) is not None]
