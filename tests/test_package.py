"""The generated package as a user meets it: cheap to import, typed calls checked offline."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

import runcomfy
from runcomfy import InputValidationError, RunComfy

HEAVY = [
    "httpx",
    "jsonschema",
    "jinja2",
    "yaml",
    "runcomfy._client",
    "runcomfy.endpoints.bytedance.dreamina_4_0.edit",
]


def test_import_runcomfy_loads_no_endpoint_and_no_heavy_dependency() -> None:
    code = (
        f"import sys, json, runcomfy; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_an_endpoint_module_loads_when_first_reached() -> None:
    code = (
        "import sys, runcomfy\n"
        "c = runcomfy.RunComfy(api_token='t')\n"
        "before = 'runcomfy.endpoints.bytedance.seedream_4_0.edit' in sys.modules\n"
        "c.bytedance.seedream_4_0.edit\n"
        "after = [m for m in sys.modules if m.count('.') == 4 and m.startswith('runcomfy.endp')]\n"
        "print(before, sorted(after))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False ['runcomfy.endpoints.bytedance.seedream_4_0.edit']"


def test_registry_lists_every_endpoint_and_reaches_its_spec() -> None:
    assert sorted(runcomfy.MODULES) == sorted(runcomfy.REGISTRY)
    for model_id in runcomfy.REGISTRY:
        assert runcomfy.REGISTRY[model_id].model_id == model_id


@pytest.fixture
def recorded() -> tuple[RunComfy, list[httpx.Request]]:
    """A client whose HTTP layer records requests instead of sending them."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"request_id": "r1"})

    client = RunComfy(
        api_token="t", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    return client, sent


def test_typed_call_rejects_bad_input_before_any_request(
    recorded: tuple[RunComfy, list[httpx.Request]],
) -> None:
    client, sent = recorded
    with pytest.raises(InputValidationError) as caught:
        client.bytedance.dreamina_4_0.edit.submit(
            image_urls=[],
            prompt="x" * 801,
            width_height="1x1",  # type: ignore[arg-type]
        )
    assert [p.location for p in caught.value.problems] == ["image_urls", "prompt", "width×height"]
    assert sent == []


def test_typed_call_sends_wire_names_and_leaves_out_what_was_not_given(
    recorded: tuple[RunComfy, list[httpx.Request]],
) -> None:
    client, sent = recorded
    job = client.bytedance.dreamina_4_0.edit.submit(
        image_urls=("https://example.com/a.jpg",),
        prompt="p",
        width_height="1024x1024(1:1)",
        validate="schema",
    )
    assert job.request_id == "r1"
    (request,) = sent
    assert request.url.path == "/v1/models/bytedance/dreamina-4-0/edit"
    assert json.loads(request.content) == {
        "image_urls": ["https://example.com/a.jpg"],
        "prompt": "p",
        "width×height": "1024x1024(1:1)",
    }


LATER = ("asyncio", "PIL", "jsonschema", "platformdirs", "runcomfy_runtime.poll_record")


def test_a_sync_client_loads_no_asyncio_pillow_or_jsonschema_until_it_needs_them() -> None:
    """Nor the record of job lengths (read at the first wait) and platformdirs."""
    code = (
        "import sys, json\n"
        "from runcomfy import RunComfy\n"
        "RunComfy(api_token='t-123456789').close()\n"
        f"print(json.dumps([m for m in {LATER!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_typed_path_loads_no_registry_and_only_the_namespaces_on_its_way() -> None:
    code = (
        "import sys; from runcomfy import RunComfy; "
        "c = RunComfy(api_token='sk-test-0123456789', base_url='http://127.0.0.1:9'); "
        "e = c.bytedance.dreamina_4_0.edit; "
        "print(sorted(m for m in sys.modules if m.startswith('runcomfy.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout
    assert "runcomfy._registry" not in loaded
    assert "runcomfy.endpoints.bytedance.dreamina_4_0" in loaded
    assert "runcomfy.endpoints.bytedance.seedream_4_0" not in loaded
    assert "runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image" not in loaded
