"""``python -m codegen import``: pages -> schema files, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from codegen.importer import dump_schema_file, parse_page, schema_path
from codegen.load import check_doc


def _read(page: str) -> tuple[str, str]:
    if page == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(page)
    return path.read_text(encoding="utf-8-sig"), path.name


def run_import(pages: list[str], schemas: Path, *, dry_run: bool, check: bool) -> int:
    """Parse every page first; only when all of them read cleanly is anything written."""
    outputs: dict[Path, str] = {}
    for page in pages:
        text, source = _read(page)
        doc = parse_page(text, source)
        check_doc(f"{doc['id']}.yaml", doc)
        outputs[schema_path(schemas, doc["id"])] = dump_schema_file(doc)
    stale = 0
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if dry_run:
            sys.stdout.write(text)
        elif check:
            if current != text:
                stale += 1
                print(f"differs from its page: {path}")
        elif current != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path}")
        else:
            print(f"unchanged {path}")
    return 1 if stale else 0
