"""Stage 5: format the rendered files with the pinned ruff, then write them or compare them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path

from codegen.load import load_file, schema_paths
from codegen.model import EndpointModel, build_endpoint, build_tree
from codegen.render import render_endpoint, render_shared

# The formatter's settings, independent of any config file; ruff's version is pinned in
# pyproject.toml. The templates already emit sorted imports (render.py sorts the names).
RUFF_FORMAT = [
    "format",
    "--quiet",
    "--no-cache",
    "--isolated",
    "--line-length=100",
    "--target-version=py311",
]


def _ruff() -> list[str]:
    return [sys.executable, "-m", "ruff"]


PARALLEL_FROM = 64  # schema files; below this a process pool costs more than it saves


def _endpoint(path: Path, root: Path) -> tuple[EndpointModel, str]:
    """One schema file through load, check, normalise, model and its own module's template."""
    model = build_endpoint(load_file(path, root))
    # The shared files need only names and ids: leave the heavy parts out of the pickle.
    return replace(model, fields=(), schema={}, example=None), render_endpoint(model)


def render(schemas: Path) -> dict[str, str]:
    """The package's files as rendered text (before formatting), from the schema tree.

    Each endpoint is independent of the others, so large trees use every core; the result
    does not depend on how the work was split.
    """
    paths = schema_paths(schemas)
    if not paths:
        raise SystemExit(f"no schema files under {schemas}")
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) >= PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            chunk = max(1, len(paths) // (workers * 4))
            done = list(pool.map(_endpoint, paths, repeat(schemas), chunksize=chunk))
    else:
        done = [_endpoint(p, schemas) for p in paths]
    endpoints = [model for model, _ in done]
    files = render_shared(endpoints, build_tree(endpoints))
    files.update({model.file: text for model, text in done})
    return files


@contextmanager
def formatted(files: dict[str, str], near: Path | None = None) -> Iterator[Path]:
    """The files written to a temporary folder and formatted in one ruff run.

    ``near`` puts the folder on the output's filesystem, so finished files move by rename.
    """
    if near is not None:
        near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".runcomfy-codegen-", dir=near) as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        subprocess.run([*_ruff(), *RUFF_FORMAT, "."], cwd=root, check=True)
        yield root


def build(schemas: Path) -> dict[str, bytes]:
    """The whole generated package, as bytes: what ``check`` compares and tests inspect."""
    files = render(schemas)
    with formatted(files) as root:
        return {rel: (root / rel).read_bytes() for rel in files}


def generate(schemas: Path, out: Path) -> Diff:
    """Bring ``out`` to what the schemas produce, moving only new or changed files into place."""
    files = render(schemas)
    with formatted(files, near=out.parent) as root:
        have = _existing(out)
        missing = sorted(set(files) - have)
        extra = sorted(have - set(files))
        changed = sorted(
            rel
            for rel in set(files) & have
            if (root / rel).read_bytes() != (out / rel).read_bytes()
        )
        for rel in missing + changed:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / rel, out / rel)
    _remove(out, extra)
    return Diff(missing, extra, changed)


def _existing(out: Path) -> set[str]:
    if not out.exists():
        return set()
    return {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _remove(out: Path, stale: list[str]) -> None:
    for rel in stale:
        (out / rel).unlink()
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if folder.name != "__pycache__" and not any(folder.iterdir()):
            folder.rmdir()


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
    _remove(out, diff.extra)
    return diff
