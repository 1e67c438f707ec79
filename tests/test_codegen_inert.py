"""No text can become code: hostile text in every template slot, from schema files, a page and a
catalog entry, generates a package whose every module imports in a fresh process without
running anything (each payload tries to create a marker file) and reads back as the text given.

Also the pieces on their own: the docstring escaper and ``repr`` literals round-trip any text,
a template that prints a raw value is refused as it loads, and a slot put where its escaping
does not hold stops the rendering.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from runcomfy_codegen import slots, source
from runcomfy_codegen.importer import dump_schema_file
from runcomfy_codegen.load import parse_yaml
from runcomfy_runtime.schema.describe import english_summary
from runcomfy_runtime.schema.normalise import normalise
from tests.generated_package import ROOT, build_into, import_every_module

PAGES = Path(__file__).parent / "pages"


def hostile(marker: Path) -> list[str]:
    """Text that tries every way out of a string, a docstring or a template, each payload
    creating ``marker`` if it ever runs as code."""
    touch = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    return [
        f'x""" ; {touch} ; """',
        f"x''' ; {touch} ; '''",
        f'x"""" ; {touch} ; """"',
        f'"""{touch}',
        f'{touch}"',
        f"{touch}\\",
        f'"; {touch}; "',
        f"'; {touch}; '",
        f'\\"""; {touch}; """',
        f"\\\n{touch}",
        '"',
        '""',
        "\\",
        f"{{{{ {touch} }}}}",
        f"{{% if true %}}{touch}{{% endif %}}{{# comment #}}",
        f"\n{touch}\n",
        f"\r{touch}\r\n",
        f"\x0c{touch}",
        f"\u2028{touch}\u2029\x85",
        "\\N{BULLET} \\x41 \\u0041 \\U0001F600 \\0 \\",
        f"# -*- coding: latin-1 -*-\n{touch}",
        "\t tab \x0b vtab \x1b[31m escape \x7f",
        "bidi \u202e evil \u200b zero width \ufeff bom",
        "non-ASCII: é ≤ 15 MB – 漢字 🎉",
        "x" * 5000,
    ]


def endpoint_doc(number: int, text: str) -> dict[str, Any]:
    """A schema file with ``text`` in every slot a schema can fill (names keep a prefix so each
    has letters to make a Python name from)."""
    wire = f"k{number} {text}"
    photo = f"photo{number} {text}"
    out = f"o{number} {text}"
    return {
        "id": f"fuzz/p{number:02d}/make",
        "endpoint": f"/v1/models/fuzz/p{number:02d}/make",
        "title": text,
        "summary": text,
        "source": text,
        "catalog": {
            "display_name": text,
            "categories": [text, "image"],
            "kind": text,
            "price_unit": text,
            "pricing_note": text,
        },
        "example": {wire: text},
        "input": {
            "type": "object",
            "title": text,
            "description": text,
            "required": [wire],
            "properties": {
                wire: {
                    "type": "string",
                    "title": text,
                    "description": text,
                    "enum": [text, "plain"],
                    "default": text,
                    "pattern": re.escape(text),
                },
                photo: {
                    "type": "array",
                    "title": text,
                    "description": f"PNG only. {text}",
                    "items": {"type": "string", "format": "image_uri"},
                    "validations": [
                        {
                            "validation_rule": "file_size_mb<=",
                            "validation_value": 1,
                            "validation_error": text,
                        }
                    ],
                },
            },
        },
        "output": {"type": "object", "properties": {out: {"type": "string"}}},
    }


def write_schemas(folder: Path, docs: list[dict[str, Any]]) -> None:
    for doc in docs:
        path = folder / f"{doc['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = dump_schema_file(doc)
        assert parse_yaml(text) == doc  # the test's own premise: the file holds the text
        path.write_text(text, encoding="utf-8")


def docstrings(path: Path) -> list[str]:
    """Every docstring of a module or stub, attribute docstrings included, as Python reads it
    from the file's bytes (a ``coding:`` line would count)."""
    tree = ast.parse(path.read_bytes())
    found = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            found += [
                s.value.value
                for s in body
                if isinstance(s, ast.Expr)
                and isinstance(s.value, ast.Constant)
                and isinstance(s.value.value, str)
            ]
    return found


def words(text: str) -> str:
    return " ".join(text.split())


def generate_and_check(tmp_path: Path, texts: list[str], marker: Path) -> None:
    docs = [endpoint_doc(i, text) for i, text in enumerate(texts)]
    write_schemas(tmp_path / "schemas", docs)
    package = build_into(tmp_path / "schemas", tmp_path / "out" / "runcomfy")
    seen = import_every_module(package, marker)
    assert sorted(seen) == sorted(doc["id"] for doc in docs)
    for doc, text in zip(docs, texts, strict=True):
        got = seen[doc["id"]]
        summary = english_summary(doc["id"], "image", text)
        assert f"(source: {text}).\nDo not edit" in got["module_doc"]
        assert got["input_schema"] == normalise(doc["input"]).schema
        assert got["example"] == doc["example"]
        assert got["summary"] == summary and got["class_doc"] == summary
        assert sorted(got["wires"]) == sorted(doc["input"]["properties"])
        assert got["messages"] == [text]
        assert got["outputs"] == list(doc["output"]["properties"])
        described = words(got["submit_doc"])
        assert words(text) in described
        assert words(f"One of: {text!r}, 'plain'.") in described
        (key,) = doc["output"]["properties"]
        module = package / "endpoints/fuzz" / doc["id"].split("/")[1] / "make.py"
        assert f"A URL under ``{key}``." in docstrings(module)
        stub = module.parent / "__init__.pyi"
        assert summary in docstrings(stub)


def test_hostile_text_in_every_slot_generates_modules_that_import_and_run_nothing(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "MARKER"
    generate_and_check(tmp_path, hostile(marker), marker)


FUZZ_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)  # NUL and lone surrogates are refused where text enters (tests/test_text_flaws.py)


@settings(max_examples=2, deadline=None)
@given(texts=st.lists(FUZZ_TEXT, min_size=12, max_size=12))
@example(texts=[" ", "\t x ", *["y"] * 10])  # blank, padded names: no edge spaces
def test_any_text_in_every_slot_reads_back_as_itself(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    generate_and_check(tmp_path, [t or "empty" for t in texts], tmp_path / "MARKER")


def poisoned_page(marker: Path) -> str:
    """A real documentation page whose output key, descriptions and enum value are hostile."""
    evil = hostile(marker)
    page = (PAGES / "000_ebb40fefca647114.txt").read_text(encoding="utf-8")
    key = json.dumps(f'x""" ; __import__("os").system("touch {marker}") ; """')
    page = page.replace('"image": {\n"type": "string",\n"format": "uri"', f"{key}: {{\n"
                        '"type": "string",\n"format": "uri"', 1)  # fmt: skip
    described = re.compile(r'"description": "Only JPEG and PNG formats are supported[^"]*"')
    page = described.sub(lambda _: '"description": ' + json.dumps("PNG. " + evil[0]), page, 1)
    return page.replace('"enum": [\n"1K"', '"enum": [\n' + json.dumps(evil[13]), 1)


def poisoned_entry(marker: Path) -> dict[str, Any]:
    evil = hostile(marker)
    return {
        "model_id": "acme/poisoned/text-to-image",
        "display_name": evil[0],
        "categories": [evil[2], "text-to-image"],
        "kind": evil[3],
        "base_price_usd": 0.01,
        "price_unit": evil[4],
        "pricing_note": evil[5],
        "input_schema": {
            "type": "object",
            "required": [f"p {evil[6]}"],
            "properties": {
                f"p {evil[6]}": {"type": "string", "description": evil[7], "default": evil[8]},
                "q": {"type": "string", "enum": [evil[9], evil[15]], "title": evil[18]},
            },
        },
    }


def test_a_poisoned_page_and_catalog_entry_import_and_generate_into_inert_code(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "MARKER"
    (tmp_path / "page.txt").write_text(poisoned_page(marker), encoding="utf-8")
    (tmp_path / "entry.json").write_text(json.dumps(poisoned_entry(marker)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def codegen(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "runcomfy_codegen", *args, "--schemas", "schemas"]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)

    into = ("--into", "out/runcomfy", "--distribution")
    imported = codegen("import", "page.txt", "entry.json", *into)  # then generates
    assert imported.returncode == 0, imported.stderr
    generated = codegen("check", *into)
    assert generated.returncode == 0, generated.stderr
    seen = import_every_module(tmp_path / "out/runcomfy", marker)
    edit = seen["bytedance/dreamina-4-0/edit"]
    assert f'x""" ; __import__("os").system("touch {marker}") ; """' in edit["outputs"]
    assert words(hostile(marker)[0]) in words(edit["submit_doc"])
    entry = seen["acme/poisoned/text-to-image"]
    assert entry["summary"].startswith(hostile(marker)[0] + " (acme/poisoned/text-to-image)")
    properties = entry["input_schema"]["properties"]
    assert properties["q"]["enum"] == [hostile(marker)[9], hostile(marker)[15]]
    assert properties[f"p {hostile(marker)[6]}"]["default"] == hostile(marker)[8]


# -- the pieces ---------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF))  # surrogates too


@given(text=ANY_TEXT, before=st.sampled_from(["", "``", 'say " ', '"" ']),
       after=st.sampled_from(["", "``.", ' " said', ' ""']))  # fmt: skip
def test_docstring_text_reads_back_exactly_and_never_ends_the_string(
    text: str, before: str, after: str
) -> None:
    escaped = source.docstring(text)
    module = f'x = 1\n"""The {before}{escaped}{after} end."""\ny = 2\n'  # a template around it
    tree = ast.parse(module.encode("utf-8", "surrogatepass"))
    assert [type(s) for s in tree.body] == [ast.Assign, ast.Expr, ast.Assign]
    read = tree.body[1].value.value  # type: ignore[attr-defined]
    assert read == f"The {before}{text}{after} end."
    assert escaped.isprintable() and "\\N" not in escaped.replace("\\\\", "")
    assert not re.search(r'(?<!\\)""', escaped) and not escaped.startswith('"')


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT,
    lambda inner: st.lists(inner) | st.dictionaries(ANY_TEXT, inner),
    max_leaves=20,
)  # fmt: skip


@given(value=JSON)
def test_literals_read_back_exactly(value: Any) -> None:
    assert ast.literal_eval(source.literal(value)) == value


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), {"when": __import__("datetime").date(2024, 1, 1)}, b"bytes",
     type("Sneaky", (str,), {"__repr__": lambda self: "__import__('os')"})("x"), {1, 2}],
    ids=["nan", "inf", "date", "bytes", "str-subclass", "set"],
)  # fmt: skip
def test_a_value_json_has_no_word_for_is_never_printed_as_code(value: Any) -> None:
    with pytest.raises(ValueError, match="not a JSON value"):
        source.literal(value)


@pytest.mark.parametrize(
    ("printer", "value"),
    [(source.identifier, "x; import os"), (source.identifier, "class"), (source.identifier, "ﬁ"),
     (source.dotted, "a.b c"), (source.hint, "str | os.system('x')"), (source.hint, "A[B]]")],
)  # fmt: skip
def test_names_are_checked_never_escaped(printer: Any, value: str) -> None:
    with pytest.raises(ValueError):
        printer(value)


def environment(templates: dict[str, str]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), undefined=jinja2.StrictUndefined)
    slots.install(env)
    return env


def test_a_template_printing_a_raw_value_or_a_folded_constant_is_refused_as_it_loads() -> None:
    env = environment({
        "raw.py.jinja": '"""{{ ep.model_id }}"""\nx = {{ value | py }}\n',
        "folded.py.jinja": "x = {{ 'constant' | py }}\n",
        "joined.py.jinja": "x = {{ a ~ b }}\n",
        "bound.py.jinja": "{% macro m() %}{{ a | py }}{% endmacro %}{% set t = m() %}{{ t }}\n",
        "rebound.py.jinja": "{% macro m() %}{% endmacro %}{% set t = m() %}"
                            "{% for t in xs %}{% endfor %}{{ t }}\n",
        "set.py.jinja": "{% set t = ep.model_id %}x = {{ t }}\n",
        "fine.py.jinja": '"""{{ a | doc }} {{ "Async" if b else "" }}"""\n'
                         "{% macro m() %}{% endmacro %}{{ m() }}\n",
    })  # fmt: skip
    assert any("line 1: prints a value through no escaping filter" in p
               for p in slots.slot_problems(env, "raw.py.jinja"))  # fmt: skip
    assert any("escapes a constant" in p for p in slots.slot_problems(env, "folded.py.jinja"))
    assert slots.slot_problems(env, "joined.py.jinja")
    assert slots.slot_problems(env, "bound.py.jinja") == []  # a macro's rendering, bound once
    assert slots.slot_problems(env, "rebound.py.jinja") and slots.slot_problems(env, "set.py.jinja")
    assert slots.slot_problems(env, "fine.py.jinja") == []
    with pytest.raises(slots.TemplateSlotError):
        slots.check_template(env, "raw.py.jinja")


@pytest.mark.parametrize(
    ("template", "where"),
    [
        ('"""A {{ value | py }} in a docstring."""\n', "(expr) is in a string"),
        ("x = {{ value | doc }}\n", "(doc) is part of a name"),
        ("x = '{{ value | doc }}'\n", "(doc) is in a string"),
        ("x = r'''{{ value | doc }}'''\n", "(doc) is in a string"),
        ('x = f"""{{ value | doc }}"""\n', "in an f-string"),
        ("# {{ value | py }}\n", "outside the code and its strings"),
        ("{{ value | py }} = 1\n", "(expr) is part of a name"),
        ("class {{ value | doc }}: pass\n", "(doc) is the name of a ClassDef"),
        ('"""Say "{{ value | doc }}" here."""\n', "a quote or backslash of the template next"),
        ('"""A \\{{ value | doc }} here."""\n', "a quote or backslash of the template next"),
    ],
)
def test_a_slot_where_its_escaping_does_not_hold_stops_the_rendering(
    template: str, where: str
) -> None:
    env = environment({"t.py.jinja": template})
    with pytest.raises(slots.TemplateSlotError, match=re.escape(where)):
        slots.render(env.get_template("t.py.jinja"), value="harmless")


def test_every_shipped_template_prints_only_through_its_escaping_filters() -> None:
    from runcomfy_codegen.render import TEMPLATE_NAMES, TEMPLATES, environment

    assert sorted(TEMPLATE_NAMES) == sorted(p.name for p in TEMPLATES.glob("*.jinja"))
    env = environment()
    assert all(slots.slot_problems(env, name) == [] for name in TEMPLATE_NAMES)


@pytest.mark.parametrize(
    "text",
    ["Sequence[MultiPromptItem] | None", "Mapping[str, Any]", "Literal['a', -1, True] | None",
     'Sequence["Node"]', "Sequence[Sequence[ImageInput]]"],
)  # fmt: skip
def test_a_nested_annotation_prints_as_python_reads_it_back(text: str) -> None:
    printed = source.hint(text)
    assert ast.dump(ast.parse(printed, mode="eval")) == ast.dump(ast.parse(text, mode="eval"))


@pytest.mark.parametrize(
    "text",
    ["Literal[os.system('x')]", "Sequence['a b']", "Literal[1.5]", "A[B].c", "Literal[{1: 2}]",
     "Sequence[lambda: 0]", "str if x else int"],
)  # fmt: skip
def test_an_annotation_holding_anything_but_a_type_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        source.hint(text)
