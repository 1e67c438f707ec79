"""Command-line options built from an endpoint's schema, and the payload they make.

Values are handed to the schema validator as given, not pre-checked by argparse: a bad value
then fails with the documented message ("must be one of: ..."), the same one the Python client
gives. So enums are listed in ``--help`` but not enforced as ``choices``; numbers are converted
when they parse and left as strings otherwise, for the schema to report the type. A structured
field (an object, a list of objects or of lists, a union holding one) takes one JSON value,
inline (``--multi-prompt '[{"prompt": "a pier", "duration": 3}]'``) or from a file
(``--multi-prompt @shots.json``), read within the input cap.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from runcomfy_runtime.schema.describe import describe_field
from runcomfy_runtime.spec import EndpointSpec, FieldSpec

DEST_PREFIX = "field__"
"""Namespace attributes of schema fields carry this prefix, so a field can never shadow one
of the command's own options (``out``, ``json``, ...)."""
STRUCTURED_PREFIX = "json__"
"""A structured field's raw JSON text, parsed (and reported, if broken) when the payload is
made, with the option named."""


def option_name(field: FieldSpec) -> str:
    """``width_height`` -> ``--width-height``: the Python name, with dashes."""
    return "--" + field.python_name.replace("_", "-")


def _number(text: str) -> Any:
    """An int, else a float (``nan`` and ``inf`` too: the schema stage says they must be
    finite), else the text, for the schema to say it must be a number."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _integer(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return _number(text)  # 1.5 stays a number, so the schema says "must be an integer"


CONVERTERS: dict[str, Callable[[str], Any]] = {"integer": _integer, "number": _number}


def _converter(schema: Mapping[str, Any]) -> Callable[[str], Any]:
    kind = schema.get("type")
    return CONVERTERS.get(kind, str) if isinstance(kind, str) else str


def help_text(
    field: FieldSpec, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None
) -> str:
    """The field in words (``schema.describe``, the wording of docstrings and ``runcomfy
    schema``), plus how to give it on the command line."""
    words = describe_field(field, schema, root).sentences()
    if structured(schema, root or {}):
        words.append("Give it as JSON, or as @FILE.json; `runcomfy schema` shows its keys.")
    elif field.many:
        words.append("Repeat the option for each value.")
    return " ".join(words).replace("%", "%%")  # argparse formats help with %


def structured(schema: Any, root: Mapping[str, Any], depth: int = 0) -> bool:
    """Whether a field holds objects or lists of lists (given as one JSON value), following
    references inside ``root``; a list of strings or numbers is not (one option per value)."""
    from runcomfy_runtime.schema import pointers

    if not isinstance(schema, Mapping) or depth > 16:
        return False
    ref = schema.get("$ref")
    target = pointers.local_target(ref, root, pointers.anchors(root)) if ref else None
    if target is not None:
        return structured(pointers.node_at(root, target), root, depth + 1)
    raw = schema.get("type")
    kinds = set(raw) if isinstance(raw, list) else {raw}
    if "object" in kinds or "properties" in schema:
        return True
    branches = [b for k in ("anyOf", "oneOf", "allOf") for b in schema.get(k) or []]
    if any(structured(b, root, depth + 1) for b in branches):
        return True
    items = schema.get("items")
    if "array" in kinds and isinstance(items, Mapping):
        inner = items.get("type")
        return structured(items, root, depth + 1) or inner == "array" or "items" in items
    return False


def json_value(text: str, option: str) -> Any:
    """A structured option's value: JSON inline, or ``@PATH`` read from a file (``-``:
    stdin); ``InputFailure`` saying which option and why."""
    from runcomfy_cli.failures import InputFailure
    from runcomfy_cli.inputs import read_bounded

    source = text[1:] if text.startswith("@") else None
    body = read_bounded(source, option) if source is not None else text
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        where = f" (from {source})" if source is not None else ""
        raise InputFailure(f"{option}{where}: invalid JSON: {exc}") from None
    except RecursionError:
        raise InputFailure(f"{option}: invalid JSON: nested too deeply to read") from None


def add_field_options(
    parser: argparse.ArgumentParser, spec: EndpointSpec, reserved: Iterable[str] = ()
) -> None:
    """One option per field, in the schema's order, in an "input fields" group.

    A field whose option would collide with one of the command's own (``reserved``) gets
    ``--field-NAME`` instead, so no schema can break the command line.
    """
    taken = set(reserved)
    properties: Mapping[str, Any] = spec.input_schema.get("properties", {})
    group = parser.add_argument_group(
        f"input fields of {spec.model_id}",
        "Options left out are not sent; the server applies its defaults.",
    )
    for field in spec.fields:
        schema = properties.get(field.wire_name, {})
        name = option_name(field)
        if name in taken:
            name = "--field-" + name[2:]
        taken.add(name)
        dest = DEST_PREFIX + field.python_name
        text = help_text(field, schema, spec.input_schema)
        if structured(schema, spec.input_schema):
            group.add_argument(
                name,
                dest=STRUCTURED_PREFIX + field.python_name,
                default=argparse.SUPPRESS,
                metavar="JSON",
                help=text,
            )
        elif schema.get("type") == "boolean":
            group.add_argument(
                name,
                dest=dest,
                action=argparse.BooleanOptionalAction,
                default=argparse.SUPPRESS,
                help=text,
            )
        elif field.many or schema.get("type") == "array":
            items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
            group.add_argument(
                name,
                dest=dest,
                action="append",
                type=_converter(items or {}),
                default=argparse.SUPPRESS,
                metavar="URL" if field.media else "VALUE",
                help=text,
            )
        else:
            group.add_argument(
                name,
                dest=dest,
                type=_converter(schema),
                default=argparse.SUPPRESS,
                metavar=field.python_name.upper(),
                help=text,
            )


def payload_from(
    spec: EndpointSpec, namespace: argparse.Namespace, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON body: ``base`` (from ``--input``) overlaid with the options given, by wire name."""
    payload = dict(base or {})
    values = vars(namespace)
    for field in spec.fields:
        dest = DEST_PREFIX + field.python_name
        if dest in values:
            payload[field.wire_name] = values[dest]
        given = values.get(STRUCTURED_PREFIX + field.python_name)
        if isinstance(given, str):
            payload[field.wire_name] = json_value(given, option_name(field))
    return payload
