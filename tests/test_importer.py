"""Documentation pages -> schema files, whatever shape or language the page comes in."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runcomfy_codegen.emit import build
from runcomfy_codegen.errors import SchemaFileError
from runcomfy_codegen.import_command import page_to_yaml
from runcomfy_codegen.importer import parse_page
from runcomfy_codegen.target import RUNCOMFY

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).parent / "pages"  # copies of ../shared/seeds
SEEDS = sorted(PAGES.glob("*.txt"))
EDIT_PAGE = PAGES / "000_ebb40fefca647114.txt"  # es: bytedance/dreamina-4-0/edit


def _import(
    *args: str, stdin: str | None = None, schemas: Path
) -> subprocess.CompletedProcess[str]:
    into = schemas.parent / "mymodels"  # the package it generates (not in --check, --dry-run)
    command = [sys.executable, "-m", "runcomfy_codegen", "import", *args]
    return subprocess.run(
        [*command, "--schemas", str(schemas), "--into", str(into)],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=ROOT,
    )


def _documented(text: str) -> tuple[dict, dict]:
    """The page's input schema and its output wrapper, read with plain json."""
    decoder, found = json.JSONDecoder(), []
    for match in re.finditer(r"\{\s*\"", text):
        try:
            found.append(decoder.raw_decode(text, match.start())[0])
        except ValueError:
            continue
    return (
        next(o for o in found if o.get("type") == "object" and "properties" in o),
        next(o for o in found if list(o) == ["output"]),
    )


def browser_copy(text: str) -> str:
    """The page as copied from a browser: navigation, contents, pretty JSON, a footer."""
    schema, output = _documented(text)
    curl = text[: text.index("curl --request GET")]
    curl = (
        curl.split("--data '", 1)[0]
        + "--data '"
        + json.dumps(json.loads(curl.split("--data '", 1)[1].split("}'", 1)[0] + "}"), indent=2)
        + "'\n"
    )
    return "\n".join(
        [
            "Skip to content",
            "RunComfy  Models  Workflows  Pricing  Log in",
            "Home / Models / Dreamina 4.0 / Edit / API",
            "On this page",
            "  Authentication",
            "  Submit a request",
            "  Input schema",
            "Dreamina 4.0 Edit API",
            text.split("\n", 1)[0].split("curl", maxsplit=1)[0],
            curl,
            "Schema",
            json.dumps(schema, indent=4, ensure_ascii=False),
            json.dumps(output, indent=4, ensure_ascii=False),
            "© 2026 RunComfy. Terms  Privacy  Status",
        ]
    )


def german(text: str) -> str:
    first = "Verwende die RunComfy-API, um bytedance/dreamina-4-0/edit auszuführen."
    return first + text[text.index("curl") :].replace("Esquema de entrada", "Eingabeschema")


def without_curl(text: str) -> str:
    schema, output = _documented(text)
    return "Referencia de la API\n" + json.dumps(schema) + "\n" + json.dumps(output)


@pytest.mark.parametrize("page", SEEDS, ids=lambda p: p.name)
def test_each_seed_reproduces_its_committed_schema_file(page: Path) -> None:
    model_id, rendered = page_to_yaml(page.read_text(encoding="utf-8"), page.name, RUNCOMFY.name)
    assert (ROOT / "schemas" / f"{model_id}.yaml").read_text(encoding="utf-8") == rendered


@pytest.mark.parametrize(
    "shape",
    [browser_copy, german, lambda t: t.replace("\n", "\r\n")],
    ids=["browser", "de", "crlf"],
)
def test_other_shapes_of_the_same_page_give_the_same_schemas(shape: object) -> None:
    assert callable(shape)
    text = EDIT_PAGE.read_text(encoding="utf-8")
    original = parse_page(text, EDIT_PAGE.name)
    other = parse_page(shape(text), EDIT_PAGE.name)
    for key in ("id", "endpoint", "example", "output"):
        assert other[key] == original[key], key
    # The input schema's own title is prose in the page's language ("Esquema de entrada",
    # "Eingabeschema"); every property, limit, rule and message is the same.
    assert _without_title(other["input"]) == _without_title(original["input"])


def _without_title(schema: dict) -> dict:
    return {k: v for k, v in schema.items() if k != "title"}


def test_a_browser_copy_takes_the_summary_line_not_the_navigation() -> None:
    doc = parse_page(browser_copy(EDIT_PAGE.read_text(encoding="utf-8")), "x.txt")
    assert doc["summary"].startswith(
        "Usa la API de RunComfy para ejecutar bytedance/dreamina-4-0/edit"
    )


def test_a_page_without_curl_imports_without_an_example() -> None:
    text = EDIT_PAGE.read_text(encoding="utf-8")
    page = (
        without_curl(text)
        + "\nPOST https://model-api.runcomfy.net/v1/models/bytedance/dreamina-4-0/edit"
    )
    doc = parse_page(page, "nocurl.txt")
    assert "example" not in doc
    assert doc["input"] == parse_page(text, "x")["input"]


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("just prose, no endpoint", "no endpoint URL"),
        (
            "curl https://model-api.runcomfy.net/v1/models/a/b and https://model-api.runcomfy.net/v1/models/a/c",
            "more than one endpoint on one page: a/b, a/c",
        ),
        ("curl https://model-api.runcomfy.net/v1/models/a/b\nno schema here", "no input schema"),
    ],
)
def test_unreadable_pages_say_what_is_missing(page: str, reason: str) -> None:
    with pytest.raises(SchemaFileError, match=re.escape(reason)):
        parse_page(page, "bad.txt")


def test_truncated_json_fails_clearly_and_writes_nothing(tmp_path: Path) -> None:
    text = EDIT_PAGE.read_text(encoding="utf-8")
    cut = text[: text.index('"scale"')]
    page = tmp_path / "cut.txt"
    page.write_text(cut, encoding="utf-8")
    schemas = tmp_path / "schemas"
    run = _import(str(EDIT_PAGE), str(page), schemas=schemas)
    assert run.returncode == 2
    assert "cut.txt" in run.stderr and "no input schema" in run.stderr
    assert "does not parse" in run.stderr and "line " in run.stderr
    assert not schemas.exists()  # all or nothing: the good page was not written either


def test_reimport_changes_nothing_and_a_changed_page_rewrites_only_what_changed(
    tmp_path: Path,
) -> None:
    schemas = tmp_path / "schemas"
    assert _import(str(EDIT_PAGE), schemas=schemas).returncode == 0
    target = schemas / "bytedance/dreamina-4-0/edit.yaml"
    before = target.read_text(encoding="utf-8")
    again = _import(str(EDIT_PAGE), schemas=schemas)
    assert "unchanged" in again.stdout and target.read_text(encoding="utf-8") == before
    changed = tmp_path / EDIT_PAGE.name
    changed.write_text(
        EDIT_PAGE.read_text(encoding="utf-8").replace('"maxLength": 800', '"maxLength": 900')
    )
    assert _import(str(changed), schemas=schemas).returncode == 0
    after = target.read_text(encoding="utf-8")
    differing = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert differing == [("      maxLength: 800", "      maxLength: 900")]


def test_dry_run_prints_and_check_compares(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    dry = _import("--dry-run", "-", stdin=EDIT_PAGE.read_text(encoding="utf-8"), schemas=schemas)
    assert dry.returncode == 0 and dry.stdout.startswith("# Imported from")
    assert yaml.safe_load(dry.stdout)["id"] == "bytedance/dreamina-4-0/edit"
    assert not schemas.exists()
    assert _import("--check", str(EDIT_PAGE), schemas=schemas).returncode == 1
    assert _import("--check", str(EDIT_PAGE), schemas=ROOT / "schemas").returncode == 0


def test_an_imported_page_generates_a_working_package(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    assert _import(*map(str, SEEDS), schemas=schemas).returncode == 0
    assert build(schemas, RUNCOMFY) == build(ROOT / "schemas", RUNCOMFY)


SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page=st.sampled_from(SEED_TEXTS),
    cut=st.floats(0, 1),
    garbage=st.text(max_size=40),
    where=st.floats(0, 1),
)
def test_truncation_or_garbage_never_crashes_the_importer(
    page: str, cut: float, garbage: str, where: float
) -> None:
    text = page[: int(len(page) * cut)] if cut < 0.98 else page
    at = int(len(text) * where)
    text = text[:at] + garbage + text[at:]
    try:
        _, rendered = page_to_yaml(text, "fuzz.txt", RUNCOMFY.name)
    except SchemaFileError:
        return
    assert yaml.safe_load(rendered)["id"]


names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
prop = st.one_of(
    st.fixed_dictionaries({"type": st.just("string"), "maxLength": st.integers(1, 900)}),
    st.fixed_dictionaries({"type": st.just("float"), "minimum": st.just(0), "maximum": st.just(1)}),
    st.fixed_dictionaries(
        {
            "type": st.just("integer"),
            "enum": st.lists(st.integers(-5, 500), min_size=1, max_size=4, unique=True),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just("string"), "enum": st.lists(names, min_size=1, max_size=4, unique=True)}
    ),
    st.fixed_dictionaries({"type": st.just("boolean"), "default": st.booleans()}),
)


@settings(max_examples=60, deadline=None)
@given(properties=st.dictionaries(names, prop, min_size=1, max_size=6))
def test_any_schema_file_the_importer_writes_generates_cleanly(
    properties: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    schema = {"type": "object", "required": sorted(properties)[:1], "properties": properties}
    output = {"output": {"type": "object", "properties": {"image": {"type": "string"}}}}
    page = (
        "Run acme/fuzz-1/edit.\ncurl --url https://model-api.runcomfy.net/v1/models/acme/fuzz-1/edit\n"
        + json.dumps(schema, ensure_ascii=False)
        + json.dumps(output)
    )
    try:
        model_id, rendered = page_to_yaml(page, "gen.txt", RUNCOMFY.name)
    except SchemaFileError as e:
        assert "map to the Python name" in str(e) or "no letters or digits" in str(e), e
        return
    root = tmp_path_factory.mktemp("schemas")
    path = root / f"{model_id}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(rendered, encoding="utf-8")
    files = build(root, RUNCOMFY)
    assert "endpoints/acme/fuzz_1/edit.py" in files
    compile(files["endpoints/acme/fuzz_1/edit.py"], "edit.py", "exec")
