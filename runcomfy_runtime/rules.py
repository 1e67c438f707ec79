"""The rule engine: documented ``validation_rule`` checks evaluated on measured image facts.

Rules are data (``spec.Rule``) emitted by the generator; here each metric is a small function
of :class:`ImageFacts` and each operator a function of two numbers, both looked up in a table.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from runcomfy_runtime.errors import Problem
from runcomfy_runtime.spec import Rule

BYTES_PER_MB = 1024 * 1024
"""``file_size_mb`` counts mebibytes, the way file managers and most servers count."""


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What a probe measured about one image: byte size, pixel size and format."""

    size_bytes: int | None
    width: int | None
    height: int | None
    format: str | None = None  # Pillow's name: "JPEG", "PNG", "WEBP", ...
    size_is_lower_bound: bool = False  # counted only up to a limit: the file is at least this

    @property
    def size_mb(self) -> float | None:
        return None if self.size_bytes is None else self.size_bytes / BYTES_PER_MB


def _ratio(f: ImageFacts) -> float | None:
    return f.width / f.height if f.width and f.height else None


def _size_shown(f: ImageFacts, mb: float) -> str:
    return f"file size {'> ' if f.size_is_lower_bound else ''}{mb:.2f} MB"


# metric -> (the fact it reads, how the fact is shown to the user)
METRICS: dict[
    str, tuple[Callable[[ImageFacts], float | None], Callable[[ImageFacts, float], str]]
] = {
    "file_size_mb": (lambda f: f.size_mb, _size_shown),
    "width_pixels": (lambda f: f.width, lambda f, v: f"width {v:g} px"),
    "height_pixels": (lambda f: f.height, lambda f, v: f"height {v:g} px"),
    "width/height": (_ratio, lambda f, v: f"width/height {v:.4g}"),
}

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def rule_problems(rules: Iterable[Rule], facts: ImageFacts, path: str, value: str) -> list[Problem]:
    """Every rule ``facts`` break, each with the documented message and the measured fact.

    A rule whose fact could not be measured is reported, not passed: unknown is not valid.
    """
    found: list[Problem] = []
    for rule in rules:
        read, show = METRICS[rule.metric]
        measured = read(facts)
        if measured is None:
            found.append(Problem(path, f"{rule.message} (could not measure {rule.metric})", value))
        elif not OPERATORS[rule.op](measured, rule.value):
            found.append(Problem(path, rule.message, value, fact=show(facts, measured)))
    return found
