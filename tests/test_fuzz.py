"""Fuzzing, bounded and fast: whatever the input, only the typed errors come out.

Hypothesis draws payloads for every endpoint (JSON-like values, hostile strings, deep nesting,
non-finite numbers) and arbitrary bytes for every kind of media header reader.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runcomfy import REGISTRY, InputValidationError
from runcomfy_runtime.offline import validate_offline
from runcomfy_runtime.probe import ProbeFailure, facts_of_bytes
from runcomfy_runtime.schema.rules import MediaFacts

MODEL_IDS = sorted(REGISTRY)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["http://[::1", "https://", "data:image/png;base64,!!", "³", "\x00", "\ud800"]),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=20,
)


@FAST
@given(model_id=st.sampled_from(MODEL_IDS), payload=st.dictionaries(
    st.one_of(hostile_text, st.sampled_from(["prompt", "image_urls", "images", "scale"])),
    values, max_size=6,
))  # fmt: skip
def test_offline_validation_raises_only_input_validation_error(
    model_id: str, payload: dict[str, Any]
) -> None:
    try:
        validate_offline(REGISTRY, model_id, payload)
    except InputValidationError as e:
        assert e.problems
        for problem in e.problems:
            assert (
                isinstance(problem.path, tuple)
                and isinstance(problem.location, str)
                and problem.message
            )


@FAST
@given(data=st.binary(max_size=4096), kind=st.sampled_from(["image", "video", "audio"]))
def test_header_readers_answer_facts_or_a_failure_for_any_bytes(data: bytes, kind: str) -> None:
    found = facts_of_bytes(data, kind, source="fuzz")  # type: ignore[arg-type]
    assert isinstance(found, MediaFacts | ProbeFailure)
    if isinstance(found, MediaFacts):
        assert found.size_bytes == len(data)


SIGNATURES = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"RIFF\0\0\0\0WEBP", b"BM",
              b"RIFF\0\0\0\0WAVE", b"ID3", b"\0\0\0\x18ftypmp42", b"\x1aE\xdf\xa3", b"OggS",
              b"fLaC"]  # fmt: skip


@FAST
@given(head=st.sampled_from(SIGNATURES), tail=st.binary(max_size=2048),
       kind=st.sampled_from(["image", "video", "audio"]))  # fmt: skip
def test_header_readers_survive_real_signatures_followed_by_garbage(
    head: bytes, tail: bytes, kind: str
) -> None:
    found = facts_of_bytes(head + tail, kind, source="fuzz")  # type: ignore[arg-type]
    assert isinstance(found, MediaFacts | ProbeFailure)
    if isinstance(found, ProbeFailure):
        assert found.reason and found.url == "fuzz"


url_strings = st.builds(lambda path: f"https://o.example/{path}", st.text("abc/._-", max_size=12))


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    )


outputs = st.recursive(
    st.one_of(url_strings, st.text(max_size=8), st.integers(), st.none()), _nested, max_leaves=25
)


@FAST
@given(output=outputs)
def test_every_url_placed_anywhere_in_an_output_is_in_result_urls(output: Any) -> None:
    from runcomfy_runtime.results import Output, Result

    placed: list[str] = []
    stack = [output]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and item.startswith("https://"):
            placed.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    body = {"status": "succeeded", "output": output if isinstance(output, dict) else {"x": output}}
    result = Result.from_wire("r1", body, Output)
    assert set(placed) <= set(result.urls)
    assert len(result.urls) == len(set(result.urls))
