"""Stage 5: format the rendered files with the pinned ruff, then write them or compare them."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codegen.load import load_tree
from codegen.model import build_endpoint, build_tree
from codegen.render import render_package

# The formatter's settings, independent of any config file; ruff's version is pinned in
# pyproject.toml. The templates already emit sorted imports (render.py sorts the names).
RUFF_FORMAT = ["format", "--quiet", "--isolated", "--line-length=100", "--target-version=py311"]


def _ruff() -> list[str]:
    return [sys.executable, "-m", "ruff"]


def format_files(files: dict[str, str]) -> dict[str, bytes]:
    """Format every ``.py`` file in one ruff run; the same text in gives the same bytes out."""
    with tempfile.TemporaryDirectory(prefix="runcomfy-codegen-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        subprocess.run([*_ruff(), *RUFF_FORMAT, "."], cwd=root, check=True)
        return {rel: (root / rel).read_bytes() for rel in files}


def build(schemas: Path) -> dict[str, bytes]:
    """The whole generated package, as bytes, from the schema tree."""
    endpoints = [build_endpoint(f) for f in load_tree(schemas)]
    if not endpoints:
        raise SystemExit(f"no schema files under {schemas}")
    return format_files(render_package(endpoints, build_tree(endpoints)))


def _on_disk(out: Path) -> dict[str, bytes]:
    if not out.exists():
        return {}
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@dataclass(frozen=True)
class Diff:
    missing: list[str]
    extra: list[str]
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)


def compare(wanted: dict[str, bytes], out: Path) -> Diff:
    have = _on_disk(out)
    return Diff(
        missing=sorted(set(wanted) - set(have)),
        extra=sorted(set(have) - set(wanted)),
        changed=sorted(k for k in set(wanted) & set(have) if wanted[k] != have[k]),
    )


def write(wanted: dict[str, bytes], out: Path) -> Diff:
    """Bring ``out`` to exactly ``wanted``: write what differs, remove what is stale."""
    diff = compare(wanted, out)
    for rel in diff.missing + diff.changed:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(wanted[rel])
    for rel in diff.extra:
        (out / rel).unlink()
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if folder.name != "__pycache__" and not any(folder.iterdir()):
            folder.rmdir()
    return diff
