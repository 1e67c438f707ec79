"""``extra_body``: inputs a schema does not list (a LoRA on its base model's id) reach the wire,
merged after the documented fields are validated; a key the schema does list is validated as
usual, so it is no way around validation. Checked on the body a loopback server of the test's
own receives, through every way in: the dynamic path, typed endpoints, async, the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runcomfy import AsyncRunComfy, InputValidationError, RunComfy
from tests.helpers import InProcess
from tests.hostile import HostileServer, as_json

T2I = "bytedance/dreamina-4-0/text-to-image"
LORA = {"lora": {"path": "my-style.safetensors"}}
TOKEN = "sk-extra-body-0123456789"


@pytest.fixture
def api() -> Iterator[HostileServer]:
    """An API of the test's own: a submit names job r1, which is done at once."""
    with HostileServer() as server:
        server.routes["/v1/models/" + T2I] = as_json(200, {"request_id": "r1"})
        server.routes["/v1/requests/r1/status"] = as_json(200, {"status": "completed"})
        server.routes["/v1/requests/r1/result"] = as_json(
            200, {"status": "succeeded", "output": {"image": "https://f.example/o.png"}}
        )
        yield server


def sent_bodies(server: HostileServer) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in server.requests if r.method == "POST"]


def client_for(server: HostileServer) -> RunComfy:
    return RunComfy(api_token=TOKEN, base_url=server.url)


def test_a_lora_on_a_base_model_reaches_the_wire_after_the_payload_is_validated(
    api: HostileServer,
) -> None:
    with client_for(api) as client:
        result = client.run(T2I, {"prompt": "a cat"}, extra_body=LORA, timeout=10)
    assert result.status == "succeeded"
    assert sent_bodies(api) == [{"prompt": "a cat", **LORA}]


def test_a_typed_endpoint_takes_extra_body_too(api: HostileServer) -> None:
    with client_for(api) as client:
        endpoint = client.bytedance.dreamina_4_0.text_to_image
        endpoint.submit(prompt="a cat", width_height="1024x1024(1:1)", extra_body=LORA)
        endpoint.run(prompt="a dog", extra_body={"seed": 7}, timeout=10)
    assert sent_bodies(api) == [
        {"prompt": "a cat", "width×height": "1024x1024(1:1)", **LORA},
        {"prompt": "a dog", "seed": 7},
    ]


async def test_the_async_twins_take_extra_body(api: HostileServer) -> None:
    async with AsyncRunComfy(api_token=TOKEN, base_url=api.url) as client:
        await client.run(T2I, {"prompt": "a cat"}, extra_body=LORA, timeout=10)
        await client.bytedance.dreamina_4_0.text_to_image.submit(prompt="x", extra_body=LORA)
        assert await client.validate(T2I, {"prompt": "y"}, extra_body=LORA) == {
            "prompt": "y",
            **LORA,
        }
    assert sent_bodies(api) == [{"prompt": "a cat", **LORA}, {"prompt": "x", **LORA}]


@pytest.mark.parametrize(
    ("payload", "extra", "where"),
    [
        ({}, {"prompt": "x" * 801}, "prompt"),  # listed: validated as usual
        ({"prompt": "p"}, {"width×height": "2048x2048"}, "width×height"),  # not an enum value
        ({"prompt": "p"}, {"prompt": "q"}, "prompt"),  # given both ways: never a silent pick
    ],
)
def test_a_key_the_schema_lists_is_no_way_around_validation(
    api: HostileServer, payload: dict[str, Any], extra: dict[str, Any], where: str
) -> None:
    with client_for(api) as client, pytest.raises(InputValidationError) as caught:
        client.submit(T2I, payload, extra_body=extra)
    assert [p.location for p in caught.value.problems] == [where]
    assert api.requests == []  # refused before anything was sent


def test_without_extra_body_an_unlisted_key_is_still_refused(api: HostileServer) -> None:
    with client_for(api) as client, pytest.raises(InputValidationError, match="accepted"):
        client.submit(T2I, {"prompt": "p", **LORA})
    assert api.requests == []


def test_the_cli_sends_extra_as_extra_body(
    api: HostileServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    cli = InProcess(monkeypatch, capsys, tmp_path, token=TOKEN, base_url=api.url)
    ran = cli("run", T2I, "--prompt", "a cat", "--extra", json.dumps(LORA), "--no-wait")
    assert ran.code == 0, ran.output
    assert sent_bodies(api) == [{"prompt": "a cat", **LORA}]
    bad = cli("run", T2I, "--prompt", "a cat", "--extra", "[1, 2]", "--no-wait")
    assert bad.code == 65 and "--extra" in bad.output
    assert len(sent_bodies(api)) == 1
