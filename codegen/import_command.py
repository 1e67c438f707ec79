"""``python -m codegen import``: pages -> schema files, all or nothing.

Every page is read, checked against the meta-schema and normalised as generation would before
anything is written, so the importer never writes a file the generator refuses. When two pages
of one endpoint are given (two languages, say), the last one wins: the input schema and example
are the same across languages, while prose (summary, output descriptions) is the last page's.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import yaml

from codegen.errors import SchemaFileError
from codegen.importer import dump_schema_file, parse_page, schema_path
from codegen.load import check_doc
from codegen.model import build_endpoint


def _read(page: str) -> tuple[str, str]:
    if page == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(page)
    try:
        return path.read_text(encoding="utf-8-sig"), path.name
    except (OSError, UnicodeDecodeError) as e:
        raise SchemaFileError(path.name, "", f"cannot read the page: {e}") from None


def page_to_yaml(text: str, source: str) -> tuple[str, str]:
    """(model id, schema-file text) for one page, checked as strictly as generation checks."""
    doc = parse_page(text, source)
    name = f"{doc['id']}.yaml"
    build_endpoint(check_doc(name, doc))
    rendered = dump_schema_file(doc)
    if yaml.safe_load(rendered) != doc:  # the YAML must load back to exactly what was read
        raise SchemaFileError(source, "", "the schema does not survive a YAML round trip")
    return doc["id"], rendered


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_import(pages: list[str], schemas: Path, *, dry_run: bool, check: bool) -> int:
    outputs: dict[Path, str] = {}
    for page in pages:
        text, source = _read(page)
        model_id, rendered = page_to_yaml(text, source)
        path = schema_path(schemas, model_id)
        if path in outputs and outputs[path] != rendered:
            print(f"note: {source} is another page of {model_id}; it wins", file=sys.stderr)
        outputs[path] = rendered
    stale = 0
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if dry_run:
            sys.stdout.write(text)
        elif check:
            if current != text:
                stale += 1
                print(f"differs from its page: {path}")
            else:
                print(f"matches its page: {path}")
        elif current != text:
            _write_atomically(path, text)
            print(f"wrote {path}")
        else:
            print(f"unchanged {path}")
    return 1 if stale else 0
