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

from runcomfy_codegen.errors import SchemaFileError, SchemaFilesError
from runcomfy_codegen.layout import Place, layout
from runcomfy_codegen.load import fast_check, load_file, schema_paths
from runcomfy_codegen.model import EndpointModel, build_endpoint
from runcomfy_codegen.render import environment, render_endpoint, render_shared
from runcomfy_codegen.target import Package, TargetError, generated_file, owned
from runcomfy_runtime.errors import SchemaProblem

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


def _put(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _endpoint(
    path: Path, root: Path, folder: Path, package: str, place: Place | None
) -> EndpointModel | SchemaFileError:
    """One schema file through load, check, normalise, model and template, written to
    ``folder`` at its ``place`` (None: its id was refused by the layout, whose problems are
    reported; the file is still built so that none of its own problems is hidden); what comes
    back is only what the shared files need (names and ids), or every problem of the file."""
    try:
        model = build_endpoint(load_file(path, root), package, place)
    except SchemaFileError as e:
        return e
    if place is not None:
        _put(folder, model.file, render_endpoint(model))
    return replace(model, fields=(), schema={}, example=None, typed_dicts=(), input_type=None)


def model_id_of(path: Path, root: Path) -> str:
    """The id a schema file must hold: its path under the schemas root (``load`` checks it)."""
    return path.relative_to(root).as_posix().removesuffix(".yaml")


def warm_up() -> None:
    """Compile the meta-schema check and the endpoint template once, before work is split."""
    fast_check()
    environment().get_template("endpoint.py.jinja")


def _render_into(schemas: Path, folder: Path, package: Package) -> list[str]:
    """Every file of ``package`` rendered into ``folder``; returns their relative paths.

    Endpoints are independent of each other, so a large tree uses every core, each worker
    writing its own files; the result does not depend on how the work was split.
    """
    paths = schema_paths(schemas)
    if not paths:
        raise SystemExit(
            f"no schema files under {schemas}: nothing to generate (add models with "
            "`runcomfy-codegen sync` or `runcomfy-codegen import`)"
        )
    ids = [model_id_of(p, schemas) for p in paths]
    tree = layout(ids, package.name)  # every module, class and child, from the ids alone
    places = [tree.places.get(i) if i not in tree.problems else None for i in ids]
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) >= PARALLEL_FROM and workers > 1:
        warm_up()  # forked workers inherit the compiled template and meta-schema
        with ProcessPoolExecutor(workers) as pool:
            chunk = max(1, len(paths) // (workers * 4))
            jobs = pool.map(
                _endpoint,
                paths,
                repeat(schemas),
                repeat(folder),
                repeat(package.name),
                places,
                chunksize=chunk,
            )
            built = list(jobs)
    else:
        built = [
            _endpoint(p, schemas, folder, package.name, place)
            for p, place in zip(paths, places, strict=True)
        ]
    refused = _with_layout_problems(built, ids, tree.problems)
    if refused:
        raise SchemaFilesError(refused)
    endpoints = [e for e in built if isinstance(e, EndpointModel)]
    shared = render_shared(endpoints, tree.root, package)
    for rel, text in shared.items():
        _put(folder, rel, text)
    return sorted([*shared, *(ep.file for ep in endpoints)])


def _with_layout_problems(
    built: list[EndpointModel | SchemaFileError],
    ids: list[str],
    problems: dict[str, list[SchemaProblem]],
) -> list[SchemaFileError]:
    """Every refused file: its own problems and those of its id in the tree, together."""
    refused = []
    for model_id, outcome in zip(ids, built, strict=True):
        own = list(outcome.problems) if isinstance(outcome, SchemaFileError) else []
        placed = problems.get(model_id, [])
        if own or placed:
            name = outcome.file if isinstance(outcome, SchemaFileError) else f"{model_id}.yaml"
            unique = list(dict.fromkeys([*placed, *own]))  # a bad id: said by both
            refused.append(SchemaFileError(name, problems=unique))
    return refused


@contextmanager
def produced(
    schemas: Path, package: Package, near: Path | None = None
) -> Iterator[tuple[Path, list[str]]]:
    """``package`` rendered into a temporary folder and formatted in one ruff run: yields the
    folder and the files' relative paths. ``near`` puts the folder on the output's
    filesystem, so finished files move into place by rename."""
    if near is not None:
        near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        prefix=".runcomfy-codegen-", dir=near, ignore_cleanup_errors=True
    ) as tmp:
        folder = Path(tmp)
        files = _render_into(schemas, folder, package)
        subprocess.run([*_ruff(), *RUFF_FORMAT, "."], cwd=folder, check=True)
        yield folder, files


def build(schemas: Path, package: Package) -> dict[str, bytes]:
    """The whole generated package, as bytes: what ``check`` compares and tests inspect."""
    with produced(schemas, package) as (folder, files):
        return {rel: (folder / rel).read_bytes() for rel in files}


def generate(schemas: Path, out: Path, package: Package) -> Diff:
    """Bring ``out`` to what the schemas produce, moving only new or changed files into place.
    A file the generator did not write is never removed: it stops generation, before
    anything is written (:class:`~runcomfy_codegen.target.TargetError`)."""
    with produced(schemas, package, near=out.parent) as (folder, files):
        if not out.exists():  # a first generation: the whole folder moves in one rename
            os.replace(folder, out)
            return Diff(files, [], [])
        have = _existing(out, schemas)
        missing = sorted(set(files) - have)
        extra = sorted(have - set(files))
        foreign = [rel for rel in extra if not generated_file(out / rel)]
        if foreign:
            raise TargetError(f"{out} holds files runcomfy-codegen did not write: {foreign}")
        changed = sorted(
            rel
            for rel in set(files) & have
            if (folder / rel).read_bytes() != (out / rel).read_bytes()
        )
        for rel in missing + changed:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder / rel, out / rel)
    _remove(out, extra, schemas)
    return Diff(missing, extra, changed)


def _existing(out: Path, schemas: Path | None) -> set[str]:
    """The files of ``out`` that are the generator's (``target.owned``): its schema files,
    bytecode caches and hidden files are not."""
    if not out.exists():
        return set()
    folder = out.resolve()
    inside = schemas.resolve() if schemas is not None else None
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and owned(p, folder, inside)
    }


def _remove(out: Path, stale: list[str], schemas: Path | None = None) -> None:
    """Remove ``stale`` files, then the generator's folders they left empty."""
    for rel in stale:
        (out / rel).unlink()
    root = out.resolve()
    inside = schemas.resolve() if schemas is not None else None
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if owned(folder, root, inside) and not any(folder.iterdir()):
            folder.rmdir()


def _on_disk(out: Path, schemas: Path | None) -> dict[str, bytes]:
    if not out.exists():
        return {}
    return {rel: (out / rel).read_bytes() for rel in sorted(_existing(out, schemas))}


@dataclass(frozen=True)
class Diff:
    missing: list[str]
    extra: list[str]
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)


def compare(wanted: dict[str, bytes], out: Path, schemas: Path | None = None) -> Diff:
    """What differs between ``wanted`` and the generator's files in ``out`` (``schemas``, when
    it lies inside ``out``, is not part of the package)."""
    have = _on_disk(out, schemas)
    return Diff(
        missing=sorted(set(wanted) - set(have)),
        extra=sorted(set(have) - set(wanted)),
        changed=sorted(k for k in set(wanted) & set(have) if wanted[k] != have[k]),
    )


def write(wanted: dict[str, bytes], out: Path, schemas: Path | None = None) -> Diff:
    """Bring ``out`` to exactly ``wanted``: write what differs, remove what is stale."""
    diff = compare(wanted, out, schemas)
    for rel in diff.missing + diff.changed:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(wanted[rel])
    _remove(out, diff.extra, schemas)
    return diff
