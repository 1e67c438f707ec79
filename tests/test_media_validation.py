"""Full validation through the client: every documented image rule, probed over loopback HTTP."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runcomfy import REGISTRY, AsyncRunComfy, InputValidationError, RunComfy
from runcomfy_runtime.schema.rules import BYTES_PER_MB
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, Rule
from tests.imagefiles import jpeg, png, webp
from tests.imageserver import ImageServer


@pytest.fixture(scope="module")
def server() -> Iterator[ImageServer]:
    with ImageServer() as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[RunComfy]:
    with RunComfy(api_token="t", base_url="http://127.0.0.1:9") as c:  # never contacted here
        yield c


def image_field(spec: EndpointSpec) -> FieldSpec:
    (field,) = spec.media_fields
    return field


def payload_with(spec: EndpointSpec, url: Any) -> dict[str, Any]:
    field = image_field(spec)
    payload = {k: v for k, v in (spec.example or {}).items() if k != field.wire_name}
    payload[field.wire_name] = [url] if field.many else url
    return payload


def image_for(rule: Rule, value: float) -> bytes:
    """An image that moves only the rule's metric to ``value``, every other rule still met."""
    if rule.metric == "file_size_mb":
        return jpeg(600, 600, pad_to_bytes=math.floor(value * BYTES_PER_MB))
    if rule.metric == "width/height":
        return jpeg(round(value * 1200), 1200)  # tall enough that the short side stays > 320
    side = int(value)
    other = round(side * 1.25) if side * 1.25 <= 4096 else round(side * 0.75)
    return jpeg(side, other) if rule.metric == "width_pixels" else jpeg(other, side)


def beyond(rule: Rule) -> float:
    step = {"file_size_mb": 1 / BYTES_PER_MB, "width/height": 1 / 1200}.get(rule.metric, 1)
    return rule.value + step if rule.op in ("<", "<=") else rule.value - step


CASES = [
    pytest.param(model_id, rule, id=f"{model_id}:{rule.metric}{rule.op}{rule.value:g}")
    for model_id in sorted(REGISTRY)
    for field in REGISTRY[model_id].media_fields
    for rule in field.rules
]


@pytest.mark.parametrize(("model_id", "rule"), CASES)
def test_each_rule_at_and_just_beyond_its_bound(
    server: ImageServer, client: RunComfy, model_id: str, rule: Rule
) -> None:
    spec = REGISTRY[model_id]
    words = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
    name = f"/{model_id}/{rule.metric.replace('/', '-per-')}-{words[rule.op]}"
    at_bound = server.serve(name + "-at.jpg", image_for(rule, rule.value))
    past = server.serve(name + "-past.jpg", image_for(rule, beyond(rule)))
    inclusive = rule.op in ("<=", ">=")
    bound_problems = _problems(client, model_id, payload_with(spec, at_bound))
    if inclusive or (
        rule.metric == "file_size_mb" and not (rule.value * BYTES_PER_MB).is_integer()
    ):
        assert bound_problems == []
    else:
        assert [p.message for p in bound_problems] == [rule.message]
    found = _problems(client, model_id, payload_with(spec, past))
    assert [p.message for p in found] == [rule.message]
    field = image_field(spec)
    assert found[0].location == (f"{field.wire_name}[0]" if field.many else field.wire_name)
    assert found[0].value == past and found[0].fact


def _problems(client: RunComfy, model_id: str, payload: dict[str, Any]) -> list[Any]:
    try:
        client.validate(model_id, payload)
    except InputValidationError as e:
        return list(e.problems)
    return []


def test_every_problem_of_both_stages_at_once(server: ImageServer, client: RunComfy) -> None:
    big = server.serve("/both/big.jpg", jpeg(5000, 2000))
    html = server.serve("/both/page.jpg", b"<html>login</html>", content_type="text/html")
    missing = server.url("/both/missing.jpg")
    gif_like = server.serve("/both/anim.webp", webp(800, 600), content_type="image/webp")
    payload = {"prompt": "x" * 801, "image_urls": [big, html, missing, gif_like, "ftp://x/y.jpg"]}
    with pytest.raises(InputValidationError) as caught:
        client.validate("bytedance/dreamina-4-0/edit", payload)
    shown = [(p.location, p.message, p.fact) for p in caught.value.problems]
    assert shown == [
        ("image_urls[0]", "Maximum resolution is 4096x4096.", "width 5000 px"),
        ("image_urls[1]", "could not read the image: not an image (text/html)", None),
        ("image_urls[2]", "could not read the image: HTTP 404", None),
        ("image_urls[3]", "must be one of the formats: JPEG, PNG", "format WEBP"),
        ("image_urls[4]", shown[4][1], None),
        ("prompt", "must have at most 800 characters", "801 chars"),
    ]
    assert "https://" in shown[4][1]


def test_schema_level_stays_offline(server: ImageServer, client: RunComfy) -> None:
    url = server.serve("/offline/huge.jpg", jpeg(5000, 2000))
    before = len(server.hits())
    client.validate(
        "bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [url]}, level="schema"
    )
    assert len(server.hits()) == before


def test_probes_are_cached_for_the_life_of_the_client(server: ImageServer) -> None:
    url = server.serve("/cache/a.png", png(800, 600), content_type="image/png")
    with RunComfy(api_token="t") as fresh:
        for _ in range(3):
            fresh.validate("bytedance/seedream-4-0/edit", {"prompt": "p", "images": [url]})
    assert len(server.hits("/cache/a.png")) == 1


async def test_async_client_validates_both_stages(server: ImageServer) -> None:
    ok = server.serve("/async/ok.png", png(1000, 800), content_type="image/png")
    tall = server.serve("/async/tall.jpg", jpeg(100, 400))
    async with AsyncRunComfy(api_token="t") as client:
        sent = await client.validate("bytedance/seedream-4-0/edit", {"prompt": "p", "images": [ok]})
        assert sent == {"prompt": "p", "images": [ok]}
        with pytest.raises(InputValidationError) as caught:
            await client.validate(
                "bytedance/seedream-4-0/edit", {"prompt": "p", "images": [ok, tall]}
            )
    assert [(p.location, p.fact) for p in caught.value.problems] == [
        ("images[1]", "width/height 0.25")
    ]


def test_a_local_file_is_checked_then_sent_inline(tmp_path: Path, client: RunComfy) -> None:
    good, wide = tmp_path / "good.png", tmp_path / "wide.jpg"
    good.write_bytes(png(800, 600))
    wide.write_bytes(jpeg(2000, 500))
    sent = client.validate("bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [good]})
    assert sent["image_urls"][0].startswith("data:image/png;base64,iVBOR")
    with pytest.raises(InputValidationError) as caught:
        client.validate(
            "bytedance/seedream-4-0/edit",
            {"prompt": "p", "images": [good, wide, tmp_path / "nope.png"]},
        )
    shown = [(p.location, p.message, p.value) for p in caught.value.problems]
    assert shown[0] == ("images[1]", "The aspect ratio range should be 1:3 to 3:1.", str(wide))
    assert shown[1][0] == "images[2]" and shown[1][1].startswith("cannot read the file")
