"""A generated package as tests meet it: built from schema files in a temporary folder, then
every module imported in a fresh interpreter (``python -c`` with ``PYTHONPATH`` set), which
reports what each endpoint module holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from runcomfy_codegen.emit import build
from runcomfy_codegen.target import RUNCOMFY, Package

ROOT = Path(__file__).resolve().parent.parent


def build_into(schemas: Path, package: Path) -> Path:
    """``generate`` of ``schemas`` into ``package``, named after its folder (``runcomfy``: the
    distribution's own package, with its command line)."""
    for rel, data in build(schemas, Package(package.name, package.name == RUNCOMFY.name)).items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_bytes(data)
    return package


def child_env(package: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(package.parent), str(ROOT)])}


IMPORT_ALL = textwrap.dedent("""
    import dataclasses, importlib, json, sys
    from pathlib import Path

    package = Path(sys.argv[1])
    seen = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        module = importlib.import_module(name)
        spec = getattr(module, "SPEC", None)
        if spec is None:
            continue
        output = next(v for k, v in vars(module).items() if k.endswith("Output"))
        endpoint = next(
            v for k, v in vars(module).items()
            if isinstance(v, type) and k not in ("SyncEndpoint", "AsyncEndpoint")
            and getattr(v, "spec", None) is spec and not k.startswith("Async")
        )
        seen[spec.model_id] = {
            "module_doc": module.__doc__,
            "input_schema": spec.input_schema,
            "example": spec.example,
            "summary": spec.summary,
            "wires": [f.wire_name for f in spec.fields],
            "messages": [r.message for f in spec.fields for r in f.rules],
            "outputs": [f.metadata.get("wire", f.name) for f in dataclasses.fields(output)
                        if f.name not in ("urls", "raw")],
            "class_doc": endpoint.__doc__,
            "submit_doc": endpoint.submit.__doc__,
        }
    print(json.dumps(seen))
""")


def import_every_module(package: Path, marker: Path | None = None) -> dict[str, Any]:
    """Import every module of ``package`` in a fresh interpreter; nothing may have run (the
    ``marker`` file a payload would create must not exist)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, str(package)],
        capture_output=True,
        text=True,
        env=child_env(package),
        cwd=package.parent,
        timeout=120,
    )
    assert marker is None or not marker.exists(), "a payload ran at import"
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen
