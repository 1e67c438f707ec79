"""``runcomfy-codegen import``: pages or saved catalog answers -> schema files, all or nothing.

Every input is read, checked against the envelope and normalised by the runtime's schema
engine as generation would before anything is written, so the importer never writes a file the
generator refuses; every problem of every input is reported at once. An input is a
documentation page (saved text, any language) or a saved catalog answer: one entry
(``GET /v1/models/{id}``) or a listing (``{"models": [...]}``). When two inputs give one
endpoint, the last one wins (pages in two languages differ only in prose).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from runcomfy_codegen.catalog_docs import entries_in, entry_doc
from runcomfy_codegen.errors import SchemaFileError, SchemaFilesError
from runcomfy_codegen.importer import dump_schema_file, parse_page, schema_path
from runcomfy_codegen.load import check_doc, parse_yaml
from runcomfy_codegen.model import build_endpoint
from runcomfy_runtime.schema.text import display_text


def _read(page: str) -> tuple[str, str]:
    if page == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(page)
    try:
        return path.read_text(encoding="utf-8-sig"), display_text(path.name)  # a name: shown
    except (OSError, UnicodeDecodeError) as e:
        raise SchemaFileError(path.name, "", f"cannot read the input: {e}") from None


def checked_yaml(doc: dict[str, Any], source: str, package: str) -> tuple[str, str]:
    """(model id, schema-file text) for one document, checked as strictly as generation of
    the package ``package`` would check it."""
    name = display_text(f"{doc['id']}.yaml")  # as reports print it; check_doc refuses a flaw
    build_endpoint(check_doc(name, doc), package)
    rendered = dump_schema_file(doc)
    if parse_yaml(rendered) != doc:  # what generation reads back must be exactly what was read
        raise SchemaFileError(source, "", "the schema does not survive a YAML round trip")
    return doc["id"], rendered


def page_to_yaml(text: str, source: str, package: str) -> tuple[str, str]:
    """(model id, schema-file text) for one documentation page."""
    return checked_yaml(parse_page(text, source), source, package)


def existing_doc(schemas: Path, model_id: str) -> dict[str, Any] | None:
    """The document of the schema file already there, if any (for what a catalog lacks)."""
    path = schema_path(schemas, model_id)
    if not path.is_file():
        return None
    try:
        found = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        reason = f"the schema file there cannot be read, so what only it holds would be lost: {e}"
        raise SchemaFileError(f"{model_id}.yaml", "", reason) from None
    return found if isinstance(found, dict) else None


def _catalog(text: str) -> Any:
    """The JSON of a saved catalog answer, or None for anything else (a page)."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


def _documents(text: str, source: str, schemas: Path, package: str) -> list[tuple[str, str]]:
    data = _catalog(text)
    entries = entries_in(data) if data is not None else None
    if entries is None:
        return [page_to_yaml(text, source, package)]
    if not entries:
        raise SchemaFileError(source, "", "a catalog answer with no model in it")
    out, refused = [], []
    for entry in entries:
        try:
            doc = entry_doc(entry, existing_doc(schemas, entry.model_id))
            out.append(checked_yaml(doc, source, package))
        except SchemaFileError as e:
            refused.append(e)
    if refused:
        raise SchemaFilesError(refused)
    return out


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_import(
    pages: list[str], schemas: Path, package: str, *, dry_run: bool, check: bool
) -> int:
    """Write the schema files of ``pages`` into ``schemas`` (all or none); 1 when ``check``
    finds a file that differs from its source."""
    outputs: dict[Path, str] = {}
    refused: list[SchemaFileError] = []
    for page in pages:
        try:
            text, source = _read(page)
            documents = _documents(text, source, schemas, package)
        except SchemaFileError as e:
            refused.append(e)
            continue
        except SchemaFilesError as e:
            refused.extend(e.errors)
            continue
        for model_id, rendered in documents:
            path = schema_path(schemas, model_id)
            if path in outputs and outputs[path] != rendered:
                print(f"note: {source} gives {model_id} again; it wins", file=sys.stderr)
            outputs[path] = rendered
    if refused:
        raise SchemaFilesError(refused)  # nothing is written unless everything can be
    stale = 0
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if dry_run:
            sys.stdout.write(text)
        elif check:
            if current != text:
                stale += 1
                print(f"differs from its source: {path}")
            else:
                print(f"matches its source: {path}")
        elif current != text:
            write_atomically(path, text)
            print(f"wrote {path}")
        else:
            print(f"unchanged {path}")
    return 1 if stale else 0
