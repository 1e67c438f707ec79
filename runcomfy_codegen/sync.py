"""``runcomfy-codegen sync``: every model of RunComfy's catalog -> ``schemas/<model id>.yaml``.

Pages through ``GET /v1/models?include_schema=true`` (token and base URL as the client reads
them: ``$RUNCOMFY_API_TOKEN``..., ``--base-url`` or ``$RUNCOMFY_BASE_URL``), writes or updates
a schema file per model (``catalog_docs`` says what is kept from a documentation page), and
prints what was added, changed and removed.

``sync`` refuses exactly what ``generate`` could not build, so ``generate`` on what it wrote
always succeeds: each model goes through the pipeline generation uses (its id checked before
any path is made from it, the envelope, the schema engine, the model of its module), and the
whole set of ids, those on disk included, through the layout that places every module
(``layout.py``), so ids that would clash once named (``a-b``, ``a.b``, ``a_b``) are refused
with each other named. A refused model does not block the others: it is listed with every
reason, and the command exits 1. A schema file that came from the catalog (it has a
``catalog:`` block) and whose model the catalog no longer lists is removed; files imported
only from documentation pages are never removed. An answer that is not a listing (an HTML
maintenance page, JSON too deep to read) is an error before anything is written or removed.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from runcomfy_codegen.catalog_docs import entry_doc
from runcomfy_codegen.errors import SchemaFileError
from runcomfy_codegen.import_command import checked_yaml, existing_doc, write_atomically
from runcomfy_codegen.importer import schema_path
from runcomfy_codegen.layout import layout
from runcomfy_codegen.load import read_doc, schema_paths
from runcomfy_runtime.catalog import CatalogEntry
from runcomfy_runtime.errors import SchemaProblem
from runcomfy_runtime.schema.ids import model_id_problem


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
            out.append(f"refused   {_shown(error.file.removesuffix('.yaml'))}:")
            out += [f"            - {p}" for p in error.problems]
        out.append(
            f"sync: {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.refused)} refused"
        )
        return out


def _shown(model_id: str) -> str:
    return model_id if len(model_id) <= 100 else model_id[:97] + "..."


def _from_catalog(path: Path) -> str | None:
    """The model id of a schema file that came from the catalog, else None (a file that
    cannot be read is left alone: it is not sync's to remove)."""
    doc = read_doc(path)
    model_id = doc.get("id") if isinstance(doc, dict) and "catalog" in doc else None
    return model_id if isinstance(model_id, str) else None


@dataclass(frozen=True)
class _Candidate:
    model_id: str
    path: Path
    text: str


def _candidate(entry: CatalogEntry, schemas: Path, package: str) -> _Candidate | SchemaFileError:
    """One entry through the pipeline ``generate`` uses; its every problem, or its file."""
    name = f"{entry.model_id}.yaml"
    wrong = model_id_problem(entry.model_id)  # before any path is built from it
    if wrong is not None:
        return SchemaFileError(name, "id", wrong)
    try:
        if entry.input_schema is None:
            raise SchemaFileError(name, "input", "the entry has no schema")
        doc = entry_doc(entry, existing_doc(schemas, entry.model_id))
        _, text = checked_yaml(doc, name, package)
    except SchemaFileError as e:
        return e
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:  # the file already there
        return SchemaFileError(name, "", f"cannot read the schema file there: {e}")
    return _Candidate(entry.model_id, schema_path(schemas, entry.model_id), text)


def _placeable(
    candidates: dict[str, _Candidate], on_disk: set[str], package: str
) -> dict[str, list[SchemaProblem]]:
    """The candidates the layout of every id (those kept on disk too) refuses, with why.

    Where new ids clash with one on disk, the new ones are refused; where only new ids clash,
    all of them are (none is more right than another). Refusing some can end others' clashes,
    so the layout is worked out again until the candidates left all place.
    """
    refused: dict[str, list[SchemaProblem]] = {}
    left = dict(candidates)
    while True:
        problems = layout([*on_disk, *left], package).problems
        clashing = [i for i in problems if i in left]
        if not clashing:
            return refused
        new = [i for i in clashing if i not in on_disk]
        for model_id in new or clashing:
            refused[model_id] = problems[model_id]
            del left[model_id]


def matches(model_id: str, only: Sequence[str]) -> bool:
    """Whether ``model_id`` is one ``--only`` asks for (any of its globs; none: every id)."""
    return not only or any(fnmatch.fnmatchcase(model_id, pattern) for pattern in only)


def sync_entries(
    entries: Iterable[CatalogEntry], schemas: Path, package: str, only: Sequence[str] = ()
) -> SyncReport:
    """Bring ``schemas`` (the source of the package ``package``) to the catalog's ``entries``:
    those matching one of ``only``'s globs, or all of them."""
    report = SyncReport()
    listed: set[str] = set()
    candidates: dict[str, _Candidate] = {}
    for entry in sorted(entries, key=lambda e: e.model_id):
        if not matches(entry.model_id, only):
            continue
        listed.add(entry.model_id)
        found = _candidate(entry, schemas, package)
        if isinstance(found, SchemaFileError):
            report.refused.append(found)
        else:
            candidates[found.model_id] = found
    files = schema_paths(schemas) if schemas.is_dir() else []
    leaving = {}
    for path in files:
        model_id = _from_catalog(path)
        if model_id is None or model_id in listed:
            continue
        if not matches(model_id, only):
            continue
        leaving[model_id] = path
    on_disk = {p.relative_to(schemas).as_posix().removesuffix(".yaml") for p in files}
    kept = on_disk - set(leaving) - set(candidates)
    placed = _placeable(candidates, kept | (on_disk & set(candidates)), package)
    for model_id, problems in placed.items():
        del candidates[model_id]
        report.refused.append(SchemaFileError(f"{model_id}.yaml", problems=problems))
    for model_id, candidate in candidates.items():
        try:
            before = (
                candidate.path.read_text(encoding="utf-8") if candidate.path.is_file() else None
            )
            if before == candidate.text:
                report.unchanged.append(model_id)
                continue
            write_atomically(candidate.path, candidate.text)
        except OSError as e:
            report.refused.append(SchemaFileError(f"{model_id}.yaml", "", f"cannot write: {e}"))
            continue
        (report.changed if before is not None else report.added).append(model_id)
    for model_id, path in sorted(leaving.items()):
        path.unlink()
        report.removed.append(model_id)
    report.refused.sort(key=lambda e: e.file)
    return report


def run_sync(schemas: Path, package: str, base_url: str | None, only: Sequence[str]) -> int:
    """Pull the catalog into ``schemas``; 1 when a model was refused (the others are written)."""
    from runcomfy_runtime.client import Client

    with Client(base_url=base_url) as client:
        entries = client.models(include_schema=True)  # a listing it cannot read raises
    if only and not any(matches(e.model_id, only) for e in entries):
        print(f"note: no model of the catalog matches {' or '.join(only)}", file=sys.stderr)
    report = sync_entries(entries, schemas, package, only)
    for line in report.lines():
        print(line)
    return 1 if report.refused else 0
