"""The reserved names (``runcomfy_runtime.reserved``) are the classes' public attributes: a
name added to a client or endpoint class without reserving it fails here, before a generated
namespace or child id can hide it."""

from __future__ import annotations

import ast
from pathlib import Path

from runcomfy_runtime import reserved
from runcomfy_runtime.client import AsyncClient, Client
from runcomfy_runtime.endpoint import AsyncEndpoint, SyncEndpoint

ANNOUNCED = {"map", "estimate"}  # issue 21 adds them: reserved before they exist


def public(*classes: type) -> set[str]:
    return {
        name
        for cls in classes
        for klass in cls.__mro__
        if klass is not object
        for name in (*vars(klass), *vars(klass).get("__annotations__", {}))
        if not name.startswith("_")
    }


def test_the_client_names_reserved_are_the_clients_public_attributes() -> None:
    found = public(Client, AsyncClient)
    assert found <= reserved.CLIENT_ATTRIBUTES, found - reserved.CLIENT_ATTRIBUTES
    assert reserved.CLIENT_ATTRIBUTES - found <= ANNOUNCED


def test_the_endpoint_names_reserved_are_the_endpoints_public_attributes() -> None:
    found = public(SyncEndpoint, AsyncEndpoint) | {"submit", "run"}  # every generated class
    assert found <= reserved.ENDPOINT_ATTRIBUTES, found - reserved.ENDPOINT_ATTRIBUTES
    assert reserved.ENDPOINT_ATTRIBUTES - found <= ANNOUNCED


def test_the_reserved_names_module_imports_nothing_of_the_package() -> None:
    tree = ast.parse(Path(reserved.__file__).read_text(encoding="utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported == ["__future__"], imported


def test_the_schema_engine_names_things_without_importing_the_http_client() -> None:
    import subprocess
    import sys

    code = (
        "import sys, runcomfy_runtime.schema.names, runcomfy_runtime.schema.compile;"
        "print('runcomfy_runtime.client' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stdout + done.stderr
