"""Where a payload's media values are: its values at the schema's media sites, found by walking
the payload beside the schema.

The walk follows what the validator follows to reach a value: ``properties``,
``patternProperties``, ``additionalProperties``, ``items``/``prefixItems``, a local ``$ref``,
every part of an ``allOf``, and the branches of an ``anyOf``/``oneOf`` the value fits (``fits``:
the validator's own verdict on that branch, so a ``{"type": "image", "url": ...}`` shape of a
union is read with the image branch's rules and never the video branch's). It enters only
subschemas that hold a site (``carries``), so a payload without media costs a dictionary
lookup. Pure: the caller hands in ``fits``; nothing here loads jsonschema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.errors import InputPath
from runcomfy_runtime.schema import pointers
from runcomfy_runtime.schema.patterns import matches
from runcomfy_runtime.spec import MediaSite

Fits = Callable[[Any, str], bool]
"""(a value, the pointer of a union's branch) -> whether the value is valid against it."""


@dataclass(frozen=True, slots=True)
class Found:
    """A value at a media site: the site, the value's path in the payload, the value."""

    site: MediaSite
    path: InputPath
    value: Any


def _edges(pointer: str, node: Mapping[str, Any]) -> Iterator[str]:
    """The pointers a walk from ``node`` may step to (the ``$ref`` target comes separately)."""
    for keyword in ("properties", "patternProperties"):
        value = node.get(keyword)
        if isinstance(value, Mapping):
            for name in value:
                yield pointers.join(pointer, keyword, str(name))
    for keyword in ("additionalProperties", "items"):
        if isinstance(node.get(keyword), Mapping):
            yield pointers.join(pointer, keyword)
    for keyword in ("prefixItems", "allOf", "anyOf", "oneOf"):
        value = node.get(keyword)
        if isinstance(value, list):
            for i in range(len(value)):
                yield pointers.join(pointer, keyword, i)


class SiteIndex:
    """The media sites of one schema, and the subschemas on the way to them."""

    def __init__(self, schema: Mapping[str, Any], sites: tuple[MediaSite, ...]) -> None:
        self.schema = schema
        self.sites = {site.pointer: site for site in sites}
        self._anchors = pointers.anchors(schema)
        self._refs: dict[str, str | None] = {}
        self._carries = self._reaching() if sites else frozenset()

    def _ref(self, pointer: str, node: Mapping[str, Any]) -> str | None:
        if pointer not in self._refs:
            ref = node.get("$ref")
            self._refs[pointer] = (
                pointers.local_target(ref, self.schema, self._anchors) if ref is not None else None
            )
        return self._refs[pointer]

    def _reaching(self) -> frozenset[str]:
        """Every pointer from which a walk can reach a site: the sites' ancestors in the graph
        of steps (``$ref`` cycles included), found backwards from the sites."""
        parents: dict[str, set[str]] = {}
        todo, seen = [""], {""}
        while todo:
            pointer = todo.pop()
            node = self._node(pointer)
            if not isinstance(node, Mapping):
                continue
            steps = list(_edges(pointer, node))
            target = self._ref(pointer, node)
            if target is not None:
                steps.append(target)
            for step in steps:
                parents.setdefault(step, set()).add(pointer)
                if step not in seen:
                    seen.add(step)
                    todo.append(step)
        reach: set[str] = set()
        todo = [p for p in self.sites if p in seen]
        while todo:
            pointer = todo.pop()
            if pointer in reach:
                continue
            reach.add(pointer)
            todo.extend(parents.get(pointer, ()))
        return frozenset(reach)

    def _node(self, pointer: str) -> Any:
        try:
            return pointers.node_at(self.schema, pointer)
        except KeyError:
            return None

    def carries(self, pointer: str) -> bool:
        return pointer in self._carries

    def find(self, payload: Any, fits: Fits) -> list[Found]:
        """Every value at a site, in the order of the payload's keys and indexes."""
        if not self._carries:
            return []
        found: list[Found] = []
        try:
            self._walk("", payload, (), fits, found)
        except RecursionError:
            return []  # the schema stage says the input is nested too deeply to check
        return found

    def _walk(
        self, pointer: str, value: Any, path: InputPath, fits: Fits, out: list[Found]
    ) -> None:
        if pointer not in self._carries:
            return
        node = self._node(pointer)
        if not isinstance(node, Mapping):
            return
        site = self.sites.get(pointer)
        if site is not None and isinstance(value, str):
            out.append(Found(site, path, value))
        target = self._ref(pointer, node)
        if target is not None:
            self._walk(target, value, path, fits, out)
        for i, _ in enumerate(node.get("allOf") or ()):
            self._walk(pointers.join(pointer, "allOf", i), value, path, fits, out)
        for keyword in ("anyOf", "oneOf"):
            for i, _ in enumerate(node.get(keyword) or ()):
                branch = pointers.join(pointer, keyword, i)
                if branch in self._carries and fits(value, branch):
                    self._walk(branch, value, path, fits, out)
        if isinstance(value, dict):
            self._object(pointer, node, value, path, fits, out)
        elif isinstance(value, list):
            prefix = node.get("prefixItems")
            count = len(prefix) if isinstance(prefix, list) else 0
            for i, item in enumerate(value):
                step = pointers.join(pointer, "prefixItems", i) if i < count else None
                if step is None and isinstance(node.get("items"), Mapping):
                    step = pointers.join(pointer, "items")
                if step is not None:
                    self._walk(step, item, (*path, i), fits, out)

    def _object(
        self,
        pointer: str,
        node: Mapping[str, Any],
        value: dict[str, Any],
        path: InputPath,
        fits: Fits,
        out: list[Found],
    ) -> None:
        properties = node.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        patterns = node.get("patternProperties")
        patterns = patterns if isinstance(patterns, Mapping) else {}
        others = isinstance(node.get("additionalProperties"), Mapping)
        for key, item in value.items():
            if not isinstance(key, str):
                continue
            matched = key in properties
            if matched:
                self._walk(pointers.join(pointer, "properties", key), item, (*path, key), fits, out)
            for pattern in patterns:
                if matches(str(pattern), key) is not False:  # undecided: its rules apply too
                    matched = True
                    step = pointers.join(pointer, "patternProperties", str(pattern))
                    self._walk(step, item, (*path, key), fits, out)
            if not matched and others:
                step = pointers.join(pointer, "additionalProperties")
                self._walk(step, item, (*path, key), fits, out)
