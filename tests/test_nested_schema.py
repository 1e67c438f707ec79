"""The schema engine on inputs that nest, as RunComfy's catalog serves them: objects, lists of
objects, lists of lists, unions, ``$ref`` to ``$defs``, type lists with ``null``; media and
their rules anywhere in the tree; every problem at once at its full path; patterns that cannot
hang; references that never leave the schema."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from runcomfy import REGISTRY, InputRejectedError, InputValidationError, RunComfy
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.errors import Problem, SchemaError
from runcomfy_runtime.local_files import inline_local_files
from runcomfy_runtime.media import media_values
from runcomfy_runtime.schema.compile import compile_spec
from runcomfy_runtime.validation import schema_problems
from tests import imagefiles
from tests.imageserver import ImageServer

RULE = {"validation_rule": "width_pixels>=", "validation_value": 300,
        "validation_error": "An element image must be at least 300 pixels wide."}  # fmt: skip

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["prompt", "keyframes"],
    "properties": {
        "prompt": {"type": "string", "maxLength": 200},
        "multi_prompt": {
            "type": "array",
            "maxItems": 6,
            "items": {
                "type": "object",
                "required": ["prompt", "duration"],
                "properties": {
                    "prompt": {"type": "string", "maxLength": 100},
                    "duration": {"type": "integer", "minimum": 1, "maximum": 12},
                },
            },
        },
        "elements": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["frontal_image_url"],
                "properties": {
                    "frontal_image_url": {
                        "type": "string", "format": "image_uri", "validations": [RULE]
                    },
                    "reference_image_urls": {
                        "type": "array", "format": "image_uris", "maxItems": 3,
                        "validations": [RULE],
                    },
                },
            },
        },
        "keyframes": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Keyframe"}},
        "mask_url": {"anyOf": [{"type": "string", "format": "image_uri"}, {"type": "null"}]},
        "negative_prompt": {"type": ["string", "null"], "maxLength": 50},
        "grid": {"type": "array", "items": {"type": "array", "items": {"type": "string",
                                                                        "format": "image_uri"}}},
        "source": {
            "oneOf": [
                {"type": "object", "required": ["kind", "url"], "properties": {
                    "kind": {"const": "image"}, "url": {"type": "string", "format": "image_uri",
                                                       "validations": [RULE]}}},
                {"type": "object", "required": ["kind", "url"], "properties": {
                    "kind": {"const": "video"}, "url": {"type": "string", "format": "video_uri"}}},
            ]
        },
    },
    "$defs": {
        "Keyframe": {
            "type": "object",
            "required": ["image_url"],
            "properties": {
                "image_url": {"type": "string", "format": "image_uri"},
                "time": {"type": "number", "minimum": 0, "maximum": 10},
            },
        }
    },
}  # fmt: skip
SPEC = compile_spec("acme/keyframes-1/make", SCHEMA)
IMG = "https://img.example/a.png"
GOOD = {"prompt": "a lighthouse", "keyframes": [{"image_url": IMG, "time": 0}]}


def paths(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in schema_problems(SPEC, payload)]


def test_every_nested_problem_is_reported_at_once_at_its_full_path() -> None:
    bad = {
        **GOOD,
        "multi_prompt": [{"prompt": "shot one", "duration": 3}, {"prompt": "two", "duration": 30}],
        "elements": [{"frontal_image_url": "ftp://x/y.png"}, {"reference_image_urls": [IMG]}],
        "keyframes": [{"image_url": IMG, "time": 11}, {"time": 1}],
        "grid": [[IMG, 7]],
    }
    found = paths(bad)
    assert ("keyframes[0].time", "must be <= 10") in found
    assert ("keyframes[1].image_url", "is required") in found
    assert ("multi_prompt[1].duration", "must be <= 12") in found
    assert ("elements[1].frontal_image_url", "is required") in found
    assert ("grid[0][1]", "must be a string") in found
    (media,) = [m for where, m in found if where == "elements[0].frontal_image_url"]
    assert "URL of an image file" in media
    assert len(found) == 6, found


def test_an_unknown_key_inside_a_documented_object_is_refused_with_what_it_takes() -> None:
    found = paths({**GOOD, "multi_prompt": [{"prompt": "p", "duration": 2, "durration": 3}]})
    assert found == [
        ("multi_prompt[0].durration", "is not an accepted property; accepted: duration, prompt")
    ]


def test_type_lists_with_null_and_nullable_unions_are_understood() -> None:
    assert paths({**GOOD, "negative_prompt": None, "mask_url": None}) == []
    assert paths({**GOOD, "negative_prompt": 3, "mask_url": 5}) == [
        ("mask_url", "must be a string or null"),
        ("negative_prompt", "must be a string or null"),
    ]
    (problem,) = schema_problems(SPEC, {**GOOD, "mask_url": "ftp://m"})
    assert problem.path == ("mask_url",) and "URL of an image file" in problem.message


def test_a_union_branch_is_judged_by_the_branch_the_value_was_meant_for() -> None:
    found = paths({**GOOD, "source": {"kind": "video", "url": "ftp://v"}})
    assert len(found) == 1 and found[0][0] == "source.url"
    assert "URL of a video file" in found[0][1]


def test_a_problem_keeps_its_path_as_parts_and_renders_it_once() -> None:
    problem = Problem(("elements", 0, "frontal_image_url"), "m", "v", "width 10 px")
    assert problem.location == "elements[0].frontal_image_url"
    assert str(problem) == "elements[0].frontal_image_url: m (got 'v') [width 10 px]"
    assert str(Problem((), "the input must be a JSON object")) == (
        "(input): the input must be a JSON object"
    )


def test_media_values_are_found_wherever_they_nest_and_only_in_the_branch_taken() -> None:
    payload = {
        **GOOD,
        "elements": [{"frontal_image_url": IMG, "reference_image_urls": [IMG, IMG]}],
        "grid": [[IMG], [IMG]],
        "source": {"kind": "video", "url": "https://v.example/a.mp4"},
        "mask_url": None,
    }
    found = [
        (value.path, value.kind, value.site.rules != ()) for value in media_values(SPEC, payload)
    ]
    assert found == [
        (("keyframes", 0, "image_url"), "image", False),
        (("elements", 0, "frontal_image_url"), "image", True),
        (("elements", 0, "reference_image_urls", 0), "image", True),
        (("elements", 0, "reference_image_urls", 1), "image", True),
        (("grid", 0, 0), "image", False),
        (("grid", 1, 0), "image", False),
        (("source", "url"), "video", False),
    ]


@pytest.fixture(scope="module")
def server() -> Any:
    with ImageServer() as running:
        yield running


ENTRY = {"model_id": SPEC.model_id, "display_name": "Keyframes", "kind": "model",
         "categories": ["image-to-video"], "base_price_usd": 0.1, "price_unit": "second",
         "input_schema": SCHEMA}  # fmt: skip


def test_a_nested_image_breaking_its_rule_is_refused_before_any_job_by_client_and_server() -> None:
    with EmulatorServer(REGISTRY, catalog=[ENTRY], queue_seconds=0, run_seconds=0) as emulator:
        narrow = emulator.put_input("narrow.jpg", imagefiles.jpeg(200, 400))
        wide = emulator.put_input("wide.jpg", imagefiles.jpeg(640, 400))
        payload = {
            **GOOD,
            "keyframes": [{"image_url": wide}],
            "elements": [{"frontal_image_url": wide, "reference_image_urls": [wide, narrow]}],
            "source": {"kind": "image", "url": narrow},
        }
        with RunComfy(api_token=emulator.token, base_url=emulator.url) as client:
            with pytest.raises(InputValidationError) as caught:
                client.submit(SPEC.model_id, payload)
            assert emulator.stats().submits == 0  # refused before anything was sent
            with pytest.raises(InputRejectedError) as refused:  # the server's own check
                client.submit(SPEC.model_id, payload, validate="off")
        assert emulator.stats().jobs_created == 0
    expected = [
        ("elements[0].reference_image_urls[1]", RULE["validation_error"], "width 200 px"),
        ("source.url", RULE["validation_error"], "width 200 px"),
    ]
    assert [(p.location, p.message, p.fact) for p in caught.value.problems] == expected
    detail = refused.value.details["detail"]
    assert [(d["path"], d["message"], d["fact"]) for d in detail] == expected


def test_a_local_file_inside_a_list_of_objects_is_checked_and_sent_inline(tmp_path: Path) -> None:
    narrow = tmp_path / "narrow.png"
    narrow.write_bytes(imagefiles.png(120, 80))
    wide = tmp_path / "wide.png"
    wide.write_bytes(imagefiles.png(400, 300))
    payload = {**GOOD, "elements": [{"frontal_image_url": wide, "reference_image_urls": [narrow]}]}
    inlined = inline_local_files(SPEC, payload, check=True)
    assert [(p.location, p.fact) for p in inlined.problems] == [
        ("elements[0].reference_image_urls[0]", "width 120 px")
    ]
    fine = inline_local_files(SPEC, {**GOOD, "keyframes": [{"image_url": wide}]}, check=True)
    assert fine.problems == []
    assert fine.payload["keyframes"][0]["image_url"].startswith("data:image/png;base64,")
    assert fine.local_paths == {("keyframes", 0, "image_url")}
    assert media_values(SPEC, fine.to_probe) == []  # read from disk: nothing left to probe


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        ({"type": "object", "properties": {"u": {"type": "string", "format": "scan_uri"}}},
         "input.properties.x.properties.u", "unknown format 'scan_uri'"),
        ({"type": "array", "items": {"type": "string", "format": "image_uri", "validations": [
            {**RULE, "validation_rule": "depth_pixels<"}]}},
         "input.properties.x.items.validations[0]", "unknown metric 'depth_pixels'"),
        ({"type": "object", "properties": {"u": {"type": "string", "format": "image_uri",
          "validations": [{**RULE, "validation_rule": "width_pixels=="}]}}},
         "input.properties.x.properties.u.validations[0]", "not <metric><operator>"),
        ({"$ref": "http://127.0.0.1:9/schema.json"}, "input.properties.x", "nothing is fetched"),
        ({"$ref": "#/$defs/Missing"}, "input.properties.x", "does not name a place"),
        ({"type": "string", "pattern": "(["}, "input.properties.x", "not a regular expression"),
    ],
)  # fmt: skip
def test_what_is_ours_to_evaluate_fails_closed_on_the_dynamic_path(
    change: dict[str, Any], where: str, reason: str
) -> None:
    schema = {"type": "object", "properties": {"x": change}}
    with pytest.raises(SchemaError) as caught:
        compile_spec("acme/odd-1/make", schema)
    assert any(p.where == where and reason in p.reason for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_standard_keywords_are_never_a_reason_to_refuse_a_model() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "format": "date-time", "x-ui": "calendar", "deprecated": True},
            "b": {"type": "object", "patternProperties": {"^k_": {"type": "integer"}},
                  "additionalProperties": False, "minProperties": 1},
            "c": {"allOf": [{"$ref": "#/$defs/Base"},
                            {"properties": {"extra": {"type": "integer"}}}]},
            "d": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
                  "uniqueItems": True},
            "e": {"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"type": "integer"}},
        },
        "$defs": {"Base": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "dependentRequired": {"a": ["b"]},
    }  # fmt: skip
    spec = compile_spec("acme/standard-1/make", schema)
    ok = {"a": "2026-01-01", "b": {"k_1": 3}, "c": {"name": "n", "extra": 1}, "d": ["x", 1],
          "e": "ab"}  # fmt: skip
    assert schema_problems(spec, ok) == []
    found = [(p.location, p.message) for p in schema_problems(
        spec, {"a": "x", "c": {"name": "n", "nope": 1}, "e": "a"})]  # fmt: skip
    assert ("b", "is required with 'a'") in found
    (pattern,) = schema_problems(spec, {"b": {"z": 1}})
    assert str(pattern) == "b.z: is not an accepted property; accepted: keys matching '^k_' (got 1)"
    assert ("c.nope", "is not an accepted property; accepted: extra, name") in found
    assert ("e", "must have at least 2 characters") in found


def test_a_reference_outside_the_schema_is_never_fetched(server: ImageServer) -> None:
    remote = server.serve("/schema.json", b'{"type": "string"}', "application/json")
    with pytest.raises(SchemaError):
        compile_spec(
            "acme/remote-1/make", {"type": "object", "properties": {"x": {"$ref": remote}}}
        )
    from runcomfy_runtime.spec import EndpointSpec, FieldSpec

    handmade = EndpointSpec(  # even a spec built by hand, past the engine's check
        "acme/remote-1/make",
        "/v1/models/acme/remote-1/make",
        {"type": "object", "properties": {"x": {"$ref": remote}}},
        (FieldSpec("x", "x", False),),
    )
    (problem,) = schema_problems(handmade, {"x": "a"})
    assert "does not hold" in problem.message
    assert server.hits("/schema.json") == []


CATASTROPHIC = textwrap.dedent("""
    import sys, time
    from runcomfy_runtime.schema.compile import compile_spec
    from runcomfy_runtime.validation import schema_problems
    spec = compile_spec("acme/regex-1/make", {"type": "object", "properties": {
        "code": {"type": "string", "pattern": sys.argv[1]}}})
    start = time.monotonic()
    found = schema_problems(spec, {"code": "a" * 34 + "!"})
    print(round(time.monotonic() - start, 3), [p.message for p in found])
""")


def test_a_catastrophic_pattern_is_decided_at_once_without_backtracking() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CATASTROPHIC, "^(a+)+$"], capture_output=True, text=True, timeout=60
    )  # Python's re takes hours on this (1.9x per character): a timeout fails the test
    seconds, messages = done.stdout.split(" ", 1)
    assert float(seconds) < 1.0, done.stdout
    assert "must match the pattern '^(a+)+$'" in messages


def test_a_pattern_re2_cannot_run_is_bounded_and_refused_unchecked_when_undecided() -> None:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CATASTROPHIC, r"^(a|a)+\1$"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert time.monotonic() - start < 30, "a backreference pattern ran unbounded"
    assert "could not be checked against the pattern" in done.stdout, done.stdout + done.stderr
    assert schema_problems(
        compile_spec("acme/look-1/make", {"type": "object", "properties": {
            "code": {"type": "string", "pattern": r"^(?=.*\d)\w+$"}}}),  # lookahead: regex module
        {"code": "abc1"},
    ) == []  # fmt: skip


INVALID = [
    {"type": "string", "minLength": -1},
    {"type": "array", "items": "string"},
    {"type": "object", "required": "prompt"},
    {"type": "number", "maximum": "ten"},
    {"anyOf": []},
    {"type": "string", "pattern": 5},
    {"type": "object", "properties": {"a": 3}},
    {"type": "integer", "multipleOf": 0},
]


@pytest.mark.parametrize("bad", INVALID, ids=[str(i) for i in range(len(INVALID))])
def test_a_schema_nobody_could_validate_against_is_refused_as_the_meta_schema_would(
    bad: dict[str, Any],
) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError as MetaSchemaError

    schema = {"type": "object", "properties": {"x": bad}}
    with pytest.raises(MetaSchemaError):
        Draft202012Validator.check_schema(schema)
    with pytest.raises(SchemaError) as caught:
        compile_spec("acme/invalid-1/make", schema)
    assert caught.value.problems[0].where.startswith("input.properties.x")
