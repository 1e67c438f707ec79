"""The packages show the layers, and nothing imports across them the wrong way.

Data flows one way: schemas -> the generator (``runcomfy_codegen``) -> generated ``runcomfy``
-> ``runcomfy_runtime``. The command line and the emulator are handed the registry by the
generated package; the runtime imports none of them, nor does the generated package import
the generator (the generator may import the runtime). Imports are read with ``ast``, at module
level and inside functions, so a lazy import cannot hide a cycle.
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
        "runcomfy_codegen",
        "jinja2",
        "yaml",
    },
    "runcomfy_cli": {"runcomfy", "runcomfy_codegen", "jinja2", "yaml"},
    "runcomfy_emulator": {"runcomfy", "runcomfy_cli", "runcomfy_codegen", "jinja2", "yaml"},
    "generated/runcomfy": {"runcomfy_codegen", "jinja2", "yaml"},
    "runcomfy_codegen": {"runcomfy", "runcomfy_cli", "runcomfy_emulator"},
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
    for package in (
        "runcomfy_runtime",
        "runcomfy_cli",
        "runcomfy_emulator",
        "runcomfy_codegen",
        "generated/runcomfy",
    ):
        assert (ROOT / package / "py.typed").is_file(), package


# -- no circle inside a package --------------------------------------------------------------------

PACKAGES = ("runcomfy_runtime", "runcomfy_cli", "runcomfy_emulator", "runcomfy_codegen")
KNOWN_EDGES: dict[tuple[str, str], str] = {}
"""Imports left out of the circle check for now, each with why and what ends it."""


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _under_type_checking(tree: ast.AST) -> set[int]:
    """The ids of nodes inside ``if TYPE_CHECKING:`` blocks: imports for the type checker only,
    which never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(sub) for sub in ast.walk(child))
    return skipped


def runtime_imports(path: Path, modules: set[str], root: Path) -> set[str]:
    """The modules of ``modules`` that ``path`` imports when it runs: at module level, inside
    functions, or named to ``LazyModule`` (a module loaded at first use is imported too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped = _under_type_checking(tree)
    here = _module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "LazyModule"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        found.update(name for name in names if name in modules and name != here)
    return found


def circles(package: str, root: Path = ROOT) -> list[frozenset[str]]:
    """Every set of modules of ``package`` that import each other round (Tarjan's strongly
    connected components of more than one module), :data:`KNOWN_EDGES` left out."""
    files = {_module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    graph = {
        name: {
            to for to in runtime_imports(path, set(files), root) if (name, to) not in KNOWN_EDGES
        }
        for name, path in files.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_no_circle_of_imports_inside_a_package(package: str) -> None:
    found = [sorted(c) for c in circles(package)]
    assert not found, found


def test_the_circle_check_sees_a_circle_made_by_any_kind_of_import(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from pkg import b\n")  # inside a function
    (pkg / "b.py").write_text("from .c import x\n")  # relative
    (pkg / "c.py").write_text("x = LazyModule('pkg.a')\n")  # loaded at first use
    (pkg / "d.py").write_text("if TYPE_CHECKING:\n    import pkg.a\nimport pkg.b\n")
    assert circles("pkg", tmp_path) == [frozenset({"pkg.a", "pkg.b", "pkg.c"})]
