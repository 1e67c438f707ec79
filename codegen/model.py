"""Stage 3: the intermediate model the templates print. Every name, type and literal is
computed here, in Python, from what the runtime's schema engine made of the file; the
templates only lay them out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codegen.errors import SchemaFileError
from codegen.load import SchemaFile
from codegen.source import wrap
from runcomfy_runtime.errors import SchemaError, SchemaProblem
from runcomfy_runtime.schema import names
from runcomfy_runtime.schema.compile import fields_of
from runcomfy_runtime.schema.describe import describe_field, english_summary
from runcomfy_runtime.schema.normalise import normalise
from runcomfy_runtime.schema.outputs import OutputKey, kind_keys, output_keys, output_kind
from runcomfy_runtime.spec import FieldSpec, Rule

PACKAGE = "runcomfy"
ENDPOINTS_PACKAGE = f"{PACKAGE}.endpoints"

_SCALAR_HINTS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_MEDIA_HINTS = {"image": "ImageInput", "video": "VideoInput", "audio": "AudioInput"}

MODULE_NAMES = frozenset(
    {
        "annotations",
        "TYPE_CHECKING",
        "dataclass",
        "field",
        "Sequence",
        "Literal",
        "TypeAlias",
        "SPEC",
        "AsyncEndpoint",
        "SyncEndpoint",
        "ValidationLevel",
        "AsyncJob",
        "Job",
        "Result",
        "StatusCallback",
        "EndpointSpec",
        "FieldSpec",
        "OutputBase",
        "ImageInput",
        "VideoInput",
        "AudioInput",
        "Rule",
    }
)
"""Names every endpoint module imports or defines; a generated type must not shadow one."""


@dataclass(frozen=True)
class FieldModel:
    spec: FieldSpec  # what the runtime gets, printed as is
    type_hint: str  # as printed in the signature
    alias: tuple[str, tuple[Any, ...]] | None  # (alias name, its Literal's values) for enums
    doc_lines: tuple[str, ...]  # the docstring entry, wrapped; text, escaped as it prints

    @property
    def python_name(self) -> str:
        return self.spec.python_name

    @property
    def wire_name(self) -> str:
        return self.spec.wire_name

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.spec.rules


@dataclass(frozen=True)
class EndpointModel:
    model_id: str
    endpoint: str
    source: str
    summary: str  # English, built from the model id, its kind and the catalog's name
    module: str  # runcomfy.endpoints.bytedance.dreamina_4_0.edit
    attribute: str  # edit: its name in the namespace
    class_name: str  # Edit (the sync class; the async one is Async + it)
    namespace: tuple[str, ...]  # ("bytedance", "dreamina_4_0")
    fields: tuple[FieldModel, ...]
    schema: dict[str, Any]
    example: dict[str, Any] | None
    output_kind: str | None
    outputs: tuple[OutputKey, ...]

    @property
    def file(self) -> str:
        return self.module.removeprefix(f"{PACKAGE}.").replace(".", "/") + ".py"

    @property
    def output_class(self) -> str:
        return f"{self.class_name}Output"


@dataclass
class NamespaceModel:
    path: tuple[str, ...]
    wire: str  # the model id prefix it stands for: "bytedance/dreamina-4-0"
    class_name: str
    children: dict[str, NamespaceModel] = field(default_factory=dict)
    endpoints: dict[str, EndpointModel] = field(default_factory=dict)

    @property
    def module_name(self) -> str:
        """Its own module: the package of its endpoints, ``runcomfy.endpoints.bytedance``.
        One folder per namespace keeps every folder small, so finding a module stays cheap
        however many endpoints there are."""
        return ".".join((ENDPOINTS_PACKAGE, *self.path))

    @property
    def folder(self) -> str:
        return "/".join(("endpoints", *self.path))


def _type_hint(spec: FieldSpec, schema: dict[str, Any], alias: str | None) -> str:
    if alias is not None:
        return alias
    if spec.media is not None:
        hint = _MEDIA_HINTS[spec.media]
        return f"Sequence[{hint}]" if spec.many else hint
    if schema["type"] == "array":
        return f"Sequence[{_SCALAR_HINTS[schema['items']['type']]}]"
    return _SCALAR_HINTS[schema["type"]]


def _literal_values(schema: dict[str, Any]) -> tuple[Any, ...] | None:
    """The values of an enum's ``Literal[...]``, or None where Python has no literal type
    (floats)."""
    values = schema.get("enum")
    if not values or any(isinstance(v, float) for v in values):
        return None
    return tuple(values)


def _doc_lines(spec: FieldSpec, schema: dict[str, Any]) -> tuple[str, ...]:
    words = describe_field(spec, schema)
    sentences = words.sentences() or ["(undocumented)"]
    lines = wrap(f"{spec.python_name}: {sentences[0]}", 84)
    for extra in sentences[1:]:
        lines += wrap(extra, 84, indent="    ")
    return tuple(lines)


def _problems(file: str, error: SchemaError) -> SchemaFileError:
    return SchemaFileError(file, problems=error.problems)


def build_endpoint(schema_file: SchemaFile) -> EndpointModel:
    """One schema file -> its model; :class:`SchemaFileError` lists every problem of it."""
    doc, file = schema_file.doc, schema_file.name
    try:
        normal = normalise(doc["input"])
    except SchemaError as e:
        raise _problems(file, e) from None
    problems: list[SchemaProblem] = []
    arguments = names.NameTable("input.properties", problems)
    specs = fields_of(normal, arguments)
    aliases = names.NameTable("input.properties (enum type names)", problems)
    taken = MODULE_NAMES

    def type_name(wire: str) -> str:
        return names.type_name(wire, taken)

    segments = doc["id"].split("/")
    class_name = names.NameTable("id", problems).name_for(segments[-1], type_name)
    aliases.claim(class_name, f"the endpoint class {class_name}")
    aliases.claim(f"{class_name}Output", f"the output class {class_name}Output")
    properties = normal.schema["properties"]
    fields = []
    for spec in specs:
        schema = properties[spec.wire_name]
        values = _literal_values(schema)
        alias = (aliases.name_for(spec.wire_name, type_name), values) if values else None
        fields.append(
            FieldModel(
                spec=spec,
                type_hint=_type_hint(spec, schema, alias[0] if alias else None),
                alias=alias,
                doc_lines=_doc_lines(spec, schema),
            )
        )
    catalog = doc.get("catalog", {})
    outputs = output_keys(doc.get("output"), problems)
    kind = output_kind(doc["id"], catalog.get("kind"), catalog.get("categories"), outputs)
    outputs = outputs or kind_keys(kind)

    def segment(wire: str, make: Callable[[str], str]) -> str:
        return names.NameTable("id", problems).name_for(wire, make)  # one scope per segment

    namespace = tuple(
        segment(s, names.namespace_name if i == 0 else names.identifier)
        for i, s in enumerate(segments[:-1])
    )
    attribute = segment(segments[-1], names.identifier)
    if problems:
        raise SchemaFileError(file, problems=problems)
    return EndpointModel(
        model_id=doc["id"],
        endpoint=doc["endpoint"],
        source=doc["source"],
        summary=english_summary(doc["id"], kind, catalog.get("display_name")),
        module=".".join((ENDPOINTS_PACKAGE, *namespace, attribute)),
        attribute=attribute,
        class_name=class_name,
        namespace=namespace,
        fields=tuple(fields),
        schema=normal.schema,
        example=doc.get("example"),
        output_kind=kind,
        outputs=outputs,
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
                class_name = "_".join(names.pascal(p) for p in path)
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
