"""A project's own defaults for ``--into``, ``--schemas`` and ``--distribution``: the table
``[tool.runcomfy-codegen]`` of ``pyproject.toml`` in the folder the command runs in.

Written once, they make every command of the generator short (``runcomfy-codegen sync``,
``runcomfy-codegen import PAGE.txt``, ``generate``, ``check``), in a user's project as in this
repository. Only that one file is read (no search upwards: what a command does never depends
on a folder above the one it was run in); paths in it are relative to its folder; options on
the command line win; a key or a value the generator does not know is an error, never ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLE = "runcomfy-codegen"
FILE = "pyproject.toml"


class ProjectError(Exception):
    """``pyproject.toml`` cannot be read, or its table says something the generator does not
    know."""


@dataclass(frozen=True)
class Defaults:
    into: Path | None = None
    schemas: Path | None = None
    distribution: bool = False


_KEYS = {"into": str, "schemas": str, "distribution": bool}


def defaults(folder: Path) -> Defaults:
    """The table's values in ``folder/pyproject.toml``; none when the file or table is absent."""
    path = folder / FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Defaults()
    except (OSError, UnicodeDecodeError) as e:
        raise ProjectError(f"{path}: cannot be read ({e})") from None
    try:
        table: Any = tomllib.loads(text).get("tool", {}).get(TABLE, {})
    except tomllib.TOMLDecodeError as e:
        raise ProjectError(f"{path}: not TOML ({e})") from None
    if not isinstance(table, dict):
        raise ProjectError(f"{path}: [tool.{TABLE}] must be a table")
    for key, value in table.items():
        kind = _KEYS.get(key)
        if kind is None:
            known = ", ".join(sorted(_KEYS))
            raise ProjectError(f"{path}: [tool.{TABLE}] has no key {key!r} (known: {known})")
        if not isinstance(value, kind):
            raise ProjectError(f"{path}: [tool.{TABLE}] {key} must be a {kind.__name__}")

    def where(key: str) -> Path | None:
        return folder / table[key] if key in table else None

    return Defaults(
        into=where("into"),
        schemas=where("schemas"),
        distribution=bool(table.get("distribution", False)),
    )
