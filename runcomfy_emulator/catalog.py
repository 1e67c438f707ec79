"""The model catalog the emulator serves, as RunComfy's Model API serves its own.

Entries are shaped as RunComfy's public CLI reads them (DESIGN.md, "The catalog")::

    {"model_id", "display_name", "categories", "kind", "base_price_usd", "price_unit",
     "pricing_note", "input_schema"}

Two sources:

* the registry handed in: an entry is built for each model from its spec. Its
  ``input_schema`` is the spec's normalised schema with what normalising took out put back in
  the catalog's own terms (each rule as a ``validations`` entry, each media field's ``format``),
  so the runtime's engine compiles it to the same fields the generated endpoint has. The
  price is made up, and ``pricing_note`` says so;
* a listing given with ``--catalog FILE.json`` (``{"models": [...], "total": N}``, a list of
  entries, or one entry): each entry the engine understands is served as given and accepted
  for jobs; one it refuses is left out, with its reasons in :attr:`Catalog.refused` (schema
  text with a NUL or a lone surrogate among them). Display text (the name, categories...) with
  such a character is served with U+FFFD in its place, as the client reads it, so every
  answer can be encoded. An entry of a registry model's id replaces the registry's.

Listing (``GET /v1/models``) filters by ``search`` (in the id or display name, any case),
``category`` and ``kind``, sorts by model id and pages with ``limit`` (default 50, at most
200; larger asks get 200) and ``offset``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runcomfy_emulator.outputs import check_sizes, output_kind
from runcomfy_runtime.catalog import displayable
from runcomfy_runtime.errors import SchemaError
from runcomfy_runtime.schema import pointers
from runcomfy_runtime.schema.compile import compile_spec
from runcomfy_runtime.schema.ids import model_id_problem
from runcomfy_runtime.schema.normalise import copy
from runcomfy_runtime.schema.outputs import output_kind as catalog_kind
from runcomfy_runtime.spec import EndpointSpec, Rule

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
PRICING_NOTE = "emulator: made-up price, not RunComfy's"
PRICES: dict[str, tuple[float, str]] = {
    "image": (0.03, "image"),
    "video": (0.40, "output"),
    "audio": (0.02, "output"),
}
"""Made-up (base_price_usd, price_unit) per output kind: RunComfy's prices are not ours."""

_SMALL_WORDS = frozenset({"to", "and", "of", "with"})


# -- entries of the registry's models --------------------------------------------------------


def display_name(model_id: str) -> str:
    """A name from the id: ``bytedance/dreamina-4-0/edit`` -> ``Bytedance Dreamina 4.0 Edit``.

    Numbers in a row are a version (``4-0`` is 4.0); small words stay lower case.
    """
    words: list[str] = []
    for segment in model_id.split("/"):
        number: list[str] = []
        for word in [*segment.split("-"), ""]:
            if word.isdigit():
                number.append(word)
                continue
            if number:
                words.append(".".join(number))
                number = []
            if word:
                words.append(word if word in _SMALL_WORDS else word[:1].upper() + word[1:])
    return " ".join(words)


def _rule_entry(rule: Rule) -> dict[str, Any]:
    value: float | int = int(rule.value) if rule.value.is_integer() else rule.value
    return {
        "validation_rule": rule.metric + rule.op,
        "validation_value": value,
        "validation_error": rule.message,
    }


def wire_schema(spec: EndpointSpec) -> dict[str, Any]:
    """The spec's input schema as the catalog writes one: rules as ``validations`` and media
    fields with their ``format``, wherever they nest, so ``compile_spec`` gives back the spec's
    fields and media sites."""
    schema: dict[str, Any] = copy(dict(spec.input_schema))
    schema.pop("additionalProperties", None)  # the engine closes every schema itself
    properties = schema.get("properties", {})
    for f in spec.fields:
        prop = properties[f.wire_name]
        if f.media is not None:
            prop["format"] = f"{f.media}_uris" if f.many else f"{f.media}_uri"
        if f.rules:
            prop["validations"] = [_rule_entry(rule) for rule in f.rules]
    for site in spec.nested_media:
        node = pointers.node_at(schema, site.pointer)
        node["format"] = f"{site.kind}_uri"
        if site.rules:
            node["validations"] = [_rule_entry(rule) for rule in site.rules]
    return schema


def registry_entry(spec: EndpointSpec) -> dict[str, Any]:
    """The catalog entry of a registry model (its price made up, and labelled so)."""
    kind = output_kind(spec)
    price, unit = PRICES[kind]
    return {
        "model_id": spec.model_id,
        "display_name": spec.title or display_name(spec.model_id),
        "categories": [kind, spec.model_id.rsplit("/", 1)[-1]],
        "kind": kind,
        "base_price_usd": price,
        "price_unit": unit,
        "pricing_note": PRICING_NOTE,
        "input_schema": wire_schema(spec),
    }


# -- entries given in a listing ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a listing gave: the entries served, their specs, and why others were refused."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    specs: dict[str, EndpointSpec] = field(default_factory=dict)
    refused: tuple[str, ...] = ()


def read_listing(path: Path) -> list[Any]:
    """The entries of a listing file; ``ValueError`` when the file is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"catalog {path}: cannot read it ({e})") from None
    return entries_of(data, str(path))


def entries_of(data: Any, source: str = "catalog") -> list[Any]:
    """The entries of a decoded listing: ``{"models": [...]}``, a list, or one entry."""
    if isinstance(data, Mapping) and isinstance(data.get("models"), list):
        return list(data["models"])
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping) and "model_id" in data:
        return [data]
    raise ValueError(f'{source}: expected {{"models": [...], "total": N}}, a list or one entry')


def spec_of_entry(entry: Any) -> EndpointSpec:
    """The spec the engine makes of an entry; ``ValueError`` naming every reason it cannot."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"an entry is a JSON object, got {type(entry).__name__}")
    model_id = entry.get("model_id")
    wrong = model_id_problem(model_id)  # the rule sync and generate apply: one for all
    if wrong is not None or not isinstance(model_id, str):
        raise ValueError(wrong or "a model id is a string")
    kind = catalog_kind(model_id, entry.get("kind"), entry.get("categories"))
    name = entry.get("display_name")
    try:
        spec = compile_spec(
            model_id,
            entry.get("input_schema"),  # type: ignore[arg-type]  # the engine checks it
            title=name if isinstance(name, str) else None,
            output_kind=kind,
        )
        check_sizes(spec)
    except SchemaError as e:
        raise ValueError("; ".join(str(p) for p in e.problems)) from None
    return spec


def load(entries: Iterable[Any]) -> Loaded:
    """Every entry the engine understands, and one line per refused entry with its reasons."""
    served: dict[str, dict[str, Any]] = {}
    specs: dict[str, EndpointSpec] = {}
    refused: list[str] = []
    for position, given in enumerate(entries):
        entry = displayable(given) if isinstance(given, Mapping) else given
        try:
            spec = spec_of_entry(entry)
        except ValueError as e:
            model_id = entry.get("model_id") if isinstance(entry, Mapping) else None
            label = repr(model_id) if isinstance(model_id, str) else f"entry {position}"
            refused.append(f"catalog: {label} not served: {e}")
            continue
        served[spec.model_id] = dict(entry)
        specs[spec.model_id] = spec
    return Loaded(served, specs, tuple(refused))


CatalogSource = Path | str | Mapping[str, Any] | list[Any]
"""A listing file's path, a named catalog (``"sample"``), a decoded listing, or a list of
entries."""

SAMPLE_CATALOG = Path(__file__).with_name("sample_catalog.json")
"""25 fictional video, image and audio models, shipped in the wheel: ``--catalog sample``."""
NAMED_CATALOGS = {"sample": SAMPLE_CATALOG}
"""Catalogs known by name. Only the plain string is a name: ``./sample`` is a file."""


def catalog_file(given: str | Path) -> Path:
    """The file of a catalog given by name (a ``str`` of :data:`NAMED_CATALOGS`) or path."""
    if isinstance(given, str) and given in NAMED_CATALOGS:
        return NAMED_CATALOGS[given]
    return Path(given)


def load_source(source: CatalogSource) -> Loaded:
    """:func:`load` of a file or of decoded entries; ``ValueError`` if it is no listing."""
    if isinstance(source, Path | str):
        return load(read_listing(catalog_file(source)))
    return load(entries_of(source))


# -- the catalog served ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """One ``GET /v1/models``: its filters and its page."""

    search: str = ""
    category: str = ""
    kind: str = ""
    include_schema: bool = False
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def query_of(params: Mapping[str, str]) -> Query:
    """The query of the request's parameters; ``ValueError`` for a limit or offset that is not
    a whole number (limit >= 1, offset >= 0). A limit past :data:`MAX_LIMIT` gets the max."""
    limit = _whole(params.get("limit"), DEFAULT_LIMIT, "limit", least=1)
    return Query(
        search=params.get("search", "").strip(),
        category=params.get("category", "").strip(),
        kind=params.get("kind", "").strip(),
        include_schema=params.get("include_schema", "").lower() in ("true", "1"),
        limit=min(limit, MAX_LIMIT),
        offset=_whole(params.get("offset"), 0, "offset", least=0),
    )


def _whole(text: str | None, default: int, name: str, *, least: int) -> int:
    if text is None or text == "":
        return default
    if not text.isdigit() or int(text) < least:
        raise ValueError(f"{name} must be a whole number >= {least}, got {text!r}")
    return int(text)


class Catalog:
    """The registry's models and a listing's, as catalog entries. Thread-safe: read-only.

    The registry's entries are built on the first catalog request, so start-up does not pay
    for them.
    """

    def __init__(self, registry: Mapping[str, EndpointSpec], given: Loaded | None = None) -> None:
        self._registry = registry
        self.given = given or Loaded()

    @property
    def refused(self) -> tuple[str, ...]:
        return self.given.refused

    @functools.cached_property
    def _entries(self) -> dict[str, dict[str, Any]]:
        entries = {
            model_id: registry_entry(self._registry[model_id]) for model_id in self._registry
        }
        entries.update(self.given.entries)
        return dict(sorted(entries.items()))

    def spec(self, model_id: str) -> EndpointSpec | None:
        """The spec of a model served, or None."""
        found = self.given.specs.get(model_id)
        if found is None and model_id in self._registry:
            return self._registry[model_id]
        return found

    def model_ids(self) -> list[str]:
        return sorted({*self._registry, *self.given.specs})

    def entry(self, model_id: str) -> dict[str, Any] | None:
        return self._entries.get(model_id)

    def kind(self, model_id: str) -> str | None:
        """The kind of file the model makes: what its spec says (from the entry's categories,
        ``text-to-video``; the served ``kind`` is ``"model"``, which names none)."""
        spec = self.spec(model_id)
        return output_kind(spec) if spec is not None else None

    def price(self, model_id: str) -> tuple[float | None, str | None]:
        """(base_price_usd, price_unit) of the model's entry; None where it gives none."""
        entry = self._entries.get(model_id)
        price = entry.get("base_price_usd") if entry is not None else None
        unit = entry.get("price_unit") if entry is not None else None
        found = float(price) if isinstance(price, int | float) and type(price) is not bool else None
        return found, (unit if isinstance(unit, str) else None)

    def categories(self) -> list[str]:
        found = {
            c
            for e in self._entries.values()
            for c in e.get("categories") or []
            if isinstance(c, str)
        }
        return sorted(found)

    def listing(self, query: Query) -> dict[str, Any]:
        """``{"models": [...], "total": N}``: the page of the entries the query matches."""
        matched = [e for e in self._entries.values() if self._matches(e, query)]
        page = matched[query.offset : query.offset + query.limit]
        if not query.include_schema:
            page = [{k: v for k, v in e.items() if k != "input_schema"} for e in page]
        return {"models": page, "total": len(matched)}

    def _matches(self, entry: Mapping[str, Any], query: Query) -> bool:
        return all(test(self, entry, query) for test in _FILTERS)


def _by_search(catalog: Catalog, entry: Mapping[str, Any], query: Query) -> bool:
    wanted = query.search.lower()
    names = (str(entry.get("model_id", "")), str(entry.get("display_name") or ""))
    return not wanted or any(wanted in name.lower() for name in names)


def _by_category(catalog: Catalog, entry: Mapping[str, Any], query: Query) -> bool:
    wanted = query.category.lower()
    categories = entry.get("categories") or []
    return not wanted or any(isinstance(c, str) and c.lower() == wanted for c in categories)


def _by_kind(catalog: Catalog, entry: Mapping[str, Any], query: Query) -> bool:
    """The entry's own ``kind`` (``model``, as served), or the kind of file it makes."""
    wanted = query.kind.lower()
    own = str(entry.get("kind") or "").lower()
    return not wanted or wanted in (own, (catalog.kind(str(entry.get("model_id"))) or ""))


_FILTERS = (_by_search, _by_category, _by_kind)
