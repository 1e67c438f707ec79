"""Stage 3: the intermediate model the templates print. Every name, type and literal is
computed here, in Python, from what the runtime's schema engine made of the file; the
templates only lay them out. Where a model lives (module, class, children) comes from
``layout.py``; the types of its inputs from ``hints.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from runcomfy_codegen.errors import SchemaFileError
from runcomfy_codegen.hints import Hints, Key, TypedDictModel
from runcomfy_codegen.layout import MODULE_NAMES, Child, Node, Place, layout
from runcomfy_codegen.layout import walk as walk_nodes
from runcomfy_codegen.load import SchemaFile
from runcomfy_codegen.source import wrap
from runcomfy_runtime.errors import SchemaError, SchemaProblem
from runcomfy_runtime.schema import names, pointers
from runcomfy_runtime.schema.compile import fields_of
from runcomfy_runtime.schema.describe import describe_field, english_summary
from runcomfy_runtime.schema.normalise import normalise
from runcomfy_runtime.schema.outputs import OutputKey, kind_keys, output_keys, output_kind
from runcomfy_runtime.spec import FieldSpec, MediaSite, Rule

__all__ = [
    "MODULE_NAMES",
    "EndpointModel",
    "FieldModel",
    "build_endpoint",
    "build_tree",
    "walk",
]


@dataclass(frozen=True)
class FieldModel:
    spec: FieldSpec  # what the runtime gets, printed as is
    type_hint: str  # as printed in the signature
    alias: tuple[str, str] | None  # (alias name, its Literal[...] annotation) for enums
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

    @property
    def annotation(self) -> str:
        """Its parameter's annotation: an optional field may be None (left out: not sent)."""
        if self.required:
            return self.type_hint
        nullable = self.type_hint.endswith("| None") or self.type_hint == "None"
        return self.type_hint if nullable else f"{self.type_hint} | None"


@dataclass(frozen=True)
class EndpointModel:
    model_id: str
    endpoint: str
    source: str
    summary: str  # English, built from the model id, its kind and the catalog's name
    place: Place  # module, file, class and children, from the layout of every id
    fields: tuple[FieldModel, ...]
    schema: dict[str, Any]
    example: dict[str, Any] | None
    output_kind: str | None
    outputs: tuple[OutputKey, ...]
    nested_media: tuple[MediaSite, ...] = ()
    typed_dicts: tuple[TypedDictModel, ...] = ()  # nested objects, each after what it uses
    input_type: TypedDictModel | None = None  # the whole input, by wire name
    uses: frozenset[str] = frozenset()  # typing names and media types the hints need

    @property
    def module(self) -> str:
        return self.place.module

    @property
    def attribute(self) -> str:
        return self.place.attribute

    @property
    def class_name(self) -> str:
        return self.place.class_name

    @property
    def namespace(self) -> tuple[str, ...]:
        return self.place.namespace

    @property
    def children(self) -> tuple[Child, ...]:
        return self.place.children

    @property
    def file(self) -> str:
        return self.place.file

    @property
    def output_class(self) -> str:
        return f"{self.class_name}Output"


def _doc_lines(spec: FieldSpec, schema: dict[str, Any], hint: str, typed: bool) -> tuple[str, ...]:
    words = describe_field(spec, schema)
    sentences = words.sentences() or ["(undocumented)"]
    if typed:
        sentences.append(f"Typed as {hint}.")
    lines = wrap(f"{spec.python_name}: {sentences[0]}", 84)
    for extra in sentences[1:]:
        lines += wrap(extra, 84, indent="    ")
    return tuple(lines)


def _problems(file: str, error: SchemaError) -> SchemaFileError:
    return SchemaFileError(file, problems=error.problems)


def place_of(model_id: str, package: str) -> Place:
    """Where a model lives when it is generated alone (``import``/``sync`` check one file);
    ``SchemaFileError`` when its id cannot be placed."""
    found = layout([model_id], package)
    if model_id in found.problems:
        raise SchemaFileError(f"{model_id}.yaml", problems=found.problems[model_id])
    return found.places[model_id]


def build_endpoint(
    schema_file: SchemaFile, package: str, place: Place | None = None
) -> EndpointModel:
    """One schema file -> its model in ``package``; :class:`SchemaFileError` lists every
    problem of it. ``place`` comes from the layout of every id being generated (alone, it is
    worked out)."""
    doc, file = schema_file.doc, schema_file.name
    try:
        normal = normalise(doc["input"])
    except SchemaError as e:
        raise _problems(file, e) from None
    if place is None:
        place = place_of(doc["id"], package)
    problems: list[SchemaProblem] = []
    arguments = names.NameTable("input.properties", problems)
    specs = fields_of(normal, arguments)
    types = names.NameTable("input (type names)", problems)
    types.claim(place.class_name, f"the endpoint class {place.class_name}")
    types.claim(f"{place.class_name}Output", f"the output class {place.class_name}Output")
    own = {place.class_name, f"{place.class_name}Output", f"{place.class_name}Input"}
    taken = MODULE_NAMES | own  # a type named like the module's own classes gets a "_"
    hints = Hints(types, normal.schema, {s.pointer: s for s in normal.sites}, taken)
    properties = normal.schema["properties"]
    fields = []
    for spec in specs:
        schema = properties[spec.wire_name]
        where = pointers.join("/properties", spec.wire_name)
        literal = hints.literal(schema) if isinstance(schema, dict) else None
        alias = None
        if literal is not None:
            alias = (types.name_for(spec.wire_name, lambda w: names.type_name(w, taken)), literal)
            hint = alias[0]
        else:
            hint = hints.hint(schema, where, spec.wire_name)
        typed = bool({t.name for t in hints.classes} & set(_WORD.findall(hint)))
        fields.append(FieldModel(spec, hint, alias, _doc_lines(spec, schema, hint, typed)))
    input_name = types.claim(f"{place.class_name}Input", "the whole input")
    input_type = TypedDictModel(
        input_name,
        tuple(Key(f.wire_name, f.type_hint, f.required, "") for f in fields),
        f"The whole input of {doc['id']}, keyed by wire name: what is sent.",
    )
    catalog = doc.get("catalog", {})
    outputs = output_keys(doc.get("output"), problems)
    kind = output_kind(doc["id"], catalog.get("kind"), catalog.get("categories"), outputs)
    outputs = outputs or kind_keys(kind)
    if problems:
        raise SchemaFileError(file, problems=problems)
    uses = set(hints.uses) | {"TypedDict"}
    if any(not f.required for f in fields):
        uses.add("NotRequired")
    return EndpointModel(
        model_id=doc["id"],
        endpoint=doc["endpoint"],
        source=doc["source"],
        summary=english_summary(doc["id"], kind, catalog.get("display_name")),
        place=place,
        fields=tuple(fields),
        schema=normal.schema,
        example=doc.get("example"),
        output_kind=kind,
        outputs=outputs,
        nested_media=normal.nested_sites,
        typed_dicts=tuple(hints.classes),
        input_type=input_type,
        uses=frozenset(uses),
    )


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def build_tree(endpoints: list[EndpointModel], package: str) -> Node:
    """The attribute tree ``client.<namespace>...<endpoint>``; a clash stops generation, with
    every model it involves named."""
    found = layout((ep.model_id for ep in endpoints), package)
    if found.problems:
        errors = [
            SchemaFileError(f"{model_id}.yaml", problems=problems)
            for model_id, problems in sorted(found.problems.items())
        ]
        raise errors[0] if len(errors) == 1 else _many(errors)
    return found.root


def _many(errors: list[SchemaFileError]) -> Exception:
    from runcomfy_codegen.errors import SchemaFilesError

    return SchemaFilesError(errors)


def walk(node: Node) -> list[Node]:
    """Every node, depth first, children in name order: a fixed order for the templates."""
    return walk_nodes(node)
