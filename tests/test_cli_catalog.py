"""What the command does with RunComfy's model catalog: prices, catalog-only models, listings.

The emulator serves the catalog routes (``GET /v1/models``, ``/v1/models/categories``,
``/v1/models/{id}``) for its registry plus :func:`tests.helpers.catalog_entries`: one model
only the catalog knows, and the text-to-image model with a price of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.conftest import EMULATOR_PROBE_TIMEOUT, QUICK_JOBS
from tests.helpers import (
    MODEL_IDS,
    TEXT_TO_IMAGE,
    InProcess,
    flat,
    write_lines,
)

CATALOG_ONLY = "acme/tiny-image/text-to-image"
CATALOG_ONLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["prompt"],
    "properties": {
        "prompt": {"type": "string", "maxLength": 100, "description": "What to draw."},
        "size": {"type": "string", "enum": ["512x512", "1024x1024"], "default": "512x512"},
        "steps": {"type": "integer", "minimum": 1, "maximum": 50},
    },
}


def catalog_entries() -> list[dict[str, Any]]:
    """A small catalog: one generated model (with its price) and one model not generated."""
    return [
        {
            "model_id": TEXT_TO_IMAGE,
            "display_name": "Dreamina 4.0 Text to Image",
            "categories": ["image", "text-to-image"],
            "kind": "image",
            "base_price_usd": 0.03,
            "price_unit": "image",
            "input_schema": REGISTRY[TEXT_TO_IMAGE].input_schema,
        },
        {
            "model_id": CATALOG_ONLY,
            "display_name": "Acme Tiny Image",
            "categories": ["image"],
            "kind": "image",
            "base_price_usd": 0.4,
            "price_unit": "second",
            "input_schema": CATALOG_ONLY_SCHEMA,
        },
    ]


def emulator_with(entries: list[dict[str, Any]]) -> EmulatorServer:
    return EmulatorServer(
        REGISTRY,
        catalog=entries,
        queue_seconds=QUICK_JOBS[0],
        run_seconds=QUICK_JOBS[1],
        probe_timeout=EMULATOR_PROBE_TIMEOUT,
    )


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with emulator_with(catalog_entries()) as server:
        assert not server.emulator.catalog.refused
        yield server


def test_run_shows_the_price_before_it_submits_and_in_json(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    ran = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-download", "--json")
    assert ran.code == 0, ran.stderr
    assert ran.json()["price"] == "$0.03 / image"
    assert f"{TEXT_TO_IMAGE}: $0.03 / image (base price)" in ran.stderr
    no_wait = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait", "--json")
    assert no_wait.json()["price"] == "$0.03 / image"
    assert "price" not in cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait", "-q").stderr


def test_a_price_the_catalog_cannot_give_is_left_out_without_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    unpriced = [
        {k: v for k, v in entry.items() if k not in ("base_price_usd", "price_unit")}
        for entry in catalog_entries()
    ]
    with emulator_with(unpriced) as server:  # the catalog gives no price: no line, the job runs
        ran = InProcess(monkeypatch, capsys, tmp_path, server)(
            "run", TEXT_TO_IMAGE, "--prompt", "x", "--no-download", "--json"
        )
    assert ran.code == 0, ran.stderr
    assert "price" not in ran.json()
    assert "price" not in ran.stderr and "runcomfy:" not in ran.stderr


def test_schema_and_run_help_work_for_a_model_only_the_catalog_knows(cli: InProcess) -> None:
    schema = cli("schema", CATALOG_ONLY)
    assert schema.code == 0, schema.stderr
    assert "--steps" in schema.stdout and "'512x512'" in schema.stdout
    shown = cli("run", CATALOG_ONLY, "--help")
    assert shown.code == 0, shown.stderr
    text = flat(shown.stdout)
    assert "--prompt PROMPT" in text and "--size SIZE" in text and "1024x1024" in text


def test_a_catalog_model_is_validated_against_its_schema_before_any_submit(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    ran = cli("run", CATALOG_ONLY, "--prompt", "x", "--size", "512", "--steps", "99", "--json")
    assert ran.code == ExitCode.INVALID_INPUT
    problems = {p["path"]: p["message"] for p in ran.json()["problems"]}
    assert problems["size"].endswith("did you mean '512x512'?")
    assert problems["steps"] == "must be <= 50"
    assert emulator.stats().submits == 0


def test_an_unknown_id_is_looked_up_in_the_catalog_and_the_closest_suggested(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    ran = cli("run", "acme/tiny-image/text-to-imag", "--prompt", "x")
    assert ran.code == ExitCode.USAGE
    assert f"did you mean {CATALOG_ONLY!r}" in ran.stderr
    assert "not in RunComfy's catalog" in ran.stderr
    assert emulator.stats().requests.get("catalog", 0) >= 1
    assert emulator.stats().submits == 0


def test_models_lists_generated_and_catalog_models_apart_with_prices(cli: InProcess) -> None:
    listed = cli("models")
    assert listed.code == 0, listed.stderr
    generated, _, others = listed.stdout.partition("\n\n")
    assert generated.startswith("generated (4)")
    assert f"{TEXT_TO_IMAGE}  (required: prompt)  $0.03 / image" in generated
    assert others.startswith("RunComfy's catalog, not generated (1)")
    assert "PRICE" in others and CATALOG_ONLY in others and "$0.4 / second" in others
    assert listed.stderr == ""
    records = {r["model_id"]: r for r in cli("models", "--json").json()}
    assert sorted(records) == sorted([*MODEL_IDS, CATALOG_ONLY])
    assert records[CATALOG_ONLY]["generated"] is False
    assert records[TEXT_TO_IMAGE]["price"] == "$0.03 / image"


def test_models_list_filters_categories_and_get(cli: InProcess, emulator: EmulatorServer) -> None:
    found = cli("models", "list", "--search", "tiny", "--json").json()
    assert [r["model_id"] for r in found] == [CATALOG_ONLY]
    categories = cli("models", "categories").stdout.split()
    assert categories == emulator.emulator.catalog.categories()
    assert {"image", "text-to-image", "video"} <= set(categories)
    entry = cli("models", "get", CATALOG_ONLY, "--json").json()
    assert entry["price"] == "$0.4 / second"
    assert entry["input_schema"]["required"] == ["prompt"]
    text = cli("models", "get", CATALOG_ONLY).stdout
    assert text.startswith(f"{CATALOG_ONLY} - Acme Tiny Image [image] $0.4 / second")


def test_a_wrong_token_on_the_catalog_is_the_auth_code(cli: InProcess) -> None:
    cli.env(RUNCOMFY_API_TOKEN="wrong-token-for-catalog")
    ran = cli("models", "categories")
    assert ran.code == ExitCode.AUTH
    assert "refused the token from $RUNCOMFY_API_TOKEN" in ran.stderr


def test_a_batch_shows_the_price_and_checks_a_catalog_model_offline(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(
        "\n".join(json.dumps(line) for line in ({"prompt": "x", "steps": 0}, {"size": "512x512"}))
    )
    ran = cli("batch", CATALOG_ONLY, str(inputs), "--out", str(tmp_path / "out"), "--json")
    assert ran.code == ExitCode.INCOMPLETE
    assert ran.json()["price"] == "$0.4 / second"
    assert [line["line"] for line in ran.json()["skipped_lines"]] == [1, 2]
    assert emulator.stats().submits == 0
    priced = cli("batch", TEXT_TO_IMAGE, str(write_lines(tmp_path / "ok.jsonl", 1)), "--out",
                 str(tmp_path / "out2"))  # fmt: skip
    assert priced.code == 0, priced.stderr
    assert "$0.03 / image" in priced.stderr
