"""``python -m codegen sync``: every model of RunComfy's catalog -> ``schemas/<model id>.yaml``.

Pages through ``GET /v1/models?include_schema=true`` (token and base URL as the client reads
them: ``$RUNCOMFY_API_TOKEN``..., ``--base-url`` or ``$RUNCOMFY_BASE_URL``), writes or updates
a schema file per model (``catalog_docs`` says what is kept from a documentation page), and
prints what was added, changed and removed. A model the schema engine cannot understand does
not block the others: it is listed with every reason, and the command exits 1. A schema file
that came from the catalog (it has a ``catalog:`` block) and whose model the catalog no longer
lists is removed; files imported only from documentation pages are never removed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codegen.catalog_docs import entry_doc
from codegen.errors import SchemaFileError
from codegen.import_command import checked_yaml, existing_doc, write_atomically
from codegen.importer import schema_path
from codegen.load import read_doc, schema_paths
from runcomfy_runtime.catalog import CatalogEntry


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[SchemaFileError] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"added     {m}" for m in self.added]
        out += [f"changed   {m}" for m in self.changed]
        out += [f"removed   {m}" for m in self.removed]
        for error in self.refused:
            out.append(f"refused   {error.file.removesuffix('.yaml')}:")
            out += [f"            - {p}" for p in error.problems]
        out.append(
            f"sync: {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.refused)} refused"
        )
        return out


def _from_catalog(path: Path) -> str | None:
    """The model id of a schema file that came from the catalog, else None."""
    doc = read_doc(path)
    model_id = doc.get("id") if isinstance(doc, dict) and "catalog" in doc else None
    return model_id if isinstance(model_id, str) else None


def sync_entries(
    entries: Iterable[CatalogEntry], schemas: Path, only: str | None = None
) -> SyncReport:
    """Bring ``schemas`` to the catalog's ``entries`` (those matching ``only``, a glob)."""
    report = SyncReport()
    listed: set[str] = set()
    for entry in sorted(entries, key=lambda e: e.model_id):
        if only and not fnmatch.fnmatchcase(entry.model_id, only):
            continue
        listed.add(entry.model_id)
        path = schema_path(schemas, entry.model_id)
        try:
            if entry.input_schema is None:
                raise SchemaFileError(f"{entry.model_id}.yaml", "input", "the entry has no schema")
            doc = entry_doc(entry, existing_doc(schemas, entry.model_id))
            _, text = checked_yaml(doc, f"{entry.model_id}.yaml")
        except SchemaFileError as e:
            report.refused.append(e)
            continue
        before = path.read_text(encoding="utf-8") if path.is_file() else None
        if before == text:
            report.unchanged.append(entry.model_id)
            continue
        write_atomically(path, text)
        (report.changed if before is not None else report.added).append(entry.model_id)
    for path in schema_paths(schemas) if schemas.is_dir() else []:
        model_id = _from_catalog(path)
        if model_id is None or model_id in listed:
            continue
        if only and not fnmatch.fnmatchcase(model_id, only):
            continue
        path.unlink()
        report.removed.append(model_id)
    return report


def run_sync(schemas: Path, base_url: str | None, only: str | None) -> int:
    from runcomfy_runtime.client import Client

    with Client(base_url=base_url) as client:
        entries = client.models(include_schema=True)
    report = sync_entries(entries, schemas, only)
    for line in report.lines():
        print(line)
    return 1 if report.refused else 0
