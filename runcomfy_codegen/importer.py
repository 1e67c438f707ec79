"""A RunComfy documentation page (saved as text, any language) -> the endpoint's schema file.

It reads the page's structure, never its words: the endpoint comes from the curl URL
(``.../v1/models/<model id>``), the example from the curl ``--data`` body, the input schema is
the JSON object with ``"type": "object"`` and ``"properties"``, the output schema the object
holding ``"output"``. The summary is the page's first prose line naming the model id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from runcomfy_codegen.errors import SchemaFileError

_ENDPOINT = re.compile(
    r"https?://[^\s\"'\\]+?/v1/models/([A-Za-z0-9._~\-]+(?:/[A-Za-z0-9._~\-]+)*)"
)
_CURL_DATA = re.compile(r"(?:--data(?:-raw|-binary)?|-d)\s+'((?:[^']|'\\'')*)'", re.S)
_JSON_START = re.compile(r"\{\s*\"")


@dataclass(frozen=True)
class _Found:
    start: int
    value: Any


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _json_objects(text: str) -> tuple[list[_Found], list[tuple[int, str]]]:
    """Every top-level JSON object in the text, and the places where one failed to parse."""
    decoder = json.JSONDecoder()
    found: list[_Found] = []
    broken: list[tuple[int, str]] = []
    pos = 0
    while (match := _JSON_START.search(text, pos)) is not None:
        start = match.start()
        try:
            value, end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError) as e:  # JSONDecodeError, or absurd nesting/digits
            broken.append((start, e.msg if isinstance(e, json.JSONDecodeError) else str(e)))
            pos = start + 1
            continue
        if isinstance(value, dict):
            found.append(_Found(start, value))
        pos = end
    return found, broken


def _is_input_schema(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and obj.get("type") == "object"
        and isinstance(obj.get("properties"), dict)
    )


def _is_output_schema(obj: Any) -> bool:
    return isinstance(obj, dict) and list(obj) == ["output"] and _is_input_schema(obj["output"])


def _summary(text: str, model_id: str) -> str | None:
    for raw in text.split("\n"):
        line = raw.strip()
        if model_id in line and not line.startswith(("curl", "--", "{", '"', "http")):
            cut = line.find("curl ")  # compact pages glue the first curl block onto the line
            return (line[:cut] if cut > 0 else line).strip() or None
    return None


def parse_page(text: str, source: str) -> dict[str, Any]:
    """The schema-file document for one page; raises :class:`SchemaFileError` when unreadable."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    ids = sorted(set(_ENDPOINT.findall(text)))
    if not ids:
        raise SchemaFileError(source, "", "no endpoint URL (https://.../v1/models/<model id>)")
    if len(ids) > 1:
        raise SchemaFileError(source, "", f"more than one endpoint on one page: {', '.join(ids)}")
    model_id = ids[0]

    objects, broken = _json_objects(text)
    inputs = _distinct(o.value for o in objects if _is_input_schema(o.value))
    outputs = _distinct(o.value["output"] for o in objects if _is_output_schema(o.value))
    for name, found in (("input schema", inputs), ("output schema", outputs)):
        if len(found) > 1:
            raise SchemaFileError(source, "", f"{len(found)} different {name}s on one page")
        if not found:
            reason = f'no {name} (a JSON object with "type": "object" and "properties")'
            if broken:
                at, msg = broken[0]
                reason += f"; the JSON at line {_line_of(text, at)} does not parse: {msg}"
            raise SchemaFileError(source, "", reason)

    examples = _distinct(_examples(text, source))
    doc: dict[str, Any] = {"id": model_id, "endpoint": f"/v1/models/{model_id}"}
    summary = _summary(text, model_id)
    if summary:
        doc["summary"] = summary
    doc["source"] = source
    if examples:
        doc["example"] = examples[0]
    doc["input"] = inputs[0]
    doc["output"] = outputs[0]
    return doc


def _examples(text: str, source: str) -> list[Any]:
    bodies = []
    for match in _CURL_DATA.finditer(text):
        body = match.group(1).replace("'\\''", "'")
        try:
            bodies.append(json.loads(body))
        except (ValueError, RecursionError) as e:
            where = f"line {_line_of(text, match.start())}"
            reason = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
            raise SchemaFileError(
                source, where, f"the curl --data body does not parse: {reason}"
            ) from None
    return bodies


def _distinct(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


PAGE_HEADER = "# Imported from a RunComfy documentation page by `runcomfy-codegen import`.\n"
CATALOG_HEADER = (
    "# Written from RunComfy's model catalog by `runcomfy-codegen sync` (or `import`);"
    " prose and outputs from a documentation page are kept.\n"
)


if TYPE_CHECKING:
    _SafeDumper = yaml.SafeDumper
else:  # libyaml's emitter where there is one: the same text as PyYAML's, several times faster
    _SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _SchemaDumper(_SafeDumper):
    """PyYAML's safe dumper, except that text holding a NEL (``\\x85``) is double-quoted, where
    it is written ``\\N``: unquoted, a reader takes it for a line break and the text changes."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "\x85" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SchemaDumper.add_representer(str, _text)


def dump_schema_file(doc: dict[str, Any]) -> str:
    """The YAML text of a schema file: key order kept, unicode kept, one value per line."""
    header = CATALOG_HEADER if "catalog" in doc else PAGE_HEADER
    body = yaml.dump(doc, Dumper=_SchemaDumper, sort_keys=False, allow_unicode=True, width=10_000)
    return header + body


def schema_path(root: Path, model_id: str) -> Path:
    return root / f"{model_id}.yaml"
