"""Stage 1: read the schema files and check each against the meta-schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from codegen.errors import SchemaFileError

# libyaml's safe loader parses ten times faster than PyYAML's pure-Python one; same result.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
META_SCHEMA_PATH = Path(__file__).with_name("schema_file.schema.json")


@dataclass(frozen=True)
class SchemaFile:
    """One endpoint's schema file as written, with the path it is reported by."""

    name: str  # the path relative to the schemas root, as error messages show it
    doc: dict[str, Any]


@cache
def _meta_validator() -> Draft202012Validator:
    meta = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(_inline_refs(meta, meta.pop("$defs", {})))


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """The meta-schema with each ``#/$defs/x`` replaced by its definition (none is recursive):
    resolving references costs more than all the other checking of a file together."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _where(path: Any) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def check_doc(name: str, doc: Any) -> SchemaFile:
    if not isinstance(doc, dict):
        raise SchemaFileError(name, "(top level)", "a schema file must be a YAML mapping")
    error = best_match(_meta_validator().iter_errors(doc))
    if error is not None:
        where = list(error.absolute_path)
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in error.instance]
            where += missing[:1]
            raise SchemaFileError(name, _where(where), "is required but missing")
        raise SchemaFileError(name, _where(where), error.message)
    expected = f"/v1/models/{doc['id']}"
    if doc["endpoint"] != expected:
        raise SchemaFileError(name, "endpoint", f"must be {expected!r} for id {doc['id']!r}")
    return SchemaFile(name, doc)


def load_file(path: Path, root: Path) -> SchemaFile:
    name = path.relative_to(root).as_posix()
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as e:
        raise SchemaFileError(name, "", f"not valid YAML: {e}") from None
    schema_file = check_doc(name, doc)
    if name != f"{doc['id']}.yaml":
        raise SchemaFileError(name, "id", f"file must live at {doc['id']}.yaml to match its id")
    return schema_file


def schema_paths(root: Path) -> list[Path]:
    """Every schema file under ``root``, sorted so order never depends on the disk."""
    return sorted(p for p in root.rglob("*.yaml") if not p.name.startswith("_"))


def load_tree(root: Path) -> list[SchemaFile]:
    return [load_file(p, root) for p in schema_paths(root)]
