"""Offline validation of every documented endpoint: examples pass, each constraint bites."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import runcomfy
from runcomfy import REGISTRY, InputValidationError
from runcomfy_runtime.spec import EndpointSpec

SEEDS = Path(__file__).parent / "pages"  # copies of ../shared/seeds, the documentation pages
MODEL_IDS = sorted(REGISTRY)
VALID_URL = "https://example.com/input.jpg"

# The one documented example that breaks its own schema: the page shows "images": [].
INVALID_DOCUMENTED_EXAMPLES = {"bytedance/seedream-4-0/edit": ["images"]}


def problems(model_id: str, payload: dict[str, Any]) -> list[runcomfy.Problem]:
    try:
        runcomfy.validate(model_id, payload)
    except InputValidationError as e:
        assert e.problems, "an InputValidationError always lists its problems"
        return list(e.problems)
    return []


def valid_payload(spec: EndpointSpec) -> dict[str, Any]:
    """The documented example, with required fields it leaves empty filled validly."""
    payload = dict(spec.example or {})
    for name, prop in spec.input_schema["properties"].items():
        required = name in spec.input_schema.get("required", [])
        if prop["type"] == "array" and (required and not payload.get(name)):
            payload[name] = [VALID_URL] * prop.get("minItems", 1)
        elif required and name not in payload:
            payload[name] = "x"
    return payload


def test_every_seed_page_has_a_schema_in_the_registry() -> None:
    ids = set()
    for page in SEEDS.glob("*.txt"):
        found = re.search(r"/v1/models/([\w./-]+?) \\", page.read_text())
        assert found, page
        ids.add(found.group(1))
    assert ids == set(MODEL_IDS)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_documented_example_validates(model_id: str) -> None:
    spec = REGISTRY[model_id]
    assert spec.example is not None
    found = problems(model_id, dict(spec.example))
    expected = INVALID_DOCUMENTED_EXAMPLES.get(model_id, [])
    assert [p.location for p in found] == expected
    if expected:
        assert found[0].message == "must have at least 1 item"


def violations(spec: EndpointSpec) -> Iterator[tuple[str, str, Any, str, str]]:
    """(case, property, bad value, expected path, message fragment) for every constraint."""
    for name, prop in spec.input_schema["properties"].items():
        kind = prop["type"]
        if "maxLength" in prop:
            n = prop["maxLength"]
            yield "maxLength", name, "x" * (n + 1), name, f"at most {n} characters"
        if "enum" in prop:
            bad = "not-an-option" if kind == "string" else 7
            yield "enum", name, bad, name, "must be one of:"
        if "minimum" in prop:
            yield "minimum", name, prop["minimum"] - 0.01, name, f"must be >= {prop['minimum']}"
        if "maximum" in prop:
            yield "maximum", name, prop["maximum"] + 0.01, name, f"must be <= {prop['maximum']}"
        if "minItems" in prop:
            yield "minItems", name, [VALID_URL] * (prop["minItems"] - 1), name, "at least"
        if "maxItems" in prop:
            yield "maxItems", name, [VALID_URL] * (prop["maxItems"] + 1), name, "at most"
        if kind == "array" and prop["items"].get("format") == "image_uri":
            bad_list = [VALID_URL] * (prop.get("maxItems", 2) >= 2) + ["ftp://example.com/a.jpg"]
            where = f"{name}[{len(bad_list) - 1}]"
            yield "image_uri", name, bad_list, where, "https:// URL"
        wrong_type = {
            "string": 12,
            "integer": 1.5,
            "number": "0.5",
            "boolean": "yes",
            "array": VALID_URL,
        }
        yield "type", name, wrong_type[kind], name, "must be"
        if name in spec.input_schema.get("required", []):
            yield "required", name, None, name, "is required"


CASES = [
    pytest.param(model_id, *case, id=f"{model_id}:{case[1]}:{case[0]}")
    for model_id in MODEL_IDS
    for case in violations(REGISTRY[model_id])
]


@pytest.mark.parametrize(("model_id", "case", "name", "bad", "path", "fragment"), CASES)
def test_each_documented_constraint_is_enforced(
    model_id: str, case: str, name: str, bad: Any, path: str, fragment: str
) -> None:
    payload = valid_payload(REGISTRY[model_id])
    assert problems(model_id, payload) == []
    if bad is None:
        payload.pop(name)
    else:
        payload[name] = bad
    found = problems(model_id, payload)
    assert [p.location for p in found] == [path], found
    assert fragment in found[0].message
    if bad is not None and case != "image_uri":
        assert found[0].value == bad


def test_every_problem_is_reported_at_once_in_documented_order() -> None:
    payload = {
        "image_urls": ["https://example.com/a.jpg", "http://example.com/b.jpg"],
        "prompt": "x" * 801,
        "width×height": "9x9",
        "scale": 1.5,
        "seed": 3,
    }
    found = problems("bytedance/dreamina-4-0/edit", payload)
    assert [p.location for p in found] == [
        "image_urls[1]",
        "prompt",
        "width×height",
        "scale",
        "seed",
    ]
    assert found[1].fact == "801 chars"
    assert "accepted: force_single, image_urls, prompt, scale, width×height" in found[4].message
    text = str(InputValidationError("bytedance/dreamina-4-0/edit", found))
    assert text.startswith("invalid input for bytedance/dreamina-4-0/edit (5 problems):")


def test_index_paths_sort_as_numbers() -> None:
    urls = [VALID_URL] * 12
    urls[2] = urls[10] = "ftp://x"
    found = problems(
        "bytedance/dreamina-4-0/edit", {"image_urls": urls[:10] + urls[10:], "prompt": "p"}
    )
    assert [p.location for p in found] == ["image_urls", "image_urls[2]", "image_urls[10]"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cdn.example.com/a.png", True),
        ("http://127.0.0.1:8000/inputs/a.png", True),
        ("http://localhost/a.png", True),
        ("http://[::1]/a.png", True),
        ("http://example.com/a.png", False),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("data:text/plain;base64,aGk=", False),
        ("https:///nohost.png", False),
        ("https://example.com/a b.png", False),
        ("/local/path.png", False),
    ],
)
def test_image_uri_format(url: str, ok: bool) -> None:
    found = problems(
        "bytedance/dreamina-3-0/pro/image-to-video", {"prompt": "p", "image_urls": [url]}
    )
    assert (found == []) is ok, found


def test_an_unknown_model_id_is_named_with_the_closest_known_ones() -> None:
    with pytest.raises(runcomfy.UnknownModelError) as caught:
        runcomfy.validate("bytedance/dreamina-4.0/edit", {})
    assert "'bytedance/dreamina-4.0/edit'" in str(caught.value)
    assert "did you mean bytedance/dreamina-4-0/edit" in str(caught.value)
    with pytest.raises(runcomfy.UnknownModelError) as caught:
        runcomfy.validate("acme/nothing-like-it", {})
    assert "did you mean" not in str(caught.value) and "runcomfy models" in str(caught.value)


def test_schema_files_keep_the_documented_schemas_verbatim() -> None:
    """Every property, default, enum, limit and validations entry, as the page has it."""
    import yaml

    root = Path(__file__).resolve().parent.parent / "schemas"
    for page in sorted(SEEDS.glob("*.txt")):
        text = page.read_text()
        decoder = json.JSONDecoder()
        objects = []
        for match in re.finditer(r"\{\s*\"", text):
            try:
                objects.append(decoder.raw_decode(text, match.start())[0])
            except ValueError:
                continue
        documented_input = next(
            o for o in objects if o.get("type") == "object" and "properties" in o
        )
        documented_output = next(o for o in objects if list(o) == ["output"])
        model_id = re.search(r"/v1/models/([\w./-]+?) \\", text)
        assert model_id
        doc = yaml.safe_load((root / f"{model_id.group(1)}.yaml").read_text())
        assert doc["input"] == documented_input
        assert doc["output"] == documented_output["output"]
        assert doc["source"] == page.name
