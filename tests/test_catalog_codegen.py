"""RunComfy's catalog into schema files and typed code: ``import`` of saved catalog answers,
``sync``'s merge, refusals and removals, and every construct of the catalog generated,
validated and ``mypy --strict`` clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runcomfy_codegen.catalog_docs import entry_doc
from runcomfy_codegen.emit import build
from runcomfy_codegen.sync import sync_entries
from runcomfy_codegen.target import RUNCOMFY
from runcomfy_runtime.catalog import CatalogEntry
from runcomfy_runtime.errors import InputValidationError
from runcomfy_runtime.schema.compile import compile_spec
from runcomfy_runtime.validation import schema_problems

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "examples/catalog.json"
LISTING = json.loads(FIXTURE.read_text(encoding="utf-8"))
ENTRIES = [CatalogEntry.from_wire(e) for e in LISTING["models"]]


def codegen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runcomfy_codegen", *args], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture catalog imported (a listing, as ``GET /v1/models`` answers) and generated."""
    root = tmp_path_factory.mktemp("catalog")
    into = ("--schemas", str(root / "schemas"), "--into", str(root / "runcomfy"), "--distribution")
    done = codegen("import", str(FIXTURE), *into)  # writes the schema files, then the package
    assert done.returncode == 0, done.stderr
    done = codegen("check", *into)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_every_catalog_model_becomes_a_schema_file_and_a_module(generated: Path) -> None:
    for entry in ENTRIES:
        assert entry is not None
        doc = yaml.safe_load((generated / "schemas" / f"{entry.model_id}.yaml").read_text())
        assert doc["input"] == LISTING["models"][ENTRIES.index(entry)]["input_schema"]
        assert doc["catalog"]["display_name"] == entry.display_name
    modules = list((generated / "runcomfy/endpoints").rglob("*.py"))
    endpoints = [m for m in modules if "\nSPEC = EndpointSpec(" in m.read_text()]
    assert len(endpoints) == len(ENTRIES)  # an endpoint with a child id is its package's init


def test_the_generated_catalog_package_is_mypy_strict_clean(
    generated: Path, mypy_cache: Path
) -> None:
    env = {**os.environ, "MYPYPATH": str(generated)}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={mypy_cache}", "runcomfy"],
        capture_output=True, text=True, cwd=generated, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout


def test_every_construct_is_typed_from_its_schema(generated: Path) -> None:
    text = {
        path.relative_to(generated / "runcomfy/endpoints").as_posix(): path.read_text()
        for path in (generated / "runcomfy/endpoints").rglob("*.py")
    }
    whole = "\n".join(text.values())
    for hint in ("Sequence[ImageInput]", "Sequence[VideoInput]", "Sequence[AudioInput]",
                 "video_url: VideoInput", "AudioInput", "Sequence[ImageInput] | None"):  # fmt: skip
        assert hint in whole, hint
    assert "Literal[5, 10]" in whole  # an integer enum
    assert "Literal['1080p']" in whole or 'Literal["1080p"]' in whole  # a single value
    assert '"auto",' in whole and '"20",' in whole  # string enums of integer strings
    assert "4294967295" in whole
    assert "audio: str | None = None" in whole  # an audio model's output is typed


def test_arrays_without_items_get_items_of_their_format_and_rules_apply() -> None:
    by_id = {e.model_id: e for e in ENTRIES if e is not None}
    for entry in by_id.values():
        spec = entry.spec()
        for field in spec.fields:
            schema = spec.input_schema["properties"][field.wire_name]
            if field.media and field.many:
                assert schema["items"] == {"type": "string", "format": f"{field.media}_uri"}
    with_rules = [f for e in by_id.values() for f in e.spec().fields if f.rules]
    kinds = {(f.media, f.many) for f in with_rules}
    assert {("image", True), ("image", False), ("video", False), ("audio", False)} <= kinds


def test_a_media_value_of_the_wrong_shape_is_refused_with_the_kinds_message() -> None:
    entry = next(e for e in ENTRIES if e and any(f.media == "audio" and not f.many
                                                  for f in e.spec().fields))  # fmt: skip
    spec = entry.spec()
    field = next(f for f in spec.fields if f.media == "audio" and not f.many)
    problems = schema_problems(spec, {field.wire_name: "ftp://x/a.mp3"})
    (problem,) = [p for p in problems if p.location == field.wire_name]
    assert "URL of an audio file" in problem.message and "data:audio/" in problem.message


REFUSED = {
    "model_id": "acme/broken-1/make",
    "display_name": "Broken",
    "kind": "image",
    "input_schema": {
        "type": "object",
        "properties": {
            "photo": {"type": "string", "format": "hologram_uri"},
            "depth": {"type": "text"},
            "clip": {
                "type": "string",
                "format": "video_uri",
                "validations": [
                    {
                        "validation_rule": "width_pixels<",
                        "validation_value": 9,
                        "validation_error": "m",
                    }
                ],
            },
        },
    },
}


def test_sync_writes_what_it_understands_and_lists_every_reason_of_a_refusal(
    tmp_path: Path,
) -> None:
    refused = CatalogEntry.from_wire(REFUSED)
    assert refused is not None
    good = [e for e in ENTRIES[:3] if e is not None]
    report = sync_entries([*good, refused], tmp_path, RUNCOMFY.name)
    assert sorted(report.added) == sorted(e.model_id for e in good)
    (error,) = report.refused
    reasons = [p.reason for p in error.problems]
    assert any("unknown format 'hologram_uri'" in r for r in reasons)
    assert any("unknown type 'text'" in r for r in reasons)
    assert any("applies to images, and this is video" in r for r in reasons)
    assert not (tmp_path / "acme/broken-1/make.yaml").exists()
    again = sync_entries(good, tmp_path, RUNCOMFY.name)
    assert again.unchanged == sorted(e.model_id for e in good) and not again.added


def test_sync_keeps_a_pages_prose_and_outputs_and_removes_models_gone_from_the_catalog(
    tmp_path: Path,
) -> None:
    page_doc = yaml.safe_load((ROOT / "schemas/bytedance/dreamina-4-0/edit.yaml").read_text())
    target = tmp_path / "bytedance/dreamina-4-0/edit.yaml"
    target.parent.mkdir(parents=True)
    target.write_text((ROOT / "schemas/bytedance/dreamina-4-0/edit.yaml").read_text())
    catalog_input = json.loads(json.dumps(page_doc["input"]))
    del catalog_input["properties"]["scale"]["description"]  # the catalog has less prose
    catalog_input["properties"]["prompt"]["maxLength"] = 1000  # ...and newer limits
    entry = CatalogEntry.from_wire({
        "model_id": "bytedance/dreamina-4-0/edit", "display_name": "Dreamina 4.0 Edit",
        "categories": ["image", "edit"], "kind": "image", "base_price_usd": 0.03,
        "price_unit": "image", "input_schema": catalog_input,
    })  # fmt: skip
    assert entry is not None
    first = sync_entries([entry, *[e for e in ENTRIES[:2] if e]], tmp_path, RUNCOMFY.name)
    assert first.changed == ["bytedance/dreamina-4-0/edit"]
    merged = yaml.safe_load(target.read_text())
    assert merged["input"]["properties"]["prompt"]["maxLength"] == 1000  # the catalog wins
    assert merged["input"]["properties"]["scale"]["description"].startswith("Controls how")
    assert merged["output"] == page_doc["output"] and merged["example"] == page_doc["example"]
    assert merged["source"] == page_doc["source"] and merged["catalog"]["base_price_usd"] == 0.03
    second = sync_entries([entry], tmp_path, RUNCOMFY.name)  # two catalog-only models left
    assert sorted(second.removed) == sorted(e.model_id for e in ENTRIES[:2] if e)
    assert target.exists()  # a page's model is never removed by sync


def test_import_takes_one_saved_catalog_entry(tmp_path: Path) -> None:
    entry_file = tmp_path / "entry.json"
    entry_file.write_text(json.dumps(LISTING["models"][0]))
    done = codegen("import", str(entry_file), "--into", str(tmp_path / "mymodels"))
    assert done.returncode == 0, done.stderr
    model_id = LISTING["models"][0]["model_id"]
    assert (tmp_path / "mymodels/schemas" / f"{model_id}.yaml").is_file()


def test_import_refuses_a_listing_with_a_bad_model_and_writes_nothing(tmp_path: Path) -> None:
    listing = tmp_path / "listing.json"
    listing.write_text(json.dumps({"models": [LISTING["models"][0], REFUSED], "total": 2}))
    done = codegen("import", str(listing), "--into", str(tmp_path / "mymodels"))
    assert done.returncode == 2
    assert "acme/broken-1/make.yaml" in done.stderr and "hologram_uri" in done.stderr
    assert not (tmp_path / "mymodels").exists()


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    for entry in (REFUSED, {**REFUSED, "model_id": "acme/broken-2/make"}):
        parsed = CatalogEntry.from_wire(entry)
        assert parsed is not None
        doc = entry_doc(parsed)
        path = schemas / f"{parsed.model_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    done = codegen("generate", "--schemas", str(schemas), "--into", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "2 schema file(s) refused, 6 problem(s)" in done.stderr, done.stderr
    assert "acme/broken-1/make.yaml" in done.stderr and "acme/broken-2/make.yaml" in done.stderr


def test_a_catalog_entry_validates_exactly_like_its_generated_module() -> None:
    entry = next(e for e in ENTRIES if e and e.model_id.endswith("text-to-image"))
    spec = compile_spec(entry.model_id, entry.input_schema or {})
    with pytest.raises(InputValidationError) as caught:
        from runcomfy_runtime.validation import validator_for

        validator_for(spec).validate({"nope": 1})
    assert "is required" in str(caught.value) and "is not an accepted property" in str(caught.value)
    files = build_one(entry)
    assert any(name.endswith(".py") for name in files)


def build_one(entry: CatalogEntry) -> dict[str, bytes]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, f"{entry.model_id}.yaml")
        path.parent.mkdir(parents=True)
        path.write_text(yaml.safe_dump(entry_doc(entry), allow_unicode=True))
        return build(Path(tmp), RUNCOMFY)
