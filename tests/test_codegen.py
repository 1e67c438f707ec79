"""The generator: golden output, determinism, check mode, and files it must refuse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runcomfy_codegen.emit import build, compare, write
from runcomfy_codegen.errors import SchemaFilesError
from runcomfy_codegen.target import RUNCOMFY

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def test_golden_package_matches_the_synthetic_schema() -> None:
    files = build(GOLDEN / "schemas", RUNCOMFY)
    expected = GOLDEN / "expected"
    if UPDATE:
        write(files, expected)
    diff = compare(files, expected)
    assert not diff, f"golden output differs (UPDATE_GOLDEN=1 to accept): {diff}"


def test_golden_module_maps_quirky_names_and_rules() -> None:
    text = (GOLDEN / "expected/endpoints/acme/widget_2_0/make.py").read_text()
    assert "size_ratio: SizeRatio | None = None" in text  # width×height-style wire name
    assert '"size×ratio": size_ratio' in text  # ...keeps its wire name
    assert "class_: Class | None = None" in text  # a keyword gets a trailing underscore
    assert "Class: TypeAlias = Literal[121, 241]" in text
    assert "strength: float | None = None" in text  # "float" became number
    assert 'Rule("file_size_mb", "<=", 2.5, "At most 2.5 MB.")' in text  # ≤ and "2.5"
    assert "photo_urls: Sequence[ImageInput]" in text
    assert 'accepted=("PNG",)' in text


def test_generation_is_deterministic_whatever_the_file_order(tmp_path: Path) -> None:
    first = build(ROOT / "schemas", RUNCOMFY)
    shuffled = tmp_path / "schemas"
    # Copy in reverse order so the directory's creation order differs from the original.
    for path in sorted((ROOT / "schemas").rglob("*.yaml"), reverse=True):
        target = shuffled / path.relative_to(ROOT / "schemas")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    second = build(shuffled, RUNCOMFY)
    assert first == second
    assert first == build(ROOT / "schemas", RUNCOMFY)


def test_committed_generated_package_is_up_to_date() -> None:
    assert not compare(build(ROOT / "schemas", RUNCOMFY), ROOT / "generated" / "runcomfy")


def test_check_names_stale_files_and_fails(tmp_path: Path) -> None:
    out = tmp_path / "runcomfy"
    write(build(GOLDEN / "schemas", RUNCOMFY), out)
    module = out / "endpoints/acme/widget_2_0/make.py"
    module.write_text(module.read_text() + "# edited by hand\n")
    (out / "stray.py").write_text("")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "runcomfy_codegen",
            "check",
            "--schemas",
            str(GOLDEN / "schemas"),
            "--into",
            str(out),
            "--distribution",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 1
    assert f"changed: {module}" in run.stdout
    assert f"extra: {out / 'stray.py'}" in run.stdout


def _schema_tree(tmp_path: Path, mutate: object) -> Path:
    doc = yaml.safe_load((GOLDEN / "schemas/acme/widget-2.0/make.yaml").read_text())
    assert callable(mutate)
    mutate(doc)
    path = tmp_path / "acme/widget-2.0/make.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return tmp_path


def _rule(doc: dict, **changes: object) -> None:
    doc["input"]["properties"]["photo_urls"]["validations"][0].update(changes)


BAD_FILES = {
    "missing input": (lambda d: d.pop("input"), "input", "is required"),
    "unknown rule metric": (
        lambda d: _rule(d, validation_rule="depth_pixels<"),
        "validations[0]",
        "unknown metric 'depth_pixels'",
    ),
    "unknown operator": (
        lambda d: _rule(d, validation_rule="file_size_mb=="),
        "validations[0]",
        "not <metric><operator>",
    ),
    "rule value not a number": (
        lambda d: _rule(d, validation_value="abc"),
        "validations[0]",
        "value 'abc' is not a number",
    ),
    "colliding names": (
        lambda d: d["input"]["properties"].update({"size ratio": {"type": "string"}}),
        "input.properties",
        "both map to the Python name 'size_ratio'",
    ),
    "unknown type": (
        lambda d: d["input"]["properties"]["prompt"].update(type="text"),
        "input.properties.prompt",
        "unknown type 'text'",
    ),
    "unknown media format": (
        lambda d: d["input"]["properties"].update(scan={"type": "string", "format": "depth_uri"}),
        "input.properties.scan",
        "unknown format 'depth_uri'",
    ),
    "a reference out of the schema": (
        lambda d: d["input"]["properties"].update(other={"$ref": "https://example.com/s.json"}),
        "input.properties.other",
        "nothing is fetched",
    ),
    "an unknown metric deep inside a list of objects": (
        lambda d: d["input"]["properties"].update(
            shots={
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "frame": {
                            "type": "string",
                            "format": "image_uri",
                            "validations": [
                                {
                                    "validation_rule": "depth_pixels<",
                                    "validation_value": 3,
                                    "validation_error": "m",
                                }
                            ],
                        }
                    },
                },
            }
        ),
        "input.properties.shots.items.properties.frame.validations[0]",
        "unknown metric 'depth_pixels'",
    ),
    "a media field where the media stage would not look": (
        lambda d: d["input"]["properties"].update(
            odd={"not": {"type": "string", "format": "image_uri"}}
        ),
        "input.properties.odd.not",
        "would go unchecked",
    ),
    "a pattern no engine compiles": (
        lambda d: d["input"]["properties"]["prompt"].update(pattern="(["),
        "input.properties.prompt",
        "pattern is not a regular expression",
    ),
    "endpoint does not match id": (
        lambda d: d.update(endpoint="/v1/models/other"),
        "endpoint",
        "must be '/v1/models/acme/widget-2.0/make'",
    ),
}


def test_a_keyword_outside_json_schema_is_an_annotation_never_a_refusal(tmp_path: Path) -> None:
    def mutate(doc: dict) -> None:
        doc["input"]["properties"]["prompt"].update({"maxWords": 3, "x-order": 1})
        doc["input"]["properties"]["note"] = {"type": "string", "format": "textarea"}

    files = build(_schema_tree(tmp_path, mutate), RUNCOMFY)
    assert "endpoints/acme/widget_2_0/make.py" in files


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_schema_file_fails_naming_file_place_and_reason(tmp_path: Path, case: str) -> None:
    mutate, where, reason = BAD_FILES[case]
    tree = _schema_tree(tmp_path, mutate)
    with pytest.raises(SchemaFilesError) as caught:
        build(tree, RUNCOMFY)
    (error,) = caught.value.errors
    message = str(error)
    assert message.startswith("acme/widget-2.0/make.yaml")
    assert where in message
    assert reason in message


def test_generate_command_reports_a_bad_file_and_exits_non_zero(tmp_path: Path) -> None:
    tree = _schema_tree(tmp_path / "schemas", lambda d: _rule(d, validation_value="abc"))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "runcomfy_codegen",
            "generate",
            "--schemas",
            str(tree),
            "--into",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 2
    assert "acme/widget-2.0/make.yaml" in run.stderr
    assert "'abc' is not a number" in run.stderr
    assert not (tmp_path / "out").exists()


def test_the_reserved_names_are_the_clients_public_api_and_nothing_else() -> None:
    from runcomfy_runtime.client import AsyncClient
    from runcomfy_runtime.reserved import CLIENT_ATTRIBUTES

    client = AsyncClient(api_token="t" * 12, base_url="http://127.0.0.1:9")
    public = {n for n in dir(client) if not n.startswith("_")}
    assert public <= CLIENT_ATTRIBUTES
    assert {"submit", "run", "validate", "job", "download", "base_url", "wait_timeout"} <= public
    helpers = {"headers_for", "job_ref", "submitted", "verdict", "waiter", "fetch_status"}
    assert not helpers & public, "internals must be private"
    assert not helpers & CLIENT_ATTRIBUTES


def test_names_that_would_shadow_or_break_python_are_renamed(tmp_path: Path) -> None:
    def mutate(doc: dict) -> None:
        doc["id"] = "run/result/job"
        doc["endpoint"] = "/v1/models/run/result/job"
        doc["input"]["properties"]["FALSE"] = {"type": "integer", "enum": [0]}
        doc["input"]["properties"]["sequence"] = {"type": "string", "enum": ["a"]}

    tree = tmp_path / "schemas"
    doc = yaml.safe_load((GOLDEN / "schemas/acme/widget-2.0/make.yaml").read_text())
    mutate(doc)
    (tree / "run/result").mkdir(parents=True)
    (tree / "run/result/job.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    files = build(tree, RUNCOMFY)
    module = files["endpoints/run_/result/job.py"].decode()
    assert "class Job_(SyncEndpoint[Job_Input, Job_Output]):" in module
    assert "class AsyncJob_(AsyncEndpoint[Job_Input, Job_Output]):" in module
    assert "False_: TypeAlias = Literal[0]" in module
    assert (
        "Sequence_: TypeAlias = Literal['a']" in module
        or 'Sequence_: TypeAlias = Literal["a"]' in module
    )
    assert "def run_(self) -> runcomfy.endpoints.run_.Run:" in files["_client.py"].decode()


YAML_CASES = [
    "a: 1\nb: 1.5\nc: true\nd: null\ne: '0.33'\nf: 0x10\ng: 1_000\nh: .inf\n",
    "base: &b {x: 1, y: [1, 2]}\nuse: *b\nmerged:\n  <<: *b\n  z: 3\n",
    "when: 2026-11-25\nlist:\n- ≤ 15 MB\n- width×height\n- ''\n- ~\n",
    "- 1\n- [a, {b: c}]\n",
    "",
    "just text",
]


@pytest.mark.parametrize("text", YAML_CASES)
def test_fast_yaml_reads_exactly_what_safe_load_reads(text: str) -> None:
    from runcomfy_codegen.load import parse_yaml

    assert parse_yaml(text) == yaml.safe_load(text)


def test_fast_yaml_reads_every_schema_file_like_safe_load() -> None:
    from runcomfy_codegen.load import parse_yaml

    for path in [*(ROOT / "schemas").rglob("*.yaml"), *(GOLDEN / "schemas").rglob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        assert parse_yaml(text) == yaml.safe_load(text), path


def test_generate_fills_a_new_folder_then_updates_only_what_changed(tmp_path: Path) -> None:
    from runcomfy_codegen.emit import generate

    out = tmp_path / "runcomfy"
    first = generate(GOLDEN / "schemas", out, RUNCOMFY)
    assert not compare(build(GOLDEN / "schemas", RUNCOMFY), out)
    assert first.missing and not first.changed and not first.extra
    (out / "stale.py").write_text('"""Generated by runcomfy-codegen; do not edit."""\n')
    module = out / "endpoints/acme/widget_2_0/make.py"
    module.write_text("# edited by hand\n")
    kept = out / "_registry.py"
    before = kept.stat().st_mtime_ns
    second = generate(GOLDEN / "schemas", out, RUNCOMFY)
    assert (second.missing, second.extra, second.changed) == (
        [],
        ["stale.py"],
        ["endpoints/acme/widget_2_0/make.py"],
    )
    assert not compare(build(GOLDEN / "schemas", RUNCOMFY), out)
    assert kept.stat().st_mtime_ns == before  # an unchanged file is not rewritten
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".runcomfy-codegen-")]


def test_generate_never_removes_a_file_it_did_not_write(tmp_path: Path) -> None:
    from runcomfy_codegen.emit import generate
    from runcomfy_codegen.target import TargetError

    out = tmp_path / "runcomfy"
    generate(GOLDEN / "schemas", out, RUNCOMFY)
    mine = out / "helpers.py"
    mine.write_text("def mine() -> int:\n    return 1\n")
    module = out / "endpoints/acme/widget_2_0/make.py"
    module.write_text("# edited by hand\n")
    with pytest.raises(TargetError, match=r"helpers\.py"):
        generate(GOLDEN / "schemas", out, RUNCOMFY)
    assert mine.read_text().startswith("def mine")  # kept, and nothing else was touched
    assert module.read_text() == "# edited by hand\n"
