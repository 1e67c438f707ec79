"""``sync`` refuses exactly what ``generate`` cannot build, model by model, and never reads an
answer it cannot understand as an empty catalog. Each of issue 18's findings about sync has its
regression test here (each fails on the code before it: an HTML listing removed every file, a
5,000-character id aborted the sync, a type list with null crashed it, clashing ids were all
written, an absolute id read a file outside ``schemas/``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runcomfy_codegen.emit import build
from runcomfy_codegen.sync import sync_entries
from runcomfy_codegen.target import RUNCOMFY
from runcomfy_runtime.catalog import CatalogEntry
from tests import catalog400
from tests.hostile import HostileServer, answer, as_json

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = {e["model_id"]: e for e in catalog400.catalog()}


def entry(model_id: str, schema: dict[str, Any] | None = None) -> CatalogEntry:
    base = FIXTURE["aurora/vid-1.0/text-to-video"]
    made = CatalogEntry.from_wire({**base, "model_id": model_id,
                                   "input_schema": schema or base["input_schema"]})  # fmt: skip
    assert made is not None
    return made


def run_sync(schemas: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RUNCOMFY_API_TOKEN": "sk-sync-test-0123456789"}
    return subprocess.run(
        [sys.executable, "-m", "runcomfy_codegen", "sync", "--base-url", url,
         "--schemas", str(schemas), "--into", str(schemas.parent / "mymodels")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<html><body>Down for maintenance</body></html>", id="an HTML page"),
        pytest.param(b"[" * 3000 + b"]" * 3000, id="JSON nested 3,000 deep"),
        pytest.param(b'{"data": []}', id="an object without models"),
    ],
)
def test_a_listing_that_cannot_be_read_is_an_error_and_removes_nothing(
    tmp_path: Path, body: bytes
) -> None:
    schemas = tmp_path / "schemas"
    both = [entry("aurora/vid-1.0/text-to-video"), entry("a/b/c")]
    first = sync_entries(both, schemas, RUNCOMFY.name)
    assert len(first.added) == 2
    before = {p: p.read_bytes() for p in schemas.rglob("*.yaml")}
    with HostileServer() as server:
        kind = "text/html" if body.startswith(b"<") else "application/json"
        server.routes["/v1/models"] = answer(200, body, kind)
        done = run_sync(schemas, server.url)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not a listing of models" in done.stderr
    assert {p: p.read_bytes() for p in schemas.rglob("*.yaml")} == before


def test_an_id_too_long_for_a_file_name_is_that_models_refusal_alone(tmp_path: Path) -> None:
    long_id = "acme/" + "x" * 5000 + "/make"
    report = sync_entries([entry(long_id), entry("acme/fine-1/make")], tmp_path, RUNCOMFY.name)
    assert report.added == ["acme/fine-1/make"]
    (refused,) = report.refused
    assert "is 5010 characters long; at most 512" in refused.problems[0].reason
    assert any(line.startswith("refused   acme/xxx") for line in report.lines())


def test_an_absolute_id_is_refused_before_any_path_is_built_from_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text("id: x/y\nsummary: a secret\ncatalog: {}\n")
    absolute = str(outside / "secret")  # "/tmp/.../outside/secret": schemas / it is outside
    report = sync_entries([entry(absolute)], tmp_path / "schemas", RUNCOMFY.name)
    (refused,) = report.refused
    assert "is not owner/model" in refused.problems[0].reason
    assert secret.read_text() == "id: x/y\nsummary: a secret\ncatalog: {}\n"
    assert not (tmp_path / "schemas").exists() or not any((tmp_path / "schemas").rglob("*"))


def test_a_type_list_with_null_syncs_and_generates(tmp_path: Path) -> None:
    schema = {"type": "object", "required": ["prompt"], "properties": {
        "prompt": {"type": "string"}, "negative": {"type": ["string", "null"]}}}  # fmt: skip
    report = sync_entries([entry("acme/nullable-1/make", schema)], tmp_path, RUNCOMFY.name)
    assert report.added == ["acme/nullable-1/make"] and not report.refused
    files = build(tmp_path, RUNCOMFY)
    assert "negative: str | None = None" in files["endpoints/acme/nullable_1/make.py"].decode()


def test_ids_that_clash_once_named_are_refused_naming_each_other(tmp_path: Path) -> None:
    clashing = [entry("a-b/x/y"), entry("a.b/x/z"), entry("a_b/q/r"), entry("fine/one/two")]
    report = sync_entries(clashing, tmp_path, RUNCOMFY.name)
    assert report.added == ["fine/one/two"]
    reasons = {e.file: " ".join(p.reason for p in e.problems) for e in report.refused}
    assert set(reasons) == {"a-b/x/y.yaml", "a.b/x/z.yaml", "a_b/q/r.yaml"}
    assert "'a-b' and 'a.b' both become the Python path 'a_b'" in reasons["a-b/x/y.yaml"]
    build(tmp_path, RUNCOMFY)  # generate on what sync wrote succeeds


def test_a_new_id_clashing_with_one_on_disk_is_refused_and_the_one_on_disk_kept(
    tmp_path: Path,
) -> None:
    assert sync_entries([entry("a-b/x/y")], tmp_path, RUNCOMFY.name).added == ["a-b/x/y"]
    report = sync_entries([entry("a-b/x/y"), entry("a_b/x/z")], tmp_path, RUNCOMFY.name)
    assert report.unchanged == ["a-b/x/y"]
    assert [e.file for e in report.refused] == ["a_b/x/z.yaml"]
    build(tmp_path, RUNCOMFY)


def test_nested_ids_sync_and_a_child_that_would_hide_a_method_is_refused(tmp_path: Path) -> None:
    ids = ["a/b/c", "a/b/c/draft", "a/b/c/run", "a/b/c/deep/er"]
    report = sync_entries([entry(i) for i in ids], tmp_path, RUNCOMFY.name)
    assert sorted(report.added) == ["a/b/c", "a/b/c/deep/er", "a/b/c/draft"]
    (refused,) = report.refused
    assert refused.file == "a/b/c/run.yaml"
    assert "hiding its run()" in refused.problems[0].reason
    files = build(tmp_path, RUNCOMFY)
    assert "endpoints/a/b/c/__init__.py" in files and "endpoints/a/b/c/draft.py" in files


def test_the_command_lists_each_refusal_with_its_reasons_and_exits_1(tmp_path: Path) -> None:
    models = [FIXTURE["aurora/vid-1.0/text-to-video"], {**FIXTURE["aurora/vid-1.0/text-to-video"],
              "model_id": "aurora/vid_1.0/text-to-video"}]  # fmt: skip
    with HostileServer() as server:
        server.routes["/v1/models"] = as_json(200, {"models": models, "total": 2})
        done = run_sync(tmp_path / "schemas", server.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "refused   aurora/vid_1.0/text-to-video:" in done.stdout
    assert "refused   aurora/vid-1.0/text-to-video:" in done.stdout  # neither is more right
    assert "'aurora/vid_1.0' and 'aurora/vid-1.0' both become the Python path" in done.stdout
    assert "0 added" in done.stdout and "2 refused" in done.stdout


def test_the_schema_files_envelope_says_what_a_model_id_is_as_the_engine_does() -> None:
    from runcomfy_runtime.schema.ids import ID_MAX, PATTERN

    meta = json.loads((ROOT / "runcomfy_codegen/schema_file.schema.json").read_text())
    assert meta["properties"]["id"] == {
        "type": "string", "pattern": f"^{PATTERN}$", "maxLength": ID_MAX
    }  # fmt: skip
