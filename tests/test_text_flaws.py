"""A NUL or a lone surrogate where text enters: schema text refuses its model, with the model and
the place named, and display text (a catalog entry's name, categories, price unit) has U+FFFD
in its place. Never a module that is a ``SyntaxError``, a file every later ``sync`` dies on, an
emulator that cannot start or a ``runcomfy models`` that crashes."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from runcomfy import REGISTRY
from runcomfy_codegen.sync import sync_entries
from runcomfy_codegen.target import RUNCOMFY
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.catalog import CatalogEntry
from runcomfy_runtime.errors import SchemaError
from tests.generated_package import ROOT, build_into, child_env, import_every_module

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["prompt"],
    "properties": {
        "prompt": {"type": "string", "description": "What to draw."},
        "size": {"type": "string", "enum": ["1K", "2K"]},
    },
}


def entry(model: str, *, name: str = "A model", description: str = "What to draw.",
          size: str = "2K", category: str = "image") -> dict[str, Any]:  # fmt: skip
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["prompt"]["description"] = description
    schema["properties"]["size"]["enum"] = ["1K", size]
    return {
        "model_id": f"acme/{model}/text-to-image",
        "display_name": name,
        "categories": [category, "text-to-image"],
        "kind": "image",
        "base_price_usd": 0.01,
        "price_unit": "image",
        "input_schema": schema,
    }


def entries(*bodies: dict[str, Any]) -> list[CatalogEntry]:
    found = [CatalogEntry.from_wire(body) for body in bodies]
    assert all(found)
    return [e for e in found if e is not None]


def reasons(report: Any) -> dict[str, list[str]]:
    return {e.file: [str(p) for p in e.problems] for e in report.refused}


USE_THE_PACKAGE = textwrap.dedent("""
    import subprocess, sys
    import httpx
    from runcomfy import REGISTRY
    from runcomfy_emulator import EmulatorServer

    listed = subprocess.run([sys.executable, "-m", "runcomfy", "models"], capture_output=True,
                            text=True, encoding="utf-8")
    assert listed.returncode == 0, listed.stderr
    with EmulatorServer(REGISTRY) as server:
        answer = httpx.get(server.url + "/v1/models", headers=server.headers)
        assert answer.status_code == 200, answer.text
    print(listed.stdout)
""")


def test_a_nul_refuses_the_model_it_is_in_and_is_replaced_in_a_name_so_the_package_works(
    tmp_path: Path,
) -> None:
    schemas = tmp_path / "schemas"
    report = sync_entries(entries(
        entry("described", description="What\x00 to draw."),
        entry("enumerated", size="2\x00K"),
        entry("named", name="Na\x00me", category="ima\x00ge"),
    ), schemas, RUNCOMFY.name)  # fmt: skip
    assert report.added == ["acme/named/text-to-image"]
    assert reasons(report) == {
        "acme/described/text-to-image.yaml": [
            "input.properties.prompt.description: text contains a NUL character (\\x00)"
        ],
        "acme/enumerated/text-to-image.yaml": [
            "input.properties.size.enum[1]: text contains a NUL character (\\x00)"
        ],
    }
    package = build_into(schemas, tmp_path / "generated" / "runcomfy")
    seen = import_every_module(package)
    assert seen["acme/named/text-to-image"]["summary"].startswith("Na\ufffdme (acme/named/")
    used = subprocess.run([sys.executable, "-c", USE_THE_PACKAGE], capture_output=True,
                          text=True, env=child_env(package), cwd=tmp_path, timeout=120)  # fmt: skip
    assert used.returncode == 0, used.stderr
    assert "acme/named/text-to-image" in used.stdout


def test_a_lone_surrogate_never_reaches_a_schema_file_so_every_later_sync_still_runs(
    tmp_path: Path,
) -> None:
    bodies = [
        entry("described", description="What\ud800 to draw."),
        entry("named", name="Sur\udfffrogate"),
        entry("plain"),
    ]
    first = sync_entries(entries(*bodies), tmp_path, RUNCOMFY.name)
    assert first.added == ["acme/named/text-to-image", "acme/plain/text-to-image"]
    assert reasons(first) == {
        "acme/described/text-to-image.yaml": [
            "input.properties.prompt.description: text contains a lone surrogate (\\ud800), "
            "which is not text"
        ]
    }
    named = (tmp_path / "acme/named/text-to-image.yaml").read_text(encoding="utf-8")
    assert "display_name: Sur\ufffdrogate" in named
    again = sync_entries(entries(*bodies[1:]), tmp_path, RUNCOMFY.name)
    assert again.unchanged == ["acme/named/text-to-image", "acme/plain/text-to-image"]


def test_a_schema_file_written_with_a_surrogate_before_is_refused_by_name_and_the_rest_syncs(
    tmp_path: Path,
) -> None:
    poisoned = tmp_path / "acme/named/text-to-image.yaml"
    poisoned.parent.mkdir(parents=True)
    poisoned.write_text(  # what an older sync wrote: libyaml cannot read it back
        'id: acme/named/text-to-image\nendpoint: /v1/models/acme/named/text-to-image\n'
        'source: RunComfy model catalog\ncatalog:\n  display_name: "Sur\\uD800"\n'
        "input: {type: object, properties: {prompt: {type: string}}}\n",
        encoding="utf-8",
    )  # fmt: skip
    report = sync_entries(entries(entry("named"), entry("plain")), tmp_path, RUNCOMFY.name)
    assert report.added == ["acme/plain/text-to-image"]
    (why,) = reasons(report)["acme/named/text-to-image.yaml"]
    assert "the schema file there cannot be read" in why
    assert poisoned.exists()  # kept for the maintainer to look at, never silently replaced


def test_generate_refuses_a_nul_in_a_schema_file_and_names_the_file_and_the_field(
    tmp_path: Path,
) -> None:
    path = tmp_path / "schemas/acme/x/make.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(
        "id: acme/x/make\nendpoint: /v1/models/acme/x/make\nsource: a page\n"
        'input: {type: object, properties: {prompt: {type: string, description: "a\\0b"}}}\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "runcomfy_codegen", "generate", "--schemas", "schemas",
         "--into", "out"],
        capture_output=True, text=True, cwd=tmp_path, env=child_env(ROOT / "generated"),
    )  # fmt: skip
    assert done.returncode != 0 and not (tmp_path / "out").exists()
    assert (
        "acme/x/make.yaml at input.properties.prompt.description: "
        "text contains a NUL character (\\x00)"
    ) in done.stderr


def test_the_runtime_replaces_flawed_display_text_and_refuses_a_flawed_schema() -> None:
    found = CatalogEntry.from_wire(
        {**entry("x", name="Na\x00me\ud800", description="a\udc80b"), "pricing_note": "\x00"}
    )
    assert found is not None
    assert found.display_name == "Na\ufffdme\ufffd" and found.pricing_note == "\ufffd"
    found.record()["display_name"].encode("utf-8")  # prints, and encodes as JSON's UTF-8
    with pytest.raises(SchemaError) as refused:
        found.spec()  # the dynamic path: client.run("acme/x/text-to-image", ...)
    (problem,) = refused.value.problems
    assert problem.where == "input.properties.prompt.description"
    assert "lone surrogate (\\udc80)" in problem.reason


def test_the_emulator_serves_a_catalog_with_flawed_names_and_refuses_flawed_schemas() -> None:
    catalog = [entry("named", name="Sur\ud800"), entry("described", description="a\x00b")]
    with EmulatorServer(REGISTRY, catalog=catalog) as server:
        (refused,) = server.emulator.catalog.refused
        assert "'acme/described/text-to-image' not served" in refused
        assert "input.properties.prompt.description: text contains a NUL" in refused
        answer = httpx.get(f"{server.url}/v1/models?search=acme", headers=server.headers)
    assert answer.status_code == 200, answer.text
    (served,) = answer.json()["models"]
    assert served["display_name"] == "Sur\ufffd"
