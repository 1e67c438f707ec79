"""The packages show the layers, and nothing imports across them the wrong way.

Data flows one way: schemas -> codegen -> generated ``runcomfy`` -> ``runcomfy_runtime``. The
command line and the emulator are handed the registry by the generated package; the runtime
imports none of them. Imports are read with ``ast``, at module level and inside functions,
so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "runcomfy_runtime": {
        "runcomfy",
        "runcomfy_cli",
        "runcomfy_emulator",
        "codegen",
        "jinja2",
        "yaml",
    },
    "runcomfy_cli": {"runcomfy", "codegen", "jinja2", "yaml"},
    "runcomfy_emulator": {"runcomfy", "runcomfy_cli", "codegen", "jinja2", "yaml"},
}


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every import in ``path``, wherever it sits in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    crossings = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in imported_packages(path) & FORBIDDEN[package]
    }
    assert not crossings, sorted(crossings)


def test_the_layer_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from runcomfy._registry import REGISTRY\n    import yaml\n")
    assert imported_packages(sample) == {"runcomfy", "yaml"}


def test_every_shipped_package_is_typed() -> None:
    for package in ("runcomfy_runtime", "runcomfy_cli", "runcomfy_emulator", "generated/runcomfy"):
        assert (ROOT / package / "py.typed").is_file(), package
