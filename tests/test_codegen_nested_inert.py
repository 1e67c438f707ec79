"""The slots structured inputs add (nested keys of TypedDicts, their docstrings, Literal values
deep in an annotation, ``$defs`` names, union labels, nested media sites and their rules,
children of endpoints) print through the same escaping path as every other slot: hostile text
in each generates modules that import in a fresh interpreter, run nothing, and read back as
the text given."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from runcomfy_codegen.importer import dump_schema_file
from tests.generated_package import build_into, child_env, import_every_module
from tests.test_codegen_inert import hostile

READ_BACK = textwrap.dedent("""
    import importlib, json, sys, typing
    module = importlib.import_module(sys.argv[1])
    found = {}
    for name, value in vars(module).items():
        if isinstance(value, type) and typing.is_typeddict(value):
            literals = [list(typing.get_args(a)) for a in value.__annotations__.values()
                        if typing.get_origin(a) is typing.Literal]
            found[name] = {"keys": sorted(value.__annotations__), "doc": value.__doc__,
                           "literals": literals}
    spec = module.SPEC
    found["sites"] = [[s.pointer, [r.message for r in s.rules]] for s in spec.nested_media]
    print(json.dumps(found))
""")


def nested_doc(number: int, text: str) -> dict[str, Any]:
    key = f"k{number} {text}"
    return {
        "id": f"fuzz/n{number:02d}/make",
        "endpoint": f"/v1/models/fuzz/n{number:02d}/make",
        "source": text,
        "catalog": {"categories": ["text-to-video"]},
        "input": {
            "type": "object",
            "properties": {
                "shots": {
                    "type": "array",
                    "description": text,
                    "items": {
                        "type": "object",
                        "description": text,
                        "required": [key],
                        "properties": {
                            key: {"type": "string", "description": text, "enum": [text, "x"]},
                            f"img {text}": {
                                "type": "string",
                                "format": "image_uri",
                                "validations": [
                                    {
                                        "validation_rule": "width_pixels>",
                                        "validation_value": 1,
                                        "validation_error": text,
                                    }
                                ],
                            },
                        },
                    },
                },
                "choice": {
                    "oneOf": [
                        {
                            "type": "object",
                            "title": f"a {text}",
                            "properties": {"a": {"const": text}},
                        },
                        {"type": "object", "properties": {"b": {"const": f"b {text}"}}},
                    ]
                },
                "ref": {"$ref": f"#/$defs/D{number}"},
                "meta": {
                    "type": "object",
                    "description": text,
                    "properties": {"note": {"type": "string", "description": text}},
                },
            },
            "$defs": {f"D{number}": {"type": "object", "properties": {key: {"type": "integer"}}}},
        },
    }


def test_hostile_text_in_every_nested_slot_is_inert_and_reads_back(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    texts = hostile(marker)
    docs = [nested_doc(i, text) for i, text in enumerate(texts)]
    for doc in docs:
        path = tmp_path / "schemas" / f"{doc['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_schema_file(doc), encoding="utf-8")
    children = {"id": "fuzz/n00/make/draft", "endpoint": "/v1/models/fuzz/n00/make/draft",
                "source": texts[0], "input": {"type": "object",
                                              "properties": {"p": {"type": "string"}}}}  # fmt: skip
    path = tmp_path / "schemas/fuzz/n00/make/draft.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(dump_schema_file(children), encoding="utf-8")
    package = build_into(tmp_path / "schemas", tmp_path / "out" / "runcomfy")
    seen = import_every_module(package, marker)
    assert len(seen) == len(docs) + 1
    for number, text in enumerate(texts):
        module = f"runcomfy.endpoints.fuzz.n{number:02d}.make"
        done = subprocess.run([sys.executable, "-c", READ_BACK, module], capture_output=True,
                              text=True, env=child_env(package), timeout=60)  # fmt: skip
        assert not marker.exists(), "a payload ran at import"
        assert done.returncode == 0, done.stderr
        found = json.loads(done.stdout)
        key = f"k{number} {text}"
        assert found["ShotsItem"]["keys"] == sorted([key, f"img {text}"])
        assert found["ShotsItem"]["doc"] is None  # keys that are no identifiers: no docstring
        assert found["Meta"]["keys"] == ["note"]
        assert " ".join(text.split()) in " ".join(found["Meta"]["doc"].split())
        assert found["sites"][0][1] == [text]
        assert [text, "x"] in found["ShotsItem"]["literals"]  # a Literal deep in the tree
        assert sorted(found[f"D{number}"]["keys"]) == [key]
