"""Stage 3: the intermediate model the templates print. Every name, type and literal is
computed here, in Python; the templates only lay them out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codegen import naming
from codegen.errors import SchemaFileError
from codegen.load import SchemaFile
from codegen.normalise import NormalProperty, accepted_formats, input_schema, normalise_property

PACKAGE = "runcomfy"
ENDPOINTS_PACKAGE = f"{PACKAGE}.endpoints"

_SCALAR_HINTS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


@dataclass(frozen=True)
class RuleModel:
    metric: str
    op: str
    value: float
    message: str


@dataclass(frozen=True)
class FieldModel:
    python_name: str
    wire_name: str
    required: bool
    type_hint: str  # as printed in the signature
    alias: tuple[str, str] | None  # (alias name, Literal[...] text) for enums
    image: bool
    many: bool
    rules: tuple[RuleModel, ...]
    doc_lines: tuple[str, ...]  # the docstring entry, wrapped


@dataclass(frozen=True)
class EndpointModel:
    model_id: str
    endpoint: str
    source: str
    summary: str | None
    title: str | None
    module: str  # runcomfy.endpoints.bytedance.dreamina_4_0.edit
    attribute: str  # edit: its name in the namespace
    class_name: str  # Edit (the sync class; the async one is Async + it)
    namespace: tuple[str, ...]  # ("bytedance", "dreamina_4_0")
    fields: tuple[FieldModel, ...]
    schema: dict[str, Any]
    example: dict[str, Any] | None
    accepted_formats: tuple[str, ...]

    @property
    def file(self) -> str:
        return self.module.removeprefix(f"{PACKAGE}.").replace(".", "/") + ".py"


@dataclass
class NamespaceModel:
    path: tuple[str, ...]
    wire: str  # the model id prefix it stands for: "bytedance/dreamina-4-0"
    class_name: str
    children: dict[str, NamespaceModel] = field(default_factory=dict)
    endpoints: dict[str, EndpointModel] = field(default_factory=dict)


def _type_hint(prop: NormalProperty, alias: str | None) -> str:
    schema = prop.schema
    if alias is not None:
        return alias
    if prop.image:
        return "Sequence[ImageInput]" if prop.many else "ImageInput"
    if prop.many:
        item = schema["items"]
        return f"Sequence[{_SCALAR_HINTS[item['type']]}]"
    return _SCALAR_HINTS[schema["type"]]


def _limits(schema: dict[str, Any]) -> list[str]:
    """The documented limits in words, for the docstring."""
    spoken = {
        "minimum": ">= {}",
        "maximum": "<= {}",
        "exclusiveMinimum": "> {}",
        "exclusiveMaximum": "< {}",
        "minLength": "at least {} character(s)",
        "maxLength": "at most {} character(s)",
        "minItems": "at least {} item(s)",
        "maxItems": "at most {} item(s)",
        "pattern": "matches {!r}",
    }
    return [text.format(schema[key]) for key, text in spoken.items() if key in schema]


def wrap(text: str, width: int = 84, indent: str = "", hang: str = "    ") -> list[str]:
    """Docstring lines: words kept whole (a URL is never split), escaped for triple quotes."""
    lines: list[str] = []
    line = indent
    for word in text.split():  # greedy, words never broken: what textwrap does here, faster
        if line.strip() and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = indent + hang
        line += (" " if line.strip() else "") + word
    if line.strip():
        lines.append(line)
    return [_docstring_safe(line) for line in lines]


def _doc_lines(
    prop: NormalProperty, python_name: str, rules: tuple[RuleModel, ...]
) -> tuple[str, ...]:
    schema = prop.schema
    parts: list[str] = []
    head = schema.get("title") or ""
    description = (schema.get("description") or "").strip()
    text = " ".join(p for p in (head + "." if head and not description else "", description) if p)
    parts.append(text or head or "(undocumented)")
    limits = _limits(schema)
    if (prop.many and schema["items"].get("format") == "image_uri") or schema.get(
        "format"
    ) == "image_uri":
        limits.append("image URLs (https)" if prop.many else "an image URL (https)")
    if limits:
        parts.append("Limits: " + "; ".join(limits) + ".")
    if "enum" in schema:
        parts.append("One of: " + ", ".join(repr(v) for v in schema["enum"]) + ".")
    if "default" in schema:
        parts.append(f"Server default: {schema['default']!r}.")
    for rule in rules:
        parts.append(f"Rule {rule.metric} {rule.op} {rule.value:g}: {rule.message}")
    wire = "" if python_name == prop.wire_name else f" (sent as {prop.wire_name!r})"
    lines = wrap(f"{python_name}{wire}: {parts[0]}")
    for extra in parts[1:]:
        lines += wrap(extra, indent="    ")
    return tuple(lines)


def _docstring_safe(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def build_endpoint(schema_file: SchemaFile) -> EndpointModel:
    doc, file = schema_file.doc, schema_file.name
    raw_input = doc["input"]
    required = list(raw_input.get("required", []))
    for name in required:
        if name not in raw_input["properties"]:
            raise SchemaFileError(file, "input.required", f"{name!r} is not a property")
    names = naming.NameTable(file, "input.properties")
    aliases = naming.NameTable(file, "input.properties (enum type names)")
    class_name = naming.NameTable(file, "id").name_for(doc["id"].split("/")[-1], naming.type_name)
    aliases.claim(class_name, f"the endpoint class {class_name}")
    props = [normalise_property(file, wire, raw) for wire, raw in raw_input["properties"].items()]
    fields = []
    formats: set[str] = set()
    for prop in props:
        python_name = names.name_for(prop.wire_name, naming.argument_name)
        alias = None
        if "enum" in prop.schema:
            alias_name = aliases.name_for(prop.wire_name, naming.type_name)
            literal = "Literal[" + ", ".join(repr(v) for v in prop.schema["enum"]) + "]"
            alias = (alias_name, literal)
        rules = tuple(RuleModel(r.metric, r.op, r.value, r.message) for r in prop.rules)
        if prop.image:
            formats.update(accepted_formats(prop.schema.get("description", "")))
        fields.append(
            FieldModel(
                python_name=python_name,
                wire_name=prop.wire_name,
                required=prop.wire_name in required,
                type_hint=_type_hint(prop, alias[0] if alias else None),
                alias=alias,
                image=prop.image,
                many=prop.many,
                rules=rules,
                doc_lines=_doc_lines(prop, python_name, rules),
            )
        )
    segments = doc["id"].split("/")

    def segment(wire: str, make: Callable[[str], str]) -> str:
        return naming.NameTable(file, "id").name_for(wire, make)  # one scope per segment

    namespace = tuple(
        segment(s, naming.namespace_name if i == 0 else naming.identifier)
        for i, s in enumerate(segments[:-1])
    )
    attribute = segment(segments[-1], naming.identifier)
    return EndpointModel(
        model_id=doc["id"],
        endpoint=doc["endpoint"],
        source=doc["source"],
        summary=doc.get("summary"),
        title=doc.get("title"),
        module=".".join((ENDPOINTS_PACKAGE, *namespace, attribute)),
        attribute=attribute,
        class_name=class_name,
        namespace=namespace,
        # required first, then the rest, each in documented order: a valid signature
        fields=tuple(sorted(fields, key=lambda f: not f.required)),
        schema=input_schema(props, required),
        example=doc.get("example"),
        accepted_formats=tuple(sorted(formats)),
    )


def build_tree(endpoints: list[EndpointModel]) -> NamespaceModel:
    """The attribute tree ``client.<namespace>...<endpoint>``; a clash stops generation."""
    root = NamespaceModel((), "", "Root")
    class_names: dict[str, str] = {}
    for ep in sorted(endpoints, key=lambda e: e.model_id):
        node = root
        for depth, name in enumerate(ep.namespace, start=1):
            if name in node.endpoints:
                clash = node.endpoints[name].model_id
                raise SchemaFileError(
                    f"{ep.model_id}.yaml", "id", f"{name!r} is already the endpoint {clash}"
                )
            if name not in node.children:
                path = ep.namespace[:depth]
                wire = "/".join(ep.model_id.split("/")[:depth])
                class_name = "_".join(naming.pascal(p) for p in path)
                if class_names.setdefault(class_name, wire) != wire:
                    raise SchemaFileError(
                        f"{ep.model_id}.yaml",
                        "id",
                        f"namespace class {class_name} would serve both {class_names[class_name]} "
                        f"and {wire}",
                    )
                node.children[name] = NamespaceModel(path, wire, class_name)
            node = node.children[name]
        if ep.attribute in node.children or ep.attribute in node.endpoints:
            other = node.endpoints.get(ep.attribute)
            what = f"the endpoint {other.model_id}" if other else "a namespace"
            raise SchemaFileError(
                f"{ep.model_id}.yaml", "id", f"{ep.attribute!r} is already {what}"
            )
        node.endpoints[ep.attribute] = ep
    return root


def walk(node: NamespaceModel) -> list[NamespaceModel]:
    """Every namespace, depth first, children in name order: a fixed order for the templates."""
    out = [node]
    for name in sorted(node.children):
        out.extend(walk(node.children[name]))
    return out
