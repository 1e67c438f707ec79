"""RunComfy's model catalog, as the API serves it: entries as small typed values.

``GET /v1/models?search=&category=&kind=&include_schema=true&limit=&offset=`` answers
``{"models": [...], "total": N}``; ``GET /v1/models/{model_id}`` one entry;
``GET /v1/models/categories`` ``{"categories": [...]}``. An entry carries the model's input
schema (the same JSON Schema with ``validations`` the doc pages show) and its price, but no
output schema: the kind of output comes from ``kind`` and ``categories``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from runcomfy_runtime.schema.text import display_text
from runcomfy_runtime.spec import EndpointSpec

PAGE_SIZE = 100


def _text(value: Any) -> str | None:
    """Display text (a name, a category, a price unit): only shown, never sent or validated,
    so a NUL or a lone surrogate in it is replaced (``schema.text``) rather than hiding the
    model; the listing then prints and the schema file it goes to reads back."""
    return display_text(value) if isinstance(value, str) and value else None


DISPLAY_FIELDS = ("display_name", "categories", "kind", "price_unit", "pricing_note")
"""The fields of an entry that are only shown (their text is replaced, never refused)."""


def displayable(body: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an entry whose display text (:data:`DISPLAY_FIELDS`) has no NUL or lone
    surrogate left: what a server of the catalog can encode and a terminal can print."""
    out = dict(body)
    for key in DISPLAY_FIELDS:
        value = out.get(key)
        if isinstance(value, str):
            out[key] = display_text(value)
        elif isinstance(value, list):
            out[key] = [display_text(v) if isinstance(v, str) else v for v in value]
    return out


def _price(value: Any) -> float | None:
    return float(value) if type(value) in (int, float) else None


@dataclass(frozen=True)
class CatalogEntry:
    """One model of the catalog: id, name, categories, kind, price, and its input schema
    (when asked for; ``spec()`` compiles it with the runtime's schema engine)."""

    model_id: str
    display_name: str | None = None
    categories: tuple[str, ...] = ()
    kind: str | None = None
    base_price_usd: float | None = None
    price_unit: str | None = None
    pricing_note: str | None = None
    input_schema: Mapping[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def from_wire(cls, body: Any) -> CatalogEntry | None:
        """An entry, or None when the body names no model."""
        if not isinstance(body, Mapping) or not _text(body.get("model_id")):
            return None
        categories = body.get("categories")
        schema = body.get("input_schema")
        return cls(
            model_id=str(body["model_id"]),
            display_name=_text(body.get("display_name")),
            categories=tuple(c for c in map(_text, categories) if c is not None)
            if isinstance(categories, list)
            else (),
            kind=_text(body.get("kind")),
            base_price_usd=_price(body.get("base_price_usd")),
            price_unit=_text(body.get("price_unit")),
            pricing_note=_text(body.get("pricing_note")),
            input_schema=schema if isinstance(schema, Mapping) else None,
        )

    @property
    def price(self) -> str | None:
        """``$0.40 / second``, or None when the catalog gives no price."""
        if self.base_price_usd is None:
            return None
        unit = f" / {self.price_unit}" if self.price_unit else ""
        return f"${self.base_price_usd:g}{unit}"

    @property
    def output_kind(self) -> str | None:
        from runcomfy_runtime.schema.outputs import output_kind

        return output_kind(self.model_id, self.kind, list(self.categories))

    def spec(self) -> EndpointSpec:
        """The spec the client validates this model with; ``SchemaError`` lists every
        construct of the schema the engine does not understand."""
        from runcomfy_runtime.errors import SchemaError, SchemaProblem
        from runcomfy_runtime.schema.compile import compile_spec
        from runcomfy_runtime.schema.describe import english_summary
        from runcomfy_runtime.schema.outputs import output_kind

        if self.input_schema is None:
            raise SchemaError([SchemaProblem("input_schema", "the entry has none")], self.model_id)
        kind = output_kind(self.model_id, self.kind, list(self.categories))
        return compile_spec(
            self.model_id,
            self.input_schema,
            summary=english_summary(self.model_id, kind, self.display_name),
            output_kind=kind,
        )

    def record(self) -> dict[str, Any]:
        """The entry as JSON (without its schema), for ``--json`` and logs."""
        return {
            "model_id": self.model_id,
            "display_name": self.display_name,
            "categories": list(self.categories),
            "kind": self.kind,
            "base_price_usd": self.base_price_usd,
            "price_unit": self.price_unit,
            "pricing_note": self.pricing_note,
        }


def listing_url(
    base_url: str,
    *,
    search: str | None,
    category: str | None,
    kind: str | None,
    include_schema: bool,
    offset: int,
    limit: int = PAGE_SIZE,
) -> str:
    query = {
        "search": search,
        "category": category,
        "kind": kind,
        "include_schema": "true" if include_schema else None,
        "limit": str(limit),
        "offset": str(offset),
    }
    given = {k: v for k, v in query.items() if v}
    return f"{base_url}/v1/models?{urlencode(given)}"


def entry_url(base_url: str, model_id: str) -> str:
    return f"{base_url}/v1/models/{quote(model_id, safe='/')}"


def categories_url(base_url: str) -> str:
    return f"{base_url}/v1/models/categories"


def page_of(body: Any) -> tuple[list[CatalogEntry], int | None]:
    """The entries of one listing page and the total the server announced."""
    body = body if isinstance(body, Mapping) else {}
    models = body.get("models")
    entries = (
        [e for e in map(CatalogEntry.from_wire, models or []) if e is not None]
        if (isinstance(models, list))
        else []
    )
    total = body.get("total")
    return entries, total if type(total) is int else None


def categories_of(body: Any) -> list[str]:
    found = body.get("categories") if isinstance(body, Mapping) else None
    return [c for c in found if isinstance(c, str)] if isinstance(found, list) else []


class Pager:
    """Pages through a listing: the next URL to fetch, until the server's total is reached
    or a page comes back empty (a server that miscounts never loops forever)."""

    def __init__(self, base_url: str, **query: Any) -> None:
        self._base_url = base_url
        self._query = query
        self.entries: list[CatalogEntry] = []
        self._done = False

    def next_url(self) -> str | None:
        if self._done:
            return None
        return listing_url(self._base_url, offset=len(self.entries), **self._query)

    def add(self, body: Any) -> None:
        """One page's entries; :class:`~runcomfy_runtime.errors.APIError` when the answer is
        not a listing at all (an HTML maintenance page, JSON nested too deeply to decode, an
        object without ``models``): read as an empty catalog, it would tell ``sync`` that
        every model left."""
        if not isinstance(body, Mapping) or not isinstance(body.get("models"), list):
            from runcomfy_runtime.errors import APIError
            from runcomfy_runtime.wire import excerpt

            raise APIError(
                f"the catalog answered something that is not a listing of models "
                f"({excerpt(body)}): nothing was read from it"
            )
        entries, total = page_of(body)
        self.entries.extend(entries)
        if not entries or (total is not None and len(self.entries) >= total):
            self._done = True
