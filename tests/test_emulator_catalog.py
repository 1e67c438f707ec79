"""The model catalog: the registry's models as catalog entries the runtime's engine compiles
back to the same fields, a listing's models added with ``catalog=`` (``--catalog``), and the
three catalog routes (list with filters and pages, categories, one model)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer, example_payload
from runcomfy_emulator.catalog import display_name
from runcomfy_runtime.schema.compile import compile_spec
from runcomfy_runtime.validation import schema_problems
from tests.emulator_http import answer, client_for, download, result_of, status_of, submit

FIXTURE = Path(__file__).resolve().parent.parent / "examples" / "catalog.json"
LISTING: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
CATALOG_IDS = [entry["model_id"] for entry in LISTING["models"]]
KEYS = {
    "model_id",
    "display_name",
    "categories",
    "kind",
    "base_price_usd",
    "price_unit",
    "pricing_note",
    "input_schema",
}
SIGNATURES = {
    "image": lambda data: data[:8] == b"\x89PNG\r\n\x1a\n",
    "video": lambda data: data[4:8] == b"ftyp",
    "audio": lambda data: data[:4] == b"RIFF" and data[8:12] == b"WAVE",
}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """Registry and fixture catalog; jobs end as soon as they are submitted."""
    with EmulatorServer(REGISTRY, catalog=FIXTURE, queue_seconds=0, run_seconds=0) as running:
        yield running


@pytest.fixture(scope="module")
def api(server: EmulatorServer) -> Iterator[httpx.Client]:
    with client_for(server) as client:
        yield client


def listing(client: httpx.Client, **params: Any) -> dict[str, Any]:
    return answer(client.get("/v1/models", params=params), 200)


# -- the registry's models ------------------------------------------------------------------------


@pytest.mark.parametrize("model_id", sorted(REGISTRY))
def test_a_registry_models_entry_compiles_back_to_its_fields(
    api: httpx.Client, model_id: str
) -> None:
    entry = answer(api.get(f"/v1/models/{model_id}"), 200)
    spec = REGISTRY[model_id]
    assert set(entry) == KEYS
    assert entry["kind"] == spec.output_kind
    assert entry["categories"] == [spec.output_kind, model_id.rsplit("/", 1)[-1]]
    assert entry["pricing_note"] == "emulator: made-up price, not RunComfy's"
    assert entry["base_price_usd"] > 0 and entry["price_unit"]
    compiled = compile_spec(model_id, entry["input_schema"])
    assert compiled.fields == spec.fields  # names, media kinds, lists, rules, formats
    assert set(compiled.input_schema["properties"]) == set(spec.input_schema["properties"])
    example = example_payload(spec, "http://127.0.0.1:9")
    wrong = {**example, "prompt": 7, "surprise": True}
    for payload in (example, wrong, {}):
        assert schema_problems(compiled, payload) == schema_problems(spec, payload)


def test_display_names_are_made_from_the_id() -> None:
    assert display_name("bytedance/dreamina-4-0/edit") == "Bytedance Dreamina 4.0 Edit"
    assert (
        display_name("bytedance/dreamina-3-0/pro/image-to-video")
        == "Bytedance Dreamina 3.0 Pro Image to Video"
    )


# -- a listing's models --------------------------------------------------------------------------


def test_every_fixture_entry_loads_and_is_served_as_given(
    server: EmulatorServer, api: httpx.Client
) -> None:
    assert server.emulator.catalog.refused == ()
    for entry in LISTING["models"]:
        assert answer(api.get(f"/v1/models/{entry['model_id']}"), 200) == entry


def charged_as_priced(entry: dict[str, Any], payload: dict[str, Any]) -> float:
    """The entry's price times the payload's seconds (``second``) or outputs (``output``,
    ``image``, ``request``), the payload's value or the field's default; once when the payload
    says nothing of either (or ``"auto"``)."""
    properties = entry["input_schema"]["properties"]
    field = "duration" if entry["price_unit"] == "second" else "num_images"
    given = payload.get(field, properties.get(field, {}).get("default"))
    if isinstance(given, str):
        given = float(given) if given.isdigit() else None
    return float(entry["base_price_usd"]) * (given if given is not None else 1)


def test_the_emulator_charges_a_per_second_model_for_the_seconds_asked(
    server: EmulatorServer, api: httpx.Client
) -> None:
    model_id = "acme/clipper-1/image-to-video"  # $0.35 / second
    payload = {**server.example_payload(model_id), "duration": 10}
    rid = submit(api, model_id, payload)["request_id"]
    status_of(api, rid)
    assert result_of(api, rid, include_cost="true")["cost"] == 3.5


@pytest.mark.parametrize("model_id", CATALOG_IDS)
def test_a_job_of_every_catalog_model_runs_and_makes_its_kind(
    server: EmulatorServer, api: httpx.Client, model_id: str
) -> None:
    payload = server.example_payload(model_id)
    rid = submit(api, model_id, payload)["request_id"]
    assert status_of(api, rid)["status"] == "completed"
    result = result_of(api, rid, include_cost="true")
    entry = next(e for e in LISTING["models"] if e["model_id"] == model_id)
    kind = entry.get("kind") or entry["categories"][0]  # no kind: its categories say
    if kind == "model":  # as RunComfy serves it: the category names the kind, text-to-video
        kind = entry["categories"][0].rsplit("-", 1)[-1]
    assert list(result["output"]) == [kind]
    assert result["cost"] == pytest.approx(charged_as_priced(entry, payload))
    assert SIGNATURES[kind](download(result["output"][kind]).content)


def test_catalog_models_are_validated_with_the_same_engine(api: httpx.Client) -> None:
    response = api.post("/v1/models/sonora/voice-1/text-to-speech", json={"text": ""})
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["detail"]] == ["text"]


BAD_ENTRIES: list[Any] = [
    {
        "model_id": "acme/broken/pdf-to-image",
        "kind": "image",
        "input_schema": {
            "type": "object",
            "properties": {
                "doc": {"type": "string", "format": "pdf_uri"},
                "image_url": {
                    "type": "string",
                    "format": "image_uri",
                    "validations": [
                        {
                            "validation_rule": "duration_s<",
                            "validation_value": 5,
                            "validation_error": "too long",
                        }
                    ],
                },
            },
        },
    },
    "not an entry",
]


def test_an_entry_the_engine_refuses_is_reported_and_not_served() -> None:
    entries = [*copy.deepcopy(LISTING["models"][:2]), *BAD_ENTRIES]
    with EmulatorServer(REGISTRY, catalog=entries) as server, client_for(server) as client:
        refused = server.emulator.catalog.refused
        assert len(refused) == 2
        assert refused[0].startswith("catalog: 'acme/broken/pdf-to-image' not served: ")
        assert "unknown format 'pdf_uri'" in refused[0] and "duration_s" in refused[0]
        assert refused[1].startswith("catalog: entry 3 not served: an entry is a JSON object")
        assert client.get("/v1/models/acme/broken/pdf-to-image").status_code == 404
        assert (
            client.post("/v1/models/acme/broken/pdf-to-image", json={}).json()["error_code"]
            == 400001
        )
        assert listing(client, search="acme/clipper")["total"] == 2  # the good ones are served


# -- the routes ----------------------------------------------------------------------------------


def test_the_listing_filters_and_leaves_the_schema_out_unless_asked(api: httpx.Client) -> None:
    everything = listing(api, limit=200)
    assert everything["total"] == len(REGISTRY) + len(CATALOG_IDS)
    ids = [e["model_id"] for e in everything["models"]]
    assert ids == sorted(ids)
    assert all("input_schema" not in e for e in everything["models"])
    assert all("input_schema" in e for e in listing(api, include_schema="true")["models"])
    audio = listing(api, kind="audio")
    assert {e["model_id"] for e in audio["models"]} == {
        "sonora/voice-1/text-to-speech",
        "sonora/tempo-2/text-to-music",
        "sonora/voice-1/audio-to-audio",
        "sonora/voice-1/clone",
    }
    assert listing(api, kind="image", category="upscale")["models"][0]["model_id"] == (
        "lumen/prism-1.0/upscale"  # its entry names no kind: its categories do
    )
    found = listing(api, search="DREAMINA 4.0")  # the display name, any case
    assert {e["model_id"] for e in found["models"]} == {
        "bytedance/dreamina-4-0/edit",
        "bytedance/dreamina-4-0/text-to-image",
    }
    assert listing(api, search="seedream-4")["total"] == 1  # the id
    assert listing(api, category="text-to-speech")["total"] == 2
    assert listing(api, search="no such model") == {"models": [], "total": 0}


def test_the_listing_pages_with_limit_and_offset(api: httpx.Client) -> None:
    total = len(REGISTRY) + len(CATALOG_IDS)
    ids = [e["model_id"] for e in listing(api)["models"]]
    first, second = listing(api, limit=10), listing(api, limit=10, offset=10)
    assert first["total"] == second["total"] == total
    assert [e["model_id"] for e in first["models"] + second["models"]] == ids[:20]
    assert listing(api, offset=total)["models"] == []
    for bad in ({"limit": "0"}, {"limit": "many"}, {"offset": "-1"}):
        response = api.get("/v1/models", params=bad)
        assert response.status_code == 400 and response.json()["error_message"]


def test_limits_default_to_50_and_stop_at_200() -> None:
    schema = {"type": "object", "properties": {"prompt": {"type": "string"}}}
    many = [
        {"model_id": f"test/many/m{i:03}", "kind": "image", "input_schema": schema}
        for i in range(260)
    ]
    with EmulatorServer({}, catalog={"models": many, "total": 260}) as server:
        with client_for(server) as client:
            assert len(listing(client)["models"]) == 50
            assert len(listing(client, limit=500)["models"]) == 200
            assert listing(client, limit=500)["total"] == 260


def test_categories_are_sorted_and_unique(api: httpx.Client) -> None:
    categories = answer(api.get("/v1/models/categories"), 200)["categories"]
    assert categories == sorted(set(categories))
    assert {"image", "video", "audio", "edit", "text-to-speech", "animation"} <= set(categories)


def test_an_unknown_model_is_404_400001_and_submit_is_unchanged(api: httpx.Client) -> None:
    missing = api.get("/v1/models/acme/no-such-model")
    assert missing.status_code == 404 and missing.json()["error_code"] == 400001
    refused = api.post("/v1/models/acme/no-such-model", json={"prompt": "x"})
    assert refused.status_code == 400 and refused.json()["error_code"] == 400001
    assert api.get("/v1/nothing-here").status_code == 404


@pytest.mark.parametrize(
    "path", ["/v1/models", "/v1/models/categories", "/v1/models/bytedance/dreamina-4-0/edit"]
)
def test_the_catalog_needs_the_token(server: EmulatorServer, path: str) -> None:
    response = httpx.get(server.url + path, trust_env=False)
    assert response.status_code == 401 and response.json()["error_code"] == 400004
