"""Stage 1: read the schema files and check each against the meta-schema."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from runcomfy_codegen.errors import SchemaFileError
from runcomfy_runtime.errors import SchemaProblem
from runcomfy_runtime.schema.text import places, text_problems

# libyaml's safe loader parses ten times faster than PyYAML's pure-Python one; same result.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
META_SCHEMA_PATH = Path(__file__).with_name("schema_file.schema.json")


@dataclass(frozen=True)
class SchemaFile:
    """One endpoint's schema file as written, with the path it is reported by."""

    name: str  # the path relative to the schemas root, as error messages show it
    doc: dict[str, Any]


def _meta_schema() -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    return meta


@cache
def _meta_validator() -> Draft202012Validator:
    """jsonschema's validator: slower, but it names the best error and its place."""
    return Draft202012Validator(_meta_schema())


@cache
def fast_check() -> Callable[[Any], Any]:
    """The same meta-schema compiled to Python by fastjsonschema: seven times faster on the
    files that pass, which is nearly all of them. Its keywords here (type, properties,
    required, additionalProperties, pattern, const, items, min*) mean the same in every draft."""
    meta = _meta_schema()
    meta.pop("$schema", None)
    check: Callable[[Any], Any] = fastjsonschema.compile(meta)
    return check


def _where(path: Any) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


_JSON_TYPES = (str, int, float, bool, type(None), dict, list)


def data_problems(doc: Any) -> list[SchemaProblem]:
    """What of a document cannot be kept as schema data: text with a NUL or a lone surrogate
    (``runcomfy_runtime.schema.text``), and values JSON has no word for (a YAML date, binary, a
    set, ``.nan``): generated code prints data only as literals of JSON values."""
    try:
        dumped = json.dumps(doc, ensure_ascii=False, check_circular=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        dumped = None
    problems = text_problems(doc, dumped=dumped)
    if dumped is None:
        problems += [
            SchemaProblem(place or "(top level)", f"{item!r} is not JSON data")
            for place, item, _ in places(doc)
            if not isinstance(item, _JSON_TYPES)
            or (isinstance(item, float) and not math.isfinite(item))
        ]
    return problems


def check_doc(name: str, doc: Any) -> SchemaFile:
    if not isinstance(doc, dict):
        raise SchemaFileError(name, "(top level)", "a schema file must be a YAML mapping")
    problems = data_problems(doc)
    if problems:
        raise SchemaFileError(name, problems=problems)
    try:
        fast_check()(doc)
        error = None
    except fastjsonschema.JsonSchemaException as fast:
        error = best_match(_meta_validator().iter_errors(doc))
        if error is None:
            raise SchemaFileError(name, "(top level)", str(fast)) from None
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


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load``, faster: libyaml parses and composes the node graph; plain strings,
    mappings and lists (nearly every node of a schema file) are built here directly, and every
    other node (numbers, booleans, merge keys, timestamps) by PyYAML's safe constructor."""
    loader = _SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(node, loader)
    finally:
        loader.dispose()


def _build(node: yaml.Node, loader: Any) -> Any:
    if node.tag == _STR and isinstance(node, yaml.ScalarNode):
        return node.value
    if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
        return [_build(item, loader) for item in node.value]
    merges = node.tag == _MAP and any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value)
    if node.tag == _MAP and isinstance(node, yaml.MappingNode) and not merges:
        return {_build(k, loader): _build(v, loader) for k, v in node.value}
    return loader.construct_object(node, deep=True)


def load_file(path: Path, root: Path) -> SchemaFile:
    name = path.relative_to(root).as_posix()
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise SchemaFileError(name, "", f"not valid YAML: {e}") from None
    schema_file = check_doc(name, doc)
    if name != f"{doc['id']}.yaml":
        raise SchemaFileError(name, "id", f"file must live at {doc['id']}.yaml to match its id")
    return schema_file


def schema_paths(root: Path) -> list[Path]:
    """Every schema file under ``root``, sorted so order never depends on the disk."""
    return sorted(p for p in root.rglob("*.yaml") if not p.name.startswith("_"))


def read_doc(path: Path) -> Any:
    """A schema file's document, or None when it cannot be read or parsed."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def load_tree(root: Path) -> list[SchemaFile]:
    return [load_file(p, root) for p in schema_paths(root)]
