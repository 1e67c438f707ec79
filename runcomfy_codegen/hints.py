"""Python types for input schemas, nested: each object a ``TypedDict``, each list a
``Sequence``, each union a ``|``, each enum or ``const`` a ``Literal``.

The hint is as narrow as the schema says and never narrower: where a construct has no honest
Python type (a float enum, ``not``, a tuple's positions) the widest type that every valid
value has is used, down to ``Any``. Every class name comes from the naming authority
(``schema.names``) through one :class:`~runcomfy_runtime.schema.names.NameTable` per module,
from where the object sits (``elements`` items are ``ElementsItem``; a ``$defs`` entry keeps
its own name: ``Keyframe``), never from a position, so reordering a schema renames nothing;
two objects landing on one name is a problem of the schema. Keys are the wire names: a
``TypedDict`` describes what is sent, as it is sent.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runcomfy_runtime.schema import names, pointers
from runcomfy_runtime.spec import MediaSite

SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
MEDIA = {"image": "ImageInput", "video": "VideoInput", "audio": "AudioInput"}
CONTAINERS = ("$defs", "definitions")


@dataclass(frozen=True)
class Key:
    """One key of a ``TypedDict``: its wire name, its type, whether it must be given."""

    wire_name: str
    hint: str
    required: bool
    doc: str  # the key's description, else its title ("" when the schema says nothing)

    @property
    def annotation(self) -> str:
        return self.hint if self.required else f"NotRequired[{self.hint}]"


@dataclass(frozen=True)
class TypedDictModel:
    """A ``TypedDict`` to emit: class syntax where every key is an ASCII identifier, else the
    functional syntax (``TypedDict("X", {"width×height": ...})``)."""

    name: str
    keys: tuple[Key, ...]
    doc: str

    @property
    def functional(self) -> bool:
        return any(
            not (k.wire_name.isascii() and k.wire_name.isidentifier())
            or keyword.iskeyword(k.wire_name)
            for k in self.keys
        )


@dataclass
class Hints:
    """The hints of one endpoint module: its ``TypedDict`` classes in the order they must be
    defined (each after the classes it uses), and the names the module must import."""

    table: names.NameTable
    schema: Mapping[str, Any]
    sites: Mapping[str, MediaSite]
    taken: frozenset[str] = frozenset()  # names the module imports or defines
    classes: list[TypedDictModel] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)
    _by_pointer: dict[str, str] = field(default_factory=dict)
    _open: set[str] = field(default_factory=set)

    def hint(self, node: Any, pointer: str, name: str | None) -> str:
        """The type of the value at ``pointer``; ``name`` is what an object there is called,
        in words (``elements item``), or None where a place has no name (a tuple's position:
        such an object is a ``Mapping``)."""
        if node is True or not isinstance(node, Mapping):
            return self._any()
        if pointer in self.sites:
            hint = MEDIA[self.sites[pointer].kind]
            self.uses.add(hint)
            return self._with_null(hint, node)
        literal = self.literal(node)
        if literal is not None:
            return literal
        parts: list[str] = []
        ref = node.get("$ref")
        if isinstance(ref, str):
            parts.append(self._ref(ref, name))
        for keyword_ in ("anyOf", "oneOf"):
            branches = node.get(keyword_)
            if isinstance(branches, list) and branches:
                parts.append(self._branches(branches, pointers.join(pointer, keyword_), name))
        merged = node.get("allOf")
        if isinstance(merged, list) and merged and not parts:
            parts.append(self._all_of(node, pointer, name))
        if parts:  # several constraints all hold: any one of them is a true (wider) type
            return self._with_null(parts[0], node) if len(parts) == 1 else parts[0]
        return self._by_type(node, pointer, name)

    def _branches(self, branches: list[Any], pointer: str, name: str | None) -> str:
        """A union's type. Its one object branch takes the union's name; several object
        branches are told apart by their ``title`` or the constant that discriminates them
        (``{"kind": {"const": "image"}}``), or else typed as a ``Mapping``: never by position."""
        objects = sum(1 for b in branches if _object_like(b))
        hints = []
        for i, branch in enumerate(branches):
            own = name
            if objects > 1 and _object_like(branch):
                label = _label(branch)
                own = f"{name} {label}" if name is not None and label else None
            hints.append(self.hint(branch, pointers.join(pointer, i), own))
        return _union(hints)

    # -- the kinds of hint ------------------------------------------------------------------

    def _any(self) -> str:
        self.uses.add("Any")
        return "Any"

    def _with_null(self, hint: str, node: Mapping[str, Any]) -> str:
        raw = node.get("type")
        nullable = isinstance(raw, list) and "null" in raw
        return f"{hint} | None" if nullable else hint

    def literal(self, node: Mapping[str, Any]) -> str | None:
        """``Literal[...]`` of an ``enum`` or ``const`` (``| None`` when null is one of them),
        or None where no Literal says it."""
        values = node.get("enum")
        if "const" in node:
            values = [node["const"]]
        if not isinstance(values, list) or not values:
            return None
        if not all(v is None or _literal_able(v) for v in values):
            return None  # a float or an object: no Literal says it; the type below does
        given = [v for v in values if v is not None]
        self.uses.add("Literal")
        text = "Literal[" + ", ".join(repr(v) for v in given) + "]" if given else "None"
        return f"{text} | None" if given and None in values else text

    def _ref(self, ref: str, name: str | None) -> str:
        target = pointers.local_target(ref, self.schema, pointers.anchors(self.schema))
        if target is None:
            return self._any()
        if target in self._by_pointer:
            return self._by_pointer[target]
        parts = pointers.parts_of(target)
        if len(parts) == 2 and parts[0] in CONTAINERS:  # a $defs entry keeps its own name
            name = _CAMEL.sub(" ", parts[1])  # KlingElement -> "Kling Element" -> KlingElement
        return self.hint(pointers.node_at(self.schema, target), target, name)

    def _all_of(self, node: Mapping[str, Any], pointer: str, name: str | None) -> str:
        parts = node["allOf"]
        if len(parts) == 1 and not isinstance(node.get("properties"), Mapping):
            return self.hint(parts[0], pointers.join(pointer, "allOf", 0), name)
        if _object_like(node) or all(_object_like(p) for p in parts if isinstance(p, Mapping)):
            return self._typed_dict(node, pointer, name)
        for i, part in enumerate(parts):
            hint = self.hint(part, pointers.join(pointer, "allOf", i), name)
            if hint != "Any":
                return hint  # every part holds: any one of them is a true (wider) type
        return self._any()

    def _by_type(self, node: Mapping[str, Any], pointer: str, name: str | None) -> str:
        raw = node.get("type")
        kinds = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
        if not kinds:
            if isinstance(node.get("properties"), Mapping):
                kinds = ["object"]
            elif "items" in node or "prefixItems" in node:
                kinds = ["array"]
            else:
                return self._any()
        hints = [self._one_type(str(kind), node, pointer, name) for kind in kinds]
        return _union(hints)

    def _one_type(self, kind: str, node: Mapping[str, Any], pointer: str, name: str | None) -> str:
        if kind in SCALARS:
            return SCALARS[kind]
        if kind == "array":
            return self._array(node, pointer, name)
        if kind == "object":
            if _object_like(node):
                return self._typed_dict(node, pointer, name)
            return self._mapping(node.get("additionalProperties"), pointer, name)
        return self._any()

    def _mapping(self, values: Any, pointer: str, name: str | None) -> str:
        """An object without properties: ``Mapping[str, <its values' type>]``."""
        where = pointers.join(pointer, "additionalProperties")
        words = f"{name} value" if name is not None else None
        inner = self.hint(values, where, words) if isinstance(values, Mapping) else self._any()
        self.uses.add("Mapping")
        return f"Mapping[str, {inner}]"

    def _array(self, node: Mapping[str, Any], pointer: str, name: str | None) -> str:
        items = node.get("items")
        prefix = node.get("prefixItems")
        found: list[str] = []
        if isinstance(prefix, list):  # a tuple's positions have no names
            found += [
                self.hint(p, pointers.join(pointer, "prefixItems", i), None)
                for i, p in enumerate(prefix)
            ]
        if isinstance(items, Mapping):
            words = f"{name} item" if name is not None else None
            found.append(self.hint(items, pointers.join(pointer, "items"), words))
        elif items is not False or not found:
            found.append(self._any())
        self.uses.add("Sequence")
        return f"Sequence[{_union(found)}]"

    def _typed_dict(self, node: Mapping[str, Any], pointer: str, name: str | None) -> str:
        if pointer in self._by_pointer:
            return self._by_pointer[pointer]
        if name is None:
            return self._mapping(node.get("additionalProperties"), pointer, None)
        class_name = self.table.name_for(name, self._class_name)
        quoted = f'"{class_name}"'
        self._by_pointer[pointer] = quoted  # a reference back to it, while it is being built
        properties: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        for part_pointer, part in _object_parts(self.schema, node, pointer):
            for key, value in (part.get("properties") or {}).items():
                where = pointers.join(part_pointer, "properties", str(key))
                properties.setdefault(str(key), (value, where))
            required |= {str(r) for r in part.get("required") or [] if isinstance(r, str)}
        keys = []
        for key, (value, where) in properties.items():
            words = f"{name} {key}" if _has_word(key) else None
            keys.append(Key(key, self.hint(value, where, words), key in required, _doc(value)))
        if any(not k.required for k in keys):
            self.uses.add("NotRequired")
        self.uses.add("TypedDict")
        self.classes.append(TypedDictModel(class_name, tuple(keys), _doc(node)))
        self._by_pointer[pointer] = class_name
        return class_name

    def _class_name(self, words: str) -> str:
        return names.type_name(words, self.taken)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _label(branch: Mapping[str, Any]) -> str | None:
    """What tells one object branch of a union from the others: its title, else the string
    constant one of its properties must hold."""
    title = branch.get("title")
    if isinstance(title, str) and _has_word(title):
        return title
    for value in (branch.get("properties") or {}).values():
        const = value.get("const") if isinstance(value, Mapping) else None
        if isinstance(const, str) and _has_word(const):
            return const
    return None


def _has_word(key: str) -> bool:
    return any(c.isalnum() for c in key)


def _doc(node: Any) -> str:
    if not isinstance(node, Mapping):
        return ""
    text = node.get("description") or node.get("title") or ""
    return " ".join(str(text).split())


def _literal_able(value: Any) -> bool:
    return isinstance(value, str | int) or value is None  # bool is an int


def _object_like(node: Any) -> bool:
    return isinstance(node, Mapping) and isinstance(node.get("properties"), Mapping)


def _object_parts(
    schema: Mapping[str, Any], node: Mapping[str, Any], pointer: str
) -> list[tuple[str, Mapping[str, Any]]]:
    """The node and the parts an ``allOf`` merges into it (through ``$ref``), in order."""
    found: list[tuple[str, Mapping[str, Any]]] = []
    todo: list[tuple[str, Any]] = [(pointer, node)]
    named = pointers.anchors(schema)
    while todo:
        where, part = todo.pop(0)
        if isinstance(part, Mapping) and isinstance(part.get("$ref"), str):
            target = pointers.local_target(part["$ref"], schema, named)
            if target is not None and part is not node:
                where, part = target, pointers.node_at(schema, target)
        if not isinstance(part, Mapping) or any(part is seen for _, seen in found):
            continue
        found.append((where, part))
        todo.extend(
            (pointers.join(where, "allOf", i), p) for i, p in enumerate(part.get("allOf") or [])
        )
    return found


def _union(hints: list[str]) -> str:
    """``A | B`` without repeats; ``Any`` absorbs everything; ``None`` goes last."""
    unique = list(dict.fromkeys(h for part in hints for h in _split(part)))
    if "Any" in unique:
        return "Any"
    ordered = [h for h in unique if h != "None"] + (["None"] if "None" in unique else [])
    return " | ".join(ordered) if ordered else "Any"


def _split(hint: str) -> list[str]:
    """The members of a top-level union (``A | Sequence[B | C]`` -> ``A``, ``Sequence[B | C]``)."""
    out, depth, start = [], 0, 0
    for i, char in enumerate(hint):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(hint[start:i].strip())
            start = i + 1
    out.append(hint[start:].strip())
    return out
