"""A catalog entry (``GET /v1/models/{id}``) -> the endpoint's schema-file document.

The catalog's input schema is the machine-readable truth and replaces the file's; what only a
documentation page gives is kept from the file already there: its summary, title, example,
output schema and source, and the prose (title, description) of properties the catalog leaves
undescribed. The catalog has no output schema: the output kind then comes from the entry's
``kind``/``categories`` (recorded under ``catalog:``), and results expose every URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runcomfy_runtime.catalog import CatalogEntry
from runcomfy_runtime.schema.normalise import copy

CATALOG_SOURCE = "RunComfy model catalog"
_PROSE = ("title", "description")
_KEEP = ("summary", "title", "example", "output")


def catalog_block(entry: CatalogEntry) -> dict[str, Any]:
    """What the file records of the entry beside the schema (no empty values)."""
    block: dict[str, Any] = {
        "display_name": entry.display_name,
        "categories": list(entry.categories) or None,
        "kind": entry.kind,
        "base_price_usd": entry.base_price_usd,
        "price_unit": entry.price_unit,
        "pricing_note": entry.pricing_note,
    }
    return {k: v for k, v in block.items() if v is not None}


def _with_prose(catalog: Any, earlier: Any) -> Any:
    """The catalog's input schema, with the earlier file's prose where the catalog has none."""
    if not isinstance(catalog, dict) or not isinstance(earlier, Mapping):
        return catalog
    merged = copy(catalog)
    for key in _PROSE:
        if key not in merged and isinstance(earlier.get(key), str):
            merged[key] = earlier[key]
    properties = merged.get("properties")
    before = earlier.get("properties")
    if isinstance(properties, dict) and isinstance(before, Mapping):
        for name, prop in properties.items():
            old = before.get(name)
            if isinstance(prop, dict) and isinstance(old, Mapping):
                for key in _PROSE:
                    if key not in prop and isinstance(old.get(key), str) and old[key]:
                        prop[key] = old[key]
    return merged


def entry_doc(entry: CatalogEntry, earlier: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The schema-file document for ``entry``, merged with the ``earlier`` file's document."""
    earlier = earlier or {}
    doc: dict[str, Any] = {"id": entry.model_id, "endpoint": f"/v1/models/{entry.model_id}"}
    for key in ("summary", "title"):
        if key in earlier:
            doc[key] = earlier[key]
    doc["source"] = earlier.get("source") or CATALOG_SOURCE
    doc["catalog"] = catalog_block(entry)  # present even when empty: the file came from it
    if "example" in earlier:
        doc["example"] = earlier["example"]
    doc["input"] = _with_prose(copy(dict(entry.input_schema or {})), earlier.get("input"))
    if "output" in earlier:
        doc["output"] = earlier["output"]
    return doc


def entries_in(data: Any) -> list[CatalogEntry] | None:
    """The entries of a saved catalog answer (one entry, or a listing); None when ``data`` is
    neither."""
    if isinstance(data, Mapping) and isinstance(data.get("models"), list):
        return [e for e in map(CatalogEntry.from_wire, data["models"]) if e is not None]
    entry = CatalogEntry.from_wire(data)
    return [entry] if entry is not None else None
