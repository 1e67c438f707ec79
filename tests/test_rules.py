"""The documented image rules of every endpoint, on given facts, at and around each bound."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from runcomfy import REGISTRY
from runcomfy_runtime.schema.rules import BYTES_PER_MB, MediaFacts, rule_problems
from runcomfy_runtime.spec import Rule

GOOD = MediaFacts(size_bytes=1 * BYTES_PER_MB, width=1000, height=1000, format="JPEG")
URL = "https://example.com/a.jpg"

RULES = [
    pytest.param(
        model_id, field.wire_name, rule, id=f"{model_id}:{rule.metric}{rule.op}{rule.value:g}"
    )
    for model_id in sorted(REGISTRY)
    for field in REGISTRY[model_id].fields
    for rule in field.rules
]


def facts_at(rule: Rule, value: float) -> MediaFacts:
    """GOOD facts with the rule's metric moved to ``value`` (ratios move the width)."""
    if rule.metric == "file_size_mb":
        return replace(GOOD, size_bytes=math.floor(value * BYTES_PER_MB))
    if rule.metric == "width_pixels":
        return replace(GOOD, width=int(value))
    if rule.metric == "height_pixels":
        return replace(GOOD, height=int(value))
    return replace(GOOD, width=round(value * 1000), height=1000)


def step(rule: Rule) -> float:
    return {"file_size_mb": 1 / BYTES_PER_MB, "width/height": 0.001}.get(rule.metric, 1)


def inside(rule: Rule) -> float:
    return rule.value - step(rule) if rule.op in ("<", "<=") else rule.value + step(rule)


def outside(rule: Rule) -> float:
    return rule.value + step(rule) if rule.op in ("<", "<=") else rule.value - step(rule)


def test_every_endpoint_with_images_has_rules() -> None:
    assert {p.values[0] for p in RULES} == {
        "bytedance/dreamina-4-0/edit",
        "bytedance/dreamina-3-0/pro/image-to-video",
        "bytedance/seedream-4-0/edit",
    }


@pytest.mark.parametrize(("model_id", "field", "rule"), RULES)
def test_rule_passes_inside_and_fails_outside_its_bound(
    model_id: str, field: str, rule: Rule
) -> None:
    spec_rules = next(f.rules for f in REGISTRY[model_id].fields if f.wire_name == field)
    assert rule_problems(spec_rules, GOOD, (field, 0), URL) == []
    assert rule_problems([rule], facts_at(rule, inside(rule)), (field, 0), URL) == []
    found = rule_problems([rule], facts_at(rule, outside(rule)), (field, 0), URL)
    assert len(found) == 1
    assert found[0].message == rule.message  # the documented words, as written
    assert found[0].location == f"{field}[0]"
    assert found[0].value == URL
    assert found[0].fact


def _exact(rule: Rule) -> bool:
    return rule.metric != "file_size_mb" or (rule.value * BYTES_PER_MB).is_integer()


# A bound of 4.7 MB is no whole number of bytes: the inside/outside test covers that one.
EXACT = [p for p in RULES if _exact(p.values[2])]  # type: ignore[arg-type]


@pytest.mark.parametrize(("model_id", "field", "rule"), EXACT)
def test_rule_at_its_exact_bound_follows_the_operator(
    model_id: str, field: str, rule: Rule
) -> None:
    facts = facts_at(rule, rule.value)
    found = rule_problems([rule], facts, ("x",), URL)
    assert (found == []) is (rule.op in ("<=", ">="))


def test_measured_fact_is_shown_with_the_documented_message() -> None:
    spec = REGISTRY["bytedance/dreamina-4-0/edit"]
    (images,) = [f for f in spec.fields if f.media == "image"]
    facts = MediaFacts(size_bytes=16 * BYTES_PER_MB, width=5000, height=1000, format="JPEG")
    found = rule_problems(images.rules, facts, ("image_urls", 2), URL)
    assert [(p.message, p.fact) for p in found] == [
        ("Each image file must be ≤ 15 MB.", "file size 16.00 MB"),
        ("Maximum resolution is 4096x4096.", "width 5000 px"),
        ("The input image aspect ratio must be within [1/3, 3].", "width/height 5"),
    ]
    assert (
        str(found[1])
        == f"image_urls[2]: Maximum resolution is 4096x4096. (got '{URL}') [width 5000 px]"
    )


def test_an_unmeasured_fact_is_a_problem_not_a_pass() -> None:
    rule = Rule("file_size_mb", "<", 10, "File size must be less than 10 MB.")
    found = rule_problems([rule], replace(GOOD, size_bytes=None), ("images", 0), URL)
    assert found[0].message == "File size must be less than 10 MB. (could not measure file_size_mb)"
